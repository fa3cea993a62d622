"""The mock pipeline: route -> validate -> (remember) -> negotiate -> generate.

:class:`MockEngine` is independent of any web framework: it takes a :class:`MockRequest`
and returns a :class:`MockResponse`; :mod:`contractkit.mock.server` adapts it to ASGI.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractkit.mock.document.examples import Defect, defects
from contractkit.mock.document.model import Operation, collect_operations
from contractkit.mock.document.schemas import SchemaCompiler
from contractkit.mock.generation.errors import (
    VIOLATIONS_HEADER,
    documented_refusal,
    error_response,
    problem_response,
    violations_header,
)
from contractkit.mock.generation.responder import NONCONFORMING, WARNING_HEADER, Responder
from contractkit.mock.negotiation.negotiator import (
    Negotiated,
    NegotiationFailure,
    Preferences,
    negotiate,
    parse_prefer,
    response_for_status,
)
from contractkit.mock.negotiation.selection import RequestView, Selector, parsed_body
from contractkit.mock.routing.router import Router
from contractkit.mock.serving.observe import Coverage, RequestLog
from contractkit.mock.state.backend import MEMORY, StateBackend, StateBackendError, open_backend
from contractkit.mock.state.deletions import (
    DeletedPaths,
    StoredDeletedPaths,
    TrackingPlan,
    resource_path,
)
from contractkit.mock.state.store import (
    NAMESPACE_HEADER,
    NAMESPACE_LIMIT,
    StateStore,
    namespace_of,
)
from contractkit.mock.types import MockRequest, MockResponse
from contractkit.mock.validation.security import CredentialPolicy
from contractkit.mock.validation.validator import ValidationResult, validate_request
from contractkit.openapi.model import server_base_paths
from contractkit.openapi.workspace import Workspace

ADMIN_PREFIX = "/__mock"
_ANSWER_LIMIT = 1024
_ANSWER_BODY_LIMIT = 256 * 1024
_KEYED_BODY_LIMIT = 4096


def _flagged(response: MockResponse, broken: ValidationResult) -> MockResponse:
    """A copy of ``response`` that names what the request broke (which no documented status
    refuses) in the violations header, with a warning saying so."""
    flagged = MockResponse(
        response.status, dict(response.headers), response.body, response.documented_as
    )
    flagged.headers[VIOLATIONS_HEADER] = violations_header(broken.violations)
    flagged.headers[WARNING_HEADER] = (
        f"the request breaks the document ({broken.status}), which declares no client "
        "error for this operation"
    )
    return flagged


@dataclass(frozen=True, slots=True)
class _Latency:
    """An operation's delay range (milliseconds) and the share of requests answered with a
    fault."""

    delay_ms: tuple[float, float]
    error_rate: float


@dataclass(slots=True)
class _Outcome:
    """An operation's answer to one request, the violations its log entry names, and whether
    the very same request always gets this very answer."""

    operation: Operation
    response: MockResponse
    logged: list[dict[str, str]]
    repeatable: bool


def _answer_key(request: MockRequest) -> tuple[Any, ...] | None:
    """What makes two requests the very same one: method, path, query, every header in the
    order sent, and the body (``None`` when the body is too large to remember by)."""
    if len(request.body) > _KEYED_BODY_LIMIT:
        return None
    return (
        request.method,
        request.path,
        request.query_string,
        tuple(request.headers.items()),
        request.body,
    )


_QUERY_PREFERENCES = ("__code", "__example", "__dynamic")


def preferences(request: MockRequest) -> Preferences:
    """``Prefer: code=, example=, dynamic=``, or Prism's ``__code``/``__example``/``__dynamic``
    query parameters (the header wins)."""
    header = parse_prefer(request.headers.get("prefer"))
    if "__" not in request.query_string:
        return header
    given = {k[2:]: v for k, v in request.query if k in _QUERY_PREFERENCES}
    if not given:
        return header
    query = parse_prefer(", ".join(f"{k}={v}" for k, v in given.items()))
    return Preferences(
        header.code if header.code is not None else query.code,
        header.example or query.example,
        header.dynamic if header.dynamic is not None else query.dynamic,
    )


@dataclass(frozen=True, slots=True)
class MockOptions:
    """How the mock behaves (see ``contractkit mock --help``)."""

    seed: int = 0
    dynamic: bool = False
    stateful: bool = False
    delay_ms: tuple[float, float] = (0.0, 0.0)
    error_rate: float = 0.0
    cors: bool = True
    credentials: tuple[tuple[str, str], ...] = ()
    """Valid credentials: (scheme name or ``*``, value); declaring any makes values checked."""
    forbidden_credentials: tuple[tuple[str, str], ...] = ()
    """Known credentials that lack access: answered with 403."""
    state: str = MEMORY
    """Where ``stateful`` keeps resources: ``memory``, a SQLite path, a Redis or PostgreSQL URL
    (see :func:`contractkit.mock.state.backend.open_backend`)."""
    strict_auth: bool = False
    """Check the form of bearer tokens (a ``bearerFormat: JWT`` token must be a JWT)."""
    ignore_examples: bool = False
    """Generate bodies from schemas even where examples exist (Prism's ``--ignoreExamples``)."""
    errors: bool = False
    """Answer 500 instead of a body that cannot be made to conform (Prism's ``--errors``)."""
    refuse_undocumented: bool = False
    """Refuse invalid requests with 400/401/415/422 even where the operation does not
    document that status (problem+json, as Prism does); by default only documented statuses."""


class MockEngine:
    """Everything a running mock knows: documents, routes, state, coverage."""

    def __init__(self, workspace: Workspace, options: MockOptions | None = None) -> None:
        self.workspace = workspace
        self.options = options or MockOptions()
        self.compiler = SchemaCompiler(workspace)
        self.operations = collect_operations(workspace, self.compiler)
        self.router: Router[Operation] = Router()
        for operation in self.operations:
            for base in operation.base_paths:
                self.router.add(operation.method, base + operation.template, operation)
        # Operations with servers of their own are also served under the document's base
        # paths (clients configured with the document's URL), after every declared route.
        for operation in self.operations:
            for base in self._document_base_paths(operation):
                if base not in operation.base_paths:
                    self.router.add(operation.method, base + operation.template, operation)
        for operation in self.operations:
            if any(operation.base_paths):
                self.router.add(operation.method, operation.template, operation, fallback=True)
        self.credentials = CredentialPolicy.from_pairs(
            self.options.credentials, self.options.forbidden_credentials, self.options.strict_auth
        )
        named = self.credentials.scheme_names()
        unknown = named - self.security_scheme_names() if named else set()
        if unknown:
            known = ", ".join(sorted(self.security_scheme_names())) or "none"
            raise ValueError(
                f"unknown security scheme(s) {', '.join(sorted(unknown))}; "
                f"the documents use: {known}"
            )
        self.responder = Responder(self.options.seed, ignore_examples=self.options.ignore_examples)
        self.coverage = Coverage(self.operations)
        self.log = RequestLog()
        self.backend: StateBackend | None = (
            open_backend(self.options.state) if self.options.stateful else None
        )
        self.state = (
            StateStore(self.operations, self.responder, self.backend)
            if self.backend is not None
            else None
        )
        state = self.state
        plan = TrackingPlan(
            self.operations,
            state.role_of if state is not None else lambda operation: None,
        )
        self.deleted: DeletedPaths | StoredDeletedPaths = (
            StoredDeletedPaths(self.backend, plan)
            if self.backend is not None
            else DeletedPaths(plan)
        )
        self.selectors = {id(op): Selector(op) for op in self.operations}
        self._faults = random.Random(self.options.seed)
        self._latencies: dict[int, _Latency] = {}
        self.answered_from_memory = False
        """Whether the last request was answered from the remembered answers (the built-in
        server learns a request's bytes only once it has been seen twice)."""
        """Per operation (they live as long as the engine)."""
        self._negotiated: dict[
            tuple[int, Preferences, str | None], Negotiated | NegotiationFailure
        ] = {}
        self._answers: dict[tuple[Any, ...], _Outcome] = {}
        """Answers that the very same request always gets, by request (see :func:`_answer_key`)."""

    def _document_base_paths(self, operation: Operation) -> list[str]:
        """The base paths of the document's own servers, where an operation that declares
        servers of its own is also served (clients configured with the document's URL)."""
        if "servers" not in operation.spec.node and "servers" not in operation.spec.path_item.node:
            return []
        document = self.workspace.document(operation.spec.located.file)
        return server_base_paths(document.get("servers") if isinstance(document, dict) else None)

    @classmethod
    def from_paths(
        cls, paths: Iterable[Path | str], options: MockOptions | None = None
    ) -> MockEngine:
        """An engine for the documents found in files and folders."""
        return cls(Workspace.load(paths), options)

    def example_defects(self) -> list[Defect]:
        """The document's examples that are never served (unresolvable or breaking their
        schema), in document order."""
        return defects(self.operations)

    def security_scheme_names(self) -> set[str]:
        """Names of the security schemes the operations require."""
        return {name for op in self.operations for alt in op.security for name in alt}

    # -- the pipeline ---------------------------------------------------------------

    def close(self) -> None:
        """Release the state backend's connections."""
        if self.backend is not None:
            self.backend.close()

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request (a failing state backend is answered with 503)."""
        if NAMESPACE_HEADER in request.headers and (
            len(namespace_of(request.headers)) > NAMESPACE_LIMIT
        ):
            return problem_response(
                400,
                "Bad Request",
                f"the X-Mock-Namespace header is longer than {NAMESPACE_LIMIT} characters",
            )
        try:
            return self._handle(request)
        except StateBackendError as exc:
            return problem_response(503, "State unavailable", str(exc))

    def answer_key(self, request: MockRequest) -> tuple[Any, ...] | None:
        """What identifies ``request`` among the answers given again (``None`` when no
        answer of this engine is ever remembered, or the request is too large)."""
        return _answer_key(request) if self.state is None else None

    def answer_again(self, key: tuple[Any, ...], method: str, path: str) -> MockResponse | None:
        """The remembered answer to the request identified by ``key`` (see
        :meth:`answer_key`), logged and counted as any answer; ``None`` once forgotten."""
        remembered = self._answers.get(key)
        if remembered is None:
            return None
        self._record_answer(method, path, remembered)
        self.answered_from_memory = True
        return remembered.response

    def _handle(self, request: MockRequest) -> MockResponse:
        self.answered_from_memory = False
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        key = self.answer_key(request)
        if key is not None:
            again = self.answer_again(key, request.method, request.path)
            if again is not None:
                return again
        match = self.router.match(request.method, request.path)
        operation = match.target
        if operation is None:
            response = self._unrouted(request, match.allowed)
            self.log.record(request.method, request.path, None, response.status, [])
            return response
        outcome = self._handle_operation(operation, request, match.params)
        if request.method.upper() == "HEAD":
            outcome.response = MockResponse(
                outcome.response.status,
                outcome.response.headers,
                b"",
                outcome.response.documented_as,
                outcome.response.delay,
            )
        self._record_answer(request.method, request.path, outcome)
        response = outcome.response
        if outcome.repeatable and key is not None and len(response.body) <= _ANSWER_BODY_LIMIT:
            if len(self._answers) >= _ANSWER_LIMIT:
                self._answers.pop(next(iter(self._answers)))
            response.given_again = True
            self._answers[key] = outcome
        return response

    def _record_answer(self, method: str, path: str, outcome: _Outcome) -> None:
        """Log one answered request and count it in coverage."""
        response = outcome.response
        operation = outcome.operation
        self.log.record(method, path, operation.operation_id, response.status, outcome.logged)
        self.coverage.record(operation, response.status, response.documented_as)

    def _unrouted(self, request: MockRequest, allowed: tuple[str, ...]) -> MockResponse:
        if allowed:
            response = problem_response(
                405, "Method Not Allowed", f"{request.method} is not documented for {request.path}"
            )
            response.headers["allow"] = ", ".join(allowed)
            return response
        return problem_response(404, "Not Found", f"no documented path matches {request.path}")

    def _handle_operation(
        self, operation: Operation, request: MockRequest, params: dict[str, str]
    ) -> _Outcome:
        """The answer, what to log of it, and whether the same request would always get the
        very same one (no state, delay, fault roll, dynamic data or deletion mark involved;
        a refusal depends on the request alone)."""
        accept = request.headers.get("accept")
        validation = validate_request(operation, request, params, self.credentials)
        delay = self._delay(operation)
        refused_with = None
        # Credentials no documented status refuses, the rest of the request being valid: it
        # is answered as a valid one (the store included), the violations shown in headers.
        unrefused: ValidationResult | None = None
        if not validation.valid:
            refused_with = (
                validation.status
                if self.options.refuse_undocumented
                else documented_refusal(operation, validation.status)
            )
        if refused_with is None and validation.status in (401, 403):
            # No documented status refuses the credentials: the rest is still checked.
            credentials = validation
            validation = validate_request(
                operation, request, params, self.credentials, check_credentials=False
            )
            if not validation.valid:
                refused_with = documented_refusal(operation, validation.status)
                if refused_with is None:
                    validation.violations = [*credentials.violations, *validation.violations]
            else:
                unrefused = credentials
        if refused_with is not None:
            refusal = error_response(
                operation, refused_with, validation.violations, accept, self.options.seed
            )
            if validation.challenges:
                refusal.headers["www-authenticate"] = ", ".join(validation.challenges)
            refusal.delay = delay
            logged = [v.as_dict() for v in validation.violations]
            return _Outcome(operation, refusal, logged, repeatable=delay <= 0)
        if not validation.valid:
            flagged = self._unrefusable(operation, request, params, validation, accept, delay)
            logged = [v.as_dict() for v in validation.violations]
            return _Outcome(operation, flagged, logged, repeatable=False)
        prefer = preferences(request)
        view: RequestView | None = None
        selector = self.selectors[id(operation)]
        chosen = False
        if selector.active and prefer.code is None and prefer.example is None:
            view = RequestView(
                request, params, parsed_body(request, validation.body, validation.has_body)
            )
            choice = selector.operation_choice(view)
            if choice is not None:
                chosen = True
                prefer = Preferences(choice.status, choice.example, prefer.dynamic)
            elif self.state is not None:
                chosen, prefer = self._ruled_response(operation, prefer, accept, view)
        fault = self._fault(operation)
        tracked = self.deleted.concerns(operation)
        path = resource_path(operation, params) if tracked else ()
        namespace = namespace_of(request.headers)
        response: MockResponse | None = None
        if (
            tracked
            and prefer.code is None
            and self.deleted.refuses(operation, path, namespace)
            and response_for_status(operation, 404) is not None
        ):
            response = error_response(
                operation, 404, [], accept, self.options.seed, message=f"{request.path} was deleted"
            )
        elif fault is not None:
            response = error_response(
                operation, fault, [], accept, self.options.seed, message="Injected fault"
            )
        elif self.state is not None and prefer.code is None and not chosen:
            response = self.state.handle(operation, request, params, validation, accept)
        if response is None:
            response = self._documented(operation, request, params, prefer, accept, view)
        if tracked:
            self.deleted.record(operation, path, response.status, namespace)
            if 200 <= response.status < 300 and self.deleted.plan.marks(operation):
                self._answers.clear()  # a remembered answer may lie beneath the new mark
        if unrefused is not None:
            response = _flagged(response, unrefused)
        response.delay = delay
        logged = [v.as_dict() for v in unrefused.violations] if unrefused is not None else []
        repeatable = (
            unrefused is None
            and self.state is None
            and not tracked
            and delay <= 0
            and not self._may_fault(operation)
            and not (self.options.dynamic if prefer.dynamic is None else prefer.dynamic)
        )
        return _Outcome(operation, response, logged, repeatable)

    def _ruled_response(
        self,
        operation: Operation,
        prefer: Preferences,
        accept: str | None,
        view: RequestView,
    ) -> tuple[bool, Preferences]:
        """Whether a rule on the response the store would answer names an example (which then
        wins over the store, as an operation's rule does), and the preferences it makes."""
        selector = self.selectors[id(operation)]
        if not selector.response_rules:
            return False, prefer
        negotiated = self._negotiate(operation, prefer, accept)
        if not isinstance(negotiated, Negotiated) or negotiated.response is None:
            return False, prefer
        example = selector.ruled_example(negotiated.response.key, view)
        if example is None:
            return False, prefer
        return True, Preferences(prefer.code, example, prefer.dynamic)

    def _unrefusable(
        self,
        operation: Operation,
        request: MockRequest,
        params: dict[str, str],
        validation: ValidationResult,
        accept: str | None,
        delay: float,
    ) -> MockResponse:
        """An invalid request to an operation that documents no client error: answered with
        what it documents (the mock never answers an undocumented status), the violations in
        a header and a warning saying so."""
        response = self._documented(operation, request, params, preferences(request), accept)
        response = _flagged(response, validation)
        response.delay = delay
        return response

    def _negotiate(
        self, operation: Operation, prefer: Preferences, accept: str | None
    ) -> Negotiated | NegotiationFailure:
        key = (id(operation), prefer, accept)
        found = self._negotiated.get(key)
        if found is None:
            found = negotiate(operation, prefer, accept)
            if len(self._negotiated) >= 4096:
                self._negotiated.clear()
            self._negotiated[key] = found
        return found

    def _documented(
        self,
        operation: Operation,
        request: MockRequest,
        params: dict[str, str],
        prefer: Preferences,
        accept: str | None,
        view: RequestView | None = None,
    ) -> MockResponse:
        negotiated = self._negotiate(operation, prefer, accept)
        if isinstance(negotiated, NegotiationFailure):
            return problem_response(negotiated.status, negotiated.title, negotiated.detail)
        dynamic = self.options.dynamic if prefer.dynamic is None else prefer.dynamic
        example = prefer.example
        if (
            view is not None
            and example is None
            and negotiated.response is not None
            and negotiated.media is not None
        ):
            example = self.selectors[id(operation)].example_for(
                negotiated.response.key, negotiated.media, view
            )
        response = self.responder.respond(
            operation,
            negotiated.status,
            negotiated.response,
            negotiated.media,
            request,
            params,
            dynamic,
            example,
        )
        if response is None:
            return problem_response(
                404, "No such example", f"{operation.label} has no example named {example!r}"
            )
        if self.options.errors and response.headers.get(WARNING_HEADER, "").startswith(
            NONCONFORMING
        ):
            return problem_response(
                500,
                "Nonconforming answer",
                f"{operation.label} {negotiated.status}: {response.headers[WARNING_HEADER]}",
            )
        return response

    # -- latency and faults ---------------------------------------------------------

    def _delay(self, operation: Operation) -> float:
        low, high = self._latency(operation).delay_ms
        if high <= 0:
            return 0.0
        return (low if high <= low else self._faults.uniform(low, high)) / 1000.0

    def _fault_rate(self, operation: Operation) -> float:
        return self._latency(operation).error_rate

    def _latency(self, operation: Operation) -> _Latency:
        """The operation's delay range and error rate (``x-mock`` over the options), read
        once per operation."""
        found = self._latencies.get(id(operation))
        if found is None:
            setting = operation.extension.get("delay")
            low, high = self.options.delay_ms
            if isinstance(setting, (int, float)):
                low = high = float(setting)
            elif isinstance(setting, list) and len(setting) == 2:
                low, high = float(setting[0]), float(setting[1])
            rate = operation.extension.get("errorRate", self.options.error_rate)
            found = _Latency(
                (low, high), float(rate) if isinstance(rate, (int, float)) and rate > 0 else 0.0
            )
            self._latencies[id(operation)] = found
        return found

    def _may_fault(self, operation: Operation) -> bool:
        return self._fault_rate(operation) > 0

    def _fault(self, operation: Operation) -> int | None:
        rate = self._fault_rate(operation)
        if rate <= 0 or self._faults.random() >= rate:
            return None
        status = operation.extension.get("errorStatus", 500)
        return int(status) if isinstance(status, int) else 500

    # -- administration -------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """What clients (such as the contract runner) may rely on: whether credential values
        are checked, and how answers are made."""
        schemes = {
            name: located.node
            for op in self.operations
            for alt in op.security
            for name, located in alt.items()
            if located is not None and isinstance(located.node, dict)
        }
        return {
            "server": "contractkit mock",
            "authenticates": self.credentials.declared,
            "authenticatingSchemes": sorted(
                name for name, scheme in schemes.items() if self.credentials.authenticates(scheme)
            ),
            "strictAuth": self.options.strict_auth,
            "dynamic": self.options.dynamic,
            "stateful": self.options.stateful,
            "seed": self.options.seed,
        }

    def reset(self, namespace: str | None = None) -> None:
        """Forget one namespace's state, or (``None``) all state, request log and coverage."""
        if self.state is not None:
            self.state.reset(namespace)
        self.deleted.reset(namespace)
        self._answers.clear()
        if namespace is None:
            self.log.reset()
            self.coverage.reset()

    def _admin(self, request: MockRequest) -> MockResponse:
        route = (request.method.upper(), request.path.rstrip("/"))
        body: Any
        if route == ("GET", f"{ADMIN_PREFIX}/coverage"):
            body = self.coverage.report()
        elif route == ("GET", f"{ADMIN_PREFIX}/requests"):
            body = self.log.entries()
        elif route == ("POST", f"{ADMIN_PREFIX}/reset"):
            named = NAMESPACE_HEADER in request.headers
            self.reset(namespace_of(request.headers) if named else None)
            return MockResponse(204)
        elif route == ("GET", f"{ADMIN_PREFIX}/settings"):
            body = self.settings()
        elif route == ("GET", f"{ADMIN_PREFIX}/operations"):
            body = [
                {"operation": op.label, "operationId": op.operation_id, "basePaths": op.base_paths}
                for op in self.operations
            ]
        else:
            return problem_response(
                404, "Not Found", f"no mock endpoint {request.method} {request.path}"
            )
        return MockResponse(200, {"content-type": "application/json"}, json.dumps(body).encode())


__all__ = ["MockEngine", "MockOptions", "violations_header"]
