"""The contract run (every Schemathesis phase and check, plus CRUD checks) finds nothing."""

from __future__ import annotations

import pytest

from contractkit.contract import LoginFlow, run_contract
from contractkit.impl.peerly.models import Role
from tests.impl.contract_report import describe

pytestmark = pytest.mark.slow


def test_peerly_implementation_honours_its_contract(app, person, idp, specs_root) -> None:
    """Logged in the way clients are (Google token exchange), again after each logout."""
    person("admin@example.com", Role.ADMIN)
    for email in ("ann@example.com", "ben@example.com", "cat@example.com"):
        person(email)
    idp.grant("contract-run", "admin@example.com")
    login = LoginFlow(
        path="/oauth/google", json_body={"access_token": "contract-run"}, token="/data/token"
    )
    result = run_contract(
        specs_root / "peerly",
        app=app,
        app_base_path="/peerly",
        login=login,
        seed=20261123,
        max_examples=15,
    )
    assert result.ok, describe(result)
    observed = {c.operation: c.observed for c in result.coverage}
    assert len([op for op, statuses in observed.items() if statuses]) == 17, observed
    for operation in (
        "GET /users/me",
        "POST /core_values",
        "PUT /core_values/{id}",
        "POST /logout",
    ):
        assert any(200 <= status < 300 for status in observed[operation]), (operation, observed)
