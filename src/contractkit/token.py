"""``contractkit token``: a development credential for one of our APIs."""

from __future__ import annotations

import argparse
import sys

DESCRIPTION = "Print a signed development token for one of the reference APIs."
EPILOG = """\
The token is signed with the same secret the server uses (PEERLY_JWT_SECRET, or the
development secret kept in CONTRACTKIT_DATA_DIR) and names a real user, created in the
database if needed. Disabled when CONTRACTKIT_ENV=production.

Examples:
  contractkit token peerly --email admin@example.com --role admin
  curl -H "Authorization: Bearer $(contractkit token peerly --email me@example.com)" \\
       http://127.0.0.1:8000/peerly/users/me
"""

ROLES = {"employee": 1, "admin": 2, "superadmin": 3}


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("api", choices=["peerly"], help="the API the token is for")
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


def run(args: argparse.Namespace) -> int:
    from impl.config import ConfigurationError, load_settings
    from impl.db import Database, migrate
    from impl.peerly.devtokens import DevelopmentTokensDisabled, issue_development_token
    from impl.peerly.directory import DeletedUser
    from impl.peerly.models import Role

    if "@" not in args.email:
        print("contractkit token: --email must be an e-mail address", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        db = Database(settings.database_url)
        migrate(db.engine)
        issued = issue_development_token(
            settings, db, email=args.email, role=Role(ROLES[args.role]), org_name=args.org_name
        )
    except (ConfigurationError, DevelopmentTokensDisabled, DeletedUser) as exc:
        message = f"user {exc} is deleted" if isinstance(exc, DeletedUser) else str(exc)
        print(f"contractkit token: {message}", file=sys.stderr)
        return 2
    if issued.created_organisation:
        print(f"created organisation for {args.email.rsplit('@', 1)[1]}", file=sys.stderr)
    print(issued.token)
    return 0
