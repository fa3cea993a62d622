"""The services every Chainsite handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass

from impl.chainsite.settings import ChainsiteSettings
from impl.chainsite.tokens import TokenService
from impl.db import Database
from impl.storage.base import Storage


@dataclass(frozen=True)
class ChainsiteContext:
    settings: ChainsiteSettings
    db: Database
    storage: Storage
    tokens: TokenService
    base_path: str
