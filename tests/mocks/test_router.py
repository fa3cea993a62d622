"""Routing: static before templated, base paths, 404 and 405 with Allow."""

from __future__ import annotations

from contractkit.mock.routing.router import Router


def build() -> Router[str]:
    router: Router[str] = Router()
    router.add("get", "/v1/users/{id}", "get-user")
    router.add("delete", "/v1/users/{id}", "delete-user")
    router.add("get", "/v1/users/me", "me")
    router.add("get", "/v1/files/{name}.{ext}", "file")
    router.add("get", "/v1/files/{path}", "any-file")
    router.add("get", "/users/{id}", "get-user", fallback=True)
    return router


def test_static_segment_wins_over_template() -> None:
    match = build().match("GET", "/v1/users/me")
    assert match.target == "me"
    assert match.params == {}


def test_template_captures_and_decodes_parameters() -> None:
    match = build().match("GET", "/v1/users/a%20b")
    assert match.target == "get-user"
    assert match.params == {"id": "a b"}


def test_concrete_path_decides_even_for_methods_only_the_template_has() -> None:
    match = build().match("DELETE", "/v1/users/me")
    assert (match.status, match.allowed) == (405, ("GET", "HEAD"))


def test_partial_segment_templates() -> None:
    router = build()
    assert router.match("GET", "/v1/files/report.pdf").params == {"name": "report", "ext": "pdf"}
    assert router.match("GET", "/v1/files/README").target == "any-file"


def test_unknown_path_is_404_and_unknown_method_is_405_with_allow() -> None:
    router = build()
    missing = router.match("GET", "/v1/nothing")
    assert (missing.status, missing.allowed) == (404, ())
    wrong = router.match("POST", "/v1/users/7")
    assert wrong.status == 405
    assert wrong.allowed == ("DELETE", "GET", "HEAD")


def test_head_is_served_by_get_and_trailing_slash_is_ignored() -> None:
    router = build()
    assert router.match("HEAD", "/v1/users/7/").target == "get-user"


def test_fallback_routes_serve_paths_without_base_path() -> None:
    router = build()
    assert router.match("GET", "/users/3").target == "get-user"
    assert router.match("GET", "/v1/users/3").params == {"id": "3"}


def test_a_templates_fragment_is_no_part_of_its_url() -> None:
    router: Router[str] = Router()
    router.add("get", "/v1/files/{file_id}", "get-file")
    router.add("get", "/v1/files/{file_id}#get_shared_link", "get-shared-link")
    router.add("put", "/v1/files/{file_id}#add_shared_link", "add-shared-link")
    router.add("put", "/v1/schema#add", "add")
    router.add("put", "/v1/schema#update", "update")
    assert router.match("GET", "/v1/files/7").target == "get-file"  # the first one wins
    assert router.match("PUT", "/v1/files/7").target == "add-shared-link"
    assert router.match("OPTIONS", "/v1/files/7").allowed == ("GET", "HEAD", "PUT")
    assert router.match("PUT", "/v1/schema").target == "add"


def test_a_fragment_sent_escaped_reaches_its_own_path_item() -> None:
    router: Router[str] = Router()
    router.add("get", "/v1/files/{file_id}", "get-file")
    router.add("get", "/v1/files/{file_id}#get_shared_link", "get-shared-link")
    router.add("get", "/v1/cookies#form", "form-cookies")
    assert router.match("GET", "/v1/files/7%23get_shared_link").target == "get-shared-link"
    assert router.match("GET", "/v1/files/7%23get_shared_link").params == {"file_id": "7"}
    assert router.match("GET", "/v1/cookies%23form").target == "form-cookies"
    assert router.match("GET", "/v1/cookies").target == "form-cookies"
    assert router.match("GET", "/v1/files/7").target == "get-file"


def test_an_empty_segment_fills_a_whole_segment_parameter_only() -> None:
    router: Router[str] = Router()
    router.add("get", "/things/{id}/parts", "parts")
    router.add("get", "/things/{id}", "thing")
    router.add("get", "/files/{name}.{ext}", "file")
    match = router.match("GET", "/things//parts")
    assert (match.target, match.params) == ("parts", {"id": ""})
    assert router.match("GET", "/things/parts").target == "thing", "not the empty-id path"
    assert router.match("GET", "/files/").status == 404
    assert router.match("GET", "/files//x").status == 404


def test_a_trailing_slash_is_an_empty_last_value_only_where_that_routes_the_method() -> None:
    router: Router[str] = Router()
    router.add("get", "/things", "list")
    router.add("patch", "/things/{id}", "patch")
    assert router.match("GET", "/things/").target == "list"
    match = router.match("PATCH", "/things/")
    assert (match.target, match.params) == ("patch", {"id": ""})
    assert router.match("DELETE", "/things/").status == 405
