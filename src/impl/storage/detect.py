"""What a file is, judged from its first bytes (never from what the client claims)."""

from __future__ import annotations

import filetype

SNIFF_BYTES = 8192
"""How many leading bytes :func:`detect_content_type` needs to decide."""

OCTET_STREAM = "application/octet-stream"

_MARKUP_PREFIXES = (
    ("<!doctype html", "text/html"),
    ("<html", "text/html"),
    ("<head", "text/html"),
    ("<body", "text/html"),
    ("<script", "text/html"),
    ("<iframe", "text/html"),
    ("<svg", "image/svg+xml"),
)

_EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "image/svg+xml": "svg",
    "application/xml": "xml",
    "application/json": "json",
    "image/jpeg": "jpg",
    OCTET_STREAM: "bin",
}


def _as_text(head: bytes, complete: bool) -> str | None:
    """``head`` decoded as UTF-8 text, or None when it looks binary."""
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sniffed bytes is still text.
        if not complete and exc.start >= len(head) - 3:
            return _as_text(head[: exc.start], complete=True)
        return None


def _text_type(text: str) -> str:
    start = text.lstrip("\ufeff \t\r\n").lower()
    for prefix, content_type in _MARKUP_PREFIXES:
        if start.startswith(prefix):
            return content_type
    if start.startswith("<?xml"):
        return "image/svg+xml" if "<svg" in start else "application/xml"
    unprintable = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f\b")
    return "text/plain" if unprintable == 0 else OCTET_STREAM


def detect_content_type(head: bytes, complete: bool = False) -> str:
    """The MIME type of a file starting with ``head`` (its first :data:`SNIFF_BYTES` bytes).

    Binary formats are recognised by their signatures; UTF-8 text is ``text/plain`` unless it is
    markup a browser would run (HTML, SVG) or XML; anything else is ``application/octet-stream``.
    ``complete`` says ``head`` is the whole file (so a cut-off character cannot be the reason it
    fails to decode).
    """
    if not head:
        return OCTET_STREAM
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    text = _as_text(head, complete)
    return OCTET_STREAM if text is None else _text_type(text)


def extension_for(content_type: str) -> str:
    """The file extension used when storing a file of ``content_type`` (without the dot)."""
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    kind = filetype.get_type(mime=content_type)
    if kind is not None:
        return str(kind.extension)
    return "bin"


def type_allowed(content_type: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``content_type`` matches one of ``allowed`` (exact types or ``type/*``)."""
    main = content_type.split("/", 1)[0]
    return any(
        pattern == content_type or pattern == "*/*" or pattern == f"{main}/*" for pattern in allowed
    )
