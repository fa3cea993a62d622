"""Choosing the backend from configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.impl.config import ConfigurationError, load_settings
from contractkit.impl.storage.config import storage_for
from contractkit.impl.storage.local import LocalStorage
from contractkit.impl.storage.s3 import S3Storage


def test_the_default_is_a_folder_in_the_data_dir(tmp_path: Path) -> None:
    storage = storage_for(load_settings({"CONTRACTKIT_DATA_DIR": str(tmp_path)}), "chainsite")
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "storage"
    assert (
        storage.public_url("public/a.png", "http://h/c/storage")
        == "http://h/c/storage/public/a.png"
    )
    with storage.writer("public/a.png", "image/png") as writer:
        writer.write(b"x")
        writer.commit()
    assert (tmp_path / "storage" / "chainsite" / "public" / "a.png").read_bytes() == b"x"
    assert (tmp_path / "secrets" / "storage-signing").exists()


def test_folders_by_path_or_file_url(tmp_path: Path) -> None:
    shared = {
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "CONTRACTKIT_STORAGE_URL": f"file://{tmp_path}/files",
    }
    storage = storage_for(load_settings(shared), "pers")
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "files"
    own = {"CONTRACTKIT_DATA_DIR": str(tmp_path), "PERS_STORAGE_URL": str(tmp_path / "mine")}
    storage = storage_for(load_settings(own), "pers")
    with storage.writer("k.txt", "text/plain") as writer:
        writer.write(b"y")
        writer.commit()
    assert (tmp_path / "mine" / "k.txt").read_bytes() == b"y"


def test_s3_urls_carry_bucket_prefix_and_options(tmp_path: Path) -> None:
    env = {
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "CONTRACTKIT_STORAGE_URL": "s3://assets/site?endpoint_url=http://127.0.0.1:9000"
        "&region=eu-west-1&public_url=https://cdn.example.com&addressing_style=path",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    storage = storage_for(load_settings(env), "chainsite")
    assert isinstance(storage, S3Storage)
    location = storage.location
    assert (location.bucket, location.prefix, location.region) == (
        "assets",
        "site/chainsite",
        "eu-west-1",
    )
    assert location.endpoint_url == "http://127.0.0.1:9000"
    assert location.access_key_id == "key"
    assert storage.bucket == "assets"
    assert (
        storage.public_url("public/a b.png", "")
        == "https://cdn.example.com/site/chainsite/public/a%20b.png"
    )


def test_aws_region_comes_from_the_environment(tmp_path: Path) -> None:
    env = {
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "CHAINSITE_STORAGE_URL": "s3://bucket",
        "AWS_DEFAULT_REGION": "ap-south-1",
    }
    storage = storage_for(load_settings(env), "chainsite")
    assert isinstance(storage, S3Storage)
    assert storage.location.prefix == ""
    assert storage.public_url("a.png", "") == "https://bucket.s3.ap-south-1.amazonaws.com/a.png"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://", "must name a bucket"),
        ("s3://b?colour=red", "unknown options colour"),
        ("s3://b?addressing_style=sideways", "addressing_style"),
        ("ftp://host/folder", "must be a folder"),
    ],
)
def test_bad_storage_urls_are_configuration_errors(tmp_path: Path, url: str, message: str) -> None:
    env = {"CONTRACTKIT_DATA_DIR": str(tmp_path), "CONTRACTKIT_STORAGE_URL": url}
    with pytest.raises(ConfigurationError, match=message):
        storage_for(load_settings(env), "chainsite")


def test_production_needs_a_storage_secret_for_local_urls(tmp_path: Path) -> None:
    env = {"CONTRACTKIT_DATA_DIR": str(tmp_path), "CONTRACTKIT_ENV": "production"}
    with pytest.raises(ConfigurationError, match="CONTRACTKIT_STORAGE_SECRET"):
        storage_for(load_settings(env), "chainsite")
