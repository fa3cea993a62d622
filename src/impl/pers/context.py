"""The services every PERS handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.impl.db import Database
from contractkit.impl.pers.services.credentials import PersTokens, ProjectKeys
from contractkit.impl.pers.settings import PersSettings
from contractkit.impl.storage.base import Storage


@dataclass(frozen=True)
class PersContext:
    settings: PersSettings
    db: Database
    storage: Storage
    tokens: PersTokens
    project_keys: ProjectKeys
    base_path: str
