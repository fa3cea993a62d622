"""The services every Blaize handler receives as its first argument."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.people.flows import OutboxSender, Sender
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.db import Database


@dataclass(frozen=True)
class BlaizeContext:
    settings: BlaizeSettings
    db: Database
    passwords: Passwords
    base_path: str = "/blaize"
    sender: Sender = field(default_factory=OutboxSender)

    @classmethod
    def build(cls, settings: BlaizeSettings, db: Database, base_path: str) -> BlaizeContext:
        return cls(settings=settings, db=db, passwords=Passwords(settings), base_path=base_path)

    def uri(self, path: str) -> str:
        """A server-relative URI of a resource, e.g. ``/blaize/v3/accounts/<id>``."""
        return f"{self.base_path.rstrip('/')}{path}"

    def location(self, path: str) -> dict[str, str]:
        """The ``Location`` header of a resource: header values are ASCII, so a client-chosen
        id is percent-encoded there (the body's ``uri`` keeps it as it is)."""
        return {"Location": quote(self.uri(path), safe="/")}
