"""Recognitions people give each other, and the hi5s, reports and reviews they receive."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.db import rows_affected
from contractkit.impl.errors import ApiError, conflict, forbidden, not_found
from contractkit.impl.peerly.models import Hi5, Recognition, Report, Review, User
from contractkit.impl.peerly.services.core_values import find_core_value


def recognitions_of(
    session: Session,
    org_id: int,
    *,
    given_by: int | None,
    given_for: int | None,
    core_value_id: int | None,
    limit: int,
    offset: int,
) -> list[Recognition]:
    """The organisation's visible recognitions, newest first, filtered by whichever is given."""
    query = select(Recognition).where(
        Recognition.org_id == org_id, Recognition.is_hidden.is_(False)
    )
    if given_by is not None:
        query = query.where(Recognition.given_by == given_by)
    if given_for is not None:
        query = query.where(Recognition.given_for == given_for)
    if core_value_id is not None:
        query = query.where(Recognition.core_value_id == core_value_id)
    query = query.order_by(Recognition.given_at.desc(), Recognition.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def _visible_recognition(session: Session, org_id: int, recognition_id: int) -> Recognition:
    item = session.get(Recognition, recognition_id)
    if item is None or item.org_id != org_id or item.is_hidden:
        raise not_found("Recognition")
    return item


def give_recognition(
    session: Session, giver: User, *, given_for: int, core_value_id: int, text: str
) -> Recognition:
    """``giver`` recognises a colleague of their organisation (never themselves)."""
    receiver = session.get(User, given_for)
    if receiver is None or receiver.is_deleted or receiver.org_id != giver.org_id:
        raise not_found("User", "given_for")
    if receiver.id == giver.id:
        raise forbidden("You cannot recognise yourself")
    core_value = find_core_value(session, giver.org_id, core_value_id)
    if core_value is None:
        raise not_found("Core value", "core_value_id")
    item = Recognition(
        org_id=giver.org_id,
        core_value_id=core_value.id,
        text=text,
        given_for=receiver.id,
        given_by=giver.id,
    )
    item.core_value = core_value
    session.add(item)
    session.flush()
    return item


def give_hi5(session: Session, giver: User, recognition_id: int, comment: str | None) -> Hi5:
    """One hi5 per person and recognition, paid from ``giver``'s quota (refreshed afterwards)."""
    item = _visible_recognition(session, giver.org_id, recognition_id)
    if giver.id in (item.given_by, item.given_for):
        raise forbidden("You cannot give a hi5 to a recognition you gave or received")
    already = session.scalar(
        select(Hi5.id).where(Hi5.recognition_id == item.id, Hi5.given_by == giver.id)
    )
    if already is not None:
        raise conflict("You already gave a hi5 to this recognition")
    hi5 = Hi5(recognition_id=item.id, given_by=giver.id, comment=comment)
    session.add(hi5)
    try:
        # The hi5 goes in first: a concurrent duplicate fails here, on the unique constraint,
        # before any other statement could flush it outside this guard.
        session.flush()
    except IntegrityError as exc:
        raise conflict("You already gave a hi5 to this recognition") from exc
    spent = session.execute(
        update(User)
        .where(User.id == giver.id, User.hi5_quota_balance > 0)
        .values(hi5_quota_balance=User.hi5_quota_balance - 1)
    )
    if rows_affected(spent) != 1:
        raise ApiError(
            400, "insufficient_hi5_balance", "Hi5 quota balance is insufficient for this action"
        )
    session.execute(
        update(Recognition)
        .where(Recognition.id == item.id)
        .values(hi5_count=Recognition.hi5_count + 1)
    )
    session.refresh(giver)
    return hi5


def report_recognition(
    session: Session, reporter: User, recognition_id: int, *, mark_as: str, reason: str
) -> Report:
    """One report per person and recognition."""
    item = _visible_recognition(session, reporter.org_id, recognition_id)
    already = session.scalar(
        select(Report.id).where(Report.recognition_id == item.id, Report.reported_by == reporter.id)
    )
    if already is not None:
        raise conflict("You already reported this recognition")
    report = Report(
        recognition_id=item.id,
        reported_by=reporter.id,
        mark_as=mark_as,
        reason=reason,
    )
    session.add(report)
    try:
        session.flush()
    except IntegrityError as exc:
        raise conflict("You already reported this recognition") from exc
    return report


def review_recognition(
    session: Session,
    reviewer: User,
    recognition_id: int,
    *,
    is_inappropriate: bool,
    comment: str | None,
) -> Review:
    """A reported recognition judged; an inappropriate one is hidden from then on."""
    item = session.get(Recognition, recognition_id)
    if item is None or item.org_id != reviewer.org_id:
        raise not_found("Recognition")
    reported = session.scalar(select(Report.id).where(Report.recognition_id == item.id))
    if reported is None:
        raise conflict("Only reported recognitions can be reviewed")
    review = Review(
        recognition_id=item.id,
        reviewed_by=reviewer.id,
        is_inappropriate=is_inappropriate,
        comment=comment,
    )
    item.is_hidden = bool(is_inappropriate)
    session.add(review)
    session.flush()
    return review
