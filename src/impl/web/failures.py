"""Every failure answered in the envelope of the API the request was for.

Our validators raise :class:`FieldErrors`; handlers and services raise ``ApiError``; Connexion
and Starlette raise their own problems; anything else is a bug. :func:`to_api_error` makes each
of them an ``ApiError`` and :class:`ErrorResponder` renders it with the API's envelope.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from connexion.exceptions import (
    ClientProblem,
    ExtraParameterProblem,
    Forbidden,
    NonConformingResponse,
    ProblemException,
    Unauthorized,
    UnsupportedMediaTypeProblem,
)
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from contractkit.impl.errors import ApiError, EnvelopeRenderer
from contractkit.impl.web.busy import busy_error, is_busy
from contractkit.impl.web.routes import MethodIndex

logger = logging.getLogger("contractkit.impl.errors")


class FieldErrors(ClientProblem):
    """Request validation failed; ``fields`` maps each offending field to its message."""

    def __init__(self, fields: Mapping[str, str], message: str = "Please provide valid form data"):
        super().__init__(status=400, title="Bad Request", detail=message)
        self.fields = dict(fields)


_STATUS_CODES = {
    400: ("invalid_data", "Please provide valid form data"),
    401: ("invalid_token", "unauthorized user"),
    403: ("access_denied", "Permission required"),
    404: ("not_found", "Resource not found"),
    405: ("method_not_allowed", "Method not allowed for this resource"),
    406: ("not_acceptable", "No acceptable representation"),
    408: ("request_timeout", "The request did not arrive in time"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    429: ("too_many_requests", "Too many requests; please retry later"),
    500: ("internal_error", "internal server error"),
    503: ("busy", "The service is busy; please retry shortly"),
}


def _from_problem(exc: ProblemException) -> ApiError:
    status = exc.status_code
    code, default_message = _STATUS_CODES.get(status, ("error", exc.title or "Error"))
    headers = dict(exc.headers or {})
    headers.pop("Content-Type", None)
    headers.pop("content-type", None)
    if isinstance(exc, FieldErrors):
        return ApiError(status, code, exc.detail or default_message, exc.fields)
    if isinstance(exc, Unauthorized):
        return ApiError(401, "invalid_token", "unauthorized user")
    if isinstance(exc, ExtraParameterProblem):
        fields = {name: "Unknown parameter" for name in exc.extra_params}
        return ApiError(400, "invalid_data", "Unknown parameters", fields)
    if isinstance(exc, UnsupportedMediaTypeProblem):
        return ApiError(415, code, exc.detail or default_message)
    if isinstance(exc, NonConformingResponse):
        logger.error("response does not conform to the specification: %s", exc.detail)
        return ApiError(500, "internal_error", "internal server error")
    message = str(exc.detail) if status < 500 and exc.detail else default_message
    return ApiError(status, code, message, headers=headers)


def to_api_error(exc: Exception) -> ApiError:
    """Translate any exception reaching the edge of the app into an ``ApiError``."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ProblemException):
        return _from_problem(exc)
    if isinstance(exc, Forbidden):
        return ApiError(403, "access_denied", "Permission required")
    if isinstance(exc, HTTPException):
        code, message = _STATUS_CODES.get(exc.status_code, ("error", str(exc.detail)))
        return ApiError(exc.status_code, code, message, headers=dict(exc.headers or {}))
    if is_busy(exc):
        logger.warning("database busy: %s", exc)
        return busy_error()
    if isinstance(exc, RecursionError):
        return ApiError(400, "invalid_data", "The request is nested too deeply")
    logger.exception("unhandled error", exc_info=exc)
    return ApiError(500, "internal_error", "internal server error")


def default_envelope(error: ApiError) -> dict:
    """The envelope used outside any API (unknown paths)."""
    body: dict = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return {"error": body}


class ErrorResponder:
    """Renders errors in the envelope of the API whose base path the request is under."""

    def __init__(self) -> None:
        self._apis: list[tuple[str, EnvelopeRenderer, MethodIndex]] = []

    def register(self, base_path: str, renderer: EnvelopeRenderer, methods: MethodIndex) -> None:
        self._apis.append((base_path.rstrip("/"), renderer, methods))
        self._apis.sort(key=lambda item: len(item[0]), reverse=True)

    def _api_for(self, path: str) -> tuple[str, EnvelopeRenderer, MethodIndex | None]:
        for base, renderer, methods in self._apis:
            if path == base or path.startswith(base + "/") or not base:
                return base, renderer, methods
        return "", default_envelope, None

    def __call__(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        error = to_api_error(exc)
        path = request.url.path
        base, render, methods = self._api_for(path)
        if error.status == 405 and methods is not None:
            error.headers["Allow"] = ", ".join(methods.allowed(path[len(base) :]))
        return ConnexionResponse(
            status_code=error.status,
            body=json.dumps(render(error)),
            content_type="application/json",
            headers=error.headers,
        )
