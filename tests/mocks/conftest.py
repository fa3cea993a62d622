"""Fixtures for the mock server's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from mocks.pytest_plugin import mock_app, mock_client, mock_server

__all__ = ["mock_app", "mock_client", "mock_server"]

SPECS = Path(__file__).parent / "specs"


@pytest.fixture
def specs_dir() -> Path:
    """The folder of documents used by these tests."""
    return SPECS
