"""A missing ``Content-Type`` on an answer without a body, where the document declares none.

A Swagger 2.0 response without ``schema`` returns no content ("If this field does not exist,
it means no content is returned as part of the response"), as does an OpenAPI 3 response
without ``content``. Schemathesis still reads a Swagger 2.0 document's ``produces`` as the media
types of such a response, and reports an answer with no body and no ``Content-Type`` (the right
answer: there is no content to type) as "Missing Content-Type header".

The rule below does not count that finding when the answer has no body and the documented
response for its status (the code, else its ``NXX`` range, else ``default``) declares none; the
run's notes name each operation and status. A body sent without a ``Content-Type`` is still
reported, as is any answer to a response that declares a body.
"""

from __future__ import annotations

from schemathesis.openapi.checks import MissingContentType

from contractkit.contract.set_aside import Failed, Rule, SetAside
from contractkit.openapi import Document, Operation, Response

REASON = (
    "the documented response declares no body (Swagger 2.0: no `schema`; OpenAPI 3: no "
    "`content`) and the answer has none, so there is no content to type"
)


def documented_response(operation: Operation, status: int) -> Response | None:
    """The response ``operation`` documents for ``status``: the code, its range, ``default``."""
    responses = operation.responses
    code = str(status)
    return responses.get(code) or responses.get(f"{code[0]}XX") or responses.get("default")


def declares_body(document: Document, response: Response) -> bool:
    """Whether a documented response has content (``schema`` in Swagger 2.0)."""
    if "swagger" in document.root:
        return response.node.get("schema") is not None
    return bool(response.content)


def missing_content_type_without_body(document: Document) -> Rule:
    """The rule for ``document`` (see the module's description)."""
    operations = {operation.label: operation for operation in document.operations}

    def rule(failed: Failed) -> SetAside | None:
        if not isinstance(failed.failure, MissingContentType) or failed.response.content:
            return None
        operation = operations.get(failed.finding.operation)
        status = failed.response.status_code
        response = documented_response(operation, status) if operation is not None else None
        if response is None or declares_body(document, response):
            return None
        return SetAside(failed.finding, REASON, f"{status} without a body")

    return rule
