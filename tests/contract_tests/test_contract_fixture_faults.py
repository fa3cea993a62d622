"""The runner finds every fault of the fixture servers and nothing on the correct one."""

from __future__ import annotations

import pytest
from contract_tests_fixture_servers import FAULTS, TOKEN, Fault, build_app, load_spec

from contractkit.contract import run_contract
from contractkit.contract.checks.crud import CRUD_CHECKS

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED = 7
MAX_EXAMPLES = 10
CRUD_FAULTS = [fault for fault in Fault if FAULTS[fault].found_by & set(CRUD_CHECKS)]
SCHEMA_FAULTS = [fault for fault in Fault if fault not in CRUD_FAULTS]


def test_correct_server_passes_every_phase_and_check() -> None:
    result = run_contract(
        load_spec(), app=build_app(), headers=AUTH, seed=SEED, max_examples=MAX_EXAMPLES
    )

    assert result.findings == []
    assert result.errors == []
    assert result.notes == []
    assert result.exit_code == 0
    assert all(not entry.missing for entry in result.coverage)


@pytest.mark.parametrize("fault", SCHEMA_FAULTS, ids=str)
def test_schemathesis_phases_find_fault(fault: Fault) -> None:
    result = run_contract(
        load_spec(), app=build_app(fault), headers=AUTH, seed=SEED, max_examples=MAX_EXAMPLES
    )

    assert result.checks_failed() & FAULTS[fault].found_by, result.checks_failed()
    assert result.exit_code == 1


@pytest.mark.parametrize("fault", CRUD_FAULTS, ids=str)
def test_crud_checks_find_fault(fault: Fault) -> None:
    result = run_contract(
        load_spec(), app=build_app(fault), headers=AUTH, seed=SEED, phases=["crud"]
    )

    assert result.checks_failed() == FAULTS[fault].found_by & set(CRUD_CHECKS)
    assert result.notes == []
    finding = result.findings[0]
    assert finding.curl.startswith("curl ")
    assert "/api/items" in finding.curl


def test_crud_checks_find_nothing_on_the_correct_server() -> None:
    result = run_contract(load_spec(), app=build_app(), headers=AUTH, seed=SEED, phases=["crud"])

    assert result.findings == []
    assert result.notes == []


def test_a_full_run_reports_crud_faults_too() -> None:
    fault = Fault.UPDATE_NOT_PERSISTED
    result = run_contract(
        load_spec(), app=build_app(fault), headers=AUTH, seed=SEED, max_examples=MAX_EXAMPLES
    )

    assert "crud_update_read" in result.checks_failed()
