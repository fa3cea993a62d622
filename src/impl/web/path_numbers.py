"""Integer path parameters that cannot crash the router.

Connexion matches ``type: integer`` path parameters with a Starlette convertor that calls
``int()`` on any run of digits; Python refuses to convert more than 4300 digits (a guard
against quadratic parsing), so such a path raised inside routing and answered 500. The
convertor registered here matches at most that many digits: a longer number names no path
(404); a shorter one reaches validation, where the parameter's bounds apply (400).
"""

from __future__ import annotations

import sys

import starlette.convertors
from connexion.frameworks.starlette import IntegerConverter
from starlette.types import ASGIApp

MAX_DIGITS = sys.get_int_max_str_digits() or 4300


class BoundedIntegerConverter(IntegerConverter):
    regex = rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}"


def bounded_integer_paths(app: ASGIApp) -> ASGIApp:
    """Registers the bounded convertor when the middleware stack is built; adds no layer.

    Connexion registers its own ``int`` convertor when its routing middleware is created and
    compiles routes after every middleware exists; a middleware placed before routing is
    created in between, which is the one moment a registration here takes effect. Returning
    ``app`` itself keeps requests from passing through one more layer.
    """
    starlette.convertors.register_url_convertor("int", BoundedIntegerConverter())
    return app
