"""The services every Chainsite handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.impl.chainsite.settings import ChainsiteSettings
from contractkit.impl.chainsite.tokens import TokenService
from contractkit.impl.db import Database
from contractkit.impl.storage.base import Storage


@dataclass(frozen=True)
class ChainsiteContext:
    settings: ChainsiteSettings
    db: Database
    storage: Storage
    tokens: TokenService
    base_path: str
