"""URLs several path items share: their methods are one set, and one answer serves them all."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contractkit.contract import RunResult, run_contract
from contractkit.contract.shared_urls import SharedUrls, url_of
from contractkit.openapi import Document
from tests.contract_tests.documents import (
    document,
    json_body,
    json_response,
    path_parameter,
    strings,
)
from tests.contract_tests.fixtures.common import serve_on_loopback

PHASES = ("examples", "coverage", "fuzzing")
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


NAMED = strings("name")
# Two path items for one URL (the parameter named differently, a fragment no client sends),
# and a URL of its own.
METHODS_SPEC = document(
    "runs",
    {
        "/runs/{name}": {
            "get": {
                "parameters": [path_parameter("name")],
                "responses": {"200": json_response(NAMED)},
            }
        },
        "/runs/{run_id}#start": {
            "post": {
                "parameters": [path_parameter("run_id")],
                "responses": {"201": json_response(NAMED, "started")},
            }
        },
        "/things/{id}": {
            "get": {
                "parameters": [path_parameter("id")],
                "responses": {"200": json_response(NAMED)},
            }
        },
    },
)


def methods_app(allow: dict[str, list[str]]) -> Starlette:
    """Answers each path's documented methods; any other method is 405 with `allow[path]`."""

    def resource(path: str, answers: dict[str, int]) -> Route:
        async def endpoint(request: Request) -> Response:
            status = answers.get(request.method)
            if status is None:
                headers = {"Allow": ", ".join(allow[path])}
                return JSONResponse({"error": "method"}, status_code=405, headers=headers)
            return JSONResponse({"name": request.path_params["key"]}, status_code=status)

        return Route(path, endpoint, methods=EVERY_METHOD)

    return Starlette(
        routes=[
            resource("/runs/{key}", {"GET": 200, "HEAD": 200, "POST": 201}),
            resource("/things/{key}", {"GET": 200, "HEAD": 200}),
        ]
    )


def run_against(app: Starlette, spec: dict[str, Any]) -> RunResult:
    with serve_on_loopback(app) as origin:
        return run_contract(spec, base_url=origin, phases=PHASES, seed=1, max_examples=5)


def findings(result: RunResult, check: str) -> list[tuple[str, str]]:
    return [(f.operation, f.message) for f in result.findings if f.check == check]


def test_the_url_of_a_template_has_no_fragment_and_no_parameter_names() -> None:
    assert url_of("/files/{file_id}#get_shared_link") == url_of("/files/{id}") == "/files/{}"
    shared = SharedUrls(Document.bundled(METHODS_SPEC))
    assert shared.union("/runs/{name}") == {"GET", "POST"}
    assert shared.others("/runs/{run_id}#start") == {"/runs/{name}": {"GET"}}
    assert shared.union("/things/{id}") == set()


def test_methods_of_a_shared_url_are_the_union_of_its_path_items() -> None:
    right = {"/runs/{key}": ["GET", "HEAD", "POST"], "/things/{key}": ["GET", "HEAD"]}
    result = run_against(methods_app(right), METHODS_SPEC)
    assert not result.findings, [(f.operation, f.check, f.message) for f in result.findings]
    allow = " ".join(note for note in result.notes if "allow_header_conformance" in note)
    assert "POST /runs/{run_id}#start (Allow: GET, HEAD, POST; shared with /runs/{name})" in allow
    # POST sent to the GET path item's URL is the other path item's method, not a wrong one.
    unsupported = " ".join(note for note in result.notes if "unsupported_method" in note)
    assert "GET /runs/{name} (POST -> 201, documented by /runs/{run_id}#start)" in unsupported


def test_a_wrong_allow_is_reported_on_shared_and_on_single_urls() -> None:
    wrong = {"/runs/{key}": ["GET", "HEAD"], "/things/{key}": ["DELETE", "GET", "HEAD"]}
    result = run_against(methods_app(wrong), METHODS_SPEC)
    found = dict(findings(result, "allow_header_conformance"))
    assert "Undocumented methods advertised: DELETE" in found["GET /things/{id}"]
    # `GET, HEAD` is right for GET /runs/{name} alone: the other path item finds it wrong.
    shared = found["POST /runs/{run_id}#start"]
    assert "shares with /runs/{name} (GET, POST)" in shared
    assert "Missing documented methods: POST" in shared


TOKEN_ANSWER = strings("access_token")
ERROR = strings("error")


def grant(kinds: list[str], *required: str) -> dict[str, Any]:
    schema = strings("grant_type", *required)
    schema["properties"]["grant_type"]["enum"] = kinds
    for name in required:
        schema["properties"][name]["minLength"] = 1
    return json_body(schema)


def token_operation(body: dict[str, Any]) -> dict[str, Any]:
    responses = {"200": json_response(TOKEN_ANSWER), "400": json_response(ERROR)}
    return {"post": {"requestBody": body, "responses": responses}}


# Box writes two path items for one URL, told apart by a fragment no client sends.
TOKENS_SPEC = document(
    "tokens",
    {
        "/tokens": token_operation(grant(["password"], "username")),
        "/tokens#refresh": token_operation(grant(["refresh_token"], "refresh_token")),
    },
)


def tokens_app(error_body: dict[str, Any]) -> Starlette:
    """Answers every POST /tokens as the first path item: a password grant, else 400."""

    async def token(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        valid = (
            isinstance(body, dict)
            and body.get("grant_type") == "password"
            and isinstance(body.get("username"), str)
            and body["username"] != ""
        )
        if valid:
            return JSONResponse({"access_token": "t0k3n"})
        return JSONResponse(error_body, status_code=400)

    return Starlette(routes=[Route("/tokens", token, methods=["POST"])])


def test_answers_that_conform_to_the_other_path_item_are_not_counted() -> None:
    result = run_against(tokens_app({"error": "invalid_grant"}), TOKENS_SPEC)
    assert not result.findings, [(f.operation, f.check, f.message) for f in result.findings]
    notes = [note for note in result.notes if "answered as POST /tokens" in note]
    assert notes and "POST /tokens#refresh (answered as POST /tokens)" in notes[0]
    assert "positive_data_acceptance" in " ".join(notes)


@pytest.mark.parametrize("check", ["positive_data_acceptance", "response_schema_conformance"])
def test_answers_that_conform_to_no_path_item_are_reported(check: str) -> None:
    result = run_against(tokens_app({"oops": True}), TOKENS_SPEC)
    assert ("POST /tokens#refresh", check) in [(f.operation, f.check) for f in result.findings]
