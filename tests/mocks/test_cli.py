"""The ``mock`` verb's arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from contractkit.mock.cli import configure_parser, run


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    return parser.parse_args(list(argv))


def test_defaults() -> None:
    args = parse("spec.yaml")
    assert (args.host, args.port, args.seed, args.workers) == ("127.0.0.1", 4010, 0, 1)
    assert (args.dynamic, args.stateful, args.cors, args.watch) == (False, False, True, False)
    assert args.delay == (0.0, 0.0) and args.error_rate == 0.0


def test_options() -> None:
    args = parse(
        "a.yaml",
        "b",
        "--delay",
        "50-200",
        "--error-rate",
        "0.25",
        "--no-cors",
        "--stateful",
        "--seed",
        "9",
    )
    assert args.specs == ["a.yaml", "b"]
    assert args.delay == (50.0, 200.0) and args.error_rate == 0.25
    assert args.cors is False and args.stateful and args.seed == 9


@pytest.mark.parametrize(
    "bad", [["x", "--delay", "fast"], ["x", "--error-rate", "2"], ["x", "--delay", "9-3"]]
)
def test_bad_values_are_refused(bad: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse(*bad)


def test_missing_document_exits_with_status_2(tmp_path: Path) -> None:
    assert run(parse(str(tmp_path / "missing.yaml"))) == 2
