"""The phase of our checks: survey the families, walk each, say what was checked and why not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from contractkit.contract.checks.client import CheckClient
from contractkit.contract.checks.families import survey
from contractkit.contract.checks.registry import enabled_functions
from contractkit.contract.checks.walk import FamilyWalk
from contractkit.contract.model import FamilyReport, Finding
from contractkit.openapi import Document


@dataclass
class PhaseOutcome:
    """Findings, notes, one report per family found or skipped, and warnings."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    families: list[FamilyReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def run_checks(
    document: Document,
    client: CheckClient,
    *,
    seed: int,
    excluded: Iterable[str] = (),
    intruders: Iterable[CheckClient] = (),
    not_walked: str | None = None,
) -> PhaseOutcome:
    """Walk every family with every enabled check of ours (``not_walked``: why no family can
    be walked on this server; each is then listed as skipped for that reason)."""
    outcome = PhaseOutcome()
    excluded = set(excluded)
    intruders = list(intruders)
    functions = enabled_functions(excluded)
    families, skipped = survey(document, client.credentials.headers())
    if not_walked is not None:
        for family in families:
            outcome.families.append(FamilyReport(document.name, family.name, False, not_walked))
        for entry in skipped:
            outcome.families.append(FamilyReport(document.name, entry.path, False, entry.reason))
        if families:
            outcome.notes.append(f"{document.name}: CRUD checks not run: {not_walked}")
        return outcome
    sent_before = len(client.statuses)
    for family in families:
        walk = FamilyWalk(document, family, client, seed, excluded=excluded, intruders=intruders)
        checked = walk.prepare()
        if checked:
            for function in functions:
                function(walk)
        walk.finish()
        outcome.findings.extend(walk.outcome.findings)
        outcome.notes.extend(walk.outcome.notes)
        if checked:
            detail = family.describe()
            if walk.items:
                detail += f"; id at {walk.items[0].pointer}"
            outcome.families.append(
                FamilyReport(document.name, family.name, True, detail, walk.outcome.skipped)
            )
        else:
            reasons = [note.split(": ", 1)[-1] for note in walk.outcome.notes] or ["not walked"]
            outcome.families.append(
                FamilyReport(document.name, family.name, False, "; ".join(reasons))
            )
    for entry in skipped:
        outcome.families.append(FamilyReport(document.name, entry.path, False, entry.reason))
    if len(client.statuses) == sent_before and _has_create_and_read(document):
        outcome.warnings.append(
            f"{document.name}: the document has a POST on a collection and a GET on its items, "
            "but the CRUD phase sent no request: "
            + ("; ".join(f"{f.family}: {f.detail}" for f in outcome.families) or "no family")
        )
    return outcome


def _has_create_and_read(document: Document) -> bool:
    gets = {op.path for op in document.operations if op.method == "get"}
    for operation in document.operations:
        if operation.method != "post":
            continue
        prefix = operation.path.rstrip("/") + "/{"
        if any(path.startswith(prefix) and path.endswith("}") for path in gets):
            return True
    return False
