"""Known-failures baseline: adopt the runner on an imperfect API and fail only on new findings.

The file (YAML) lists findings by document, operation, check and title; the message is left out
because it varies with generated data. `--write-baseline FILE` records the current findings,
`--baseline FILE` suppresses the findings it lists.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from contractkit.contract.model import Finding

Fingerprint = tuple[str, str, str, str]
_FIELDS = ("document", "operation", "check", "title")


class BaselineError(Exception):
    """The baseline file is unreadable or malformed."""


def read_baseline(path: str | Path) -> set[Fingerprint]:
    """The fingerprints a baseline file lists."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BaselineError(f"{path}: {exc}") from exc
    entries = data.get("known_failures", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: expected a `known_failures` list")
    known = set()
    for entry in entries:
        if not isinstance(entry, dict) or any(name not in entry for name in _FIELDS):
            raise BaselineError(f"{path}: each entry needs {', '.join(_FIELDS)}")
        known.add(tuple(str(entry[name]) for name in _FIELDS))
    return known  # type: ignore[return-value]


def write_baseline(path: str | Path, findings: list[Finding]) -> None:
    """Record the findings' fingerprints, sorted, one entry each."""
    entries = [
        dict(zip(_FIELDS, print_, strict=True))
        for print_ in sorted({f.fingerprint for f in findings})
    ]
    text = yaml.safe_dump({"known_failures": entries}, sort_keys=False, allow_unicode=True)
    Path(path).write_text(text, encoding="utf-8")


def split_known(
    findings: list[Finding], known: set[Fingerprint]
) -> tuple[list[Finding], list[Finding]]:
    """(new findings, findings the baseline already knows)."""
    new = [finding for finding in findings if finding.fingerprint not in known]
    old = [finding for finding in findings if finding.fingerprint in known]
    return new, old
