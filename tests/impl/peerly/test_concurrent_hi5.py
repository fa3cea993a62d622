"""A hi5 given twice at the same moment, on PostgreSQL: the second is told 409, never 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from contractkit.impl.peerly.models import Hi5, User
from contractkit.impl.peerly.services import recognitions
from tests.impl.peerly.conftest import PersonFactory
from tests.impl.peerly.test_recognitions import core_value_id, recognise  # noqa: F401
from tests.impl.postgres import (  # noqa: F401 (fixtures)
    base_env,
    cluster_url,
    wait_for_a_lock_wait,
)


def _give_hi5(database: Database, fan_id: int, recognition_id: int) -> int:
    with database.transaction() as session:
        recognitions.give_hi5(session, session.get(User, fan_id), recognition_id, None)
    return 201


async def test_a_concurrent_duplicate_hi5_is_a_conflict(
    client: httpx.AsyncClient,
    person: PersonFactory,
    database: Database,
    cluster_url: str,  # noqa: F811
    core_value_id: int,  # noqa: F811
) -> None:
    giver, receiver = person("giver@example.com"), person("receiver@example.com")
    fan = person("fan@example.com")
    recognition = await recognise(client, giver, receiver, core_value_id)
    recognition_id = recognition.json()["data"]["id"]
    with database.transaction() as session:
        balance = session.get(User, fan.id).hi5_quota_balance

    with ThreadPoolExecutor(1) as pool:
        with database.transaction() as session:
            recognitions.give_hi5(session, session.get(User, fan.id), recognition_id, None)
            # The second request has seen no hi5 yet and now waits on the first one's row.
            second = pool.submit(_give_hi5, database, fan.id, recognition_id)
            wait_for_a_lock_wait(cluster_url)
        with pytest.raises(ApiError) as refused:
            second.result(timeout=60)
    assert (refused.value.status, refused.value.code) == (409, "conflict")

    with database.transaction() as session:
        assert session.query(Hi5).filter_by(recognition_id=recognition_id).count() == 1
        assert session.get(User, fan.id).hi5_quota_balance == balance - 1
