"""The period a meter counts in, from its ``period``, ``cycle`` and ``timezone``.

- ``period``: ``daily``, ``weekly``, ``monthly`` or ``yearly``: how long one period lasts.
- ``cycle: calendar``: periods follow the calendar of the meter's ``timezone`` (a UTC offset
  such as ``+0:00`` or ``-5:30``): a day starts at 00:00, a week on Monday at 00:00, a month on
  its 1st, a year on 1 January. Every subject's periods start at the same instants.
- ``cycle: rolling``: periods follow each other from the instant of the subject's first counted
  view (the anchor): ``anchor + k days`` (or weeks), ``anchor + k months`` (or years; a day that
  a month lacks becomes that month's last day, e.g. from 31 January: 28 February, 31 March).
  Until a first view is counted, the period starts now.

Start and end are timezone-aware UTC; a period holds ``start <= t < end``.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta, timezone

PERIODS = ("daily", "weekly", "monthly", "yearly")
CYCLES = ("calendar", "rolling")
_OFFSET = re.compile(r"^([+-])(\d{1,2}):(\d{2})$")
_FIXED = {"daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
_MONTHS = {"monthly": 1, "yearly": 12}


def utc_offset(text: str) -> timezone:
    """The fixed offset written ``+H:MM`` / ``-HH:MM`` (ValueError beyond ±23:59)."""
    match = _OFFSET.match(text)
    if match is None:
        raise ValueError(f"Not a UTC offset: {text!r}")
    sign, hours, minutes = match.groups()
    if int(minutes) > 59:
        raise ValueError(f"Not a UTC offset: {text!r}")
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` so many calendar months later, clipped to the last day of a shorter month."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _step(period: str, origin: datetime, k: int) -> datetime:
    if period in _FIXED:
        return origin + _FIXED[period] * k
    return add_months(origin, _MONTHS[period] * k)


def _calendar_start(period: str, local: datetime) -> datetime:
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _rolling_index(period: str, origin: datetime, now: datetime) -> int:
    """The k with ``step(k) <= now < step(k + 1)`` (0 when ``now`` precedes the origin)."""
    if now <= origin:
        return 0
    if period in _FIXED:
        return (now - origin) // _FIXED[period]
    k = ((now.year - origin.year) * 12 + now.month - origin.month) // _MONTHS[period]
    while k > 0 and _step(period, origin, k) > now:
        k -= 1
    while _step(period, origin, k + 1) <= now:
        k += 1
    return k


def current_period(
    period: str,
    cycle: str,
    offset: str,
    now: datetime,
    anchor: datetime | None = None,
) -> tuple[datetime, datetime]:
    """``(start, end)`` in UTC of the period holding ``now`` (``anchor``: rolling cycles)."""
    if period not in PERIODS or cycle not in CYCLES:
        raise ValueError(f"Unknown period {period!r} or cycle {cycle!r}")
    zone = utc_offset(offset)
    local_now = now.astimezone(zone)
    if cycle == "calendar":
        start = _calendar_start(period, local_now)
        end = _step(period, start, 1)
    else:
        origin = (anchor or now).astimezone(zone)
        k = _rolling_index(period, origin, local_now)
        start, end = _step(period, origin, k), _step(period, origin, k + 1)
    return start.astimezone(UTC), end.astimezone(UTC)
