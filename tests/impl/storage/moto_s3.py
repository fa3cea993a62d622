"""A real S3-speaking server on loopback (moto's server mode) for the storage tests."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

ACCESS_KEY = "contractkit-test-key"
SECRET_KEY = "contractkit-test-secret"
REGION = "us-east-1"
_buckets = itertools.count(1)


class MotoS3:
    """Starts moto's S3 on 127.0.0.1 (a free port) and hands out fresh buckets."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> MotoS3:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def env(self) -> dict[str, str]:
        """Credentials as the reference implementation reads them."""
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        name = f"contractkit-test-{next(_buckets)}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_url(self, bucket: str, prefix: str = "") -> str:
        path = f"/{prefix}" if prefix else ""
        return f"s3://{bucket}{path}?endpoint_url={self.endpoint}&addressing_style=path"

    def keys(self, bucket: str) -> list[str]:
        """Every object key in ``bucket``."""
        answer = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def pending_uploads(self, bucket: str) -> list[str]:
        """Keys of multipart uploads started and neither completed nor aborted."""
        answer = self.client().list_multipart_uploads(Bucket=bucket)
        return [item["Key"] for item in answer.get("Uploads", [])]


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    """The S3 server, started once per session of the test folder that imports this fixture."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = MotoS3().start()
    yield server
    server.stop()
