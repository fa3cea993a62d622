"""Request validators that report every offending field, not only the first one."""

from __future__ import annotations

import json
import typing as t

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, ExtraParameterProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    ParameterValidator,
    TextResponseBodyValidator,
)
from jsonschema import Draft4Validator
from starlette.datastructures import Headers
from starlette.types import Receive, Scope

from contractkit.impl.web.compiled_schemas import surely_valid
from contractkit.impl.web.failures import FieldErrors
from contractkit.impl.web.field_errors import BODY_FIELD, collect_field_errors
from contractkit.impl.web.json_depth import MAX_JSON_DEPTH, deeper_than
from contractkit.impl.web.multipart import SpooledMultipartValidator
from contractkit.impl.web.streaming_validation import StreamingJSONResponseBodyValidator


def _too_deep() -> FieldErrors:
    return FieldErrors({BODY_FIELD: f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels"})


class FieldReportingJSONBodyValidator(JSONRequestBodyValidator):
    """JSON body validation whose failure lists every invalid field.

    A body sent without ``Content-Length`` (chunked) is read and validated like any other;
    JSON nested deeper than ``MAX_JSON_DEPTH`` is refused (400), never parsed recursively.
    """

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        headers = Headers(scope=scope)
        if "content-length" in headers or "transfer-encoding" not in headers:
            return await super().wrap_receive(receive, scope=scope)
        # Chunked: Connexion would take the missing length for a missing body. Announce a
        # length for its check only; the body itself is read and replayed unchanged.
        announced = {**scope, "headers": [*scope["headers"], (b"content-length", b"1")]}
        receive, _ = await super().wrap_receive(receive, scope=announced)
        return receive, scope

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
        raw = b"".join([message async for message in stream])
        if not raw:
            return None
        try:
            text = raw.decode(self._encoding)
        except UnicodeDecodeError as exc:
            raise FieldErrors({BODY_FIELD: f"Not valid JSON: {exc}"}) from exc
        if deeper_than(text, MAX_JSON_DEPTH):
            raise _too_deep()
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FieldErrors({BODY_FIELD: f"Not valid JSON: {exc}"}) from exc
        except RecursionError as exc:
            raise _too_deep() from exc

    def _validate(self, body: t.Any) -> dict | None:
        if body is None and not self._required:
            return None
        if body is None and not self._nullable:
            raise FieldErrors({BODY_FIELD: "A JSON request body is required"})
        if surely_valid(self._schema, body, response=False):
            return body
        validator = Draft4RequestValidator(
            self._schema, format_checker=Draft4Validator.FORMAT_CHECKER
        )
        fields = collect_field_errors(validator.iter_errors(body))
        if fields:
            raise FieldErrors(fields)
        return body


class FieldReportingParameterValidator(ParameterValidator):
    """Parameter validation whose failure lists every invalid parameter."""

    def validate_request(self, request: ConnexionRequest) -> None:
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, self.security_query_params)
            if extra:
                raise ExtraParameterProblem(param_type="query", extra_params=extra)
        checks = (
            ("query", self.validate_query_parameter),
            ("path", self.validate_path_parameter),
            ("header", self.validate_header_parameter),
            ("cookie", self.validate_cookie_parameter),
        )
        fields: dict[str, str] = {}
        for location, check in checks:
            for param in self.parameters.get(location, []):
                try:
                    error = check(param, request)
                except BadRequestProblem as exc:
                    error = exc.detail
                if error:
                    fields[param["name"]] = str(error).split("\n", 1)[0]
        if fields:
            raise FieldErrors(fields, message="Invalid request parameters")


VALIDATOR_MAP: dict[str, t.Any] = {
    "parameter": FieldReportingParameterValidator,
    "body": MediaTypeDict(
        {
            "*/*json": FieldReportingJSONBodyValidator,
            "application/x-www-form-urlencoded": FormDataValidator,
            "multipart/form-data": SpooledMultipartValidator,
        }
    ),
    "response": MediaTypeDict(
        {
            "*/*json": StreamingJSONResponseBodyValidator,
            "text/plain": TextResponseBodyValidator,
        }
    ),
}
