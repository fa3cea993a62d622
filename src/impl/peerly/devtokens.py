"""Development tokens for ``contractkit token peerly``: a real user, a real signature."""

from __future__ import annotations

from dataclasses import dataclass

from impl.config import Settings
from impl.db import Database
from impl.peerly.directory import email_domain, ensure_organisations, provision_user
from impl.peerly.models import Organisation, Role
from impl.peerly.tokens import TokenService


class DevelopmentTokensDisabled(Exception):
    """No development signing secret is configured (production mode)."""


@dataclass(frozen=True)
class DevelopmentToken:
    token: str
    user_id: int
    org_id: int
    created_organisation: bool


def issue_development_token(
    settings: Settings, db: Database, *, email: str, role: Role, org_name: str | None = None
) -> DevelopmentToken:
    """Sign a token for ``email`` with ``role``, creating the user (and organisation) if needed."""
    if not settings.peerly.jwt_secret_is_development:
        raise DevelopmentTokensDisabled(
            "development tokens are disabled: CONTRACTKIT_ENV=production has no development secret"
        )
    domain = email_domain(email)
    with db.transaction() as session:
        created = False
        org = session.query(Organisation).filter_by(domain=domain).one_or_none()
        if org is None:
            ensure_organisations(session, {domain: org_name or domain})
            created = True
        user = provision_user(session, email, hi5_quota=settings.peerly.hi5_quota, role=role)
        user.role_id = int(role)
        session.flush()
        token = TokenService(settings.peerly).issue(
            user_id=user.id,
            role_id=user.role_id,
            org_id=user.org_id,
            org_name=user.organisation.name,
        )
        return DevelopmentToken(token, user.id, user.org_id, created)
