"""Two requests storing the same promo code at the same moment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

Result = TypeVar("Result")


def run_again_on_clash(run: Callable[[], Result]) -> Result:
    """``run()`` (one whole transaction); when a concurrent request stored the same code
    first, once more: the code is taken now, so the second run refuses it as such.
    """
    try:
        return run()
    except IntegrityError:
        return run()
