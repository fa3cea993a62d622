"""A deleted resource read where the read documents no status for a missing one.

Schemathesis' stateful ``use_after_free`` check expects the request that follows a successful
``DELETE`` of a resource to answer 404. Where that request's operation documents neither 404
nor 410 (nor ``4XX`` or ``default``), a server that keeps to its document cannot answer "gone"
at all, so the finding is noted, naming both requests, instead of counted, as the runner's own
``crud_delete_read`` does.
"""

from __future__ import annotations

from schemathesis.openapi.checks import UseAfterFree

from contractkit.contract.set_aside import Failed, Rule, SetAside
from contractkit.openapi import Document, Operation

GONE = ("404", "410", "4XX", "default")
REASON = (
    "the request after the delete documents no status for a missing resource (no 404, 410, "
    "4XX or default), so a deleted resource cannot read as gone without an undocumented one"
)


def documents_gone(operation: Operation) -> bool:
    """Whether ``operation`` documents an answer for a missing item (404, 410, 4XX, default)."""
    return any(key in operation.responses for key in GONE)


def use_after_free_without_gone_status(document: Document) -> Rule:
    """The rule for ``document`` (see the module's description)."""
    operations = {operation.label: operation for operation in document.operations}

    def rule(failed: Failed) -> SetAside | None:
        if not isinstance(failed.failure, UseAfterFree):
            return None
        usage = failed.case.operation
        label = f"{usage.method.upper()} {usage.path}"
        operation = operations.get(label)
        if operation is None or documents_gone(operation):
            return None
        return SetAside(failed.finding, REASON, f"{label} answered {failed.response.status_code}")

    return rule
