"""Valid example requests for any operation (used to exercise whole documents)."""

from __future__ import annotations

import json
import random
import re
from typing import Any
from urllib.parse import quote, urlencode

from contractkit.mock.document.model import Operation
from contractkit.mock.generation.generator import generate_valid
from contractkit.mock.generation.responder import header_text

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def valid_request(operation: Operation, seed: int = 0) -> tuple[str, str, dict[str, str], bytes]:
    """(method, url, headers, body) that the operation's contract accepts."""
    rng = random.Random(seed)
    path = operation.base_paths[0] + operation.template
    query: dict[str, str] = {}
    headers: dict[str, str] = {"authorization": f"Bearer {JWT}"}
    for parameter in operation.parameters:
        if parameter.schema is None or not (parameter.required or parameter.location == "path"):
            continue
        value, _ = generate_valid(parameter.schema, rng)
        text = header_text(value)
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", quote(text, safe=""))
        elif parameter.location == "query":
            query[parameter.name] = text
        elif parameter.location == "header":
            headers[parameter.name.lower()] = text
    path = re.sub(r"\{[^}]+\}", "1", path)
    body = b""
    declared = operation.request_body
    if declared is not None:
        media = declared[1].get("application/json") or next(iter(declared[1].values()), None)
        if media is not None and media.schema is not None:
            value: Any
            value, _ = generate_valid(media.schema, rng)
            body = json.dumps(value).encode()
            headers["content-type"] = media.name
    url = path + ("?" + urlencode(query) if query else "")
    return operation.method.upper(), url, headers, body
