"""Peerly resources as the API shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from contractkit.impl.peerly.models import CoreValue, Hi5, Recognition, Report, Review, User
from contractkit.impl.timeutil import isoformat


def core_value(value: CoreValue | Row[Any]) -> dict[str, Any]:
    """A core value as answers show it, from its model or from a row of those fields."""
    return {
        "id": value.id,
        "description": value.description,
        "text": value.text,
        "parent_core_value_id": value.parent_core_value_id,
        "org_id": value.org_id,
        "thumbnail_url": value.thumbnail_url,
    }


def user(person: User) -> dict[str, Any]:
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "display_name": person.display_name,
        "profile_image_url": person.profile_image_url,
        "role_id": person.role_id,
        "hi5_quota_balance": person.hi5_quota_balance,
        "org_id": person.org_id,
        "soft_delete_by": person.soft_delete_by,
        "soft_delete_at": isoformat(person.soft_delete_at),
    }


def recognition(item: Recognition) -> dict[str, Any]:
    return {
        "id": item.id,
        "core_value_id": item.core_value_id,
        "core_value": {
            "id": item.core_value.id,
            "text": item.core_value.text,
            "description": item.core_value.description,
            "thumbnail": item.core_value.thumbnail_url,
        },
        "text": item.text,
        "given_for": item.given_for,
        "given_by": item.given_by,
        "given_at": isoformat(item.given_at),
        "hi5_count": item.hi5_count,
    }


def hi5(item: Hi5, balance: int) -> dict[str, Any]:
    return {
        "id": item.id,
        "recognition_id": item.recognition_id,
        "given_by": item.given_by,
        "comment": item.comment,
        "given_at": isoformat(item.given_at),
        "hi5_quota_balance": balance,
    }


def report(item: Report) -> dict[str, Any]:
    return {
        "id": item.id,
        "recognition_id": item.recognition_id,
        "mark_as": item.mark_as,
        "reason": item.reason,
        "reported_by": item.reported_by,
        "reported_at": isoformat(item.reported_at),
    }


def review(item: Review) -> dict[str, Any]:
    return {
        "id": item.id,
        "recognition_id": item.recognition_id,
        "is_inappropriate": item.is_inappropriate,
        "comment": item.comment,
        "reviewed_by": item.reviewed_by,
        "reviewed_at": isoformat(item.reviewed_at),
    }
