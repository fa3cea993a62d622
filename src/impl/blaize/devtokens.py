"""Development credentials for ``contractkit token blaize``: a real admin session id."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.admin_sessions import issue_admin_session
from contractkit.impl.blaize.identity.installation import ensure_tenant, install_tenant
from contractkit.impl.blaize.identity.models import AdminRole, AdminUser
from contractkit.impl.blaize.identity.oauth import issue_authorization_code
from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.people.models import User
from contractkit.impl.blaize.people.tokens import issue_user_jwt
from contractkit.impl.blaize.settings import TENANT_NAME, BlaizeSettings, load_blaize_settings
from contractkit.impl.blaize.tenancy.ids import new_id, new_uuid
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.blaize.tenancy.records import find_user_by_identifiers
from contractkit.impl.config import Settings
from contractkit.impl.db import Database


class DevelopmentTokensDisabled(Exception):
    """No development master key is configured (production mode)."""


@dataclass(frozen=True)
class DevelopmentSession:
    session_id: str
    admin_user_id: str
    tenant: str
    created_admin: bool


def issue_development_session(
    settings: Settings,
    db: Database,
    *,
    email: str,
    role: str | None = "admin",
    tenant: str | None = None,
    password: str | None = None,
) -> DevelopmentSession:
    """An admin session for ``email`` in ``tenant`` (installed), with ``role`` there.

    The tenant and the admin user are created when missing; ``password`` (when given) becomes
    the admin user's password so that ``POST /v3/admin/login`` works too.
    """
    blaize = load_blaize_settings(settings)
    if not blaize.master_key_is_development:
        raise DevelopmentTokensDisabled(
            "development sessions are disabled: CONTRACTKIT_ENV=production"
        )
    tenant_id = tenant or blaize.default_tenant
    if not TENANT_NAME.match(tenant_id):
        raise ValueError(f"{tenant_id!r} is not a tenant identifier")
    email = email.lower()
    with db.transaction() as session:
        row = ensure_tenant(session, tenant_id)
        admin = session.scalar(select(AdminUser).where(AdminUser.email == email))
        created = admin is None
        if admin is None:
            admin = AdminUser(id=new_uuid(), email=email, home_tenant_id=tenant_id)
            session.add(admin)
        if password is not None:
            admin.password_hash = Passwords(blaize).hash(password)
        session.flush()
        if row.installed_at is None:
            install_tenant(session, row, None)
        if role and not session.scalar(
            select(AdminRole.id).where(
                AdminRole.tenant_id == tenant_id, AdminRole.email == email, AdminRole.role == role
            )
        ):
            session.add(AdminRole(id=new_id(), tenant_id=tenant_id, email=email, role=role))
        session_id = issue_admin_session(
            session, admin.id, tenant_id, blaize.admin_session_ttl_seconds
        )
        return DevelopmentSession(session_id, admin.id, tenant_id, created)


def _end_user(session: Session, tenant_id: str, user_email: str) -> User:
    """The existing end user with this e-mail address in the installed tenant."""
    row = session.get(Tenant, tenant_id)
    user: User | None = None
    if row is not None and row.installed_at is not None:
        user = find_user_by_identifiers(session, tenant_id, {"email_address": user_email})
    if user is None:
        raise ValueError(f"no end user {user_email!r} in the installed tenant {tenant_id!r}")
    return user


def _development_settings(settings: Settings, what: str) -> BlaizeSettings:
    blaize = load_blaize_settings(settings)
    if not blaize.master_key_is_development:
        raise DevelopmentTokensDisabled(
            f"development {what} are disabled: CONTRACTKIT_ENV=production"
        )
    return blaize


def issue_development_oauth_code(
    settings: Settings,
    db: Database,
    *,
    user_email: str,
    client_id: str,
    redirect_uri: str,
    scope: str | None = None,
    tenant: str | None = None,
) -> str:
    """An OAuth2 authorization code for an existing end user, as a site's consent step issues."""
    blaize = _development_settings(settings, "OAuth2 codes")
    tenant_id = tenant or blaize.default_tenant
    with db.transaction() as session:
        user = _end_user(session, tenant_id, user_email)
        return issue_authorization_code(
            session, blaize, user, client_id=client_id, redirect_uri=redirect_uri, scope=scope
        )


def issue_development_user_jwt(
    settings: Settings, db: Database, *, user_email: str, tenant: str | None = None
) -> str:
    """An end-user JWT for an existing end user, as the Decision Engine's ``jwt`` takes."""
    blaize = _development_settings(settings, "user JWTs")
    tenant_id = tenant or blaize.default_tenant
    with db.transaction() as session:
        user = _end_user(session, tenant_id, user_email)
        return issue_user_jwt(blaize, tenant_id, user.id)


