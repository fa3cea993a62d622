"""Shared fixtures: the fixture servers, loaded under a name no other test folder uses."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

FIXTURES_DIR = Path(__file__).with_name("fixtures")
SERVERS_MODULE = "contract_tests_fixture_servers"


def _load_servers_module() -> None:
    if SERVERS_MODULE in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(SERVERS_MODULE, FIXTURES_DIR / "servers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[SERVERS_MODULE] = module
    spec.loader.exec_module(module)


_load_servers_module()
