"""Settings shared by every API of the reference implementation, from environment variables.

Every setting has a working default so that ``contractkit serve all`` needs no set-up: a SQLite
file and local folders under ``CONTRACTKIT_DATA_DIR`` (``./var`` by default). Each API reads its
own settings from ``Settings.env`` in ``impl/<api>/settings.py``, with the helpers below.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEVELOPMENT = "development"
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Secret:
    """A signing secret and whether it is a development one (generated, or set in development)."""

    value: str
    is_development: bool


@dataclass(frozen=True)
class Settings:
    """Settings shared by every API."""

    environment: str
    data_dir: Path
    database_url: str
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_production(self) -> bool:
        return self.environment == PRODUCTION

    @property
    def db_pool_size(self) -> int:
        """Database connections each process keeps open (``CONTRACTKIT_DB_POOL_SIZE``)."""
        return self.integer("CONTRACTKIT_DB_POOL_SIZE", 40, minimum=1)

    def integer(self, name: str, default: int, minimum: int = 0) -> int:
        """A whole-number setting, at least ``minimum``."""
        raw = self.env.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc
        if value < minimum:
            raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
        return value

    def text(self, name: str, default: str = "") -> str:
        return self.env.get(name) or default

    def secret(self, name: str, file_name: str, minimum_length: int = 32) -> Secret:
        """The secret in variable ``name``; in development, one generated into the data folder."""
        value = self.env.get(name, "")
        if value:
            if len(value) < minimum_length:
                raise ConfigurationError(
                    f"{name} must be at least {minimum_length} characters long"
                )
            return Secret(value, is_development=not self.is_production)
        if self.is_production:
            raise ConfigurationError(f"{name} must be set when CONTRACTKIT_ENV=production")
        return Secret(_development_secret(self.data_dir, file_name), is_development=True)


def _development_secret(data_dir: Path, name: str) -> str:
    """A random secret kept in ``<data dir>/secrets/<name>`` (mode 0600, its folder 0700),
    created on first use.

    The secret is written whole to a temporary file and linked into place, so a process
    starting at the same moment reads either no file or the whole secret, never a part;
    when two create one at once, the first link wins and both use its value.
    """
    path = data_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(temporary)
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the shared settings from ``env`` (the process environment by default)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("CONTRACTKIT_ENV", DEVELOPMENT)
    if environment not in (DEVELOPMENT, PRODUCTION):
        raise ConfigurationError(
            f"CONTRACTKIT_ENV must be {DEVELOPMENT!r} or {PRODUCTION!r}, not {environment!r}"
        )
    data_dir = Path(env.get("CONTRACTKIT_DATA_DIR", "var")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'contractkit.db'}"
    return Settings(environment=environment, data_dir=data_dir, database_url=database_url, env=env)
