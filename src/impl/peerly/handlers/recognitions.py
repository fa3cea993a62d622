"""Handlers of the recognitions module: recognitions, hi5, reports and reviews."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contractkit.impl.errors import ApiError, conflict, forbidden, not_found
from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.access import load_caller, require_role
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.handlers.core_values import find_core_value
from contractkit.impl.peerly.models import Hi5, Recognition, Report, Review, Role, User


def _visible_recognition(session: Session, org_id: int, recognition_id: int) -> Recognition:
    item = session.get(Recognition, recognition_id)
    if item is None or item.org_id != org_id or item.is_hidden:
        raise not_found("Recognition")
    return item


def list_recognitions(
    ctx: PeerlyContext,
    token_info: dict[str, Any],
    given_by: int | None = None,
    given_for: int | None = None,
    core_value_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        query = select(Recognition).where(
            Recognition.org_id == caller.org_id, Recognition.is_hidden.is_(False)
        )
        if given_by is not None:
            query = query.where(Recognition.given_by == given_by)
        if given_for is not None:
            query = query.where(Recognition.given_for == given_for)
        if core_value_id is not None:
            query = query.where(Recognition.core_value_id == core_value_id)
        query = query.order_by(Recognition.given_at.desc(), Recognition.id.desc())
        items = session.scalars(query.limit(limit).offset(offset))
        return {"data": [serializers.recognition(item) for item in items]}, 200


def create_recognition(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        receiver = session.get(User, body["given_for"])
        if receiver is None or receiver.is_deleted or receiver.org_id != caller.org_id:
            raise not_found("User", "given_for")
        if receiver.id == caller.id:
            raise forbidden("You cannot recognise yourself")
        core_value = find_core_value(session, caller.org_id, body["core_value_id"])
        if core_value is None:
            raise not_found("Core value", "core_value_id")
        item = Recognition(
            org_id=caller.org_id,
            core_value_id=core_value.id,
            text=body["text"],
            given_for=receiver.id,
            given_by=caller.id,
        )
        item.core_value = core_value
        session.add(item)
        session.flush()
        return {"data": serializers.recognition(item)}, 201


def give_hi5(
    ctx: PeerlyContext,
    recognition_id: int,
    token_info: dict[str, Any],
    body: dict[str, Any] | None = None,
) -> tuple[dict, int]:
    comment = (body or {}).get("comment")
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        item = _visible_recognition(session, caller.org_id, recognition_id)
        if caller.id in (item.given_by, item.given_for):
            raise forbidden("You cannot give a hi5 to a recognition you gave or received")
        already = session.scalar(
            select(Hi5.id).where(Hi5.recognition_id == item.id, Hi5.given_by == caller.id)
        )
        if already is not None:
            raise conflict("You already gave a hi5 to this recognition")
        spent = session.execute(
            update(User)
            .where(User.id == caller.id, User.hi5_quota_balance > 0)
            .values(hi5_quota_balance=User.hi5_quota_balance - 1)
        )
        if spent.rowcount != 1:
            raise ApiError(
                400, "insufficient_hi5_balance", "Hi5 quota balance is insufficient for this action"
            )
        hi5 = Hi5(recognition_id=item.id, given_by=caller.id, comment=comment)
        session.add(hi5)
        session.execute(
            update(Recognition)
            .where(Recognition.id == item.id)
            .values(hi5_count=Recognition.hi5_count + 1)
        )
        try:
            session.flush()
        except IntegrityError as exc:
            raise conflict("You already gave a hi5 to this recognition") from exc
        session.refresh(caller)
        return {"data": serializers.hi5(hi5, caller.hi5_quota_balance)}, 201


def report_recognition(
    ctx: PeerlyContext, recognition_id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        item = _visible_recognition(session, caller.org_id, recognition_id)
        already = session.scalar(
            select(Report.id).where(
                Report.recognition_id == item.id, Report.reported_by == caller.id
            )
        )
        if already is not None:
            raise conflict("You already reported this recognition")
        report = Report(
            recognition_id=item.id,
            reported_by=caller.id,
            mark_as=body["mark_as"],
            reason=body["reason"],
        )
        session.add(report)
        try:
            session.flush()
        except IntegrityError as exc:
            raise conflict("You already reported this recognition") from exc
        return {"data": serializers.report(report)}, 201


def review_recognition(
    ctx: PeerlyContext, recognition_id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        item = session.get(Recognition, recognition_id)
        if item is None or item.org_id != caller.org_id:
            raise not_found("Recognition")
        reported = session.scalar(select(Report.id).where(Report.recognition_id == item.id))
        if reported is None:
            raise conflict("Only reported recognitions can be reviewed")
        review = Review(
            recognition_id=item.id,
            reviewed_by=caller.id,
            is_inappropriate=body["is_inappropriate"],
            comment=body.get("comment"),
        )
        item.is_hidden = bool(body["is_inappropriate"])
        session.add(review)
        session.flush()
        return {"data": serializers.review(review)}, 201
