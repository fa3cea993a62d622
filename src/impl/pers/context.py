"""The services every PERS handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass, field

from contractkit.impl.db import Database
from contractkit.impl.pers.services.credentials import PersTokens, ProjectKeys
from contractkit.impl.pers.settings import PersSettings
from contractkit.impl.storage.base import Storage
from contractkit.impl.storage.sweeping import SweepSchedule


@dataclass(frozen=True)
class PersContext:
    settings: PersSettings
    db: Database
    storage: Storage
    tokens: PersTokens
    project_keys: ProjectKeys
    base_path: str
    sweep: SweepSchedule = field(default_factory=SweepSchedule)
    """When leftovers of interrupted uploads are removed."""