EPILOG = """\
The session id works as the cookie 'blaize_admin_session' or the header 'blaize-admin-session'.
With --oauth-code, an OAuth2 authorization code for an existing end user is printed instead,
to be exchanged at POST /blaize/zephr/oauth2/token with the same client_id and redirect_uri.
With --user-jwt, an end-user JWT for an existing end user is printed instead, to be sent as
"jwt" to POST /blaize/v3/decision-engine.

Examples:
  contractkit token blaize --email admin@example.com
  SESSION=$(contractkit token blaize --email ed@example.com --role editor)
  curl -H "blaize-admin-session: $SESSION" http://127.0.0.1:8000/blaize/v3/admin/roles
  contractkit token blaize --oauth-code --user-email joe@company.com \\
      --client-id my-app --redirect-uri https://app.example.com/callback
  contractkit token blaize --user-jwt --user-email joe@company.com
"""


def _print_issued(prog: str, issue: Callable[[Settings, Database], str]) -> int:
    """Print what ``issue`` issues against the configured database; 2 on a refusal."""
    import sys

    from contractkit.impl.config import ConfigurationError, load_settings
    from contractkit.impl.db import migrate

    try:
        settings = load_settings()
        db = Database(settings.database_url)
    except ConfigurationError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    try:
        migrate(db.engine)
        issued = issue(settings, db)
    except (ConfigurationError, DevelopmentTokensDisabled, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(issued)
    return 0


def _print_oauth_code(args: argparse.Namespace, prog: str) -> int:
    return _print_issued(
        prog,
        lambda settings, db: issue_development_oauth_code(
            settings,
            db,
            user_email=args.user_email,
            client_id=args.client_id,
            redirect_uri=args.redirect_uri,
            scope=args.scope,
            tenant=args.tenant,
        ),
    )


def _print_user_jwt(args: argparse.Namespace, prog: str) -> int:
    return _print_issued(
        prog,
        lambda settings, db: issue_development_user_jwt(
            settings, db, user_email=args.user_email, tenant=args.tenant
        ),
    )


def main(argv: list[str], prog: str = "contractkit token blaize") -> int:
    """``contractkit token blaize``: print an admin session id for a real admin user."""
    import sys

    from contractkit.impl.config import ConfigurationError, load_settings
    from contractkit.impl.db import migrate

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Print a Blaize admin session id; the tenant and admin user are created "
        "when needed (development only).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--email", help="the admin user's e-mail address (required unless --oauth-code)"
    )
    parser.add_argument(
        "--role",
        default="admin",
        help="a role the admin user gets in the tenant: admin (default), editor, viewer, "
        "or any other name (which carries no rights); '' for none",
    )
    parser.add_argument(
        "--tenant", help="the tenant the session acts on (default: BLAIZE_DEFAULT_TENANT)"
    )
    parser.add_argument("--password", help="also set the admin user's password (for login)")
    oauth = parser.add_argument_group("OAuth2 authorization codes")
    oauth.add_argument(
        "--oauth-code",
        action="store_true",
        help="print a single-use OAuth2 authorization code instead of an admin session",
    )
    oauth.add_argument(
        "--user-email", help="the end user who consents, or whom the JWT names (must exist)"
    )
    oauth.add_argument("--client-id", help="the client the code is issued to")
    oauth.add_argument("--redirect-uri", help="the client's redirect URI the code is bound to")
    oauth.add_argument(
        "--scope",
        help="space-separated scopes (default: user.account:read user.profile:read "
        "user.profile:update)",
    )
    jwt = parser.add_argument_group("End-user JWTs (the Decision Engine's jwt)")
    jwt.add_argument(
        "--user-jwt",
        action="store_true",
        help="print a JWT for the end user --user-email instead of an admin session",
    )
    args = parser.parse_args(argv)
    if args.user_jwt:
        if not args.user_email:
            parser.error("--user-jwt needs --user-email")
        return _print_user_jwt(args, prog)
    if args.oauth_code:
        missing = [
            flag
            for flag, value in (
                ("--user-email", args.user_email),
                ("--client-id", args.client_id),
                ("--redirect-uri", args.redirect_uri),
            )
            if not value
        ]
        if missing:
            parser.error(f"--oauth-code needs {', '.join(missing)}")
        return _print_oauth_code(args, prog)
    if not args.email:
        parser.error("--email is required (unless --oauth-code)")
    if "@" not in args.email:
        print(f"{prog}: --email must be an e-mail address", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        db = Database(settings.database_url)
        migrate(db.engine)
        issued = issue_development_session(
            settings,
            db,
            email=args.email,
            role=args.role or None,
            tenant=args.tenant,
            password=args.password,
        )
    except (ConfigurationError, DevelopmentTokensDisabled, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if issued.created_admin:
        print(f"created admin user {args.email} in tenant {issued.tenant}", file=sys.stderr)
    print(issued.session_id)
    return 0
