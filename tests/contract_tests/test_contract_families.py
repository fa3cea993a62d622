"""Family discovery on the shapes real APIs take, and finding the id in a real answer."""

from __future__ import annotations

from typing import Any

import pytest

from contractkit.contract.checks.client import Exchange
from contractkit.contract.checks.families import CrudFamily, survey
from contractkit.contract.checks.ids import LOCATION, ids_in, locate_id
from contractkit.openapi import Document

OBJECT = {"type": "object", "properties": {"title": {"type": "string"}}}


def _crud_document(
    collection: str,
    parameter: str,
    answer: dict[str, Any],
    *,
    extra_paths: dict[str, Any] | None = None,
) -> Document:
    item = f"{collection}/{{{parameter}}}"
    path_parameter = {
        "name": parameter,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": answer}}}
    body = {"required": True, "content": {"application/json": {"schema": OBJECT}}}
    paths: dict[str, Any] = {
        collection: {
            "post": {"requestBody": body, "responses": {"201": ok}},
            "get": {"responses": {"200": {"description": "list"}}},
        },
        item: {
            "parameters": [path_parameter],
            "get": {"responses": {"200": ok}},
            "put": {"requestBody": body, "responses": {"200": ok}},
            "patch": {"requestBody": body, "responses": {"200": ok}},
            "delete": {"responses": {"204": {"description": "gone"}}},
        },
        **(extra_paths or {}),
    }
    return Document.of({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})


def _with_id(key: str) -> dict[str, Any]:
    return {"type": "object", "properties": {key: {"type": "integer"}, "title": {"type": "string"}}}


def _answer(body: Any, location: str | None = None) -> Exchange:
    headers = {"location": location} if location else {}
    return Exchange("POST /x", "POST /x", 201, body, "curl", headers)


def _only_family(document: Document) -> CrudFamily:
    families, skipped = survey(document)
    assert skipped == []
    (family,) = families
    return family


@pytest.mark.parametrize(
    ("collection", "parameter", "answer", "pointer"),
    [
        ("/tasks", "id", _with_id("id"), "/id"),
        ("/tasks", "taskId", _with_id("id"), "/id"),
        ("/tasks", "task_id", _with_id("task_id"), "/task_id"),
        ("/tasks", "taskId", _with_id("taskId"), "/taskId"),
        (
            "/recognitions",
            "recognitionId",
            {"type": "object", "properties": {"data": _with_id("id")}},
            "/data/id",
        ),
        (
            "/recognitions",
            "id",
            {"type": "object", "properties": {"result": _with_id("id")}},
            "/result/id",
        ),
        (
            "/tasks",
            "taskId",
            {"type": "object", "properties": {"task": _with_id("id")}},
            "/task/id",
        ),
    ],
)
def test_the_document_states_where_the_id_is(
    collection: str, parameter: str, answer: dict[str, Any], pointer: str
) -> None:
    family = _only_family(_crud_document(collection, parameter, answer))

    assert family.id_parameter == parameter
    assert family.id_pointers[0] == pointer
    assert [operation.method for operation in family.updates] == ["put", "patch"]
    assert family.listing is not None and family.delete is not None


@pytest.mark.parametrize(
    ("body", "location", "expected"),
    [
        ({"id": 7, "title": "a"}, None, (7, "/id")),
        ({"data": {"id": 7, "title": "a"}}, None, (7, "/data/id")),
        (
            {"data": {"type": "tasks", "id": "7", "attributes": {"title": "a"}}},
            None,
            ("7", "/data/id"),
        ),
        ({"item": {"task_id": "u-1"}}, None, ("u-1", "/item/task_id")),
        ({"ok": True, "payload": {"taskId": 3}}, None, (3, "/payload/taskId")),
        (None, "/api/tasks/42", ("42", LOCATION)),
        ({"title": "a"}, "https://h.example/api/tasks/abc%20d", ("abc d", LOCATION)),
        ({"title": "a"}, None, None),
    ],
)
def test_the_id_is_found_in_the_real_answer(
    body: Any, location: str | None, expected: tuple[Any, str] | None
) -> None:
    # The document says nothing about the answer: the runner looks where real APIs put ids.
    family = _only_family(_crud_document("/tasks", "taskId", {"type": "object"}))

    assert locate_id(family, _answer(body, location)) == expected


def test_list_ids_are_matched_on_the_create_pointer_and_the_id_names() -> None:
    family = _only_family(_crud_document("/tasks", "taskId", {"type": "object"}))
    listing = {"data": [{"id": 1}, {"task_id": 2}, {"attributes": {}, "id": "3"}], "total": 3}

    assert sorted(ids_in(listing, family, "/data/id")) == ["1", "2", "3"]


def test_nested_collections_are_families_under_their_parent() -> None:
    comment = {"type": "object", "properties": {"commentId": {"type": "integer"}}}
    ok = {"description": "ok", "content": {"application/json": {"schema": comment}}}
    body = {"required": True, "content": {"application/json": {"schema": OBJECT}}}
    parent = {"name": "taskId", "in": "path", "required": True, "schema": {"type": "string"}}
    child = {"name": "commentId", "in": "path", "required": True, "schema": {"type": "string"}}
    document = _crud_document(
        "/tasks",
        "id",
        _with_id("id"),
        extra_paths={
            "/tasks/{taskId}/comments": {
                "parameters": [parent],
                "post": {"requestBody": body, "responses": {"201": ok}},
            },
            "/tasks/{taskId}/comments/{commentId}": {
                "parameters": [parent, child],
                "get": {"responses": {"200": ok}},
            },
        },
    )
    families, skipped = survey(document)

    assert skipped == []
    tasks, comments = families
    assert comments.parent is tasks
    assert comments.parent_parameters == ("taskId",)
    assert comments.id_pointers[0] == "/commentId"
    assert comments.updates == () and comments.listing is None
    assert "under /tasks/{id}" in comments.describe()


def test_every_create_that_makes_no_family_says_why() -> None:
    body = {"required": True, "content": {"application/json": {"schema": OBJECT}}}
    header = {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"}}
    orphan = {"name": "orgId", "in": "path", "required": True, "schema": {"type": "string"}}
    document = _crud_document(
        "/tasks",
        "id",
        _with_id("id"),
        extra_paths={
            "/search": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}},
            "/signed": {
                "post": {
                    "parameters": [header],
                    "requestBody": body,
                    "responses": {"201": {"description": "ok"}},
                }
            },
            "/signed/{id}": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/orgs/{orgId}/members": {
                "parameters": [orphan],
                "post": {"requestBody": body, "responses": {"201": {"description": "ok"}}},
            },
            "/orgs/{orgId}/members/{memberId}": {
                "get": {"responses": {"200": {"description": "ok"}}}
            },
        },
    )
    families, skipped = survey(document)

    assert [family.item_path for family in families] == ["/tasks/{id}"]
    reasons = {entry.path: entry.reason for entry in skipped}
    assert reasons["/search"] == "no GET /search/{id} to read"
    assert reasons["/signed"] == "POST /signed needs the required header parameter `X-Signature`"
    assert reasons["/orgs/{orgId}/members"] == "no family creates the items of /orgs/{orgId}"

    sent_families, sent_skipped = survey(document, ["x-signature", "Authorization"])
    assert "/signed/{id}" in [family.item_path for family in sent_families], (
        "a header every request carries (-H) fills the required header parameter"
    )
    assert "/signed" not in {entry.path for entry in sent_skipped}
