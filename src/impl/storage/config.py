"""Which storage an API uses, from ``CONTRACTKIT_STORAGE_URL`` / ``<API>_STORAGE_URL``.

* unset: the local folder ``$CONTRACTKIT_DATA_DIR/storage`` (no set-up needed);
* ``/some/folder`` or ``file:///some/folder``: a local folder;
* ``s3://bucket[/prefix][?endpoint_url=URL&region=NAME&public_url=URL&addressing_style=path]``:
  an S3-compatible service; credentials come from ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN`` when set, else from boto3's usual chain
  (profiles, instance roles); the region from ``region``, ``AWS_REGION`` or
  ``AWS_DEFAULT_REGION`` (default ``us-east-1``).

With the shared ``CONTRACTKIT_STORAGE_URL`` each API keeps its objects below ``<api>/``; an
API's own ``<API>_STORAGE_URL`` is used as given. The local backend signs its URLs with
``CONTRACTKIT_STORAGE_SECRET`` (generated into the data folder in development).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from contractkit.impl.config import ConfigurationError, Settings
from contractkit.impl.storage.base import Storage
from contractkit.impl.storage.local import LocalStorage
from contractkit.impl.storage.signing import UrlSigner

if TYPE_CHECKING:
    from contractkit.impl.storage.s3 import S3Location

S3_OPTIONS = ("endpoint_url", "region", "public_url", "addressing_style")
ADDRESSING_STYLES = ("auto", "path", "virtual")


def _join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part.strip("/"))


def _s3_location(url: str, prefix: str, settings: Settings, variable: str) -> S3Location:
    from contractkit.impl.storage.s3 import S3Location

    parts = urlsplit(url)
    if not parts.netloc:
        raise ConfigurationError(f"{variable} must name a bucket: s3://bucket[/prefix]")
    query = parse_qs(parts.query, keep_blank_values=False)
    unknown = sorted(set(query) - set(S3_OPTIONS))
    if unknown:
        raise ConfigurationError(
            f"{variable} has unknown options {', '.join(unknown)}; known: {', '.join(S3_OPTIONS)}"
        )
    options = {name: values[-1] for name, values in query.items()}
    style = options.get("addressing_style", "auto")
    if style not in ADDRESSING_STYLES:
        raise ConfigurationError(f"{variable}: addressing_style is one of {ADDRESSING_STYLES}")
    region = (
        options.get("region")
        or settings.text("AWS_REGION")
        or settings.text("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    return S3Location(
        bucket=parts.netloc,
        prefix=_join(unquote(parts.path), prefix),
        endpoint_url=options.get("endpoint_url"),
        region=region,
        public_url=options.get("public_url"),
        addressing_style=style,
        access_key_id=settings.text("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=settings.text("AWS_SECRET_ACCESS_KEY") or None,
        session_token=settings.text("AWS_SESSION_TOKEN") or None,
    )


def _local_root(url: str, settings: Settings) -> Path:
    path = unquote(urlsplit(url).path) if url.startswith("file:") else url
    root = Path(path)
    return root if root.is_absolute() else (Path.cwd() / root).resolve()


def url_signer(settings: Settings) -> UrlSigner:
    """The signer of the local backend's URLs."""
    return UrlSigner(settings.secret("CONTRACTKIT_STORAGE_SECRET", "storage-signing").value)


def storage_for(settings: Settings, api: str) -> Storage:
    """The storage ``api`` keeps its objects in."""
    own_variable = f"{api.upper()}_STORAGE_URL"
    own = settings.text(own_variable)
    variable = own_variable if own else "CONTRACTKIT_STORAGE_URL"
    url = own or settings.text("CONTRACTKIT_STORAGE_URL")
    prefix = "" if own else api
    scheme = urlsplit(url).scheme if "://" in url else ""
    if scheme == "s3":
        from contractkit.impl.storage.s3 import S3Storage

        return S3Storage(_s3_location(url, prefix, settings, variable))
    if scheme not in ("", "file"):
        raise ConfigurationError(
            f"{variable} must be a folder, file:///folder or s3://bucket, not {url!r}"
        )
    root = _local_root(url, settings) if url else settings.data_dir / "storage"
    return LocalStorage(root, url_signer(settings), prefix=prefix)
