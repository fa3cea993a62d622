"""The services every Peerly handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.impl.db import Database
from contractkit.impl.peerly.identity import GoogleTokenVerifier
from contractkit.impl.peerly.settings import PeerlySettings
from contractkit.impl.peerly.tokens import TokenService


@dataclass(frozen=True)
class PeerlyContext:
    settings: PeerlySettings
    db: Database
    tokens: TokenService
    identity: GoogleTokenVerifier

    @classmethod
    def build(cls, settings: PeerlySettings, db: Database) -> PeerlyContext:
        return cls(
            settings=settings,
            db=db,
            tokens=TokenService(settings),
            identity=GoogleTokenVerifier(settings),
        )
