"""Answers chosen by the request: ``x-mock`` rules, then example names paired with the request.

Rules are declared on an operation or on one of its responses::

    x-mock:
      rules:
        - when: {path.petId: 2}           # every condition must hold
          example: pet2                   # answer with the response example named pet2
        - when: {query.status: [sold, gone], header.x-tier: gold}
          status: 404                     # answer with the documented 404
        - when: {body.owner.name: Ann}
          status: 201
          example: ann

A condition names a request value (``path.NAME``, ``query.NAME``, ``header.NAME``,
``cookie.NAME``, ``body`` or ``body.a.b.0`` into the JSON body) and the value it must equal
(a list: any of them). The first operation rule that matches decides; rules on a response
(only ``example``) apply when that response is answered. Without a matching rule, the example
is paired by name with the request: the request body example the body equals, the parameter
example the parameter equals, or the path parameter's value itself name the response example
(``POST`` with the request example ``cat`` answers the response example ``cat``; ``GET
/pets/2`` answers the response example ``2``). ``Prefer`` headers win over all of this.
With ``--stateful``, a matching rule (on the operation, or on the response the store would
answer) wins over the store; name pairing does not: the stored resource answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from contractkit.mock.document.examples import read_examples
from contractkit.mock.document.model import MediaType, Operation
from contractkit.mock.types import MockRequest, mapping_at
from contractkit.mock.validation.bodies import find_media
from contractkit.openapi.errors import SpecError
from contractkit.openapi.workspace import Located

LOCATIONS = ("path", "query", "header", "cookie", "body")


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``when`` entry: the request value at (location, path) equals one of ``expected``."""

    location: str
    path: tuple[str, ...]
    expected: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """``when`` all conditions hold, answer ``status`` and/or the example ``example``."""

    conditions: tuple[Condition, ...]
    status: int | None
    example: str | None


@dataclass(frozen=True, slots=True)
class Choice:
    """What the request chose: a status, an example name, or both."""

    status: int | None = None
    example: str | None = None


def _condition(key: Any, value: Any, where: str) -> Condition:
    location, _, rest = str(key).partition(".")
    if location not in LOCATIONS or (location != "body" and not rest):
        raise ValueError(
            f"{where}: condition {key!r} must be path.NAME, query.NAME, header.NAME, "
            "cookie.NAME, body or body.FIELD"
        )
    path = tuple(rest.split(".")) if rest else ()
    if location == "header":
        path = (rest.lower(),)
    elif location in ("path", "query", "cookie"):
        path = (rest,)
    expected = tuple(value) if isinstance(value, list) and location != "body" else (value,)
    return Condition(location, path, expected)


