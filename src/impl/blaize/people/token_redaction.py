"""Keeps the flows' tokens out of the access log: the ``/confirm/...`` links carry them in the
query string, which the server's access log (``uvicorn.access``) would otherwise write out."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
TOKEN_PARAMETER = re.compile(r"([?&]token=)[^&\s]*")


def redact(text: str) -> str:
    """``text`` with the value of every ``token`` query parameter replaced by ``[redacted]``."""
    return TOKEN_PARAMETER.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message arguments (the request line) without the token values."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Adds the filter to the access logger, once."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
        logger.addFilter(RedactTokens())
