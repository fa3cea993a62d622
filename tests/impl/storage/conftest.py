"""Storage fixtures: a moto S3 server on loopback for the whole session."""

from __future__ import annotations

from tests.impl.storage.moto_s3 import moto_s3

__all__ = ["moto_s3"]
