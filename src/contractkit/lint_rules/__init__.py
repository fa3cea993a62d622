"""The rules behind ``contractkit lint``; :mod:`contractkit.lint` runs them."""

from contractkit.lint_rules.context import ApiContext, OperationView
from contractkit.lint_rules.examples import check_examples
from contractkit.lint_rules.findings import Finding, Severity
from contractkit.lint_rules.mock_examples import check_mock_examples
from contractkit.lint_rules.operations import (
    check_error_responses,
    check_links,
    check_operation_ids,
    check_summaries,
)
from contractkit.lint_rules.spec_valid import check_document

__all__ = [
    "ApiContext",
    "Finding",
    "OperationView",
    "Severity",
    "check_document",
    "check_error_responses",
    "check_examples",
    "check_links",
    "check_mock_examples",
    "check_operation_ids",
    "check_summaries",
]
