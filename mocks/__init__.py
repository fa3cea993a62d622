"""A mock server for any OpenAPI 2.0/3.0/3.1 document.

Pipeline: router -> validator -> negotiator -> generator (-> state, with ``--stateful``).
"""

from mocks.engine import MockEngine, MockOptions
from mocks.server import MockApp, create_app

__all__ = ["MockApp", "MockEngine", "MockOptions", "create_app"]
