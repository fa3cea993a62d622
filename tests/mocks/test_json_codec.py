"""The mock's JSON reader reads exactly what the standard library reads."""

from __future__ import annotations

import json

import pytest

from contractkit.mock.json_codec import load_objects, loads


@pytest.mark.parametrize(
    "text",
    [
        '{"id": 123456789012345678901234567890}',
        "[18446744073709551616, -99999999999999999999]",
        '{"note": "12345678901234567890123", "n": 1}',
        '{"n": 12345678901234567890.5}',
        '{"n": NaN, "m": 1.5}',
        '{"name": "Zo\\u00eb \\ud83d\\udc15", "lone": "\\ud800"}',
        '{"small": 1234567890123456789, "f": 0.1}',
    ],
)
def test_loads_reads_as_the_standard_library_reads(text: str) -> None:
    expected = repr(json.loads(text))
    assert repr(loads(text)) == expected
    assert repr(loads(text.encode("utf-8", "surrogatepass"))) == expected


def test_an_integer_beyond_64_bits_keeps_every_digit_in_a_page() -> None:
    texts = ['{"id": 1}', '{"id": 123456789012345678901234567890}']
    assert load_objects(texts) == [{"id": 1}, {"id": 123456789012345678901234567890}]
    assert isinstance(load_objects(texts)[1]["id"], int)


def test_a_malformed_text_is_refused_with_value_error() -> None:
    with pytest.raises(ValueError):
        loads('{"id": ')
