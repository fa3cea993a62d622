"""Media ranges are answered with concrete types; multipart parts may have an empty name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import yaml

MockClient = Callable[..., httpx.AsyncClient]

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "ranges", "version": "1"},
    "paths": {
        "/blob": {
            "get": {
                "responses": {
                    "200": {
                        "description": "bytes",
                        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                    }
                }
            }
        },
        "/picture": {
            "get": {
                "responses": {
                    "200": {
                        "description": "an image",
                        "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
                    }
                }
            }
        },
        "/thing": {
            "get": {
                "responses": {
                    "200": {
                        "description": "anything",
                        "content": {"*/*": {"schema": {"type": "object"}}},
                    }
                }
            }
        },
        "/upload": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "stored"}, "400": {"description": "bad"}},
            }
        },
    },
}


async def test_media_ranges_get_a_concrete_content_type(
    mock_client: MockClient, tmp_path: Path
) -> None:
    spec = tmp_path / "ranges.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    client = mock_client(spec)
    assert (await client.get("/blob")).headers["content-type"] == "application/octet-stream"
    assert (await client.get("/picture")).headers["content-type"] == "image/png"
    thing = await client.get("/thing")
    assert thing.headers["content-type"] == "application/json"
    assert isinstance(thing.json(), dict)


async def test_a_multipart_part_named_with_an_empty_string_is_a_field(
    mock_client: MockClient, tmp_path: Path
) -> None:
    spec = tmp_path / "ranges.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    client = mock_client(spec)
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name=""\r\n\r\nfalse\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\nPNG\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    assert (await client.post("/upload", content=body, headers=headers)).status_code == 204
    nameless = body.replace(b'; name=""', b"")
    assert (await client.post("/upload", content=nameless, headers=headers)).status_code == 400
