"""The contract run (every Schemathesis phase and check, plus CRUD checks) finds nothing.

Only the module documents the implementation serves are run; the others are not routed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.contract import LoginFlow, run_contract
from contractkit.impl.blaize import SERVED_DOCUMENTS
from tests.impl.blaize.conftest import PASSWORD, AdminFactory
from tests.impl.contract_report import describe

pytestmark = pytest.mark.slow


@pytest.fixture
def blaize_env(blaize_env: dict[str, str]) -> dict[str, str]:
    """Failed logins are part of the run (every phase sends wrong passwords), and the runner
    logs in again after each logout from the same address: the login throttle is set wide
    enough for a whole run (it is tested on its own in ``test_login_throttle``). The seed's
    webhook examples target ``http://localhost:9999``, which only an operator's
    ``BLAIZE_WEBHOOK_ALLOW_PRIVATE`` lets through (``test_webhook_targets``)."""
    return {
        **blaize_env,
        "BLAIZE_WEBHOOK_ALLOW_PRIVATE": "1",
        "BLAIZE_LOGIN_MAX_FAILURES": "100000",
        "BLAIZE_LOGIN_ADDRESS_MAX_FAILURES": "100000",
    }


def contract_documents(specs_root: Path) -> list[Path]:
    """The served documents in serving order, with ``decision_engine`` also run once just
    before ``request_rules``.

    The fuzzing of ``PUT /v3/request-rules`` stores rules with arbitrary scripts: with this
    seed a rule is replaced by one without conditions (so it applies to every request) whose
    ``requirements_script`` is ``path``, which throws a ReferenceError. As documented, every
    later decision then ends in 409 ``script_error``, so after the rules document
    ``POST /v3/decision-engine`` can never answer 200. Deciding is therefore also run on the
    tenant before the run has stored any rule (its 200 is asserted below), and still after
    the rules document (the answers to the rules the run stored are checked against the
    document as before). Decisions by working rules are tested in ``test_decision_engine``
    and ``test_paywall_scenarios``.
    """
    stems = list(SERVED_DOCUMENTS)
    stems.insert(stems.index("request_rules"), "decision_engine")
    return [specs_root / "blaize" / f"{stem}.yaml" for stem in stems]


def test_blaize_implementation_honours_its_contract(
    app, admin_factory: AdminFactory, specs_root
) -> None:  # type: ignore[no-untyped-def]
    """Logged in the way clients are (admin login), again after each logout."""
    admin = admin_factory("contract@example.com")
    login = LoginFlow(
        path="/v3/admin/login",
        json_body={
            "identifiers": {"email_address": admin.email},
            "validators": {"password": PASSWORD},
        },
        token="/session_id",
        header="blaize-admin-session",
        template="{token}",
    )
    documents = contract_documents(specs_root)
    result = run_contract(
        documents,
        app=app,
        app_base_path="/blaize",
        login=login,
        seed=20261123,
        max_examples=5,
    )
    assert result.ok, describe(result)
    observed: dict[str, set[int]] = {}
    for entry in result.coverage:
        observed.setdefault(entry.operation, set()).update(entry.observed)
    for operation in (
        "POST /v3/admin/users",
        "POST /v3/admin/login",
        "POST /v3/admin/roles",
        "GET /v3/admin/roles/{role_id}",
        "POST /v3/admin/users/{user_id}/keypairs",
        "GET /v3/configuration",
        "POST /v3/companies",
        "PUT /v3/companies/{id}",
        "POST /v3/accounts",
        "GET /v3/accounts/{id}",
        "POST /v3/users",
        "GET /v3/users/{user_id}",
        "PATCH /v3/users/{user_id}/attributes",
        "PUT /v3/schema/users/{slug}",
        "POST /v4/anonymous-sessions/{site}",
        "GET /v4/sessions/{site}/{id}",
        "DELETE /v4/sessions/{site}/{id}",
        "GET /v3/user-export",
        "POST /v4/admin/graphql",
        "PUT /v3/request-rules",
        "GET /v3/request-rules/{id}",
        "POST /v3/decision-engine",
    ):
        assert any(200 <= status < 300 for status in observed[operation]), (
            operation,
            observed[operation],
        )