def parse_rules(extension: Any, where: str, allow_status: bool = True) -> tuple[Rule, ...]:
    """The ``rules`` of an ``x-mock`` object; :class:`ValueError` naming what is malformed."""
    if not isinstance(extension, dict) or "rules" not in extension:
        return ()
    raw = extension["rules"]
    if not isinstance(raw, list):
        raise ValueError(f"{where}: x-mock rules must be a list")
    rules = []
    for index, entry in enumerate(raw):
        here = f"{where} x-mock rule {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("when"), dict):
            raise ValueError(f"{here}: needs a 'when' mapping")
        unknown = set(entry) - {"when", "status", "example"}
        if unknown:
            raise ValueError(f"{here}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        status = entry.get("status")
        if status is not None:
            if not allow_status:
                raise ValueError(f"{here}: a response's rule chooses an example, not a status")
            if isinstance(status, str) and status.isdigit():
                status = int(status)
            if not isinstance(status, int) or isinstance(status, bool):
                raise ValueError(f"{here}: status must be a number")
        example = entry.get("example")
        if example is not None and not isinstance(example, (str, int)):
            raise ValueError(f"{here}: example must be an example name")
        if status is None and example is None:
            raise ValueError(f"{here}: says neither status nor example")
        conditions = tuple(_condition(k, v, here) for k, v in entry["when"].items())
        rules.append(Rule(conditions, status, None if example is None else str(example)))
    return tuple(rules)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _body_at(body: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    node = body
    for token in path:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _equal(actual: Any, expected: Any) -> bool:
    same_kind = isinstance(actual, bool) == isinstance(expected, bool)
    return (same_kind and actual == expected) or _text(actual) == _text(expected)


class RequestView:
    """The request values rules and pairing read."""

    def __init__(self, request: MockRequest, params: dict[str, str], body: Any) -> None:
        self.request = request
        self.params = params
        self.body = body

    def values(self, location: str, path: tuple[str, ...]) -> list[Any]:
        """Every value the request has at (location, path)."""
        if location == "path":
            return [self.params[path[0]]] if path[0] in self.params else []
        if location == "query":
            return [v for k, v in self.request.query if k == path[0]]
        if location == "header":
            value = self.request.headers.get(path[0])
            return [] if value is None else [value]
        if location == "cookie":
            value = self.request.cookies.get(path[0])
            return [] if value is None else [value]
        found, value = _body_at(self.body, path)
        return [value] if found else []

    def meets(self, condition: Condition) -> bool:
        """Whether the request meets one condition."""
        actual = self.values(condition.location, condition.path)
        return any(_equal(a, e) for a in actual for e in condition.expected)


def first_match(rules: tuple[Rule, ...], view: RequestView) -> Rule | None:
    """The first rule whose conditions all hold."""
    for rule in rules:
        if all(view.meets(condition) for condition in rule.conditions):
            return rule
    return None


class Selector:
    """The rules of one operation and of its responses, and whether pairing can matter."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self.rules = parse_rules(operation.extension, operation.label)
        self.response_rules = {
            key: found
            for key, response in operation.spec.responses.items()
            if (
                found := parse_rules(
                    response.node.get("x-mock"), f"{operation.label} {key}", allow_status=False
                )
            )
        }
        self._check_rules()

    def _check_rules(self) -> None:
        names = self._response_example_names()
        for rule in (*self.rules, *(r for rs in self.response_rules.values() for r in rs)):
            if rule.example is not None and rule.example not in names:
                raise ValueError(
                    f"{self.operation.label}: x-mock rule names example {rule.example!r}, "
                    f"which no response of the operation has"
                )
            if rule.status is not None and not self._documents(rule.status):
                raise ValueError(
                    f"{self.operation.label}: x-mock rule answers {rule.status}, "
                    "which the operation does not document"
                )

    def _documents(self, status: int) -> bool:
        responses = self.operation.spec.responses
        text = str(status)
        return text in responses or f"{text[0]}XX" in responses or "default" in responses

    def _response_example_names(self) -> set[str]:
        return {
            str(name)
            for response in self.operation.spec.responses.values()
            for media in response.content.values()
            for name in mapping_at(media.node, "examples")
        }

    @cached_property
    def active(self) -> bool:
        """Whether anything here can depend on the request."""
        return bool(self.rules or self.response_rules) or self._pairable

    @property
    def _pairable(self) -> bool:
        return any(
            len(mapping_at(media.node, "examples")) > 1
            for response in self.operation.spec.responses.values()
            for media in response.content.values()
        )

    def operation_choice(self, view: RequestView) -> Choice | None:
        """The operation-level rule that matches, as a choice."""
        rule = first_match(self.rules, view) if self.rules else None
        return None if rule is None else Choice(rule.status, rule.example)

    def ruled_example(self, response_key: str, view: RequestView) -> str | None:
        """The example a matching rule on the response ``response_key`` names, if any."""
        rules = self.response_rules.get(response_key)
        rule = first_match(rules, view) if rules else None
        return None if rule is None else rule.example

    def example_for(self, response_key: str, media: MediaType, view: RequestView) -> str | None:
        """The response example the request selects: a response rule, else a paired name."""
        ruled = self.ruled_example(response_key, view)
        if ruled is not None:
            return ruled
        examples = read_examples(media, self.operation.workspace)
        if len(examples.usable) < 2:
            return None
        for name in self._paired_names(view):
            if examples.named(name) is not None:
                return name
        return None

    def _paired_names(self, view: RequestView) -> list[str]:
        names = self._body_example_names(view)
        for parameter in self.operation.parameters:
            actual = view.values(parameter.location, (_key(parameter.location, parameter.name),))
            if not actual:
                continue
            for name, value in _parameter_examples(parameter.spec.located, self.operation):
                if any(_equal(a, value) for a in actual):
                    names.append(name)
            if parameter.location == "path":
                names.extend(_text(a) for a in actual)
        return names

    def _body_example_names(self, view: RequestView) -> list[str]:
        body = self.operation.request_body
        if body is None or view.body is None:
            return []
        media = find_media(body[1], view.request.content_type)
        if media is None:
            return []
        examples = read_examples(media, self.operation.workspace)
        return [e.name for e in examples.usable if e.name is not None and e.value == view.body]


def _key(location: str, name: str) -> str:
    return name.lower() if location == "header" else name


def _parameter_examples(located: Located, operation: Operation) -> list[tuple[str, Any]]:
    node = located.node
    found: list[tuple[str, Any]] = []
    for name, entry in mapping_at(node, "examples").items():
        try:
            example = operation.workspace.follow(Located(entry, located.file, ())).node
        except SpecError:
            continue
        if isinstance(example, dict) and "value" in example:
            found.append((str(name), example["value"]))
    return found


def parsed_body(request: MockRequest, validated: Any, has_body: bool) -> Any:
    """The request body as rules read it: the validated value, else JSON if it parses."""
    if has_body:
        return validated
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None
