"""Negotiation: status, media type and example, steered like Prism."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.mock.document.model import Operation
from contractkit.mock.engine import MockEngine
from contractkit.mock.negotiation.negotiator import (
    Negotiated,
    NegotiationFailure,
    Preferences,
    find_example,
    negotiate,
    parse_prefer,
)


@pytest.fixture
def operations(specs_dir: Path) -> dict[str, Operation]:
    engine = MockEngine.from_paths([specs_dir / "petstore.yaml"])
    return {op.operation_id: op for op in engine.operations}


def test_prefer_header_parsing() -> None:
    assert parse_prefer("code=404, example=tom, dynamic=true") == Preferences(404, "tom", True)
    assert parse_prefer("dynamic=false") == Preferences(dynamic=False)
    assert parse_prefer(None) == Preferences()


def test_lowest_2xx_by_default(operations: dict[str, Operation]) -> None:
    outcome = negotiate(operations["createPet"], Preferences(), None)
    assert isinstance(outcome, Negotiated) and outcome.status == 201


def test_prefer_code_uses_exact_then_default(operations: dict[str, Operation]) -> None:
    outcome = negotiate(operations["listPets"], Preferences(code=503), None)
    assert isinstance(outcome, Negotiated)
    assert (outcome.status, outcome.response and outcome.response.key) == (503, "default")
    missing = negotiate(operations["getPet"], Preferences(code=418), None)
    assert isinstance(missing, NegotiationFailure) and missing.status == 500


def test_accept_picks_media_type_or_406(operations: dict[str, Operation]) -> None:
    xml = negotiate(operations["getPet"], Preferences(), "application/xml;q=0.9, text/html;q=0.1")
    assert (
        isinstance(xml, Negotiated)
        and xml.media is not None
        and xml.media.name == "application/xml"
    )
    best = negotiate(operations["getPet"], Preferences(), "application/xml;q=0.5, application/json")
    assert (
        isinstance(best, Negotiated)
        and best.media is not None
        and best.media.name == "application/json"
    )
    refused = negotiate(operations["getPet"], Preferences(), "text/html")
    assert isinstance(refused, NegotiationFailure) and refused.status == 406


def test_named_and_first_examples(operations: dict[str, Operation]) -> None:
    outcome = negotiate(operations["getPet"], Preferences(), None)
    assert isinstance(outcome, Negotiated) and outcome.media is not None
    workspace = operations["getPet"].workspace
    assert find_example(outcome.media, None, workspace) == {"id": 1, "name": "Rex", "kind": "dog"}
    assert find_example(outcome.media, "tom", workspace)["name"] == "Tom"
