"""Who is calling, what their role lets them do, and signing out (revoked tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from contractkit.impl.db import DetachedRows
from contractkit.impl.errors import forbidden, unauthorized
from contractkit.impl.peerly.context import PeerlyContext
from contractkit.impl.peerly.models import RevokedToken, Role, User
from contractkit.impl.peerly.tokens import InvalidToken
from contractkit.impl.timeutil import utcnow
from contractkit.impl.web.security import FINISH_CHECK

CALLER = "caller"
"""Key of ``token_info`` holding the user the bearer check loaded, for this request only."""


def verify_bearer(ctx: PeerlyContext, token: str) -> dict[str, Any] | None:
    """Connexion's bearer check: the token's claims, or None (401) when it must be refused.

    Only the signature and time claims are checked here, on the event loop (no I/O). That the
    token is not revoked and its user still exists and is not deleted needs the database: that
    part runs in the handler's worker thread, just before the handler
    (:func:`confirm_caller`, under :data:`~contractkit.impl.web.security.FINISH_CHECK`), so a
    request crosses to a thread once.
    """
    try:
        claims = ctx.tokens.verify(token)
    except InvalidToken:
        return None
    return {
        "sub": str(claims.user_id),
        "user_id": claims.user_id,
        "org_id": claims.org_id,
        "jti": claims.jti,
        "expires_at": claims.expires_at,
        FINISH_CHECK: partial(confirm_caller, ctx),
    }


_USERS = DetachedRows(User)
_CALLER_QUERY = (
    select(*_USERS.columns, RevokedToken.jti)
    .outerjoin(RevokedToken, RevokedToken.jti == bindparam("jti"))
    .where(User.id == bindparam("user_id"))
)
"""The caller's row and, when the token is revoked, its revocation: one statement, compiled
once (SQLAlchemy caches its SQL), read without an ORM session."""


def confirm_caller(ctx: PeerlyContext, token_info: dict[str, Any]) -> None:
    """401 unless the token is not revoked and its user exists and is not deleted.

    One query reads both, on every request, so a logout or a deletion takes effect at once.
    The user read is handed on to the handler in ``token_info`` (see :func:`load_caller`), so
    the request reads it once.
    """
    parameters = {"jti": token_info["jti"], "user_id": token_info["user_id"]}
    with ctx.db.single_statements.connect() as connection:
        row = connection.execute(_CALLER_QUERY, parameters).first()
    if row is None or row[-1] is not None:
        raise unauthorized()
    user = _USERS.build(row)
    if user.is_deleted:
        raise unauthorized()
    token_info[CALLER] = user


def load_caller(session: Session, token_info: Mapping[str, Any]) -> User:
    """The calling user as stored now (its role may have changed since the token was issued).

    The user the bearer check of this same request read joins ``session`` without another
    query; without one (a check that read none), it is read here.
    """
    checked = token_info.get(CALLER)
    if isinstance(checked, User) and checked.id == int(token_info["user_id"]):
        return session.merge(checked, load=False)
    user = session.get(User, int(token_info["user_id"]))
    if user is None or user.is_deleted:
        raise unauthorized()
    return user


def require_role(user: User, minimum: Role) -> None:
    """403 unless ``user`` holds ``minimum`` or a higher role."""
    if user.role_id < minimum:
        raise forbidden()


def is_superadmin(user: User) -> bool:
    return user.role_id == Role.SUPERADMIN


def active_user_in_scope(session: Session, caller: User, user_id: int) -> User | None:
    """An active user the caller may see: same organisation, or any for superadmins."""
    user = session.get(User, user_id)
    if user is None or user.is_deleted:
        return None
    if user.org_id != caller.org_id and not is_superadmin(caller):
        return None
    return user


def revoke_token(session: Session, jti: str, expires_at: datetime) -> None:
    """Refuse the token ``jti`` from now on; revocations of expired tokens are dropped."""
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))
