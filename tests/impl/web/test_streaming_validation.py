"""Streamed JSON arrays are validated element by element; other bodies as before."""

from __future__ import annotations

import json

import pytest
from connexion.exceptions import NonConformingResponseBody

from contractkit.impl.web.streaming_validation import (
    JSONArrayStream,
    StreamingJSONResponseBodyValidator,
)

SCHEMA = {
    "type": "array",
    "items": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
}


def feed_in_pieces(text: str, size: int) -> list:
    parser = JSONArrayStream()
    elements = []
    pieces = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    for index, piece in enumerate(pieces):
        elements += parser.feed(piece, final=index == len(pieces) - 1)
    return elements


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_elements_are_found_however_the_text_is_cut(size: int) -> None:
    value = [{"n": 1, "s": "a,]\\"}, 12345, [1, [2]], "x", None, True, -0.5e3]
    assert feed_in_pieces(" " + json.dumps(value) + "\n", size) == value


@pytest.mark.parametrize("text", ["{}", "[1,", "[1 2]", "[1]]", "[1,]", "", "[{]"])
def test_what_is_not_one_complete_array_is_refused(text: str) -> None:
    with pytest.raises(NonConformingResponseBody):
        feed_in_pieces(text, 1)


async def run(body_chunks: list[bytes], headers: list) -> list[dict]:
    forwarded: list[dict] = []

    async def send(message: dict) -> None:
        forwarded.append(message)

    validator = StreamingJSONResponseBodyValidator({}, schema=SCHEMA, encoding="utf-8")
    wrapped = validator.wrap_send(send)
    await wrapped({"type": "http.response.start", "status": 200, "headers": headers})
    for index, chunk in enumerate(body_chunks):
        more = index < len(body_chunks) - 1
        await wrapped({"type": "http.response.body", "body": chunk, "more_body": more})
    return forwarded


async def test_a_streamed_array_passes_chunk_by_chunk() -> None:
    chunks = [b"[", b'{"n": 1}', b',{"n"', b": 2}", b"]"]
    forwarded = await run(chunks, [])
    assert [m.get("body") for m in forwarded[1:]] == chunks


async def test_a_streamed_element_that_does_not_conform_aborts_the_response() -> None:
    with pytest.raises(NonConformingResponseBody):
        await run([b"[", b'{"n": 1}', b',{"n": "two"}', b"]"], [])


async def test_a_body_with_a_length_is_validated_whole_as_before() -> None:
    body = b'[{"n": "one"}]'
    with pytest.raises(NonConformingResponseBody):
        await run([body], [(b"content-length", str(len(body)).encode())])
    good = b'[{"n": 1}]'
    forwarded = await run([good], [(b"content-length", str(len(good)).encode())])
    assert forwarded[-1]["body"] == good
