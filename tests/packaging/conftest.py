"""One wheel and one venv for the whole session: building and installing take a while."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.installation import BuiltWheel, Installation, build_wheel, install
from tests.packaging.layout import REPO


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def installation(wheel: BuiltWheel, tmp_path_factory: pytest.TempPathFactory) -> Installation:
    return install(wheel.path, tmp_path_factory.mktemp("installed") / "venv")


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    """A new, empty working folder outside the checkout (server logs go next to it)."""
    folder = tmp_path / "empty"
    folder.mkdir()
    assert REPO not in folder.resolve().parents
    return folder
