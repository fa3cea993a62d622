"""Shared fixtures: the fixture servers, also importable under their historical short name."""

from __future__ import annotations

import sys

from tests.contract_tests.fixtures import servers

sys.modules.setdefault("contract_tests_fixture_servers", servers)
