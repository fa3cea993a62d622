"""Readable assertion messages for contract runs against our implementation."""

from __future__ import annotations

from contractkit.contract import RunResult


def describe(result: RunResult) -> str:
    """Every finding (with its curl) and every error of a run, one after another."""
    lines = [
        f"{f.operation} [{f.check}] {f.title}: {f.message}\n  {f.curl}" for f in result.findings
    ]
    lines += [f"error {e.title}: {e.message}" for e in result.errors]
    return "\n".join(lines)
