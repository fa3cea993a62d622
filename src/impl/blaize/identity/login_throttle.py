"""Password logins throttled per account and per client address, across every worker.

Failed attempts are counted in the database (``blaize_login_failures``) under two keys: the
account tried and the client's address. A key that reaches its limit of failures within the
window is blocked until the window has passed again: every attempt under it is answered 429
with ``Retry-After``, before any password is checked. A successful login clears its account's
count (not the address's). Counts are written in their own transaction, so the rolled-back
login still counts.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from contractkit.impl.blaize.identity.models import LoginFailure
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from contractkit.impl.timeutil import as_utc, utcnow


@dataclass(frozen=True)
class ThrottleRules:
    account_failures: int = 5
    address_failures: int = 20
    window_seconds: int = 900


def login_rules(settings: BlaizeSettings) -> ThrottleRules:
    return ThrottleRules(
        settings.login_account_failures,
        settings.login_address_failures,
        settings.login_window_seconds,
    )


def admin_account(tenant_id: str, email: str) -> str:
    return f"admin\x00{tenant_id}\x00{email.lower()}"


def user_account(tenant_id: str, identifiers: Mapping[str, Any]) -> str:
    return f"user\x00{tenant_id}\x00{json.dumps(dict(identifiers), sort_keys=True)}"


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()


def _blocked_for(db: Database, keys: list[str], now: datetime) -> int:
    """Seconds until every one of ``keys`` is unblocked (0: none is blocked)."""
    with db.transaction() as session:
        rows = [session.get(LoginFailure, key) for key in keys]
    ends = [as_utc(row.blocked_until) for row in rows if row and row.blocked_until]
    latest = max(ends, default=now)
    return math.ceil((latest - now).total_seconds()) if latest > now else 0


def _count_failure(db: Database, key: str, limit: int, window: timedelta, now: datetime) -> None:
    for _ in range(3):  # another worker may insert the same key first
        try:
            with db.transaction() as session:
                row = session.get(LoginFailure, key, with_for_update=True)
                if row is None:
                    row = LoginFailure(key=key, failures=0, window_started_at=now)
                    session.add(row)
                elif as_utc(row.window_started_at) + window <= now:
                    row.failures, row.window_started_at, row.blocked_until = 0, now, None
                row.failures += 1
                if row.failures >= limit:
                    row.blocked_until = now + window
            return
        except IntegrityError:
            continue


def _too_many(seconds: int) -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        "Too many failed logins; try again later",
        headers={"Retry-After": str(max(seconds, 1))},
    )


@contextmanager
def throttled_login(
    db: Database, rules: ThrottleRules, account: str, address: str
) -> Iterator[None]:
    """Run a login attempt for ``account`` from ``address``: 429 while either is blocked.

    A 401 raised inside counts as a failure of both; leaving normally clears the account's.
    """
    account_key, address_key = _key("account", account), _key("address", address)
    now = utcnow()
    wait = _blocked_for(db, [account_key, address_key], now)
    if wait:
        raise _too_many(wait)
    try:
        yield
    except ApiError as error:
        if error.status == 401:
            window = timedelta(seconds=rules.window_seconds)
            _count_failure(db, account_key, rules.account_failures, window, now)
            _count_failure(db, address_key, rules.address_failures, window, now)
        raise
    with db.transaction() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
