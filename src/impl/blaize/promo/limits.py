"""Bounds on what one GraphQL document may ask, and a rule that keeps answers in shape.

A document over a limit is answered like any other invalid document: ``errors`` with
locations, and nothing executed. The limits are checked in the order the work is done, so that
no later step (graphql-core's parser and rules recurse) meets an unbounded document: tokens and
bracket nesting before parsing, definitions before validation, then selections during it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    ValidationRule,
)
from graphql.language import Lexer, TokenKind

MAX_TOKENS = 10_000
"""Lexical tokens of one document."""
MAX_NESTING = 50
"""Brackets (``{``, ``[``, ``(``) open at once."""
MAX_OPERATIONS = 10
"""Operations one document may define (only one of them is executed)."""
MAX_FRAGMENTS = 50
"""Fragments one document may define."""
MAX_DEPTH = 15
"""Nested selections one operation may reach (the standard introspection query reaches 15)."""
MAX_FIELDS = 500
"""Field selections of one operation, each fragment counted wherever it is spread."""

_OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
_CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}


def lexical_error(text: str) -> GraphQLError | None:
    """Too many tokens or brackets nested too deeply (syntax errors are raised as they are)."""
    source = Source(text)
    lexer = Lexer(source)
    tokens = depth = 0
    token = lexer.advance()
    while token.kind != TokenKind.EOF:
        tokens += 1
        depth += (token.kind in _OPENING) - (token.kind in _CLOSING)
        if tokens > MAX_TOKENS:
            message = f"The document has more than {MAX_TOKENS} tokens."
            return GraphQLError(message, source=source, positions=[token.start])
        if depth > MAX_NESTING:
            message = f"The document nests brackets more than {MAX_NESTING} levels deep."
            return GraphQLError(message, source=source, positions=[token.start])
        token = lexer.advance()
    return None


def definition_errors(document: DocumentNode) -> list[GraphQLError]:
    """Too many operations or fragments in the document."""
    errors = []
    for kind, limit, what in (
        (OperationDefinitionNode, MAX_OPERATIONS, "operations"),
        (FragmentDefinitionNode, MAX_FRAGMENTS, "fragments"),
    ):
        found = [d for d in document.definitions if isinstance(d, kind)]
        if len(found) > limit:
            message = f"The document defines {len(found)} {what}; at most {limit} are allowed."
            errors.append(GraphQLError(message, found[limit]))
    return errors


@dataclass(frozen=True)
class Size:
    depth: int = 0
    fields: int = 0


class _Measure:
    """Depth and field count of selection sets; each fragment is measured once."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._sizes: dict[str, Size] = {}
        self._open: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> Size:
        depth = fields = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self.selections(selection.selection_set)
                depth, fields = max(depth, inner.depth + 1), fields + inner.fields + 1
            else:
                inner = self._fragment_part(selection)
                depth, fields = max(depth, inner.depth), fields + inner.fields
        return Size(depth, fields)

    def _fragment_part(self, selection: Any) -> Size:
        if isinstance(selection, InlineFragmentNode):
            return self.selections(selection.selection_set)
        if not isinstance(selection, FragmentSpreadNode):
            return Size()
        name = selection.name.value
        fragment = self._fragments.get(name)
        if fragment is None or name in self._open:
            return Size()  # unknown fragments and cycles are reported by the standard rules
        if name not in self._sizes:
            self._open.add(name)
            self._sizes[name] = self.selections(fragment.selection_set)
            self._open.discard(name)
        return self._sizes[name]


class SelectionLimitsRule(ValidationRule):
    """Each operation within ``MAX_DEPTH`` levels and ``MAX_FIELDS`` field selections."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        fragments = {
            definition.name.value: definition
            for definition in self.context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        size = _Measure(fragments).selections(node.selection_set)
        name = f"'{node.name.value}'" if node.name else "The operation"
        if size.depth > MAX_DEPTH:
            message = f"{name} is nested {size.depth} levels deep; at most {MAX_DEPTH} are allowed."
            self.report_error(GraphQLError(message, node))
        if size.fields > MAX_FIELDS:
            message = f"{name} selects {size.fields} fields; at most {MAX_FIELDS} are allowed."
            self.report_error(GraphQLError(message, node))


class NoShadowingAliasesRule(ValidationRule):
    """An alias may not take the name of another field of its type.

    At the top level the names of every query and mutation field are taken, so that each key
    of ``data`` (and of every object below it) always holds what the field of that name holds.
    """

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.alias is None or node.alias.value == node.name.value:
            return
        parent = self.context.get_parent_type()
        if parent is None:
            return
        schema = self.context.schema
        roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
        if parent in roots:
            taken = _field_names(root for root in roots if root is not None)
        else:
            taken = _field_names([parent])
        if node.alias.value in taken:
            message = (
                f"The alias '{node.alias.value}' is the name of another field"
                f" of '{parent.name}'; choose another alias."
            )
            self.report_error(GraphQLError(message, node))


def _field_names(types: Iterable[Any]) -> set[str]:
    return {name for kind in types for name in getattr(kind, "fields", {})}


LIMIT_RULES = (SelectionLimitsRule, NoShadowingAliasesRule)
