"""Meter periods, counting views and spending credits (``impl.blaize.metering``), on a real DB."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from contractkit.impl.blaize.catalogue.meter_periods import add_months, current_period, utc_offset
from contractkit.impl.blaize.catalogue.metering import (
    credit_state,
    meter_state,
    record_view,
    spend_credit,
)
from contractkit.impl.blaize.catalogue.models import Credit, Grant, Meter
from contractkit.impl.blaize.people.models import User
from contractkit.impl.db import Database
from contractkit.impl.errors import ApiError
from tests.impl.blaize.conftest import Admin


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("period", "offset", "now", "start", "end"),
    [
        ("daily", "+0:00", "2026-03-10T23:59:59+00:00", "2026-03-10T00:00Z", "2026-03-11T00:00Z"),
        ("daily", "+0:00", "2026-03-11T00:00:00+00:00", "2026-03-11T00:00Z", "2026-03-12T00:00Z"),
        # 01:00 UTC is still the previous day five hours west of UTC.
        ("daily", "-5:00", "2026-03-11T01:00:00+00:00", "2026-03-10T05:00Z", "2026-03-11T05:00Z"),
        ("daily", "+5:30", "2026-03-10T18:29:00+00:00", "2026-03-09T18:30Z", "2026-03-10T18:30Z"),
        # 2026-03-11 is a Wednesday; weeks start on Monday.
        ("weekly", "+0:00", "2026-03-11T12:00:00+00:00", "2026-03-09T00:00Z", "2026-03-16T00:00Z"),
        ("weekly", "+0:00", "2026-03-16T00:00:00+00:00", "2026-03-16T00:00Z", "2026-03-23T00:00Z"),
        ("monthly", "+0:00", "2026-02-28T23:59:59+00:00", "2026-02-01T00:00Z", "2026-03-01T00:00Z"),
        ("monthly", "+0:00", "2026-12-31T12:00:00+00:00", "2026-12-01T00:00Z", "2027-01-01T00:00Z"),
        ("monthly", "+1:00", "2026-02-28T23:30:00+00:00", "2026-02-28T23:00Z", "2026-03-31T23:00Z"),
        ("yearly", "+0:00", "2026-07-01T00:00:00+00:00", "2026-01-01T00:00Z", "2027-01-01T00:00Z"),
        ("yearly", "-1:00", "2027-01-01T00:30:00+00:00", "2026-01-01T01:00Z", "2027-01-01T01:00Z"),
    ],
)
def test_calendar_periods(period: str, offset: str, now: str, start: str, end: str) -> None:
    assert current_period(period, "calendar", offset, at(now)) == (at(start), at(end))


@pytest.mark.parametrize(
    ("period", "anchor", "now", "start", "end"),
    [
        (
            "daily",
            "2026-03-10T15:00Z",
            "2026-03-10T15:00Z",
            "2026-03-10T15:00Z",
            "2026-03-11T15:00Z",
        ),
        (
            "daily",
            "2026-03-10T15:00Z",
            "2026-03-12T14:59Z",
            "2026-03-11T15:00Z",
            "2026-03-12T15:00Z",
        ),
        (
            "weekly",
            "2026-03-10T15:00Z",
            "2026-03-24T15:00Z",
            "2026-03-24T15:00Z",
            "2026-03-31T15:00Z",
        ),
        (
            "monthly",
            "2026-01-31T10:00Z",
            "2026-02-15T00:00Z",
            "2026-01-31T10:00Z",
            "2026-02-28T10:00Z",
        ),
        (
            "monthly",
            "2026-01-31T10:00Z",
            "2026-03-01T00:00Z",
            "2026-02-28T10:00Z",
            "2026-03-31T10:00Z",
        ),
        (
            "monthly",
            "2026-01-31T10:00Z",
            "2026-03-31T10:00Z",
            "2026-03-31T10:00Z",
            "2026-04-30T10:00Z",
        ),
        (
            "yearly",
            "2024-02-29T00:00Z",
            "2025-03-01T00:00Z",
            "2025-02-28T00:00Z",
            "2026-02-28T00:00Z",
        ),
        # Before the anchor (a clock behind another): the first period.
        (
            "daily",
            "2026-03-10T15:00Z",
            "2026-03-10T14:00Z",
            "2026-03-10T15:00Z",
            "2026-03-11T15:00Z",
        ),
    ],
)
def test_rolling_periods(period: str, anchor: str, now: str, start: str, end: str) -> None:
    assert current_period(period, "rolling", "+0:00", at(now), at(anchor)) == (at(start), at(end))


def test_rolling_period_without_anchor_starts_now() -> None:
    now = at("2026-03-10T15:00:00.5Z")
    assert current_period("weekly", "rolling", "+3:00", now) == (now, now + timedelta(weeks=1))


def test_offsets_and_months() -> None:
    assert utc_offset("-05:30").utcoffset(None) == -timedelta(hours=5, minutes=30)
    with pytest.raises(ValueError):
        utc_offset("+24:00")
    with pytest.raises(ValueError):
        utc_offset("+1:60")
    assert add_months(at("2026-11-30T00:00Z"), 3) == at("2027-02-28T00:00Z")
    with pytest.raises(ValueError):
        current_period("hourly", "calendar", "+0:00", at("2026-01-01T00:00Z"))


def add_meter(database: Database, tenant: str, meter_id: str, **fields: object) -> None:
    with database.transaction() as session:
        session.add(Meter(tenant_id=tenant, id=meter_id, **fields))


def test_record_view_counts_until_the_limit_then_a_new_period_starts(
    admin: Admin, database: Database
) -> None:
    add_meter(database, admin.tenant, "free", limit=2, period="daily")
    now = at("2026-03-10T12:00Z")
    with database.transaction() as session:
        assert meter_state(session, admin.tenant, "nothing", "user:u1", now) is None
        with pytest.raises(ApiError) as missing:
            record_view(session, admin.tenant, "nothing", "user:u1", now)
        assert missing.value.status == 404
        first = record_view(session, admin.tenant, "free", "user:u1", now)
        assert (first.used, first.remaining, first.limit) == (1, 1, 2)
        assert (first.period_start, first.period_end) == (
            at("2026-03-10T00:00Z"),
            at("2026-03-11T00:00Z"),
        )
    with database.transaction() as session:
        assert record_view(session, admin.tenant, "free", "user:u1", now).remaining == 0
        full = record_view(session, admin.tenant, "free", "user:u1", now)
        assert (full.used, full.remaining) == (2, 0)
        # Another subject, and another tenant's view of the same id, count apart.
        other = meter_state(session, admin.tenant, "free", "anonymous:abc", now)
        assert other is not None and other.remaining == 2
        assert meter_state(session, "other-tenant", "free", "user:u1", now) is None
        tomorrow = record_view(session, admin.tenant, "free", "user:u1", now + timedelta(days=1))
        assert (tomorrow.used, tomorrow.remaining) == (1, 1)
    with pytest.raises(ValueError), database.transaction() as session:
        meter_state(session, admin.tenant, "free", "someone", now)


def test_a_lower_limit_leaves_nothing_remaining(admin: Admin, database: Database) -> None:
    add_meter(database, admin.tenant, "m", limit=3)
    with database.transaction() as session:
        for _ in range(3):
            record_view(session, admin.tenant, "m", "user:u1")
        session.get(Meter, (admin.tenant, "m")).limit = 1  # type: ignore[union-attr]
        state = meter_state(session, admin.tenant, "m", "user:u1")
        assert state is not None and (state.used, state.remaining) == (3, 0)


def test_rolling_meter_periods_start_at_the_first_view(admin: Admin, database: Database) -> None:
    add_meter(database, admin.tenant, "roll", limit=5, period="daily", cycle="rolling")
    first_view = at("2026-03-10T15:00Z")
    with database.transaction() as session:
        record_view(session, admin.tenant, "roll", "anonymous:s1", first_view)
        later = record_view(session, admin.tenant, "roll", "anonymous:s1", at("2026-03-11T14:00Z"))
        assert (later.used, later.period_start) == (2, first_view)
        next_day = meter_state(
            session, admin.tenant, "roll", "anonymous:s1", at("2026-03-11T15:00Z")
        )
        assert next_day is not None and next_day.used == 0
        assert next_day.period_start == at("2026-03-11T15:00Z")


def add_user_with_credit(database: Database, tenant: str, grants: int) -> None:
    with database.transaction() as session:
        session.add(User(id="u1", tenant_id=tenant, attributes={}))
        session.add(Credit(tenant_id=tenant, id="pack", quantity=3, unit="views"))
        session.flush()
        for number in range(grants):
            session.add(
                Grant(
                    tenant_id=tenant,
                    id=f"g{number}",
                    user_id="u1",
                    entitlement_type="credit",
                    entitlement_id="pack",
                )
            )


def test_credits_are_spent_per_grant_held(admin: Admin, database: Database) -> None:
    add_user_with_credit(database, admin.tenant, grants=2)
    with database.transaction() as session:
        assert credit_state(session, admin.tenant, "none", "u1") is None
        state = credit_state(session, admin.tenant, "pack", "u1")
        assert state is not None and (state.quantity, state.used, state.remaining) == (6, 0, 6)
        spent = spend_credit(session, admin.tenant, "pack", "u1", units=4)
        assert (spent.quantity, spent.used, spent.remaining) == (6, 4, 2)
    with pytest.raises(ApiError) as refused, database.transaction() as session:
        spend_credit(session, admin.tenant, "pack", "u1", units=3)
    assert refused.value.status == 409
    with database.transaction() as session:
        assert spend_credit(session, admin.tenant, "pack", "u1", units=2).remaining == 0
        # A user who holds no grant of the credit has none of it.
        nobody = credit_state(session, admin.tenant, "pack", "someone-else")
        assert nobody is not None and nobody.quantity == 0
        with pytest.raises(ApiError) as unknown:
            spend_credit(session, admin.tenant, "missing", "u1")
        assert unknown.value.status == 404


def test_concurrent_views_are_each_counted_once(admin: Admin, database: Database) -> None:
    """Requests counting at once lose no update and never pass the limit."""
    add_meter(database, admin.tenant, "busy", limit=15)
    add_user_with_credit(database, admin.tenant, grants=1)

    def view(_: int) -> int:
        with database.transaction() as session:
            return record_view(session, admin.tenant, "busy", "user:u1").used

    def spend(_: int) -> bool:
        try:
            with database.transaction() as session:
                spend_credit(session, admin.tenant, "pack", "u1")
        except ApiError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(view, range(20)))
        spent = list(pool.map(spend, range(6)))
    assert sorted(counts)[-1] == 15
    with database.transaction() as session:
        state = meter_state(session, admin.tenant, "busy", "user:u1")
        assert state is not None and (state.used, state.remaining) == (15, 0)
        credit = credit_state(session, admin.tenant, "pack", "u1")
        assert credit is not None and credit.used == 3
    assert spent.count(True) == 3
