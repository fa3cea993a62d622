"""Repository-wide checks: every spec folder lints clean, the code is ruff clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from contractkit.lint import lint

REPO = Path(__file__).resolve().parents[1]
API_FOLDERS = sorted(path for path in (REPO / "specs").iterdir() if path.is_dir())


@pytest.mark.parametrize("folder", API_FOLDERS, ids=lambda path: path.name)
def test_every_api_folder_passes_lint(folder: Path) -> None:
    findings = lint([folder])
    errors = [
        f"{f.file} {f.location} [{f.rule}] {f.message}" for f in findings if f.severity == "error"
    ]
    assert errors == []


def test_ruff_reports_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
