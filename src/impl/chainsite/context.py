"""The services every Chainsite handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass, field

from contractkit.impl.chainsite.settings import ChainsiteSettings
from contractkit.impl.chainsite.tokens import TokenService
from contractkit.impl.db import Database
from contractkit.impl.storage.base import Storage
from contractkit.impl.storage.sweeping import SweepSchedule


@dataclass(frozen=True)
class ChainsiteContext:
    settings: ChainsiteSettings
    db: Database
    storage: Storage
    tokens: TokenService
    base_path: str
    sweep: SweepSchedule = field(default_factory=SweepSchedule)
    """When leftovers of interrupted uploads are removed."""
