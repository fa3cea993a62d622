"""The contract run (every Schemathesis phase and check, plus CRUD checks) finds nothing."""

from __future__ import annotations

import pytest

from contract_tests import run_contract
from impl.peerly.models import Role

pytestmark = pytest.mark.slow


def describe(result) -> str:  # type: ignore[no-untyped-def]
    lines = [f"{f.operation} [{f.check}] {f.title}: {f.message}\n  {f.curl}" for f in result.findings]
    lines += [f"error {e.title}: {e.message}" for e in result.errors]
    return "\n".join(lines)


def test_peerly_implementation_honours_its_contract(app, person, specs_root) -> None:
    admin = person("admin@example.com", Role.ADMIN)
    for email in ("ann@example.com", "ben@example.com", "cat@example.com"):
        person(email)
    result = run_contract(
        specs_root / "peerly",
        app=app,
        app_base_path="/peerly",
        headers=admin.headers,
        seed=20261123,
        max_examples=15,
    )
    assert result.ok, describe(result)
    exercised = {c.operation for c in result.coverage if c.observed}
    assert len(exercised) == 17, sorted(exercised)
