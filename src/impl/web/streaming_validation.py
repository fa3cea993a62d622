"""Response validation of streamed JSON arrays, one element at a time.

Connexion's JSON response validator collects the whole body before validating it, which
would hold a streamed export in memory. A response without ``Content-Length`` (a
``StreamingResponse``) whose schema is an array is instead checked as it passes: the array
is parsed incrementally and each element is validated against ``items`` as soon as it is
complete; only the element being received is kept. The status line and headers have left by
then, so a non-conforming element cannot become a 500 answer: it aborts the response (the
client sees truncated JSON) with ``NonConformingResponseBody``, which is logged.
Every other JSON response is validated by Connexion's validator, unchanged.
"""

from __future__ import annotations

import codecs
import json
import typing as t

from connexion.exceptions import NonConformingResponseBody
from connexion.json_schema import Draft4ResponseValidator
from connexion.validators import JSONResponseBodyValidator
from jsonschema import Draft4Validator
from starlette.types import Send

from contractkit.impl.web.compiled_schemas import surely_valid

WHITESPACE = " \t\r\n"
NUMBER_CHARACTERS = "0123456789.eE+-"


class JSONArrayStream:
    """Incremental parser of one JSON array; ``feed`` answers the elements completed."""

    def __init__(self) -> None:
        self._pending = ""
        self._state = "start"  # start -> first -> items -> end
        self._decoder = json.JSONDecoder()

    def _skip_whitespace(self, index: int) -> int:
        while index < len(self._pending) and self._pending[index] in WHITESPACE:
            index += 1
        return index

    def feed(self, text: str, final: bool = False) -> list[t.Any]:
        self._pending += text
        elements: list[t.Any] = []
        index = 0
        while True:
            index = self._skip_whitespace(index)
            if index == len(self._pending):
                break
            char = self._pending[index]
            if self._state == "start":
                if char != "[":
                    raise NonConformingResponseBody("The streamed body is not a JSON array")
                self._state, index = "first", index + 1
            elif self._state == "end":
                raise NonConformingResponseBody("Data after the end of the JSON array")
            elif char == "]":
                self._state, index = "end", index + 1
            elif self._state == "items" and char != ",":
                raise NonConformingResponseBody("Array elements must be separated by ','")
            else:
                start = self._skip_whitespace(index + 1 if self._state == "items" else index)
                decoded = self._decode(start, final)
                if decoded is None:
                    break
                element, index = decoded
                elements.append(element)
                self._state = "items"
        self._pending = self._pending[index:]
        if final and (self._state != "end" or self._pending.strip()):
            raise NonConformingResponseBody("The streamed JSON array is incomplete")
        return elements

    def _decode(self, start: int, final: bool) -> tuple[t.Any, int] | None:
        """The element at ``start`` and where it ends; None while it is still arriving."""
        try:
            element, end = self._decoder.raw_decode(self._pending, start)
        except json.JSONDecodeError as exc:
            if final:
                raise NonConformingResponseBody(f"Invalid JSON in the array: {exc}") from exc
            return None
        # A number may go on in the next chunk ("-0" of "-0.5e3"): it is complete only once
        # a character that cannot continue it has arrived.
        if not final and isinstance(element, int | float) and not isinstance(element, bool):
            rest = self._pending[end:].lstrip(NUMBER_CHARACTERS)
            if not rest:
                return None
        return element, end


class _ElementCheck:
    """The elements of one streamed array, each checked against ``items`` once complete."""

    def __init__(self, items: Draft4ResponseValidator, encoding: str) -> None:
        self._items = items
        self._parser = JSONArrayStream()
        self._decoder = codecs.getincrementaldecoder(encoding)()

    def check(self, message: t.MutableMapping[str, t.Any]) -> None:
        final = not message.get("more_body", False)
        text = self._decoder.decode(message.get("body", b""), final)
        for element in self._parser.feed(text, final):
            error = next(self._items.iter_errors(element), None)
            if error is not None:
                raise NonConformingResponseBody(
                    detail=f"A streamed array element does not conform: {error.message}"
                )


class StreamingJSONResponseBodyValidator(JSONResponseBodyValidator):
    """Validates streamed JSON arrays element by element; other bodies as Connexion does,
    with the schema compiled once (the Python validator runs only to report a failure)."""

    def _validate(self, body: dict) -> None:
        if surely_valid(self._schema, body, response=True):
            return
        super()._validate(body)

    def _streams_an_array(self, start: t.MutableMapping[str, t.Any]) -> bool:
        if (self._schema or {}).get("type") != "array":
            return False
        return all(name.lower() != b"content-length" for name, _ in start.get("headers", []))

    def _items_validator(self) -> Draft4ResponseValidator:
        return Draft4ResponseValidator(
            self._schema.get("items", {}) if self._schema else {},
            format_checker=Draft4Validator.FORMAT_CHECKER,
        )

    def wrap_send(self, send: Send) -> Send:
        buffered = super().wrap_send(send)
        stream: _ElementCheck | None = None

        async def send_(message: t.MutableMapping[str, t.Any]) -> None:
            nonlocal stream
            if message["type"] == "http.response.start" and self._streams_an_array(message):
                stream = _ElementCheck(self._items_validator(), self._encoding)
            if stream is None:
                await buffered(message)
                return
            if message["type"] == "http.response.body":
                stream.check(message)
            await send(message)

        return send_
