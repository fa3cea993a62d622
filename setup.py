"""Lists the packages under each folder that pyproject.toml maps into ``contractkit``.

setuptools cannot discover packages below a remapped folder by itself; everything else
(metadata, the mapping, package data) is declared in pyproject.toml.
"""

import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
MAPPING = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
SKIPPED = ("__pycache__", "*.egg-info")


def packages_under(name: str, folder: str) -> list[str]:
    found = find_namespace_packages(str(HERE / folder), exclude=[f"*{part}*" for part in SKIPPED])
    return [name, *(f"{name}.{package}" for package in found)]


setup(
    packages=sorted({p for name, folder in MAPPING.items() for p in packages_under(name, folder)})
)
