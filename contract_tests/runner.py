"""`run_contract`: the whole run for one or more documents, as a Python call.

Per document, in order: the differential pass (when another target is given, so both servers
start from comparable states), the CRUD checks, then every Schemathesis phase. Status codes seen
by all of them feed the coverage report; the baseline is applied last.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractkit.contract import baseline as baseline_file
from contractkit.contract import coverage, diff, documented_refusals
from contractkit.contract.auth import AuthError, Credentials, LoginFlow
from contractkit.contract.bodiless_answers import missing_content_type_without_body
from contractkit.contract.checks.client import CheckClient
from contractkit.contract.checks.phase import run_checks
from contractkit.contract.checks.registry import our_check_names
from contractkit.contract.engine import SCHEMATHESIS_PHASES, EngineOptions, build_config, run_engine
from contractkit.contract.gone_status import use_after_free_without_gone_status
from contractkit.contract.identities import IdentitySet
from contractkit.contract.model import FamilyReport, Finding, RunError, RunResult
from contractkit.contract.progress import Progress
from contractkit.contract.set_aside import notes as set_aside_notes
from contractkit.contract.sharding import Shard, restrict
from contractkit.contract.shared_urls import shared_url_rules
from contractkit.contract.target import Target, resolve
from contractkit.openapi import Document

ALL_PHASES = (*SCHEMATHESIS_PHASES, "crud")
DIFF_CASES_PER_OPERATION = 10

Spec = str | Path | dict[str, Any]


@dataclass(frozen=True)
class OtherServer:
    """The second target of the differential mode."""

    base_url: str | None = None
    app: Any | None = None
    app_base_path: str | None = None


def run_contract(
    specs: Spec | Sequence[Spec],
    *,
    app: Any | None = None,
    app_base_path: str | None = None,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    login: LoginFlow | None = None,
    identities: IdentitySet | None = None,
    seed: int | None = None,
    max_examples: int | None = None,
    workers: int = 1,
    phases: Sequence[str] = ALL_PHASES,
    exclude_checks: Sequence[str] = (),
    baseline: str | Path | set[tuple[str, str, str, str]] | None = None,
    fail_on_uncovered: bool = False,
    compare_with: OtherServer | None = None,
    request_timeout: float | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    shard: Shard | None = None,
) -> RunResult:
    """Test one or more documents against a server (`base_url`) or an ASGI app (`app`).

    `specs` is a file, a folder of module documents (one API), a parsed document, or a list of
    them. `phases` picks among examples, coverage, fuzzing, stateful (Schemathesis) and crud.
    Every check (Schemathesis' and ours) runs except those in `exclude_checks`. With
    `identities`, requests are sent as the first one and the authorization checks try the
    others; `strict` makes warnings fail the run. With `shard`, only that shard's operations
    of each document are tested (see `sharding`).
    """
    unknown = set(phases) - set(ALL_PHASES)
    if unknown:
        raise ValueError(f"unknown phases: {', '.join(sorted(unknown))}")
    if (app is None) == (base_url is None):
        raise ValueError("give exactly one of `app` and `base_url`")
    started = time.monotonic()
    seed = seed if seed is not None else random.randrange(2**31)
    documents = [Document.bundled(spec) for spec in _as_list(specs)]
    if shard is not None:
        documents = [restrict(document, shard) for document in documents]
    result = RunResult(
        documents=[document.name for document in documents], seed=seed, strict=strict
    )
    ours = our_check_names()
    options = EngineOptions(
        phases=tuple(phases),
        seed=seed,
        max_examples=max_examples,
        workers=workers,
        exclude_checks=tuple(name for name in exclude_checks if name not in ours),
        request_timeout=request_timeout,
    )
    excluded_ours = tuple(name for name in exclude_checks if name in ours)
    identities = identities or IdentitySet()
    common_headers, common_login = dict(headers or {}), login
    default = identities.default
    if default is not None:
        headers = {**(headers or {}), **default.headers}
        login = default.login or login
    findings: list[Finding] = []
    for document in documents:
        if not document.operations:
            result.notes.append(f"{document.name}: shard {shard} holds no operation of it")
            continue
        target = resolve(document, base_url=base_url, app=app, app_base_path=app_base_path)
        run = _DocumentRun(document, target, options, headers or {}, login, progress)
        run.identities, run.excluded_ours = identities, excluded_ours
        run.common_headers, run.common_login = common_headers, common_login
        run.execute(compare_with)
        kept, set_aside = documented_refusals.review(document, target, run.findings)
        findings.extend(kept)
        result.notes.extend(set_aside)
        result.errors.extend(run.errors)
        result.notes.extend(run.notes)
        result.families.extend(run.families)
        result.warnings.extend(run.warnings)
        result.coverage.extend(run.coverage)
    if fail_on_uncovered:
        findings.extend(coverage.uncovered_findings(result.coverage))
    known = baseline_file.read_baseline(baseline) if isinstance(baseline, str | Path) else baseline
    result.findings, result.suppressed = baseline_file.split_known(findings, known or set())
    result.elapsed = time.monotonic() - started
    return result


class _DocumentRun:
    def __init__(
        self,
        document: Document,
        target: Target,
        options: EngineOptions,
        headers: Mapping[str, str],
        login: LoginFlow | None,
        progress: Progress | None,
    ) -> None:
        self.document = document
        self.target = target
        self.options = options
        self.headers = headers
        self.login = login
        self.progress = progress
        self.credentials = Credentials(target, headers=headers, login=login)
        self.findings: list[Finding] = []
        self.errors: list[RunError] = []
        self.notes: list[str] = []
        self.families: list[FamilyReport] = []
        self.warnings: list[str] = []
        self.identities = IdentitySet()
        self.excluded_ours: tuple[str, ...] = ()
        self.common_headers: dict[str, str] = dict(headers)
        self.common_login = login
        self.coverage = coverage.documented_coverage(document)

    def execute(self, compare_with: OtherServer | None) -> None:
        try:
            self.credentials.headers()
        except AuthError as exc:
            self.errors.append(RunError(self.document.name, "authentication failed", str(exc)))
            return
        config = build_config(self.options, self.target, dict(self.headers))
        default = self.identities.default
        client = CheckClient(
            self.document,
            self.target,
            self.credentials,
            config,
            identity=default.name if default is not None else "",
        )
        intruders: list[CheckClient] = []
        try:
            if compare_with is not None:
                self._differential(client, compare_with)
            if "crud" in self.options.phases:
                self._announce("crud checks")
                intruders = [
                    client.for_identity(
                        identity.credentials(self.target, self.common_headers, self.common_login),
                        identity.name,
                    )
                    for identity in self.identities.intruders()
                ]
                ours = run_checks(
                    self.document,
                    client,
                    seed=self.options.seed or 0,
                    excluded=self.excluded_ours,
                    intruders=intruders,
                    not_walked=documented_refusals.stateless_mock(self.target),
                )
                self.findings.extend(ours.findings)
                self.notes.extend(ours.notes)
                self.families.extend(ours.families)
                self.warnings.extend(ours.warnings)
        except AuthError as exc:
            self.errors.append(RunError(self.document.name, "authentication failed", str(exc)))
        finally:
            client.close()
            for intruder in intruders:
                intruder.close()
        coverage.record(self.coverage, client.statuses)
        listener = None
        if self.progress is not None:
            progress, name = self.progress, self.document.name
            listener = lambda event: progress.event(name, event)  # noqa: E731
        rules = [
            *shared_url_rules(self.document),
            missing_content_type_without_body(self.document),
            use_after_free_without_gone_status(self.document),
        ]
        outcome = run_engine(
            self.document, self.target, self.credentials, self.options, listener, rules
        )
        self.findings.extend(outcome.findings)
        self.notes.extend(set_aside_notes(self.document.name, outcome.set_aside))
        self.errors.extend(outcome.errors)
        coverage.record(self.coverage, outcome.statuses)

    def _differential(self, client: CheckClient, other: OtherServer) -> None:
        self._announce("differential comparison")
        other_target = resolve(
            self.document, base_url=other.base_url, app=other.app, app_base_path=other.app_base_path
        )
        other_credentials = Credentials(other_target, headers=self.headers, login=self.login)
        config = build_config(self.options, other_target, dict(self.headers))
        other_client = CheckClient(self.document, other_target, other_credentials, config)
        try:
            self.findings.extend(
                diff.compare(
                    self.document,
                    client,
                    other_client,
                    seed=self.options.seed or 0,
                    cases_per_operation=DIFF_CASES_PER_OPERATION,
                )
            )
        except AuthError as exc:
            self.errors.append(RunError(self.document.name, "authentication failed", str(exc)))
        finally:
            other_client.close()

    def _announce(self, step: str) -> None:
        if self.progress is not None:
            self.progress.step(self.document.name, step)


def _as_list(specs: Spec | Sequence[Spec]) -> list[Spec]:
    if isinstance(specs, str | Path | dict):
        return [specs]
    return list(specs)
