"""Handlers of the recognitions module: recognitions, hi5, reports and reviews."""

from __future__ import annotations

from typing import Any

from contractkit.impl.peerly import serializers
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import Role
from contractkit.impl.peerly.services import recognitions
from contractkit.impl.peerly.services.access import load_caller, require_role


def list_recognitions(
    ctx: PeerlyContext,
    token_info: dict[str, Any],
    given_by: int | None = None,
    given_for: int | None = None,
    core_value_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[dict, int]:
    with ctx.db.reading() as session:
        caller = load_caller(session, token_info)
        items = recognitions.recognitions_of(
            session,
            caller.org_id,
            given_by=given_by,
            given_for=given_for,
            core_value_id=core_value_id,
            limit=limit,
            offset=offset,
        )
        return {"data": [serializers.recognition(item) for item in items]}, 200


def create_recognition(
    ctx: PeerlyContext, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        item = recognitions.give_recognition(
            session,
            caller,
            given_for=body["given_for"],
            core_value_id=body["core_value_id"],
            text=body["text"],
        )
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
        hi5 = recognitions.give_hi5(session, caller, recognition_id, comment)
        return {"data": serializers.hi5(hi5, caller.hi5_quota_balance)}, 201


def report_recognition(
    ctx: PeerlyContext, recognition_id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        report = recognitions.report_recognition(
            session, caller, recognition_id, mark_as=body["mark_as"], reason=body["reason"]
        )
        return {"data": serializers.report(report)}, 201


def review_recognition(
    ctx: PeerlyContext, recognition_id: int, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[dict, int]:
    with ctx.db.transaction() as session:
        caller = load_caller(session, token_info)
        require_role(caller, Role.ADMIN)
        review = recognitions.review_recognition(
            session,
            caller,
            recognition_id,
            is_inappropriate=body["is_inappropriate"],
            comment=body.get("comment"),
        )
        return {"data": serializers.review(review)}, 201
