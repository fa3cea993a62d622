"""Fixtures for the mock server's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

# mock_app, mock_client and mock_server come from the installed pytest plugin
# (contractkit.pytest_plugin, registered through the pytest11 entry point).
SPECS = Path(__file__).parent / "specs"


@pytest.fixture
def specs_dir() -> Path:
    """The folder of documents used by these tests."""
    return SPECS
