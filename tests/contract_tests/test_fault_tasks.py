"""The runner on a multi-user API: every fault of `tasks` found, the correct server clean.

The runs act as alice (the default identity) and bob (`--identity`), so that the
authorization checks can try alice's tasks as bob.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract_tests.fault_runs import SCHEMATHESIS_PHASES, ours, run_cli
from tests.contract_tests.fixtures.tasks import (
    FAULTS,
    SPEC_PATH,
    Fault,
    build_app,
    identity_options,
)

IDENTITIES = [option for text in identity_options() for option in ("--identity", text)]
OUR_FAULTS = [fault for fault in Fault if ours(FAULTS[fault])]
SCHEMATHESIS_FAULTS = [fault for fault in Fault if not ours(FAULTS[fault])]
# The one Schemathesis phase that meets each fault soonest: boundary values come from the
# coverage phase (every enum value too), a DELETE of an existing task from the stateful one.
PHASE = {
    Fault.SERVER_ERROR: "coverage",
    Fault.RESPONSE_SCHEMA: "coverage",
    Fault.UNDOCUMENTED_STATUS: "stateful",
}


def test_correct_server_passes_every_phase_and_check(tmp_path: Path) -> None:
    outcome = run_cli(
        SPEC_PATH,
        build_app(),
        tmp_path,
        phases=[*SCHEMATHESIS_PHASES, "crud"],
        options=IDENTITIES,
        max_examples=3,
    )

    assert outcome.describe() == []
    # The one note: valid updates with a stale If-Match, answered with the documented 412.
    assert all(
        "positive_data_acceptance not counted" in note and "412" in note for note in outcome.notes
    ), outcome.notes
    assert outcome.exit_code == 0


@pytest.mark.parametrize("fault", OUR_FAULTS, ids=str)
def test_our_checks_find_fault(fault: Fault, tmp_path: Path) -> None:
    outcome = run_cli(SPEC_PATH, build_app(fault), tmp_path, phases=["crud"], options=IDENTITIES)

    assert outcome.checks & FAULTS[fault].found_by, outcome.describe()
    assert outcome.exit_code == 1
    finding = next(f for f in outcome.findings if f["check"] in FAULTS[fault].found_by)
    assert "curl " in finding["curl"] and "/todo/tasks" in finding["curl"]


@pytest.mark.parametrize("fault", SCHEMATHESIS_FAULTS, ids=str)
def test_schemathesis_phases_find_fault(fault: Fault, tmp_path: Path) -> None:
    phase = PHASE.get(fault, "fuzzing")
    outcome = run_cli(SPEC_PATH, build_app(fault), tmp_path, phases=[phase], options=IDENTITIES)

    assert outcome.checks & FAULTS[fault].found_by, outcome.describe()
    assert outcome.exit_code == 1
