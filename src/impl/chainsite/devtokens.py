"""Development tokens for ``contractkit token chainsite``: a JWT for a user id."""

from __future__ import annotations

import argparse
import re
import sys

from contractkit.impl.chainsite.objectid import new_object_id
from contractkit.impl.chainsite.settings import load_chainsite_settings
from contractkit.impl.chainsite.tokens import TokenService
from contractkit.impl.config import ConfigurationError, Settings, load_settings

USER_ID = re.compile(r"^[0-9a-fA-F]{24}$")


class DevelopmentTokensDisabled(Exception):
    """No development signing secret is configured (production mode)."""


def issue_development_token(
    settings: Settings, user_id: str | None = None, ttl_seconds: int | None = None
) -> tuple[str, str]:
    """A token for ``user_id`` (a new random id when None) and that id."""
    chainsite = load_chainsite_settings(settings)
    if not chainsite.jwt_secret_is_development:
        raise DevelopmentTokensDisabled(
            "development tokens are disabled: CONTRACTKIT_ENV=production has no development secret"
        )
    user = (user_id or new_object_id()).lower()
    return TokenService(chainsite).issue(user, ttl_seconds), user


def main(argv: list[str], prog: str = "contractkit token chainsite") -> int:
    """``contractkit token chainsite``: print a Chainsite JWT."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Print a Chainsite JWT (signed with CHAINSITE_JWT_SECRET) for a user id.",
        epilog='Example:\n  curl -H "Authorization: Bearer $(contractkit token chainsite '
        '--user-id 680b8f5b03127a4fd7110e38)" http://127.0.0.1:8000/chainsite/v1/upload',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--user-id",
        help="the user's id, 24 hexadecimal characters (default: a new random one, "
        "printed on standard error)",
    )
    parser.add_argument(
        "--ttl", type=int, help="lifetime in seconds (default CHAINSITE_TOKEN_TTL_SECONDS)"
    )
    args = parser.parse_args(argv)
    if args.user_id is not None and not USER_ID.match(args.user_id):
        print(f"{prog}: --user-id must be 24 hexadecimal characters", file=sys.stderr)
        return 2
    if args.ttl is not None and args.ttl < 1:
        print(f"{prog}: --ttl must be at least 1", file=sys.stderr)
        return 2
    try:
        token, user = issue_development_token(load_settings(), args.user_id, args.ttl)
    except (ConfigurationError, DevelopmentTokensDisabled) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if args.user_id is None:
        print(f"user id: {user}", file=sys.stderr)
    print(token)
    return 0
