"""The S3 backend: any S3-compatible service (AWS, MinIO, moto, ...) through boto3."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from contractkit.impl.storage.base import (
    ObjectMissing,
    ObjectWriter,
    SignedMethod,
    Storage,
    check_key,
)

PART_SIZE = 8 * 1024 * 1024
"""Bytes buffered per multipart part (S3 wants at least 5 MiB for every part but the last)."""

_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class S3Location:
    """Where the objects live and how to reach them."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    public_url: str | None = None
    addressing_style: str = "auto"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None


def make_client(location: S3Location) -> Any:
    """A boto3 S3 client signing with SigV4 (credentials from the location or boto3's chain)."""
    session = boto3.session.Session(
        aws_access_key_id=location.access_key_id,
        aws_secret_access_key=location.secret_access_key,
        aws_session_token=location.session_token,
        region_name=location.region,
    )
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": location.addressing_style},
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return session.client("s3", endpoint_url=location.endpoint_url, config=config)


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING_CODES


class _S3Writer(ObjectWriter):
    """Small objects go up in one PUT; larger ones as a multipart upload completed on commit.

    Either way S3 shows the object only once it is whole; an aborted multipart upload is
    discarded, so no partial object is ever visible.
    """

    def __init__(self, client: Any, bucket: str, key: str, content_type: str) -> None:
        super().__init__()
        self._client = client
        self._target = {"Bucket": bucket, "Key": key}
        self._content_type = content_type
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def _write(self, chunk: bytes) -> None:
        self._buffer += chunk
        while len(self._buffer) >= PART_SIZE:
            self._send_part(bytes(self._buffer[:PART_SIZE]))
            del self._buffer[:PART_SIZE]

    def _send_part(self, data: bytes) -> None:
        if self._upload_id is None:
            created = self._client.create_multipart_upload(
                **self._target, ContentType=self._content_type
            )
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        answer = self._client.upload_part(
            **self._target, UploadId=self._upload_id, PartNumber=number, Body=data
        )
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def _commit(self) -> None:
        try:
            if self._upload_id is None:
                self._client.put_object(
                    **self._target, Body=bytes(self._buffer), ContentType=self._content_type
                )
            else:
                if self._buffer:
                    self._send_part(bytes(self._buffer))
                self._client.complete_multipart_upload(
                    **self._target,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                )
        except BaseException:
            self._abort()
            raise
        finally:
            self._buffer.clear()

    def _abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            with contextlib.suppress(ClientError):
                self._client.abort_multipart_upload(**self._target, UploadId=upload_id)


class S3Storage(Storage):
    """Objects in an S3 bucket below an optional prefix; URLs are S3 pre-signed URLs."""

    def __init__(self, location: S3Location, client: Any | None = None) -> None:
        self.location = location
        self.bucket = location.bucket
        self._prefix = location.prefix.strip("/")
        self._client = client or make_client(location)

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self._prefix}/{key}" if self._prefix else key

    def writer(self, key: str, content_type: str) -> ObjectWriter:
        return _S3Writer(self._client, self.bucket, self._key(key), content_type)

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def open(self, key: str) -> tuple[BinaryIO, int]:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _is_missing(error):
                raise ObjectMissing(key) from error
            raise
        return answer["Body"], int(answer["ContentLength"])

    def public_url(self, key: str, route: str) -> str:
        path = quote(self._key(key))
        location = self.location
        if location.public_url:
            return f"{location.public_url.rstrip('/')}/{path}"
        if location.endpoint_url:
            return f"{location.endpoint_url.rstrip('/')}/{self.bucket}/{path}"
        return f"https://{self.bucket}.s3.{location.region}.amazonaws.com/{path}"

    def sweep_unfinished(self, older_than_seconds: float) -> int:
        """Abort multipart uploads below the prefix begun over ``older_than_seconds`` ago."""
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        prefix = f"{self._prefix}/" if self._prefix else ""
        pages = self._client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        aborted = 0
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    with contextlib.suppress(ClientError):
                        self._client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        aborted += 1
        return aborted

    def stored_keys(self, prefix: str, older_than_seconds: float) -> Iterator[str]:
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        own = f"{self._prefix}/" if self._prefix else ""
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=own + check_key(prefix.strip("/")) + "/"
        )
        for page in pages:
            for item in page.get("Contents", []):
                if item["LastModified"] < cutoff:
                    yield str(item["Key"])[len(own) :]

    def signed_url(
        self,
        key: str,
        method: SignedMethod,
        ttl_seconds: int,
        route: str,
        content_type: str | None = None,
    ) -> str:
        params: dict[str, str] = {"Bucket": self.bucket, "Key": self._key(key)}
        if method == "GET":
            if content_type:
                params["ResponseContentType"] = content_type
            operation = "get_object"
        else:
            operation = "put_object"
        return str(
            self._client.generate_presigned_url(
                operation, Params=params, ExpiresIn=ttl_seconds, HttpMethod=method
            )
        )
