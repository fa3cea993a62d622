"""``contractkit token``: a development credential for one of our APIs."""

from __future__ import annotations

import argparse
import importlib

DESCRIPTION = "Print a development credential for one of the reference APIs."
EPILOG = """\
Each API takes its own options: run 'contractkit token <api> --help'. Credentials are signed
or stored with the same secrets and database the server uses, and name real users or tenants,
created when needed. Disabled when CONTRACTKIT_ENV=production.

Examples:
  contractkit token peerly --email admin@example.com --role admin
  curl -H "Authorization: Bearer $(contractkit token peerly --email me@example.com)" \\
       http://127.0.0.1:8000/peerly/users/me
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    from contractkit.impl.apis import api_names

    parser.add_argument("api", choices=api_names(), help="the API the credential is for")
    parser.add_argument(
        "options", nargs=argparse.REMAINDER, help="the API's own options (see <api> --help)"
    )


def run(args: argparse.Namespace) -> int:
    """Hand the options to ``impl.<api>.devtokens.main``, holding the set-up lock.

    The credential may need the schema migrated, development secrets written and rows
    created, as a starting server does: the lock keeps the two from racing.
    """
    from contractkit.impl.config import ConfigurationError, load_settings
    from contractkit.impl.db import make_engine
    from contractkit.impl.setup_lock import setup_lock

    devtokens = importlib.import_module(f"contractkit.impl.{args.api}.devtokens")
    prog = f"contractkit token {args.api}"
    try:
        settings = load_settings()
    except ConfigurationError:
        return int(devtokens.main(args.options, prog=prog))  # it reports the setting
    engine = make_engine(settings.database_url)
    try:
        with setup_lock(settings.data_dir, engine):
            return int(devtokens.main(args.options, prog=prog))
    finally:
        engine.dispose()
