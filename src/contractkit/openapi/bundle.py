"""Merge the module documents of one API into one self-contained OpenAPI document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractkit.openapi.constants import HTTP_METHODS, V2_COMPONENT_KINDS, V3_COMPONENT_KINDS
from contractkit.openapi.errors import SpecError
from contractkit.openapi.loader import discover, is_openapi_document, load_file
from contractkit.openapi.pointers import Location, format_pointer
from contractkit.openapi.refs import RefRewriter, copy_json

# Top-level keys every document must agree on (first one wins when absent elsewhere).
_AGREED_KEYS_V3 = ("servers",)
_AGREED_KEYS_V2 = ("host", "basePath", "schemes")
# Top-level keys an operation inherits; kept per operation when documents differ.
_INHERITED_KEYS_V3 = ("security",)
_INHERITED_KEYS_V2 = ("security", "consumes", "produces")


@dataclass
class Bundle:
    """One API as a single OpenAPI dict, plus where each part came from.

    ``document`` is a fresh structure owned by the caller. ``sources`` maps
    ``(path template, lower-case method)`` to the module file that defines it;
    ``operation_ids`` maps each operationId to ``(path template, method)``;
    ``component_sources`` maps a bundle pointer such as
    ``#/components/schemas/Error`` to the file and pointer it was copied from.
    ``conflicts`` lists what ``strict=False`` let through, as :class:`SpecError`s
    with a ``code`` (always empty when strict).
    """

    document: dict[str, Any]
    sources: dict[tuple[str, str], Path]
    operation_ids: dict[str, tuple[str, str]]
    component_sources: dict[str, tuple[Path, str]] = field(default_factory=dict)
    conflicts: list[SpecError] = field(default_factory=list)


def bundle_folder(folder: Path | str, **options: Any) -> Bundle:
    """``bundle(discover([folder]))``: every module document of one API folder."""
    return bundle(discover([folder]), **options)


def bundle(
    paths: Sequence[Path | str],
    *,
    title: str | None = None,
    description: str | None = None,
    strict: bool = True,
) -> Bundle:
    """Merge module documents of one API into one document without external refs.

    A folder among ``paths`` stands for its module documents (see :func:`discover`).

    Raises :class:`SpecError` for unreadable documents, unresolvable refs and
    conflicts (the same operation or operationId twice, different servers,
    different security schemes of one name). With ``strict=False`` conflicts
    are recorded in ``Bundle.conflicts`` instead and the first definition wins.
    """
    if not paths:
        raise SpecError("nothing to bundle: no documents given")
    return _Bundler(discover(paths), strict).run(title, description)


class _Bundler:
    def __init__(self, files: list[Path], strict: bool) -> None:
        self.files = files
        self.strict = strict
        self.documents = [self._load(file) for file in files]
        first = self.documents[0]
        self.swagger2 = "swagger" in first
        self.version_key = "swagger" if self.swagger2 else "openapi"
        self._check_versions()
        self.rewriter = RefRewriter(self.swagger2)
        self.paths: dict[str, dict[str, Any]] = {}
        self.sources: dict[tuple[str, str], Path] = {}
        self.operation_ids: dict[str, tuple[str, str]] = {}
        self.operation_id_files: dict[str, Path] = {}
        self.pushed_down: set[str] = set()
        self.webhooks: dict[str, Any] = {}
        self.webhook_files: dict[str, Path] = {}
        self.conflicts: list[SpecError] = []
        inherited = _INHERITED_KEYS_V2 if self.swagger2 else _INHERITED_KEYS_V3
        self.per_operation = [key for key in inherited if not self._all_equal(key)]

    def _load(self, file: Path) -> dict[str, Any]:
        document = load_file(file)
        if not is_openapi_document(document):
            raise SpecError("not an OpenAPI document (no 'openapi' or 'swagger' key)", file=file)
        return document

    def _check_versions(self) -> None:
        def family(document: dict[str, Any]) -> str:
            version = str(document.get("swagger") or document.get("openapi"))
            return ".".join(version.split(".")[:2])

        expected = family(self.documents[0])
        for file, document in zip(self.files[1:], self.documents[1:], strict=True):
            if family(document) != expected:
                message = f"OpenAPI version {family(document)} differs from {expected}"
                raise SpecError(f"{message} in {self.files[0]}", file=file)

    def _all_equal(self, key: str) -> bool:
        values = [document.get(key) for document in self.documents]
        return all(value == values[0] for value in values)

    def _conflict(self, message: str, file: Path, code: str) -> None:
        error = SpecError(message, file=file, code=code)
        if self.strict:
            raise error
        self.conflicts.append(error)

    # -- the whole run -------------------------------------------------------------

    def run(self, title: str | None, description: str | None) -> Bundle:
        for file, document in zip(self.files, self.documents, strict=True):
            self._add_own_components(file, document)
            self._add_paths(file, document)
            self._add_webhooks(file, document)
        security_schemes = self._security_schemes()
        self.rewriter.finish()
        result = self._top_level(title, description)
        result["paths"] = self.paths
        if self.webhooks:
            result["webhooks"] = self.webhooks
        self._attach_components(result, security_schemes)
        return Bundle(
            document=result,
            sources=self.sources,
            operation_ids=self.operation_ids,
            component_sources={
                "#" + format_pointer(pointer): (origin.file, origin.fragment())
                for pointer, origin in self.rewriter.origins.items()
            },
            conflicts=self.conflicts,
        )

    def _add_own_components(self, file: Path, document: dict[str, Any]) -> None:
        resolved = file.resolve()
        sections: list[tuple[tuple[str, ...], Any]]
        if self.swagger2:
            sections = [((kind,), document.get(kind)) for kind in V2_COMPONENT_KINDS]
        else:
            components = document.get("components") or {}
            sections = [(("components", kind), components.get(kind)) for kind in V3_COMPONENT_KINDS]
        for prefix, entries in sections:
            if isinstance(entries, dict):
                for name in entries:
                    self.rewriter.add_component(Location(resolved, (*prefix, name)))

    # -- paths ---------------------------------------------------------------------

    def _add_paths(self, file: Path, document: dict[str, Any]) -> None:
        paths = document.get("paths") or {}
        if not isinstance(paths, dict):
            raise SpecError("'paths' is not a mapping", file=file)
        resolved = file.resolve()
        for template, raw_item in paths.items():
            if not isinstance(raw_item, dict):
                raise SpecError(f"path item {template!r} is not a mapping", file=file)
            item = self.rewriter.rewrite(raw_item, resolved)
            if not isinstance(item, dict):
                raise SpecError(f"path item {template!r} does not resolve to a mapping", file=file)
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    self._inherit(item[method], document)
            self._merge_path_item(template, item, file)

    def _add_webhooks(self, file: Path, document: dict[str, Any]) -> None:
        """OpenAPI 3.1 webhooks: merged by name like operations."""
        webhooks = document.get("webhooks")
        if not isinstance(webhooks, dict):
            return
        for name, item in webhooks.items():
            if name in self.webhooks:
                message = (
                    f"webhook {name!r} is defined in both {self.webhook_files[name]} and {file}"
                )
                self._conflict(message, file, "duplicate-webhook")
                continue
            self.webhooks[name] = self.rewriter.rewrite(item, file.resolve())
            self.webhook_files[name] = file

    def _inherit(self, operation: dict[str, Any], document: dict[str, Any]) -> None:
        for key in self.per_operation:
            if key not in operation and key in document:
                operation[key] = copy_json(document[key])

    def _merge_path_item(self, template: str, item: dict[str, Any], file: Path) -> None:
        merged = self.paths.get(template)
        if merged is None:
            merged = self.paths[template] = {}
        has_operations = any(method in merged for method in HTTP_METHODS)
        if template in self.pushed_down or (
            has_operations and merged.get("parameters") != item.get("parameters")
        ):
            # Path-level parameters differ between documents: each operation keeps its own.
            self._push_down_parameters(merged)
            if "parameters" in item:
                self._push_parameters_into(item.pop("parameters"), item)
            self.pushed_down.add(template)
        for key, value in item.items():
            if key not in HTTP_METHODS:
                merged.setdefault(key, value)
                continue
            if key in merged:
                first = self.sources[(template, key)]
                self._conflict(
                    f"{key.upper()} {template} is defined in both {first} and {file}",
                    file,
                    "duplicate-operation",
                )
                continue
            merged[key] = value
            self.sources[(template, key)] = file
            self._record_operation_id(value, template, key, file)

    def _record_operation_id(self, operation: Any, template: str, method: str, file: Path) -> None:
        operation_id = operation.get("operationId") if isinstance(operation, dict) else None
        if not isinstance(operation_id, str):
            return
        if operation_id in self.operation_ids:
            first_path, first_method = self.operation_ids[operation_id]
            self._conflict(
                f"operationId {operation_id!r} of {method.upper()} {template} is already used by "
                f"{first_method.upper()} {first_path} in {self.operation_id_files[operation_id]}",
                file,
                "duplicate-operation-id",
            )
            return
        self.operation_ids[operation_id] = (template, method)
        self.operation_id_files[operation_id] = file

    def _push_down_parameters(self, merged: dict[str, Any]) -> None:
        shared = merged.pop("parameters", None)
        if shared is not None:
            self._push_parameters_into(shared, merged)

    def _push_parameters_into(self, shared: list[Any], item: dict[str, Any]) -> None:
        """Give each operation of ``item`` the path-level ``shared`` parameters it lacks."""
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            own = operation.get("parameters") or []
            taken = {self._parameter_key(parameter) for parameter in own}
            inherited = [
                copy_json(parameter)
                for parameter in shared
                if self._parameter_key(parameter) not in taken
            ]
            operation["parameters"] = inherited + own

    def _parameter_key(self, parameter: Any) -> tuple[Any, Any]:
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            ref = parameter["$ref"]
            origin = self.rewriter.origins.get(tuple(ref[2:].split("/")))
            if origin is not None:
                parameter = self.rewriter.node(origin)
        if not isinstance(parameter, dict):
            return (None, repr(parameter))
        return (parameter.get("name"), parameter.get("in"))

    # -- top level -----------------------------------------------------------------

    def _top_level(self, title: str | None, description: str | None) -> dict[str, Any]:
        first = self.documents[0]
        result: dict[str, Any] = {self.version_key: first[self.version_key]}
        info = copy_json(first.get("info") or {})
        if title is not None:
            info["title"] = title
        if description is not None:
            info["description"] = description
        info.setdefault("title", "API")
        info.setdefault("version", "1.0.0")
        result["info"] = info
        for key in _AGREED_KEYS_V2 if self.swagger2 else _AGREED_KEYS_V3:
            self._agreed(result, key)
        for key in _INHERITED_KEYS_V2 if self.swagger2 else _INHERITED_KEYS_V3:
            if key not in self.per_operation and key in first:
                result[key] = copy_json(first[key])
        tags = self._tags()
        if tags:
            result["tags"] = tags
        for key, value in first.items():
            if key in ("externalDocs", "jsonSchemaDialect") or key.startswith("x-"):
                result[key] = copy_json(value)
        return result

    def _agreed(self, result: dict[str, Any], key: str) -> None:
        owner: Path | None = None
        for file, document in zip(self.files, self.documents, strict=True):
            if key not in document:
                continue
            if owner is None:
                owner = file
                result[key] = copy_json(document[key])
            elif document[key] != result[key]:
                self._conflict(f"'{key}' differs from the one in {owner}", file, key)

    def _tags(self) -> list[dict[str, Any]]:
        tags: dict[str, dict[str, Any]] = {}
        for document in self.documents:
            for tag in document.get("tags") or []:
                if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                    tags.setdefault(tag["name"], copy_json(tag))
        return list(tags.values())

    # -- security schemes and components -------------------------------------------

    def _scheme_section(self, document: dict[str, Any]) -> Any:
        if self.swagger2:
            return document.get("securityDefinitions")
        return (document.get("components") or {}).get("securitySchemes")

    def _security_schemes(self) -> dict[str, Any]:
        schemes: dict[str, Any] = {}
        owners: dict[str, Path] = {}
        for file, document in zip(self.files, self.documents, strict=True):
            section = self._scheme_section(document)
            if not isinstance(section, dict):
                continue
            for name, scheme in section.items():
                content = self.rewriter.rewrite(scheme, file.resolve())
                if name not in schemes:
                    schemes[name] = content
                    owners[name] = file
                elif schemes[name] != content:
                    self._conflict(
                        f"security scheme {name!r} differs from the one in {owners[name]}",
                        file,
                        "security-scheme",
                    )
        for name in self._required_scheme_names():
            if name not in schemes:
                self._find_referenced_scheme(name, schemes)
        return schemes

    def _required_scheme_names(self) -> list[str]:
        names: dict[str, None] = {}
        requirements = [document.get("security") or [] for document in self.documents]
        for item in self.paths.values():
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    requirements.append(operation.get("security") or [])
        for requirement_list in requirements:
            for requirement in requirement_list:
                if isinstance(requirement, dict):
                    names.update(dict.fromkeys(requirement))
        return list(names)

    def _find_referenced_scheme(self, name: str, schemes: dict[str, Any]) -> None:
        """Take a scheme the modules use by name from a document they reference."""
        for file in self.rewriter.referenced_files:
            try:
                section = self._scheme_section(load_file(file))
            except SpecError:
                continue
            if isinstance(section, dict) and name in section:
                schemes[name] = self.rewriter.rewrite(section[name], file)
                return

    def _attach_components(self, result: dict[str, Any], schemes: dict[str, Any]) -> None:
        collected = self.rewriter.components
        if self.swagger2:
            for kind in V2_COMPONENT_KINDS:
                if collected.get((kind,)):
                    result[kind] = collected[(kind,)]
            if schemes:
                result["securityDefinitions"] = schemes
            return
        components: dict[str, Any] = {}
        for kind in V3_COMPONENT_KINDS:
            if collected.get(("components", kind)):
                components[kind] = collected[("components", kind)]
        if schemes:
            components["securitySchemes"] = schemes
        if components:
            result["components"] = components
