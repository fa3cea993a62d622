"""Adapter over the Schemathesis engine: configure it, run it, turn its events into findings.

Every phase (examples, coverage, fuzzing, stateful) and every built-in check runs unless the
options narrow them. The adapter also keeps, for the coverage report and the differential mode,
the status code of every response and the stateless cases that were sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.engine.run import PhaseName
from schemathesis.generation.case import Case

from contractkit.contract.auth import Credentials
from contractkit.contract.dot_segments import keep_dot_segments
from contractkit.contract.media import is_stringified_negation, register_text_bodies
from contractkit.contract.model import Finding, RunError
from contractkit.contract.set_aside import Failed, Rule, SetAside, judge
from contractkit.contract.target import Target
from contractkit.openapi import Document

SCHEMATHESIS_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Cases kept for the differential mode; enough to cover every operation several times.
MAX_KEPT_CASES = 400

EventListener = Callable[[events.EngineEvent], None]


@dataclass(frozen=True)
class EngineOptions:
    """What narrows or deepens a Schemathesis run."""

    phases: tuple[str, ...] = SCHEMATHESIS_PHASES
    seed: int | None = None
    max_examples: int | None = None
    workers: int = 1
    exclude_checks: tuple[str, ...] = ()
    request_timeout: float | None = None


@dataclass
class EngineOutcome:
    """What one engine run found and saw."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    stateless_cases: list[Case[Any]] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    """Failures the rules did not count (see `set_aside`), each with the reason."""


def build_config(
    options: EngineOptions, target: Target, headers: dict[str, str]
) -> SchemathesisConfig:
    """A Schemathesis configuration equivalent to `st run` with the given options."""
    config = SchemathesisConfig()
    config.update(seed=options.seed, max_failures=None)
    config.cache.enabled = False
    project = config.projects.override
    project.update(
        base_url=target.base_url,
        headers=headers or None,
        workers=options.workers,
        request_timeout=options.request_timeout,
    )
    project.phases.update(
        phases=[phase for phase in options.phases if phase in SCHEMATHESIS_PHASES]
    )
    project.checks.update(
        included_check_names=["all"], excluded_check_names=list(options.exclude_checks) or None
    )
    project.generation.update(max_examples=options.max_examples, database="none")
    return config


def load_schema(
    document: Document, config: SchemathesisConfig, target: Target
) -> schemathesis.BaseSchema:
    """The Schemathesis schema for a document, bound to an in-process app when there is one.

    Textual request bodies Schemathesis has no serializer for are sent as text (see `media`);
    dot segments path parameters form are sent as generated (see `dot_segments`).
    """
    register_text_bodies(document)
    schema = schemathesis.openapi.from_dict(document.root, config=config)
    keep_dot_segments(schema)
    if target.app is not None:
        schema.app = target.app
    return schema


def run_engine(
    document: Document,
    target: Target,
    credentials: Credentials,
    options: EngineOptions,
    listener: EventListener | None = None,
    rules: Sequence[Rule] = (),
) -> EngineOutcome:
    """Run every enabled Schemathesis phase against `target` and collect what it found; each
    failure is judged by `rules` first (see `set_aside`)."""
    outcome = EngineOutcome()
    if not any(phase in SCHEMATHESIS_PHASES for phase in options.phases):
        return outcome
    config = build_config(options, target, credentials.static_headers)
    schema = load_schema(document, config, target)
    credentials.register_with(schema)
    seen: set[tuple[str, str, str, str]] = set()
    for event in from_schema(schema).execute():
        if listener is not None:
            listener(event)
        if isinstance(event, events.ScenarioFinished):
            _collect_scenario(document.name, event, outcome, seen, rules)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(
                RunError(document.name, f"{event.label}: {event.info.title}", error_message(event))
            )
        elif isinstance(event, events.FatalError):
            outcome.errors.append(RunError(document.name, "engine error", str(event.exception)))
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                _add(outcome, seen, _finding(document.name, failure, "after_run", "", "run"))
    return outcome


SUB_ERROR_CHARS = 300
"""How much of each grouped error's text an error message repeats."""


def error_message(event: events.NonFatalError) -> str:
    """The engine's message, with what each error of a group said (Hypothesis reports a check
    that failed once and passed on replay as one group: its first failure is the news)."""
    message = event.info.message
    if isinstance(event.value, BaseExceptionGroup):
        for error in event.value.exceptions:
            text = " ".join(f"{type(error).__name__}: {error}".split())
            message += f"\n  within: {text[:SUB_ERROR_CHARS]}"
    return message


