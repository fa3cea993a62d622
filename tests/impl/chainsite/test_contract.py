"""The contract run (every Schemathesis phase and check, plus CRUD checks) finds nothing."""

from __future__ import annotations

import pytest

from contractkit.contract import run_contract
from contractkit.impl.app import create_app
from contractkit.impl.config import load_settings
from tests.impl.chainsite.conftest import User
from tests.impl.contract_report import describe

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_chainsite_implementation_honours_its_contract(  # type: ignore[no-untyped-def]
    request, database, alice: User, specs_root, backend: str
) -> None:
    if backend == "local":
        app = request.getfixturevalue("app")
    else:
        env, _ = request.getfixturevalue("s3_env")
        app = create_app(["chainsite"], settings=load_settings(env), database=database)
    result = run_contract(
        specs_root / "chainsite",
        app=app,
        app_base_path="/chainsite",
        headers=alice.headers,
        seed=20261124,
        max_examples=15,
    )
    assert result.ok, describe(result)
    observed = {c.operation: c.observed for c in result.coverage}
    for operation in (
        "POST /v1/upload",
        "POST /v1/upload/private",
        "GET /v1/upload",
        "GET /v1/upload/{id}",
        "GET /v1/upload/url/{id}",
    ):
        assert 200 in observed[operation], (operation, observed)
    assert {400, 401} <= set(observed["GET /v1/upload/{id}"]), observed
