"""Validation of ``multipart/form-data`` bodies that keeps them on disk, not in memory.

Connexion's own validator holds the whole raw body in memory to replay it to the handler. This
one spools the raw body to a temporary file (refusing it with 413 once it passes the limit
registered for the API), parses and validates the form from that file, then replays the file to
the handler in chunks. File parts are checked by their byte count (so ``minLength: 1`` refuses
an empty file), never by their content.
"""

from __future__ import annotations

import tempfile
import typing as t
from collections.abc import AsyncGenerator, MutableMapping

from connexion.exceptions import BadRequestProblem, ProblemException
from connexion.validators import MultiPartFormDataValidator
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import Receive, Scope

from contractkit.impl.web.failures import FieldErrors
from contractkit.impl.web.field_errors import collect_field_errors

CHUNK_SIZE = 64 * 1024
MULTIPART_OVERHEAD = 64 * 1024
"""Bytes a multipart body may hold beyond its file's limit (boundaries, part headers)."""

_body_limits: dict[str, int] = {}


def limit_request_bodies(base_path: str, max_file_bytes: int) -> None:
    """Refuse (413) multipart bodies under ``base_path`` larger than a file of this size."""
    _body_limits[base_path.rstrip("/")] = max_file_bytes + MULTIPART_OVERHEAD


def _limit_for(scope: Scope) -> int | None:
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    return _body_limits.get(str(routing.get("api_base_path", "")).rstrip("/"))


class SizedFile(str):
    """Stands for a file part in the validated form: an empty string whose length is the size."""

    def __new__(cls, size: int) -> SizedFile:
        instance = super().__new__(cls, "")
        instance.size = size
        return instance

    size: int

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"<file of {self.size} bytes>"


def _is_file_schema(schema: object) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "string"
        and schema.get("format") in ("binary", "base64")
    )


class SpooledMultipartValidator(MultiPartFormDataValidator):
    """Multipart validation with the raw body spooled to a temporary file."""

    async def _spool(self, receive: Receive, scope: Scope) -> tuple[t.BinaryIO, int]:
        limit = _limit_for(scope)
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the replay or on error)
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                spool.close()
                raise BadRequestProblem(detail="The client disconnected before the body ended")
            chunk = message.get("body", b"")
            more_body = message.get("more_body", False)
            size += len(chunk)
            if limit is None or size <= limit:
                spool.write(chunk)
        if limit is not None and size > limit:
            spool.close()
            raise ProblemException(
                status=413,
                title="Payload Too Large",
                detail=f"The request body is larger than the {limit} bytes allowed",
            )
        spool.seek(0)
        return spool, size

    async def _form_from(self, spool: t.BinaryIO, scope: Scope) -> FormData:
        async def stream() -> AsyncGenerator[bytes, None]:
            spool.seek(0)
            while chunk := spool.read(CHUNK_SIZE):
                yield chunk

        try:
            return await MultiPartParser(Headers(scope=scope), stream()).parse()
        except MultiPartException as exc:
            raise FieldErrors({"body": exc.message}, message="Malformed multipart body") from exc
        except ValueError as exc:  # python-multipart's parse errors
            raise FieldErrors({"body": str(exc)}, message="Malformed multipart body") from exc

    def _as_data(self, form: FormData) -> dict[str, t.Any]:
        """The form as the schema sees it: file parts become :class:`SizedFile` stand-ins."""
        properties = self._schema.get("properties", {})
        data: dict[str, t.Any] = {}
        plain: dict[str, list[t.Any]] = {}
        not_files: dict[str, str] = {}
        for name in form:
            values = [
                SizedFile(value.size or 0) if isinstance(value, UploadFile) else value
                for value in form.getlist(name)
            ]
            schema = properties.get(name, {})
            wants_file = _is_file_schema(schema) or _is_file_schema(schema.get("items"))
            if wants_file and not all(isinstance(value, SizedFile) for value in values):
                not_files[name] = "Expected a file part (one with a filename)"
            elif _is_file_schema(schema):
                data[name] = values[0] if len(values) == 1 else values
            elif wants_file or any(isinstance(value, SizedFile) for value in values):
                data[name] = values
            else:
                plain[name] = values
        if not_files:
            raise FieldErrors(not_files)
        resolved = self._uri_parser.resolve_form(plain) if self._uri_parser else plain
        return {**resolved, **data}

    def _validate(self, body: t.Any) -> dict | None:
        if self._strict_validation:
            self._validate_params_strictly(body)
        fields = collect_field_errors(self._validator.iter_errors(body))
        if fields:
            raise FieldErrors(fields)
        return None

    async def wrap_receive(
        self, receive: Receive, *, scope: Scope
    ) -> tuple[Receive, MutableMapping[str, t.Any]]:
        spool, size = await self._spool(receive, scope)
        try:
            if size == 0:
                if self._required:
                    raise FieldErrors({"body": "A multipart request body is required"})
                spool.close()
                return _replay_empty(), scope
            form = await self._form_from(spool, scope)
            try:
                self._validate(self._as_data(form))
            finally:
                await form.close()
        except BaseException:
            spool.close()
            raise
        return _replay(spool, size), scope


def _replay_empty() -> Receive:
    async def receive() -> MutableMapping[str, t.Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    return receive


def _replay(spool: t.BinaryIO, size: int) -> Receive:
    """A receive channel reading the spooled body back, then closing the file."""
    spool.seek(0)

    async def receive() -> MutableMapping[str, t.Any]:
        if spool.closed:
            return {"type": "http.request", "body": b"", "more_body": False}
        chunk = spool.read(CHUNK_SIZE)
        more_body = spool.tell() < size
        if not more_body:
            spool.close()
        return {"type": "http.request", "body": chunk, "more_body": more_body}

    return receive
