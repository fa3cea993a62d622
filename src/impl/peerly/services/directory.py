"""Organisations and the people in them: sign-in provisioning and configured organisations."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.peerly.models import Organisation, Role, User


class UnknownOrganisation(Exception):
    """No organisation owns the e-mail address's domain."""


class DeletedUser(Exception):
    """The person's account was deleted; they may not sign in."""


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def ensure_organisations(session: Session, organisations: Mapping[str, str]) -> None:
    """Create the configured organisations (``{domain: name}``) that do not exist yet."""
    for domain, name in organisations.items():
        existing = session.scalar(select(Organisation).where(Organisation.domain == domain))
        if existing is None:
            session.add(Organisation(domain=domain, name=name))
        elif existing.name != name:
            existing.name = name
    session.flush()


def organisation_for(session: Session, email: str) -> Organisation:
    domain = email_domain(email)
    org = session.scalar(select(Organisation).where(Organisation.domain == domain))
    if org is None:
        raise UnknownOrganisation(domain)
    return org


def _names_from_email(email: str) -> tuple[str, str]:
    local = email.split("@", 1)[0]
    parts = [part for part in local.replace("_", ".").replace("-", ".").split(".") if part]
    first = parts[0].capitalize() if parts else local
    last = " ".join(part.capitalize() for part in parts[1:])
    return first[:100], last[:100]


def provision_user(
    session: Session,
    email: str,
    *,
    hi5_quota: int,
    first_name: str | None = None,
    last_name: str | None = None,
    picture: str | None = None,
    role: Role = Role.EMPLOYEE,
) -> User:
    """The active user with ``email``, created on first sign-in in the domain's organisation."""
    email = email.strip().lower()
    user = session.scalar(select(User).where(User.email == email))
    if user is not None:
        if user.is_deleted:
            raise DeletedUser(email)
        return user
    org = organisation_for(session, email)
    guessed_first, guessed_last = _names_from_email(email)
    first = (first_name or guessed_first)[:100]
    last = (last_name or guessed_last)[:100]
    user = User(
        org_id=org.id,
        email=email,
        first_name=first,
        last_name=last,
        display_name=f"{first} {last}".strip()[:100],
        profile_image_url=picture,
        role_id=int(role),
        hi5_quota_balance=hi5_quota,
    )
    user.organisation = org
    session.add(user)
    session.flush()
    return user
