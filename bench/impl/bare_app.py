"""The bare stack the implementation is measured against: Starlette + SQLAlchemy Core.

The same tables (the implementation's own schema), the same credential checks (Peerly's HS256
JWT with its issuer, audience and revocation list, and the caller's row; Blaize's admin
session digest, expiry and the admin's roles), the same queries and the same JSON, written
by hand with no contract, no validation and no framework beyond Starlette. Configured by the
environment variables the implementation reads (``DATABASE_URL``, ``PEERLY_JWT_SECRET``).

Run: ``uvicorn --app-dir bench/impl bare_app:app``.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import MetaData, create_engine, event, select
from sqlalchemy.engine import Connection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

URL = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
PEERLY_SECRET = os.environ["PEERLY_JWT_SECRET"]
ISSUER = os.environ.get("PEERLY_JWT_ISSUER", "node.peerly.com")
AUDIENCE = os.environ.get("PEERLY_JWT_AUDIENCE", "peerly.com")
NAMESPACE = "https://peerly.com"

if URL.startswith("sqlite"):
    engine = create_engine(
        URL, connect_args={"check_same_thread": False}, pool_size=40, max_overflow=0
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
else:
    engine = create_engine(URL, pool_size=20, max_overflow=20)

meta = MetaData()
TABLES = (
    "peerly_users",
    "peerly_revoked_tokens",
    "peerly_core_values",
    "blaize_admin_sessions",
    "blaize_admin_users",
    "blaize_admin_roles",
    "blaize_products",
    "blaize_bundles",
)
meta.reflect(engine, only=TABLES)
users, revoked, core_values = (meta.tables[name] for name in TABLES[:3])
sessions, admins, roles, products, bundles = (meta.tables[name] for name in TABLES[3:])
CORE_VALUE_COLUMNS = [
    core_values.c[name]
    for name in ("id", "description", "text", "parent_core_value_id", "org_id", "thumbnail_url")
]
PRODUCT_COLUMNS = [
    products.c[name] for name in ("id", "label", "description", "entitlement", "mapping")
]


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status, media_type="application/json")


def _error(status: int, code: str) -> Response:
    return _json({"error": {"code": code, "message": code}}, status)


def _peerly_caller(request: Request, conn: Connection) -> Any:
    """The caller's row (id, org_id, role_id), or None for a bad, revoked or deleted one."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(
            header[7:],
            PEERLY_SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience=AUDIENCE,
            options={"require": ["exp", "sub", "aud", "nbf", "jti", "iss"]},
        )
    except jwt.PyJWTError:
        return None
    query = (
        select(users.c.id, users.c.org_id, users.c.role_id, revoked.c.jti)
        .outerjoin(revoked, revoked.c.jti == claims["jti"])
        .where(users.c.id == int(claims["sub"]), users.c.soft_delete_at.is_(None))
    )
    row = conn.execute(query).first()
    return None if row is None or row.jti is not None else row


