"""How pyproject.toml lays the repository's folders out as the one ``contractkit`` package."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"


def _setuptools_config() -> dict[str, Any]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return dict(config["tool"]["setuptools"])


def package_dir() -> dict[str, str]:
    """Import name -> repository folder, e.g. ``{"contractkit.mock": "mocks", ...}``."""
    mapping = _setuptools_config()["package-dir"]
    return {str(name): str(folder) for name, folder in mapping.items()}


def is_package_data(file: Path) -> bool:
    """Whether setuptools ships ``file``, found inside a package, as package data."""
    patterns = _setuptools_config()["package-data"]["*"]
    return any(fnmatch(file.name, pattern) for pattern in patterns)


def api_names() -> list[str]:
    """The APIs whose documents ship in ``contractkit/specs/<api>``."""
    folder = REPO / package_dir()["contractkit.specs"]
    return sorted(path.name for path in folder.iterdir() if path.is_dir())
