"""Development tokens for ``contractkit token peerly``: a real user, a real signature."""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.impl.config import Settings
from contractkit.impl.db import Database
from contractkit.impl.peerly.models import Organisation, Role
from contractkit.impl.peerly.services.directory import (
    email_domain,
    ensure_organisations,
    provision_user,
)
from contractkit.impl.peerly.settings import load_peerly_settings
from contractkit.impl.peerly.tokens import TokenService


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
    peerly = load_peerly_settings(settings)
    if not peerly.jwt_secret_is_development:
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
        user = provision_user(session, email, hi5_quota=peerly.hi5_quota, role=role)
        user.role_id = int(role)
        session.flush()
        token = TokenService(peerly).issue(
            user_id=user.id,
            role_id=user.role_id,
            org_id=user.org_id,
            org_name=user.organisation.name,
        )
        return DevelopmentToken(token, user.id, user.org_id, created)


ROLES = {"employee": Role.EMPLOYEE, "admin": Role.ADMIN, "superadmin": Role.SUPERADMIN}


def main(argv: list[str], prog: str = "contractkit token peerly") -> int:
    """``contractkit token peerly``: print a Peerly JWT for a real user."""
    import argparse
    import sys

    from contractkit.impl.config import ConfigurationError, load_settings
    from contractkit.impl.db import migrate
    from contractkit.impl.peerly.services.directory import DeletedUser

    parser = argparse.ArgumentParser(
        prog=prog, description="Print a Peerly JWT for a user, created when needed."
    )
    parser.add_argument("--email", required=True, help="the user's e-mail address")
    parser.add_argument(
        "--role",
        default="employee",
        choices=sorted(ROLES),
        help="the user's role (default employee)",
    )
    parser.add_argument(
        "--org-name",
        help="name of the organisation to create when the e-mail's domain has none "
        "(default: the domain itself)",
    )
    args = parser.parse_args(argv)
    if "@" not in args.email:
        print(f"{prog}: --email must be an e-mail address", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        db = Database(settings.database_url)
        migrate(db.engine)
        issued = issue_development_token(
            settings, db, email=args.email, role=ROLES[args.role], org_name=args.org_name
        )
    except (ConfigurationError, DevelopmentTokensDisabled) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except DeletedUser as exc:
        print(f"{prog}: user {exc} is deleted", file=sys.stderr)
        return 2
    if issued.created_organisation:
        print(f"created organisation for {args.email.rsplit('@', 1)[1]}", file=sys.stderr)
    print(issued.token)
    return 0
