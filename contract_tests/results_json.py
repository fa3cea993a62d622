"""A run's result as JSON (`--results-json PATH`), read back by `contractkit report merge`.

The file holds everything a report needs: findings, known failures, errors, status-code
coverage, notes, the CRUD families and warnings, the seed, and which shard of how many produced
it (`null` for a whole run).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from contractkit.contract.model import (
    FamilyReport,
    Finding,
    OperationCoverage,
    RunError,
    RunResult,
)
from contractkit.contract.sharding import Shard

FORMAT = "contractkit-test-results"
VERSION = 1


class ResultsError(ValueError):
    """A results file that cannot be read or is not one of ours."""


@dataclass
class ShardResult:
    """One results file: the run's result and the shard it covers (None: the whole document)."""

    result: RunResult
    shard: Shard | None


def dump_results(result: RunResult, shard: Shard | None = None) -> str:
    """The JSON text of a results file."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "shard": None if shard is None else {"index": shard.index, "total": shard.total},
        "documents": result.documents,
        "seed": result.seed,
        "elapsed": round(result.elapsed, 3),
        "findings": [asdict(finding) for finding in result.findings],
        "suppressed": [asdict(finding) for finding in result.suppressed],
        "errors": [asdict(error) for error in result.errors],
        "coverage": [
            {
                "document": entry.document,
                "operation": entry.operation,
                "documented": entry.documented,
                "observed": sorted(entry.observed),
            }
            for entry in result.coverage
        ],
        "notes": result.notes,
        "families": [asdict(family) for family in result.families],
        "warnings": result.warnings,
        "strict": result.strict,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_results(path: str | Path, result: RunResult, shard: Shard | None = None) -> None:
    """Write a results file, creating its folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dump_results(result, shard), encoding="utf-8")


def read_results(path: str | Path) -> ShardResult:
    """A results file, checked; `ResultsError` says what is wrong with it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ResultsError(f"{path}: not a contractkit results file (no format {FORMAT!r})")
    if data.get("version") != VERSION:
        raise ResultsError(f"{path}: results version {data.get('version')!r}, expected {VERSION}")
    try:
        result = RunResult(
            documents=[str(name) for name in data["documents"]],
            findings=[_record(Finding, entry) for entry in data["findings"]],
            suppressed=[_record(Finding, entry) for entry in data["suppressed"]],
            errors=[_record(RunError, entry) for entry in data["errors"]],
            coverage=[
                OperationCoverage(
                    document=str(entry["document"]),
                    operation=str(entry["operation"]),
                    documented=[str(code) for code in entry["documented"]],
                    observed={int(code) for code in entry["observed"]},
                )
                for entry in data["coverage"]
            ],
            notes=[str(note) for note in data["notes"]],
            families=[_family(entry) for entry in data.get("families", [])],
            warnings=[str(warning) for warning in data.get("warnings", [])],
            strict=bool(data.get("strict", False)),
            seed=data["seed"],
            elapsed=float(data["elapsed"]),
        )
        shard_data = data["shard"]
        shard = (
            None
            if shard_data is None
            else Shard(int(shard_data["index"]), int(shard_data["total"]))
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultsError(f"{path}: malformed results file ({exc!r})") from None
    return ShardResult(result, shard)


def _family(entry: Any) -> FamilyReport:
    if not isinstance(entry, dict):
        raise TypeError(f"expected an object, got {entry!r}")
    return FamilyReport(
        document=str(entry["document"]),
        family=str(entry["family"]),
        checked=bool(entry["checked"]),
        detail=str(entry["detail"]),
        skipped=[str(reason) for reason in entry.get("skipped", [])],
    )


def _record(kind: Any, entry: Any) -> Any:
    names = [field.name for field in fields(kind)]
    if not isinstance(entry, dict):
        raise TypeError(f"expected an object, got {entry!r}")
    return kind(**{name: str(entry[name]) for name in names if name in entry})
