"""Joining the results files of the shards of one run into the result of the whole run.

The shards must be of one split (the same N) and all present; their findings, errors, notes
and status-code coverage are joined. The coverage gate and the baseline apply to the joined
result only: a shard never knows whether another one produced a status code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contractkit.contract import baseline as baseline_file
from contractkit.contract import coverage
from contractkit.contract.model import Finding, OperationCoverage, RunResult
from contractkit.contract.results_json import ResultsError, ShardResult


def merge_results(parts: Sequence[ShardResult]) -> RunResult:
    """One result from the results of every shard (or of whole runs, joined as they are)."""
    if not parts:
        raise ResultsError("no results files to merge")
    _check_shards(parts)
    merged = RunResult(documents=[])
    seen_findings: set[Finding] = set()
    coverage_by_operation: dict[tuple[str, str], OperationCoverage] = {}
    for part in parts:
        result = part.result
        merged.documents += [name for name in result.documents if name not in merged.documents]
        # Known failures are judged again against the baseline given to the merge.
        for finding in [*result.findings, *result.suppressed]:
            if finding not in seen_findings:
                seen_findings.add(finding)
                merged.findings.append(finding)
        merged.errors += [error for error in result.errors if error not in merged.errors]
        merged.notes += [note for note in result.notes if note not in merged.notes]
        merged.families += [entry for entry in result.families if entry not in merged.families]
        merged.warnings += [text for text in result.warnings if text not in merged.warnings]
        merged.strict = merged.strict or result.strict
        for entry in result.coverage:
            key = (entry.document, entry.operation)
            if key in coverage_by_operation:
                coverage_by_operation[key].observed |= entry.observed
            else:
                coverage_by_operation[key] = OperationCoverage(
                    entry.document, entry.operation, list(entry.documented), set(entry.observed)
                )
        # The shards ran side by side: the whole run took as long as the slowest one.
        merged.elapsed = max(merged.elapsed, result.elapsed)
    merged.coverage = list(coverage_by_operation.values())
    seeds = {part.result.seed for part in parts}
    merged.seed = seeds.pop() if len(seeds) == 1 else None
    if merged.seed is None:
        merged.notes.append("the shards ran with different seeds; no one seed reproduces the run")
    return merged


def _check_shards(parts: Sequence[ShardResult]) -> None:
    shards = [part.shard for part in parts]
    if all(shard is None for shard in shards):
        return
    if any(shard is None for shard in shards):
        raise ResultsError("cannot merge a whole run with shards of a run")
    totals = {shard.total for shard in shards if shard is not None}
    if len(totals) != 1:
        raise ResultsError(f"the shards come from different splits: N = {sorted(totals)}")
    total = totals.pop()
    indexes = [shard.index for shard in shards if shard is not None]
    duplicated = sorted({index for index in indexes if indexes.count(index) > 1})
    if duplicated:
        raise ResultsError(f"shard given twice: {', '.join(f'{i}/{total}' for i in duplicated)}")
    missing = sorted(set(range(1, total + 1)) - set(indexes))
    if missing:
        raise ResultsError(f"missing shards: {', '.join(f'{i}/{total}' for i in missing)}")


def judge(
    result: RunResult,
    *,
    baseline: str | Path | None = None,
    fail_on_uncovered: bool = False,
) -> RunResult:
    """Apply the coverage gate and the baseline to a (merged) result, in place; returns it."""
    findings = list(result.findings)
    if fail_on_uncovered:
        findings += coverage.uncovered_findings(result.coverage)
    known = baseline_file.read_baseline(baseline) if baseline is not None else set()
    result.findings, suppressed = baseline_file.split_known(findings, known)
    result.suppressed = [*result.suppressed, *suppressed]
    return result
