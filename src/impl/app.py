"""The composition root: one Connexion ``AsyncApp`` serving any set of our APIs.

Each API is bundled from its spec documents and mounted under its base path with the glue of
``contractkit.impl.web``: its handlers resolved by spec document, its own credential checks,
our validators, and every failure answered in its own envelope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException

from contractkit.impl.apis import ApiDefinition, api_names, definition
from contractkit.impl.config import Settings, load_settings
from contractkit.impl.db import Database, migrate, schema_problem
from contractkit.impl.setup_lock import setup_lock
from contractkit.impl.web.bodies import RequestBodyGuard, UploadRoute, body_limits
from contractkit.impl.web.connexion_logs import quiet_connexion_notices
from contractkit.impl.web.failures import ErrorResponder
from contractkit.impl.web.operations import ServedApp
from contractkit.impl.web.path_numbers import bounded_integer_paths
from contractkit.impl.web.probes import PROBE_PATHS, Probes
from contractkit.impl.web.request_log import RequestLog, path_templates
from contractkit.impl.web.resolver import ModuleResolver
from contractkit.impl.web.routes import MethodIndex, MostSpecificPathGuard
from contractkit.impl.web.validation import VALIDATOR_MAP
from contractkit.openapi import discover
from contractkit.openapi.bundle import Bundle, bundle
from contractkit.paths import api_specs_dir

Hook = Callable[[], AbstractAsyncContextManager[None]]


def served_documents(name: str, specs_root: Path | None = None) -> list[Path]:
    """The module documents of API ``name`` that the implementation serves."""
    api = definition(name)
    folder = (specs_root / name) if specs_root else api_specs_dir(name)
    if api.documents:
        return [folder / f"{stem}.yaml" for stem in api.documents]
    return discover([folder])


def create_app(
    apis: Sequence[str] | None = None,
    settings: Settings | None = None,
    database: Database | None = None,
    specs_root: Path | None = None,
) -> AsyncApp:
    """Build the app serving ``apis`` (all by default), each under ``/<api>``.

    The database schema is migrated to the newest revision before the first request. Each
    API's ``lifespan`` hook (background work) runs while the app is served (ASGI lifespan).
    """
    settings = settings or load_settings()
    database = database or Database(settings.database_url, pool_size=settings.db_pool_size)
    names = list(apis or api_names())
    with setup_lock(settings.data_dir, database.engine):
        migrate(database.engine)
        contexts = {name: definition(name).build_context(settings, database) for name in names}
    quiet_connexion_notices()

    hooks: list[Hook] = []
    app = ServedApp("contractkit.impl", lifespan=_lifespan(hooks))
    responder = ErrorResponder()
    indexes: list[tuple[str, MethodIndex]] = []
    operations: list[tuple[str, str, str]] = []
    uploads: list[UploadRoute] = []
    for name in names:
        api = definition(name)
        bundled = bundle(served_documents(name, specs_root))
        context = contexts[name]
        if api.lifespan is not None:
            hooks.append(partial(api.lifespan, context))
        if api.upload_routes is not None:
            uploads.extend(api.upload_routes(context))
        resolver = ModuleResolver(api.package, bundled.sources, context)
        _mount(app, api, bundled, resolver, context)
        operations.extend(_operation_paths(api.base_path, bundled, resolver))
        methods = MethodIndex(bundled.document)
        responder.register(api.base_path, api.envelope, methods)
        indexes.append((api.base_path, methods))

    app.add_middleware(
        RequestLog,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        templates=path_templates(operations),
        fixed_paths=PROBE_PATHS,
    )
    app.add_middleware(
        Probes,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        readiness=partial(schema_problem, database.engine),
    )
    app.add_middleware(
        MostSpecificPathGuard, position=MiddlewarePosition.BEFORE_ROUTING, indexes=indexes
    )
    app.add_middleware(bounded_integer_paths, position=MiddlewarePosition.BEFORE_ROUTING)
    app.add_middleware(
        RequestBodyGuard,
        position=MiddlewarePosition.BEFORE_ROUTING,
        limits=body_limits(settings, uploads),
    )
    for error_type in (Exception, HTTPException, ProblemException):
        app.add_error_handler(error_type, responder)
    return app


def _operation_paths(
    base_path: str, bundled: Bundle, resolver: ModuleResolver
) -> Iterator[tuple[str, str, str]]:
    """(base path, Connexion's operation name, path template) of each served operation."""
    for path, item in bundled.document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                name = resolver.handler_name(path, method, operation["operationId"])
                if name is not None:
                    yield base_path, name, path


def _mount(
    app: AsyncApp, api: ApiDefinition, bundled: Bundle, resolver: ModuleResolver, context: Any
) -> None:
    """Serve ``api``'s bundled spec under its base path, its handlers resolved by ``resolver``
    (bound to ``context``, which the API's security checks also receive)."""
    for middleware in api.middleware:
        app.add_middleware(middleware, position=MiddlewarePosition.BEFORE_SECURITY)
    app.add_api(
        bundled.document,
        base_path=api.base_path,
        name=api.name,
        resolver=resolver,
        validate_responses=True,
        strict_validation=False,
        validator_map=VALIDATOR_MAP,
        security_map=api.security_map(context) if api.security_map else {},
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
    )


def _lifespan(hooks: list[Hook]) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Enter every API's lifespan hook at start-up, leave them (in reverse) at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for hook in hooks:
                await stack.enter_async_context(hook())
            yield

    return lifespan
