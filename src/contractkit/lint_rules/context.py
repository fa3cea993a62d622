"""One API as the rules see it: the bundle, its operations and where things came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from contractkit.openapi import HTTP_METHODS, Bundle, Document, Operation, SpecError
from contractkit.openapi.pointers import Pointer, format_pointer


@dataclass(frozen=True)
class OperationView:
    """One operation of the bundle (the kernel's model) and the module file that defines it."""

    spec: Operation
    file: Path

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def method(self) -> str:
        return self.spec.method

    @property
    def operation(self) -> dict[str, Any]:
        """The raw operation object."""
        return self.spec.node

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def pointer(self) -> Pointer:
        return ("paths", self.path, self.method)


@dataclass
class ApiContext:
    """A bundled API plus every document file that belongs to it."""

    bundle: Bundle
    files: list[Path] = field(default_factory=list)
    _shown: dict[Path, Path] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for file in [*self.files, *self.bundle.sources.values()]:
            self._shown.setdefault(file.resolve(), file)

    def shown(self, file: Path) -> Path:
        """A file as the user named it (or relative to the working folder when inside it)."""
        known = self._shown.get(file.resolve())
        if known is not None:
            return known
        try:
            return file.resolve().relative_to(Path.cwd())
        except ValueError:
            return file

    @property
    def document(self) -> dict[str, Any]:
        return self.bundle.document

    @cached_property
    def model(self) -> Document:
        """The bundle read by the kernel, kept as written (Swagger 2.0 stays 2.0)."""
        return Document.of(self.document, convert_swagger2=False)

    @property
    def swagger2(self) -> bool:
        return "swagger" in self.document

    @property
    def first_file(self) -> Path:
        if self.bundle.sources:
            return next(iter(self.bundle.sources.values()))
        return self.files[0]

    def operations(self) -> Iterator[OperationView]:
        """Every operation that a module file defines, in document order."""
        for operation in self.model.operations:
            source = self.bundle.sources.get((operation.path, operation.method))
            if source is not None:
                yield OperationView(operation, source)

    def parameters_of(self, view: OperationView) -> list[dict[str, Any]]:
        """Path-level and operation-level parameters, resolved (operation wins)."""
        return [parameter.node for parameter in view.spec.parameters]

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref``s inside the bundle; unresolvable refs give ``None``."""
        try:
            return self.model.resolve(node)
        except SpecError:
            return None

    def locate(self, pointer: Pointer) -> tuple[Path, str]:
        """The file and location (``METHOD /path #/...`` or a JSON pointer) of a bundle node."""
        if len(pointer) >= 2 and pointer[0] == "paths":
            path, rest = pointer[1], pointer[2:]
            if rest and rest[0] in HTTP_METHODS and (path, rest[0]) in self.bundle.sources:
                file = self.bundle.sources[(path, rest[0])]
                label, rest = f"{rest[0].upper()} {path}", rest[1:]
            else:
                file = next(
                    (source for (p, _), source in self.bundle.sources.items() if p == path),
                    self.first_file,
                )
                label = path
            return file, label + (f" #{format_pointer(rest)}" if rest else "")
        width = 2 if self.swagger2 else 3
        key = "#" + format_pointer(pointer[:width])
        origin = self.bundle.component_sources.get(key)
        if origin is not None:
            file, fragment = origin
            return self.shown(file), fragment + format_pointer(pointer[width:])
        return self.first_file, "#" + format_pointer(pointer)

    def component_pointers_named(self, kind: str, name: str) -> set[str]:
        """Bundle refs (``#/components/<kind>/...``) of components first named ``name``."""
        if self.swagger2:
            section = "#/definitions/" if kind == "schemas" else f"#/{kind}/"
        else:
            section = f"#/components/{kind}/"
        return {
            key
            for key, (_, fragment) in self.bundle.component_sources.items()
            if key.startswith(section) and fragment == f"{section}{name}"
        }
