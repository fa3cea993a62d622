"""contract_tests: the contract-test runner behind `contractkit test`.

Schemathesis (every phase, every built-in check) plus checks derived from the document alone:
CRUD semantics, status-code coverage, differential comparison of two servers, and breaking
changes between two versions of a document. Works on any OpenAPI document and any HTTP server or
ASGI application; it never imports the reference implementation.
"""

from __future__ import annotations

from contractkit.contract.auth import LoginFlow
from contractkit.contract.breaking import BreakingChange, find_breaking_changes
from contractkit.contract.model import Finding, OperationCoverage, RunError, RunResult
from contractkit.contract.runner import ALL_PHASES, OtherServer, run_contract

__all__ = [
    "ALL_PHASES",
    "BreakingChange",
    "Finding",
    "LoginFlow",
    "OperationCoverage",
    "OtherServer",
    "RunError",
    "RunResult",
    "find_breaking_changes",
    "run_contract",
]
