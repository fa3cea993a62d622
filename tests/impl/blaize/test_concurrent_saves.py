"""Saves of one product at the same moment, on PostgreSQL: each succeeds in turn, never 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from contractkit.impl.blaize.catalogue.models import CatalogueLink, Product
from contractkit.impl.blaize.catalogue.sold_products import store_product
from contractkit.impl.db import Database
from tests.impl.blaize.conftest import Admin
from tests.impl.blaize.test_catalogue import ONE_OFF, add_product
from tests.impl.postgres import (  # noqa: F401 (fixtures)
    base_env,
    cluster_url,
    wait_for_a_lock_wait,
)


def _save(database: Database, tenant: str, product_id: str, body: dict[str, Any]) -> bool:
    with database.transaction() as session:
        return store_product(session, tenant, product_id, body)[1]


@pytest.mark.parametrize("exists", [False, True], ids=["created", "replaced"])
async def test_concurrent_saves_of_one_product_both_succeed(
    client: httpx.AsyncClient,
    admin: Admin,
    database: Database,
    cluster_url: str,  # noqa: F811
    exists: bool,
) -> None:
    await add_product(client, admin, "bundle", "gold", includes={"entitlements": []})
    body = {"entitlement": {"id": "gold", "type": "bundle"}, "mapping": ONE_OFF}
    if exists:
        saved = await client.put("/v3/products/month", json=body, headers=admin.headers)
        assert saved.status_code == 201, saved.text

    with ThreadPoolExecutor(1) as pool:
        with database.transaction() as session:
            first_created = store_product(session, admin.tenant, "month", body)[1]
            # The second save of the same product now waits for the first to commit.
            second = pool.submit(_save, database, admin.tenant, "month", {**body, "label": "M"})
            wait_for_a_lock_wait(cluster_url)
        second_created = second.result(timeout=60)
    assert (first_created, second_created) == (not exists, False)

    with database.transaction() as session:
        assert session.get(Product, (admin.tenant, "month")).label == "M"
        links = session.scalars(
            select(CatalogueLink.item_id).where(CatalogueLink.owner_id == "month")
        ).all()
    assert links == ["gold"]
