"""The runner on an enveloped API: every fault of `recognitions` found, the correct server clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract_tests.fault_runs import SCHEMATHESIS_PHASES, ours, run_cli
from tests.contract_tests.fixtures.recognitions import FAULTS, SPEC_PATH, TOKEN, Fault, build_app

AUTH = ["-H", f"Authorization: Bearer {TOKEN}"]
OUR_FAULTS = [fault for fault in Fault if ours(FAULTS[fault])]
SCHEMATHESIS_FAULTS = [fault for fault in Fault if not ours(FAULTS[fault])]
# The one Schemathesis phase that meets each fault soonest (the coverage phase tries boundary
# values and undocumented methods; fuzzing is cheaper for the rest).
PHASE = {Fault.SERVER_ERROR: "coverage", Fault.UNSUPPORTED_METHOD: "coverage"}


def test_correct_server_passes_every_phase_and_check(tmp_path: Path) -> None:
    outcome = run_cli(
        SPEC_PATH, build_app(), tmp_path, phases=[*SCHEMATHESIS_PHASES, "crud"], options=AUTH
    )

    assert outcome.describe() == []
    assert outcome.notes == []
    assert outcome.exit_code == 0


@pytest.mark.parametrize("fault", OUR_FAULTS, ids=str)
def test_our_checks_find_fault(fault: Fault, tmp_path: Path) -> None:
    outcome = run_cli(SPEC_PATH, build_app(fault), tmp_path, phases=["crud"], options=AUTH)

    assert outcome.checks & FAULTS[fault].found_by, outcome.describe()
    assert outcome.exit_code == 1
    finding = next(f for f in outcome.findings if f["check"] in FAULTS[fault].found_by)
    assert finding["curl"].startswith("curl ") and "/v1/recognitions" in finding["curl"]


@pytest.mark.parametrize("fault", SCHEMATHESIS_FAULTS, ids=str)
def test_schemathesis_phases_find_fault(fault: Fault, tmp_path: Path) -> None:
    phase = PHASE.get(fault, "fuzzing")
    outcome = run_cli(SPEC_PATH, build_app(fault), tmp_path, phases=[phase], options=AUTH)

    assert outcome.checks & FAULTS[fault].found_by, outcome.describe()
    assert outcome.exit_code == 1
