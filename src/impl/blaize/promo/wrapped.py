"""The seed's GraphQL examples wrap each operation in an extra pair of braces
(``{ mutation { ... } }``), which GraphQL reads as a query selecting a field named
``mutation``. Such a document is answered with an error that names the wrapping and shows the
operation as it is to be sent."""

from __future__ import annotations

from graphql import DocumentNode, FieldNode, GraphQLError, OperationDefinitionNode, print_ast

OPERATION_WORDS = ("query", "mutation", "subscription")


def _wrapped_operation(document: DocumentNode) -> tuple[str, FieldNode] | None:
    """``(operation word, the field holding it)`` when the document is the wrapped form."""
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode) or operation.name is not None:
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    field = selections[0]
    word = field.name.value
    if word not in OPERATION_WORDS or field.alias or field.arguments or not field.selection_set:
        return None
    return word, field


def wrapped_operation_error(document: DocumentNode) -> GraphQLError | None:
    """The explaining error for a wrapped document, else None."""
    found = _wrapped_operation(document)
    if found is None:
        return None
    word, field = found
    assert field.selection_set is not None
    corrected = f"{word} {print_ast(field.selection_set)}"
    message = (
        f"The document wraps its operation in an extra pair of braces ('{{ {word} {{ ... }} }}',"
        f" as in the published examples), which GraphQL reads as a field named '{word}'."
        f" Send the operation without the outer braces: {corrected}"
    )
    return GraphQLError(
        message,
        nodes=[field],
        extensions={"code": "WRAPPED_OPERATION", "corrected": corrected},
    )
