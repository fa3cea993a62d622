"""Parse OpenAPI documents from disk, with a cache, and find them in folders.

Documents are returned as shared, cached objects: callers must treat them as
read-only (copy before changing anything). :func:`contractkit.openapi.bundle`
builds fresh structures and never changes what it loads.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from contractkit.openapi.constants import SPEC_SUFFIXES
from contractkit.openapi.errors import SpecError

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment,unused-ignore]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _SpecYamlLoader(_BaseLoader):  # type: ignore[misc,valid-type,unused-ignore]
    """Safe loader that keeps timestamps as strings and mapping keys as text.

    OpenAPI documents are JSON data: ``2024-01-01`` is a string example and
    ``200:`` is the response code ``"200"``.
    """


_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[dict[str, Any]]:
    data: dict[str, Any] = {}
    yield data
    mapping = loader.construct_mapping(node)
    data.update((_key_text(key), value) for key, value in mapping.items())


_SpecYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

_cache: dict[Path, tuple[int, int, dict[str, Any]]] = {}
_value_cache: dict[Path, tuple[int, int, Any]] = {}
_cache_lock = threading.Lock()


def load_file(path: Path | str) -> dict[str, Any]:
    """Parse a YAML or JSON document (by suffix; ``.json`` is read as JSON).

    The result is cached by resolved path, modification time and size, so
    loading the same unchanged file again costs one ``stat``. The returned
    mapping is shared with other callers: do not mutate it.
    """
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except FileNotFoundError:
        raise SpecError("no such file", file=Path(path)) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", file=Path(path)) from exc
    signature = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(resolved)
    if cached is not None and cached[:2] == signature:
        return cached[2]
    document = _parse(resolved, Path(path))
    with _cache_lock:
        _cache[resolved] = (*signature, document)
    return document


def clear_cache() -> None:
    """Forget every cached document."""
    with _cache_lock:
        _cache.clear()
        _value_cache.clear()


def load_value(path: Path | str) -> Any:
    """Parse a JSON or YAML file holding any value (an example file), cached like
    :func:`load_file`; other files are read as UTF-8 text."""
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except FileNotFoundError:
        raise SpecError("no such file", file=Path(path)) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", file=Path(path)) from exc
    signature = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _value_cache.get(resolved)
    if cached is not None and cached[:2] == signature:
        return cached[2]
    if resolved.suffix.lower() in (".json", ".yaml", ".yml"):
        value = _parse_value(resolved, Path(path))
    else:
        value = _read_text(resolved, Path(path))
    with _cache_lock:
        _value_cache[resolved] = (*signature, value)
    return value


def _read_text(resolved: Path, shown: Path) -> str:
    try:
        return resolved.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise SpecError("is a folder, not a document", file=shown) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text: {exc.reason}", file=shown) from exc
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", file=shown) from exc


def _parse(resolved: Path, shown: Path) -> dict[str, Any]:
    data = _parse_value(resolved, shown)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise SpecError(f"the document is {kind}, not a mapping", file=shown)
    return data


def _parse_value(resolved: Path, shown: Path) -> Any:
    text = _read_text(resolved, shown)
    if resolved.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"invalid JSON: {exc.msg}", file=shown, line=exc.lineno) from exc
    else:
        try:
            data = yaml.load(text, Loader=_SpecYamlLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            reason = " ".join(part for part in (exc.context, exc.problem) if part)
            raise SpecError(f"invalid YAML: {reason}", file=shown, line=line) from exc
        except yaml.YAMLError as exc:
            raise SpecError(f"invalid YAML: {exc}", file=shown) from exc
    return data


def is_openapi_document(document: Any) -> bool:
    """Whether ``document`` declares itself OpenAPI 3.x or Swagger 2.0."""
    return isinstance(document, dict) and ("openapi" in document or "swagger" in document)


def has_operations(document: dict[str, Any]) -> bool:
    """Whether an OpenAPI document has a non-empty ``paths`` object."""
    paths = document.get("paths")
    return isinstance(paths, dict) and bool(paths)


def spec_files_in(folder: Path) -> list[Path]:
    """The ``*.yaml``, ``*.yml`` and ``*.json`` files directly in ``folder``, by name."""
    return sorted(
        (entry for entry in folder.iterdir() if entry.suffix.lower() in SPEC_SUFFIXES),
        key=lambda entry: entry.name,
    )


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Expand files and folders into the list of documents to serve or bundle.

    A file is taken as it is. A folder yields its OpenAPI/Swagger documents
    that have a non-empty ``paths`` (so a shared ``components.yaml`` is left
    to be reached through refs), sorted by name. Each file appears once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = [entry for entry in spec_files_in(path) if _is_module(entry)]
            if not candidates:
                patterns = ", ".join("*" + suffix for suffix in SPEC_SUFFIXES)
                raise SpecError(
                    "the folder holds no OpenAPI document with operations "
                    f"(looked for {patterns} with non-empty paths)",
                    file=path,
                )
        elif path.exists():
            candidates = [path]
        else:
            raise SpecError("no such file or folder", file=path)
        for candidate in candidates:
            key = Path(os.path.realpath(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _is_module(path: Path) -> bool:
    if not path.is_file():
        return False
    document = load_file(path)
    return is_openapi_document(document) and has_operations(document)
