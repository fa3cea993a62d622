"""Development credentials for ``contractkit token pers``: a JWT, or a new project key."""

from __future__ import annotations

import argparse
import sys

from contractkit.impl.config import ConfigurationError, Settings, load_settings
from contractkit.impl.db import Database, migrate
from contractkit.impl.pers.services.credentials import ROLES, PersTokens, ProjectKeys
from contractkit.impl.pers.settings import check_tenant, load_pers_settings


class DevelopmentTokensDisabled(Exception):
    """No development signing secret is configured (production mode)."""


def _development_settings(settings: Settings):  # type: ignore[no-untyped-def]
    pers = load_pers_settings(settings)
    if not pers.jwt_secret_is_development:
        raise DevelopmentTokensDisabled(
            "development credentials are disabled: CONTRACTKIT_ENV=production"
        )
    return pers


def issue_development_token(
    settings: Settings,
    *,
    tenant: str,
    role: str = "business",
    subject: str | None = None,
    ttl_seconds: int | None = None,
) -> str:
    pers = _development_settings(settings)
    check_tenant(tenant, "--tenant")
    return PersTokens(pers).issue(
        subject=subject or f"{role}-{tenant}", tenant=tenant, role=role, ttl_seconds=ttl_seconds
    )


def create_development_project_key(settings: Settings, db: Database, *, tenant: str) -> str:
    pers = _development_settings(settings)
    check_tenant(tenant, "--tenant")
    return ProjectKeys(pers, db).create(tenant)


def main(argv: list[str], prog: str = "contractkit token pers") -> int:
    """``contractkit token pers``: print a PERS JWT or create a project key."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Print a PERS JWT for a tenant, or create a project key for it.",
        epilog="Examples:\n"
        "  contractkit token pers --tenant acme --role admin\n"
        '  curl -H "x-project-key: $(contractkit token pers --tenant acme --project-key)" ...',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tenant", required=True, help="the tenant (lowercase letters, digits)")
    parser.add_argument(
        "--project-key",
        action="store_true",
        help="create and print a new project key for the tenant instead of a JWT",
    )
    parser.add_argument("--role", default="business", choices=ROLES, help="the JWT's role")
    parser.add_argument("--subject", help="the JWT's sub (default <role>-<tenant>)")
    parser.add_argument("--ttl", type=int, help="JWT lifetime in seconds")
    args = parser.parse_args(argv)
    if args.ttl is not None and args.ttl < 1:
        print(f"{prog}: --ttl must be at least 1", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        if args.project_key:
            db = Database(settings.database_url)
            migrate(db.engine)
            print(create_development_project_key(settings, db, tenant=args.tenant))
            db.dispose()
        else:
            print(
                issue_development_token(
                    settings,
                    tenant=args.tenant,
                    role=args.role,
                    subject=args.subject,
                    ttl_seconds=args.ttl,
                )
            )
    except (ConfigurationError, DevelopmentTokensDisabled) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    return 0
