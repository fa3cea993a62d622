"""GraphQL over HTTP: reading a request, checking its document, answering with a result.

A request is either the raw document (``application/graphql``) or the JSON form
``{"query", "variables", "operationName"}``. A request that is not a GraphQL request at all
(empty, not UTF-8, too long) answers 400; a document that is not valid GraphQL for the schema is
a well-formed request and answers 200 with ``errors`` and no ``data``, as GraphQL over HTTP
prescribes for ``application/json`` answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from contractkit.impl.blaize.promo.limits import LIMIT_RULES, definition_errors, lexical_error
from contractkit.impl.blaize.promo.wrapped import wrapped_operation_error
from contractkit.impl.errors import ApiError

MAX_DOCUMENT_CHARS = 65536
"""Longest document accepted (the ``maxLength`` of ``GraphQLDocument`` in the spec)."""
BODY_FIELD = "body"


@dataclass(frozen=True)
class GraphQLRequest:
    document: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A valid document, and the operation of it the request names (if it names one)."""

    request: GraphQLRequest
    document: DocumentNode
    operation: OperationDefinitionNode | None

    @property
    def is_mutation(self) -> bool:
        return self.operation is not None and self.operation.operation == OperationType.MUTATION


def _bad_request(message: str, field: str = BODY_FIELD) -> ApiError:
    return ApiError(400, "bad_request", message, {field: message})


def _document(value: object, field: str) -> str:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_request("The GraphQL document is not UTF-8 text", field) from exc
    if not isinstance(value, str) or not value:
        raise _bad_request("A non-empty GraphQL document is required", field)
    if len(value) > MAX_DOCUMENT_CHARS:
        raise _bad_request(f"The GraphQL document exceeds {MAX_DOCUMENT_CHARS} characters", field)
    return value


def graphql_request(body: object) -> GraphQLRequest:
    """The request in ``body``: a JSON object (already checked against the spec) or raw text.

    Connexion hands a missing body over as ``{}``, which the JSON form never is.
    """
    if body == {}:
        body = None
    if isinstance(body, dict):
        return GraphQLRequest(
            document=_document(body.get("query"), "query"),
            variables=body.get("variables"),
            operation_name=body.get("operationName"),
        )
    return GraphQLRequest(document=_document(body, BODY_FIELD))


def prepare(schema: GraphQLSchema, request: GraphQLRequest) -> Prepared | list[GraphQLError]:
    """The parsed and validated document, or the GraphQL errors that stop it from running."""
    try:
        too_large = lexical_error(request.document)
        if too_large is not None:
            return [too_large]
        document = parse(request.document)
    except GraphQLError as error:
        return [error]
    wrapped = wrapped_operation_error(document)
    if wrapped is not None:
        return [wrapped]
    errors = definition_errors(document) or validate(
        schema, document, [*specified_rules, *LIMIT_RULES]
    )
    if errors:
        return errors
    return Prepared(request, document, get_operation_ast(document, request.operation_name))


def execute(schema: GraphQLSchema, prepared: Prepared, context: Any) -> dict[str, Any]:
    """Runs the operation; the GraphQL result as the body of a 200 answer."""
    result = execute_sync(
        schema,
        prepared.document,
        context_value=context,
        variable_values=prepared.request.variables,
        operation_name=prepared.request.operation_name,
    )
    return response_body(result)


def errors_body(errors: list[GraphQLError]) -> dict[str, Any]:
    """The answer to a request whose document did not run: ``errors`` and no ``data``."""
    return {"errors": [error.formatted for error in errors]}


def response_body(result: ExecutionResult) -> dict[str, Any]:
    """``data`` (left out when the operation never started) and ``errors``, if any.

    A resolver's own exception is a fault of the server, not of the request: it is raised
    again, so that the transaction rolls back and the answer is a 500.
    """
    errors = result.errors or []
    for error in errors:
        cause = error.original_error
        if error.path is not None and cause is not None and not isinstance(cause, GraphQLError):
            raise cause
    started = result.data is not None or any(error.path is not None for error in errors)
    if errors and not started:
        return errors_body(errors)
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = [error.formatted for error in errors]
    return body