def _core_value(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def peerly_core_value(request: Request) -> Response:
    with engine.connect() as conn:
        caller = _peerly_caller(request, conn)
        if caller is None:
            return _error(401, "invalid_token")
        query = select(*CORE_VALUE_COLUMNS).where(
            core_values.c.id == int(request.path_params["id"]),
            core_values.c.org_id == caller.org_id,
        )
        row = conn.execute(query).first()
    if row is None:
        return _error(404, "not_found")
    return _json({"data": _core_value(row)})


async def peerly_core_values(request: Request) -> Response:
    if request.method == "POST":
        body = await request.json()
        return await _threaded(_create_core_value, request, body)
    return await _threaded(_list_core_values, request)


def _list_core_values(request: Request) -> Response:
    with engine.connect() as conn:
        caller = _peerly_caller(request, conn)
        if caller is None:
            return _error(401, "invalid_token")
        query = (
            select(*CORE_VALUE_COLUMNS)
            .where(core_values.c.org_id == caller.org_id)
            .order_by(core_values.c.id)
        )
        rows = conn.execute(query).all()
    return _json({"data": [_core_value(row) for row in rows]})


def _create_core_value(request: Request, body: dict[str, Any]) -> Response:
    with engine.begin() as conn:
        caller = _peerly_caller(request, conn)
        if caller is None:
            return _error(401, "invalid_token")
        if caller.role_id < 2:
            return _error(403, "access_denied")
        values = {
            "org_id": caller.org_id,
            "text": body["text"],
            "description": body["description"],
            "parent_core_value_id": body.get("parent_core_value_id"),
            "thumbnail_url": body.get("thumbnail_url"),
        }
        inserted = core_values.insert().values(created_at=datetime.now(UTC), **values)
        new_id = conn.execute(inserted).inserted_primary_key[0]
    return _json({"data": {"id": new_id, **values}}, 201)


async def peerly_core_value_item(request: Request) -> Response:
    if request.method == "PUT":
        body = await request.json()
        return await _threaded(_update_core_value, request, body)
    return await _threaded(peerly_core_value, request)


def _update_core_value(request: Request, body: dict[str, Any]) -> Response:
    with engine.begin() as conn:
        caller = _peerly_caller(request, conn)
        if caller is None:
            return _error(401, "invalid_token")
        if caller.role_id < 2:
            return _error(403, "access_denied")
        where = (
            core_values.c.id == int(request.path_params["id"]),
            core_values.c.org_id == caller.org_id,
        )
        changes = {"text": body["text"], "description": body["description"]}
        if "thumbnail_url" in body:
            changes["thumbnail_url"] = body["thumbnail_url"]
        if conn.execute(core_values.update().where(*where).values(changes)).rowcount == 0:
            return _error(404, "not_found")
        row = conn.execute(select(*CORE_VALUE_COLUMNS).where(*where)).first()
    return _json({"data": _core_value(row)})


def _blaize_caller(request: Request, conn: Connection) -> Any:
    """The session's admin and tenant, with the admin's roles there, or None."""
    session_id = request.headers.get("blaize-admin-session", "")
    if not session_id:
        return None
    digest = hashlib.sha256(session_id.encode()).hexdigest()
    query = (
        select(sessions.c.tenant_id, sessions.c.expires_at, admins.c.email)
        .join(admins, admins.c.id == sessions.c.admin_user_id)
        .where(sessions.c.id_hash == digest)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        return None
    granted = set(
        conn.scalars(
            select(roles.c.role).where(
                roles.c.tenant_id == row.tenant_id, roles.c.email == row.email
            )
        )
    )
    return row.tenant_id, granted


def _product(row: Any) -> dict[str, Any]:
    return {key: value for key, value in row._mapping.items() if value is not None}


async def blaize_products(request: Request) -> Response:
    return await _threaded(_list_products, request)


def _list_products(request: Request) -> Response:
    with engine.connect() as conn:
        caller = _blaize_caller(request, conn)
        if caller is None:
            return _error(401, "unauthorized")
        if not caller[1] & {"admin", "editor", "viewer"}:
            return _error(403, "forbidden")
        query = select(*PRODUCT_COLUMNS).where(products.c.tenant_id == caller[0])
        rows = conn.execute(query.order_by(products.c.id)).all()
    return _json({"results": [_product(row) for row in rows]})


async def blaize_product(request: Request) -> Response:
    if request.method == "PUT":
        body = await request.json()
        return await _threaded(_save_product, request, body)
    return await _threaded(_get_product, request)


def _get_product(request: Request) -> Response:
    with engine.connect() as conn:
        caller = _blaize_caller(request, conn)
        if caller is None:
            return _error(401, "unauthorized")
        if not caller[1] & {"admin", "editor", "viewer"}:
            return _error(403, "forbidden")
        query = select(*PRODUCT_COLUMNS).where(
            products.c.tenant_id == caller[0], products.c.id == request.path_params["id"]
        )
        row = conn.execute(query).first()
    if row is None:
        return _error(404, "not_found")
    return _json(_product(row))


def _save_product(request: Request, body: dict[str, Any]) -> Response:
    product_id = request.path_params["id"]
    with engine.begin() as conn:
        caller = _blaize_caller(request, conn)
        if caller is None:
            return _error(401, "unauthorized")
        if not caller[1] & {"admin", "editor"}:
            return _error(403, "forbidden")
        tenant = caller[0]
        bundle = conn.execute(
            select(bundles.c.id).where(
                bundles.c.tenant_id == tenant, bundles.c.id == body["entitlement"]["id"]
            )
        ).first()
        if bundle is None:
            return _error(404, "not_found")
        key = (products.c.tenant_id == tenant, products.c.id == product_id)
        values = {
            "label": body.get("label"),
            "description": body.get("description"),
            "entitlement": body["entitlement"],
            "mapping": body["mapping"],
        }
        created = conn.execute(products.update().where(*key).values(values)).rowcount == 0
        if created:
            conn.execute(
                products.insert().values(
                    tenant_id=tenant, id=product_id, created_at=datetime.now(UTC), **values
                )
            )
    view = {"id": product_id, **{k: v for k, v in values.items() if v is not None}}
    return _json(view, 201 if created else 200)


async def _threaded(function: Any, *args: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


app = Starlette(
    routes=[
        Route("/peerly/core_values", peerly_core_values, methods=["GET", "POST"]),
        Route("/peerly/core_values/{id:int}", peerly_core_value_item, methods=["GET", "PUT"]),
        Route("/blaize/v3/products", blaize_products, methods=["GET"]),
        Route("/blaize/v3/products/{id}", blaize_product, methods=["GET", "PUT"]),
    ]
)
