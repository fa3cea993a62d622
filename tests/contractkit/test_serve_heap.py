"""What the app is built of is kept out of the garbage collector's full collections."""

from __future__ import annotations

import gc

from contractkit.heap import keep_out_of_collections


def test_objects_made_before_serving_are_frozen_and_later_ones_are_not() -> None:
    before = [object() for _ in range(10)]
    try:
        keep_out_of_collections()
        frozen = gc.get_freeze_count()
        assert frozen >= len(before)
        later = [[] for _ in range(1000)]
        assert gc.get_freeze_count() == frozen
        assert any(item is later[0] for item in gc.get_objects())  # still collected normally
    finally:
        gc.unfreeze()