def _collect_scenario(
    document: str,
    event: events.ScenarioFinished,
    outcome: EngineOutcome,
    seen: set[tuple[str, str, str, str]],
    rules: Sequence[Rule],
) -> None:
    recorder = event.recorder
    for case_id, interaction in recorder.interactions.items():
        node = recorder.cases.get(case_id)
        if node is not None and interaction.response is not None:
            outcome.statuses.append((node.value.operation.label, interaction.response.status_code))
    if event.phase is not PhaseName.STATEFUL_TESTING and event.status != Status.SKIP:
        _keep_cases(recorder, outcome)
    for case_id, checks in recorder.checks.items():
        for check in checks:
            info = check.failure_info
            if check.status != Status.FAILURE or info is None:
                continue
            finding = _finding(document, info.failure, check.name, info.code_sample, recorder.label)
            if check.name == "negative_data_rejection" and _stringified(recorder, case_id):
                outcome.set_aside.append(SetAside(finding, STRINGIFIED_NEGATION))
                continue
            if check.name == "positive_data_acceptance" and _documented_precondition_failure(
                recorder, case_id
            ):
                outcome.set_aside.append(SetAside(finding, DOCUMENTED_PRECONDITION))
                continue
            verdict = _judged(rules, recorder, case_id, finding, info.failure)
            if isinstance(verdict, SetAside):
                outcome.set_aside.append(verdict)
            else:
                _add(outcome, seen, verdict)


def _judged(
    rules: Sequence[Rule], recorder: ScenarioRecorder, case_id: str, finding: Finding, failure: Any
) -> Finding | SetAside:
    """The rules' verdict on one failure (the finding as made when nothing was answered)."""
    node = recorder.cases.get(case_id)
    interaction = recorder.interactions.get(case_id)
    if not rules or node is None or interaction is None or interaction.response is None:
        return finding
    return judge(rules, Failed(finding, failure, node.value, interaction.response))


STRINGIFIED_NEGATION = (
    "the body was invalid only before it was sent as text; as sent, it is valid for the "
    "operation, so accepting it is right"
)
DOCUMENTED_PRECONDITION = (
    "a valid request with a precondition header (If-Match, ...) was answered with the 412 "
    "the operation documents: a well-formed precondition may still not hold"
)


def _stringified(recorder: ScenarioRecorder, case_id: str) -> bool:
    node = recorder.cases.get(case_id)
    return node is not None and is_stringified_negation(node.value)


PRECONDITION_HEADERS = ("if-match", "if-none-match", "if-unmodified-since", "if-modified-since")


def _documented_precondition_failure(recorder: ScenarioRecorder, case_id: str) -> bool:
    """A 412 the operation documents, answering a request with a precondition header.

    A schema-valid `If-Match` can still be stale (any string is valid): the documented 412 is
    then the right answer, not a rejected valid request.
    """
    node = recorder.cases.get(case_id)
    interaction = recorder.interactions.get(case_id)
    if node is None or interaction is None or interaction.response is None:
        return False
    if interaction.response.status_code != 412:
        return False
    case = node.value
    sent = {name.lower() for name in (case.headers or {})}
    sent |= {name.lower() for name in interaction.request.headers}
    documented = "412" in (case.operation.definition.raw.get("responses") or {})
    return documented and any(name in sent for name in PRECONDITION_HEADERS)


def _keep_cases(recorder: ScenarioRecorder, outcome: EngineOutcome) -> None:
    for node in recorder.cases.values():
        if len(outcome.stateless_cases) >= MAX_KEPT_CASES:
            return
        if node.parent_id is None:
            outcome.stateless_cases.append(node.value)


def _finding(document: str, failure: Any, check: str, curl: str, label: str) -> Finding:
    return Finding(
        document=document,
        operation=failure.operation or label,
        check=check,
        title=failure.title,
        message=failure.message,
        curl=curl,
        source="schemathesis",
        severity=str(failure.severity.value),
    )


def _add(outcome: EngineOutcome, seen: set[tuple[str, str, str, str]], finding: Finding) -> None:
    key = (finding.operation, finding.check, finding.title, finding.message)
    if key not in seen:
        seen.add(key)
        outcome.findings.append(finding)
