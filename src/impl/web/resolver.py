"""Each operationId resolved to ``<package>.<document stem>.<snake_case(operationId)>``."""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from connexion.exceptions import ResolverError
from connexion.resolver import Resolution, Resolver


def snake_case(name: str) -> str:
    """``createCoreValue`` -> ``create_core_value``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class ModuleResolver(Resolver):
    """Finds handlers by the module document each operation was declared in.

    ``sources`` maps ``(path, method)`` to the spec file; the handler lives in the module of
    the same stem inside ``package``. When ``context`` is given it is bound as the handler's
    first argument, so handlers receive their API's services explicitly.
    """

    def __init__(
        self, package: str, sources: Mapping[tuple[str, str], Path], context: Any = None
    ) -> None:
        super().__init__()
        self._package = package
        self._sources = sources
        self._context = context

    def handler_name(self, path: str, method: str, operation_id: str) -> str | None:
        """``<package>.<document stem>.<function>``: Connexion's name of the operation."""
        source = self._sources.get((path, method.lower()))
        if source is None or not operation_id:
            return None
        return f"{self._package}.{source.stem}.{snake_case(operation_id)}"

    def resolve(self, operation: Any) -> Resolution:
        operation_id = operation.operation_id
        name = self.handler_name(operation.path, operation.method, operation_id)
        if name is None:
            raise ResolverError(f"no handler source for {operation.method} {operation.path}")
        module_name, function_name = name.rsplit(".", 1)
        module = importlib.import_module(module_name)
        handler: Callable[..., Any] | None = getattr(module, function_name, None)
        if handler is None:
            raise ResolverError(f"{module_name}.{function_name} is missing for {operation_id}")
        if self._context is not None:
            handler = functools.partial(handler, self._context)
        return Resolution(handler, f"{module_name}.{function_name}")
