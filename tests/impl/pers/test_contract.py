"""The contract run (every Schemathesis phase and check, plus CRUD checks) finds nothing."""

from __future__ import annotations

import pytest

from contractkit.contract import run_contract
from tests.impl.contract_report import describe

pytestmark = pytest.mark.slow


def test_pers_implementation_honours_its_contract(app, specs_root, acme_jwt) -> None:  # type: ignore[no-untyped-def]
    """Run with the JWT: with a project key only, Schemathesis' ``ignored_auth`` probe fills the
    first alternative's ``Authorization`` header with a made-up value and then counts the
    success the (valid) project key earns as ignored authentication."""
    result = run_contract(
        specs_root / "pers",
        app=app,
        app_base_path="/pers/v2",
        headers=acme_jwt,
        seed=20261124,
        max_examples=15,
    )
    assert result.ok, describe(result)
    observed = {c.operation: c.observed for c in result.coverage}
    assert {200, 400, 401} <= set(observed["POST /files/entity-storage-url"]), observed
    assert 403 in observed["GET /files/storage/{key}"], observed
    assert 403 in observed["PUT /files/storage/{key}"], observed
