"""URLs the document gives to more than one path item.

Path items whose templates are equal once their fragments are dropped and their parameter
names ignored (``/migrations/{name}`` and ``/migrations/{deploy_id}``; Box's ``/files/{file_id}``
and ``/files/{file_id}#get_shared_link``, told apart by a fragment no client sends) are one URL
to a server. Its methods are the union of theirs, and where two of them share a method, the
server can answer that method's requests as one of them only. Two rules, each a `Rule`:

- `method_union`: ``allow_header_conformance`` and ``unsupported_method`` are judged against the
  union of the path items' methods instead of one path item's. An ``Allow`` listing exactly the
  union, or a method another path item of the URL documents answered as that one, is not
  counted (the note names the path items); any other mismatch is reported, restated against the
  union. (Only failures are judged again: an ``Allow`` that is right for one path item alone is
  wrong for another whose methods differ, and is reported there.)
- `answered_as_other`: a status, content, body, header or data-acceptance finding on one path
  item's operation is not counted when another path item of the URL has the same method and the
  answer conforms to that operation (its status documented there, and ``Content-Type``, body and
  headers as documented there): the server took the request for that one, and nothing in the
  request tells the two apart. The note names both path items. An answer that conforms to
  neither is still reported.

A URL only one path item owns is judged as Schemathesis judges it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from schemathesis.core.errors import SchemathesisError
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import AllowHeaderMismatch, UnsupportedMethodResponse
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contractkit.contract.model import Finding
from contractkit.contract.set_aside import Failed, Rule, SetAside
from contractkit.openapi import Document

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
IMPLICIT_METHODS = frozenset({"HEAD", "OPTIONS"})
"""Left out of the comparison, as Schemathesis leaves them out (frameworks answer them)."""
JUDGED_AS_OTHER = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "missing_required_header",
)
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
UNION_ALLOW = (
    "the URL belongs to several path items (equal once fragments are dropped and parameter "
    "names ignored), so its methods are the union of theirs, and the answer's Allow lists exactly "
    "that union"
)
UNION_METHOD = (
    "the URL belongs to several path items (equal once fragments are dropped and parameter "
    "names ignored) and another of them documents the method, so the server rightly answered it "
    "as that one's"
)
ANSWERED_AS_OTHER = (
    "the URL belongs to several path items with this method (equal once fragments are dropped "
    "and parameter names ignored), which no request can tell apart, and the answer conforms to "
    "the other path item's operation (status, Content-Type, body and headers as documented there)"
)


def _names(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template.split("#", 1)[0])


def url_of(template: str) -> str:
    """What a server sees of a path template: no fragment, placeholders without names."""
    return _PLACEHOLDER.sub("{}", template.split("#", 1)[0])


class SharedUrls:
    """The path items of a document that share their URL with another, and their methods."""

    def __init__(self, document: Document) -> None:
        by_url: dict[str, dict[str, set[str]]] = {}
        for operation in document.operations:
            paths = by_url.setdefault(url_of(operation.path), {})
            paths.setdefault(operation.path, set()).add(operation.method.upper())
        self._paths = {path: items for items in by_url.values() if len(items) > 1 for path in items}

    def __bool__(self) -> bool:
        return bool(self._paths)

    def others(self, path: str) -> dict[str, set[str]]:
        """The other path items of ``path``'s URL and their methods (none: it owns its URL)."""
        items = self._paths.get(path, {})
        return {other: methods for other, methods in items.items() if other != path}

    def union(self, path: str) -> set[str]:
        """The methods of every path item of ``path``'s URL (upper-case; empty: not shared)."""
        return set().union(*self._paths.get(path, {}).values())


def shared_url_rules(document: Document) -> list[Rule]:
    """Both rules for ``document``, over one reading of its shared URLs."""
    shared = SharedUrls(document)
    return [method_union(shared), answered_as_other(shared)]


def method_union(shared: SharedUrls) -> Rule:
    """``allow_header_conformance`` and ``unsupported_method`` judged against the URL's methods."""

    def rule(failed: Failed) -> Finding | SetAside | None:
        path = failed.case.operation.path
        union = shared.union(path)
        if not union:
            return None
        failure = failed.failure
        others = ", ".join(sorted(shared.others(path)))
        if isinstance(failure, AllowHeaderMismatch):
            advertised = {m.strip().upper() for m in failure.allow_header.split(",") if m.strip()}
            missing = sorted(union - advertised - IMPLICIT_METHODS)
            extra = sorted(advertised - union - IMPLICIT_METHODS)
            if not missing and not extra:
                detail = f"Allow: {failure.allow_header}; shared with {others}"
                return SetAside(failed.finding, UNION_ALLOW, detail)
            return replace(
                failed.finding,
                message=_allow_mismatch(failure.allow_header, path, others, union, missing, extra),
            )
        if isinstance(failure, UnsupportedMethodResponse):
            method = failure.method.upper()
            owners = sorted(p for p, methods in shared.others(path).items() if method in methods)
            if failure.failure_reason == "wrong_status" and owners:
                detail = f"{method} -> {failure.status_code}, documented by {', '.join(owners)}"
                return SetAside(failed.finding, UNION_METHOD, detail)
        return None

    return rule


def _allow_mismatch(
    allow: str, path: str, others: str, union: set[str], missing: list[str], extra: list[str]
) -> str:
    parts = []
    if missing:
        parts.append(f"Missing documented methods: {', '.join(missing)}")
    if extra:
        parts.append(f"Undocumented methods advertised: {', '.join(extra)}")
    return (
        f"`Allow: {allow}` does not match the methods of the URL, which {path} shares with "
        f"{others} ({', '.join(sorted(union))}). {'. '.join(parts)}\n\n"
        "List exactly the methods this resource supports in `Allow`"
    )


def answered_as_other(shared: SharedUrls) -> Rule:
    """Findings that come from the server answering as another path item of the URL."""

    def rule(failed: Failed) -> SetAside | None:
        if failed.finding.check not in JUDGED_AS_OTHER or not shared:
            return None
        case = failed.case
        method = case.method.upper()
        for other, methods in sorted(shared.others(case.operation.path).items()):
            if method in methods and _conforms(case, other, failed):
                detail = f"answered as {method} {other}"
                return SetAside(failed.finding, ANSWERED_AS_OTHER, detail)
        return None

    return rule


def _conforms(case: Case[Any], other: str, failed: Failed) -> bool:
    """Whether the answer to ``case`` conforms to the same request sent to ``other``'s operation."""
    operation = case.operation.schema[other][case.method.upper()]
    # Same URL, same placeholders in the same places: the values go by position.
    values = [(case.path_parameters or {}).get(name) for name in _names(case.operation.path)]
    renamed = dict(zip(_names(other), values, strict=False))
    rebuilt = operation.Case(
        path_parameters=renamed,
        headers=dict(case.headers or {}),
        cookies=dict(case.cookies or {}),
        query=dict(case.query or {}),
        body=case.body,
        media_type=case.media_type,
    )
    try:
        rebuilt.validate_response(failed.response, checks=CONFORMANCE)
    except (FailureGroup, SchemathesisError):
        # It breaks the other operation's document, or is a request that one cannot take.
        return False
    return True
