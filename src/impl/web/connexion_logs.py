"""Connexion log records that mislead readers of the server's log.

For an operation with several request media types Connexion warns "this operation accepts
multiple content types" on every request, although it reads each body by the request's own
``Content-Type``; the warning says nothing about the request and fills the log.
"""

from __future__ import annotations

import logging

MULTIPLE_CONTENT_TYPES = "this operation accepts multiple content types"


class DropMultipleContentTypesNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(MULTIPLE_CONTENT_TYPES)


def quiet_connexion_notices() -> None:
    """Install the filter once on Connexion's operations logger."""
    logger = logging.getLogger("connexion.operations.openapi3")
    if not any(isinstance(item, DropMultipleContentTypesNotice) for item in logger.filters):
        logger.addFilter(DropMultipleContentTypesNotice())
