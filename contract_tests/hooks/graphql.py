"""Upstream ``st run`` on documents whose request bodies are GraphQL documents.

Schemathesis has no serializer for ``application/graphql`` and reports "Serialization not
possible" as an error of the run. With this module as its hooks module::

    SCHEMATHESIS_HOOKS=contractkit.contract.hooks.graphql st run specs/blaize/promo_codes.yaml ...

such bodies go on the wire as text, as ``contractkit test`` sends them. A negative case whose
only negation is the body's type (``{}`` or ``7`` for a string) then reaches the server as a
valid, non-empty document; Schemathesis knows this for ``text/plain`` but not for other media
types, so the ``negative_data_rejection`` failures of exactly those cases are dropped. Every
other failure, of that check as of every other, stands.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext

from contractkit.contract.media import is_stringified_negation, send_as_text

GRAPHQL = "application/graphql"
NEGATIVE_DATA_REJECTION = "negative_data_rejection"

send_as_text([GRAPHQL])


@schemathesis.hook
def filter_failure(
    context: HookContext, failure: Failure, case: Case[Any], response: Response
) -> bool:
    """Keep every failure but a rejection expected of a body that is valid once sent as text."""
    stringified = NEGATIVE_DATA_REJECTION in getattr(failure, "checks", ())
    return not (stringified and is_stringified_negation(case))
