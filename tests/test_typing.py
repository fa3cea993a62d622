"""mypy finds nothing in the ``contractkit`` package, with the settings in pyproject.toml.

mypy cannot follow ``[tool.setuptools.package-dir]``, so the package is laid out as it is
installed, in a folder of symbolic links to the repository's folders, and checked there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.layout import PYPROJECT, REPO, package_dir

pytestmark = pytest.mark.slow


def link_package_tree(farm: Path) -> None:
    """``farm/contractkit/...`` as installed: each mapped folder linked in at its import name."""
    folders = {name: REPO / folder for name, folder in package_dir().items()}
    for name in sorted(folders, key=lambda dotted: dotted.count(".")):
        place = farm.joinpath(*name.split("."))
        if any(other.startswith(f"{name}.") for other in folders):
            # Subpackages mapped from elsewhere go in beside the folder's own entries.
            place.mkdir(parents=True)
            for entry in folders[name].iterdir():
                if entry.name != "__pycache__":
                    (place / entry.name).symlink_to(entry)
        else:
            place.symlink_to(folders[name])


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    farm = tmp_path / "farm"
    link_package_tree(farm)
    config = ["--config-file", str(PYPROJECT), "--cache-dir", str(tmp_path / "mypy-cache")]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *config, "-p", "contractkit"],
        cwd=farm,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
