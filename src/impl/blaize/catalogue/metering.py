"""Meters and credits in use: how much a subject has left, and counting what it uses.

Meters count views per period (see ``blaize.catalogue.meter_periods``) for a subject,
``user:<user_id>`` or ``anonymous:<opaque>``; one row per (tenant, meter, subject, period
start) holds the count. These functions count for whoever asks: whether the subject holds
the meter is the access model's business (``blaize.catalogue.access_model``).

Credits are spent by users. A user's quantity of a credit is the credit's ``quantity`` for
each grant (or auto-assignment) that reaches the user (``blaize.catalogue.holdings``), so a user
who holds no grant of it has none; what was spent is kept per (tenant, credit, user).

Counting is safe under concurrent requests (``blaize.catalogue.counters``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.catalogue import counters
from contractkit.impl.blaize.catalogue.holdings import user_holdings
from contractkit.impl.blaize.catalogue.meter_periods import current_period
from contractkit.impl.blaize.catalogue.models import (
    Credit,
    CreditUsage,
    Meter,
    MeterAnchor,
    MeterUsage,
)
from contractkit.impl.blaize.people.subjects import parse_subject
from contractkit.impl.blaize.tenancy.storable import contains_nul
from contractkit.impl.errors import ApiError, not_found
from contractkit.impl.timeutil import as_utc, utcnow

MAX_UNITS = 2_147_483_647
"""Counts are database integers: a user's quantity of a credit is capped here."""


@dataclass(frozen=True)
class MeterState:
    meter_id: str
    limit: int
    used: int
    remaining: int
    """``max(limit - used, 0)``."""
    period_start: datetime
    """Start of the current period (timezone-aware UTC)."""
    period_end: datetime


@dataclass(frozen=True)
class CreditState:
    credit_id: str
    quantity: int
    used: int
    remaining: int
    """``max(quantity - used, 0)``."""


def _meter(session: Session, tenant_id: str, meter_id: str) -> Meter | None:
    return None if contains_nul(meter_id) else session.get(Meter, (tenant_id, meter_id))


def _anchor(session: Session, meter: Meter, subject: str) -> datetime | None:
    value = session.execute(
        select(MeterAnchor.anchor).where(
            MeterAnchor.tenant_id == meter.tenant_id,
            MeterAnchor.meter_id == meter.id,
            MeterAnchor.subject == subject,
        )
    ).scalar()
    return None if value is None else as_utc(value)


def _state(session: Session, meter: Meter, subject: str, now: datetime) -> MeterState:
    anchor = _anchor(session, meter, subject) if meter.cycle == "rolling" else None
    start, end = current_period(meter.period, meter.cycle, meter.timezone, now, anchor)
    used = counters.used(session, MeterUsage, _usage_key(meter, subject, start))
    return MeterState(meter.id, meter.limit, used, max(meter.limit - used, 0), start, end)


def _usage_key(meter: Meter, subject: str, start: datetime) -> dict[str, object]:
    return {
        "tenant_id": meter.tenant_id,
        "meter_id": meter.id,
        "subject": subject,
        "period_start": start,
    }


def meter_state(
    session: Session, tenant_id: str, meter_id: str, subject: str, now: datetime | None = None
) -> MeterState | None:
    """The subject's use of the meter in the current period; None when there is no such meter."""
    parse_subject(subject)
    meter = _meter(session, tenant_id, meter_id)
    if meter is None:
        return None
    return _state(session, meter, subject, as_utc(now or utcnow()))


def record_view(
    session: Session, tenant_id: str, meter_id: str, subject: str, now: datetime | None = None
) -> MeterState:
    """Count one view in the current period if any remain; the state after it (404: no meter)."""
    parse_subject(subject)
    now = as_utc(now or utcnow())
    meter = _meter(session, tenant_id, meter_id)
    if meter is None:
        raise not_found("Meter")
    state = _state(session, meter, subject, now)
    if state.remaining == 0:
        return state
    if meter.cycle == "rolling":
        anchor = {"tenant_id": tenant_id, "meter_id": meter_id, "subject": subject, "anchor": now}
        counters.insert_if_absent(session, MeterAnchor, anchor)
        state = _state(session, meter, subject, now)
    session.execute(
        delete(MeterUsage)
        .where(
            MeterUsage.tenant_id == tenant_id,
            MeterUsage.meter_id == meter_id,
            MeterUsage.subject == subject,
            MeterUsage.period_end <= now,
        )
        .execution_options(synchronize_session=False)
    )
    counters.raise_within(
        session,
        MeterUsage,
        _usage_key(meter, subject, state.period_start),
        1,
        meter.limit,
        on_insert={"period_end": state.period_end},
    )
    return _state(session, meter, subject, now)


def _credit(session: Session, tenant_id: str, credit_id: str) -> Credit | None:
    return None if contains_nul(credit_id) else session.get(Credit, (tenant_id, credit_id))


def _credit_key(credit: Credit, user_id: str) -> dict[str, object]:
    return {"tenant_id": credit.tenant_id, "credit_id": credit.id, "user_id": user_id}


def credit_balance(session: Session, credit: Credit, user_id: str, grants: int) -> CreditState:
    """The user's state of a credit that ``grants`` grants reach (see the module's notes)."""
    quantity = min(credit.quantity * grants, MAX_UNITS)
    used = counters.used(session, CreditUsage, _credit_key(credit, user_id))
    return CreditState(credit.id, quantity, used, max(quantity - used, 0))


def credit_state(
    session: Session, tenant_id: str, credit_id: str, user_id: str
) -> CreditState | None:
    """The user's quantity, use and remainder of the credit; None when there is no such credit."""
    credit = _credit(session, tenant_id, credit_id)
    if credit is None:
        return None
    grants = user_holdings(session, tenant_id, user_id).credits[credit_id]
    return credit_balance(session, credit, user_id, grants)


def spend_credit(
    session: Session, tenant_id: str, credit_id: str, user_id: str, units: int = 1
) -> CreditState:
    """Spend ``units`` of the user's credit; 404 without such a credit, 409 if too few remain."""
    if units < 1:
        raise ValueError("units must be at least 1")
    credit = _credit(session, tenant_id, credit_id)
    if credit is None:
        raise not_found("Credit")
    grants = user_holdings(session, tenant_id, user_id).credits[credit_id]
    state = credit_balance(session, credit, user_id, grants)
    key = _credit_key(credit, user_id)
    if state.remaining < units or not counters.raise_within(
        session, CreditUsage, key, units, state.quantity
    ):
        raise ApiError(
            409, "conflict", f"Not enough units of credit {credit_id!r} left: {units} wanted"
        )
    return credit_balance(session, credit, user_id, grants)
