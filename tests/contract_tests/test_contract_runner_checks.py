"""Our checks as a registry, identities, warnings and `--strict`, findings a person can act on."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from contractkit.contract import cli, run_contract
from contractkit.contract.checks.registry import (
    all_checks,
    enabled_functions,
    our_check_names,
    our_checks,
)
from contractkit.contract.identities import (
    IdentityError,
    IdentitySet,
    identities_from_options,
    parse_identity_option,
)
from contractkit.contract.report.merge import merge_results
from contractkit.contract.results_json import ShardResult, dump_results, read_results
from contractkit.contract.settings import SettingsError, load_settings
from tests.contract_tests.fixtures import recognitions, tasks

OUR_NAMES = {
    "crud_create_read",
    "crud_create_listed",
    "crud_update_read",
    "crud_update_isolation",
    "crud_delete_read",
    "crud_delete_listed",
    "crud_delete_isolation",
    "crud_unknown_update",
    "crud_unknown_delete",
    "crud_patch_preserves",
    "crud_location",
    "crud_readonly_ignored",
    "authz_read",
    "authz_list",
    "authz_update",
    "authz_delete",
    "authz_subresource",
    "pagination_complete",
    "pagination_total",
    "filter_applied",
    "sort_order",
    "etag_changes",
    "if_match_stale",
}
SEED = 7


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit test")
    cli.configure_parser(parser)
    return parser.parse_args(list(argv))


def read_results_text(text: str) -> ShardResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.json"
        path.write_text(text)
        return read_results(path)


def tasks_identities() -> IdentitySet:
    return identities_from_options(tasks.identity_options())


# -- the registry ------------------------------------------------------------------------------
def test_the_registry_holds_every_check_of_ours_with_a_description() -> None:
    assert our_check_names() == OUR_NAMES
    assert all(entry.description and callable(entry.function) for entry in our_checks())
    names = [entry.name for entry in all_checks()]
    assert len(names) == len(set(names))
    origins = {entry.name: entry.origin for entry in all_checks()}
    assert origins["authz_read"] == "contractkit"
    assert origins["response_schema_conformance"] == "schemathesis"


def test_a_function_runs_while_any_of_its_checks_is_enabled() -> None:
    everything = enabled_functions(())
    update_names = {"crud_update_read", "crud_update_isolation", "crud_patch_preserves"}

    assert len(enabled_functions(update_names - {"crud_patch_preserves"})) == len(everything)
    assert len(enabled_functions(update_names)) == len(everything) - 1


def test_list_checks_prints_ours_and_schemathesis(capsys: pytest.CaptureFixture) -> None:
    assert cli.run(parse("--list-checks")) == 0
    lines = capsys.readouterr().out.splitlines()

    by_name = {line.split()[0]: line.split(None, 2)[1:] for line in lines}
    assert set(by_name) == {entry.name for entry in all_checks()}
    assert by_name["if_match_stale"][0] == "contractkit"
    assert by_name["not_a_server_error"] == ["schemathesis", "no response is a 5xx server error"]


def test_unknown_excluded_check_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    args = parse(
        str(tasks.SPEC_PATH), "--base-url", "http://127.0.0.1:9", "--exclude-checks", "nope"
    )

    assert cli.run(args) == 2
    assert "unknown checks: nope" in capsys.readouterr().err


def test_excluded_and_baselined_checks_of_ours_are_not_failures() -> None:
    fault = tasks.build_app(tasks.Fault.READ_OTHERS_TASK)
    ids = tasks_identities()
    excluded = run_contract(
        tasks.load_spec(),
        app=fault,
        identities=ids,
        seed=SEED,
        phases=["crud"],
        exclude_checks=["authz_read"],
    )
    known = {("Tasks", "GET /tasks/{taskId}", "authz_read", "Another identity can read the item")}
    baselined = run_contract(
        tasks.load_spec(),
        app=tasks.build_app(tasks.Fault.READ_OTHERS_TASK),
        identities=ids,
        seed=SEED,
        phases=["crud"],
        baseline=known,
    )

    assert "authz_read" not in excluded.checks_failed()
    assert excluded.ok
    assert baselined.ok and [f.check for f in baselined.suppressed] == ["authz_read"]


# -- findings ----------------------------------------------------------------------------------
def test_an_authorization_finding_shows_the_requests_of_each_identity() -> None:
    result = run_contract(
        tasks.load_spec(),
        app=tasks.build_app(tasks.Fault.READ_OTHERS_TASK),
        identities=tasks_identities(),
        seed=SEED,
        phases=["crud"],
    )

    (finding,) = [f for f in result.findings if f.check == "authz_read"]
    assert finding.title == "Another identity can read the item"
    assert "bob read an item alice created: 200" in finding.message
    create, read = finding.curl.splitlines()
    assert create.startswith("curl -X POST") and create.endswith("  # as alice")
    assert read.endswith("  # as bob")
    # Credentials are masked as in Schemathesis' own reproductions; the comment names whose.
    assert "-H 'Authorization: [Filtered]'" in create and "/todo/tasks" in create
    assert read.startswith("curl -X GET") and "-H 'Authorization: [Filtered]'" in read
    assert "/todo/tasks/" in read


def test_identities_that_share_data_are_not_reported() -> None:
    shared = IdentitySet(tasks_identities().identities, (frozenset({"alice", "bob"}),))
    result = run_contract(
        tasks.load_spec(),
        app=tasks.build_app(tasks.Fault.READ_OTHERS_TASK),
        identities=shared,
        seed=SEED,
        phases=["crud"],
    )

    assert not result.checks_failed() & {"authz_read", "authz_list"}
    (family, _) = result.families
    assert any("no second identity isolated" in entry for entry in family.skipped)


def test_a_documented_412_for_a_stale_precondition_is_no_failure() -> None:
    result = run_contract(
        tasks.load_spec(),
        app=tasks.build_app(),
        identities=tasks_identities(),
        seed=SEED,
        max_examples=10,
        phases=["coverage"],
    )

    assert result.findings == [] and result.errors == []
    # Not dropped silently: the run's notes say which answers were not counted, and why.
    assert any(
        "positive_data_acceptance not counted" in note and "412 the operation documents" in note
        for note in result.notes
    ), result.notes


# -- never silent ------------------------------------------------------------------------------
def test_an_enveloped_api_is_walked_and_every_family_reported() -> None:
    result = run_contract(
        recognitions.load_spec(),
        app=recognitions.build_app(),
        headers={"Authorization": f"Bearer {recognitions.TOKEN}"},
        seed=SEED,
        phases=["crud"],
    )

    assert result.ok and result.warnings == []
    (family,) = [entry for entry in result.families if entry.checked]
    assert family.detail.endswith("id at /data/id")
    observed = {entry.operation: entry.observed for entry in result.coverage}
    assert (
        201 in observed["POST /recognitions"]
        and 200 in observed["PATCH /recognitions/{recognitionId}"]
    )


def _unreachable_crud_spec() -> dict[str, Any]:
    signature = {
        "name": "X-Signature",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
    }
    body = {"type": "object", "properties": {"name": {"type": "string"}}}
    content = {"application/json": {"schema": body}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Signed", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "parameters": [signature],
                    "requestBody": {"required": True, "content": content},
                    "responses": {"201": {"description": "made", "content": content}},
                }
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"responses": {"200": {"description": "it", "content": content}}},
            },
        },
    }


def test_a_crud_phase_that_sends_nothing_warns_and_strict_fails() -> None:
    app = Starlette()
    lenient = run_contract(_unreachable_crud_spec(), app=app, app_base_path="", phases=["crud"])
    strict = run_contract(
        _unreachable_crud_spec(), app=app, app_base_path="", phases=["crud"], strict=True
    )

    (warning,) = lenient.warnings
    assert "sent no request" in warning and "X-Signature" in warning
    assert lenient.exit_code == 0
    assert strict.exit_code == 1 and strict.findings == []
    assert "1 warning (strict)" in cli.render_console(strict).splitlines()[-1]
    (family,) = strict.families
    assert not family.checked and family.family == "/things"
    # Families and warnings survive a results file, so merged shards still fail under --strict.
    merged = merge_results([read_results_text(dump_results(strict))])
    assert merged.families == strict.families and merged.warnings == strict.warnings
    assert merged.exit_code == 1


def test_strict_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = tmp_path / "signed.yaml"
    spec.write_text(__import__("yaml").safe_dump(_unreachable_crud_spec()))
    apps = {"signed": (Starlette(), "")}

    lenient = cli.run(
        parse(str(spec), "--app", "signed", "--phases", "crud", "-q"), apps.__getitem__
    )
    strict = cli.run(
        parse(str(spec), "--app", "signed", "--phases", "crud", "-q", "--strict"), apps.__getitem__
    )

    out = capsys.readouterr().out
    assert (lenient, strict) == (0, 1)
    assert f"WARNING: {spec}: the document has a POST on a collection" in out
    assert "skipped  /things" in out


# -- identities --------------------------------------------------------------------------------
def test_identity_options_parse_and_the_first_is_the_default() -> None:
    assert parse_identity_option("alice=Authorization: Bearer A").headers == {
        "Authorization": "Bearer A"
    }
    both = identities_from_options(
        ["alice=Authorization: Bearer A", "bob=Authorization: Bearer B", "alice=X-Org: 1"]
    )
    assert both.default is not None and both.default.name == "alice"
    assert dict(both.default.headers) == {"Authorization": "Bearer A", "X-Org": "1"}
    assert [identity.name for identity in both.intruders()] == ["bob"]
    for bad in ("alice", "=X: 1", "alice=nothing", "al ice=X: 1"):
        with pytest.raises(IdentityError):
            parse_identity_option(bad)


def test_identities_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "ck.yaml"
    config.write_text(
        """
identities:
  alice: {headers: {Authorization: "Bearer ${ALICE}"}}
  carol: {headers: {Authorization: Bearer C}}
  bob:
    login: {path: /login, json: {user: bob}, token: /token}
  admin: {headers: {Authorization: Bearer root}, sees_all: true}
shared: [[alice, carol]]
strict: true
"""
    )
    settings = load_settings(config, environ={"ALICE": "A"})

    identities = settings.identities
    assert settings.strict is True
    assert identities.default is not None and identities.default.headers == {
        "Authorization": "Bearer A"
    }
    assert [identity.name for identity in identities.intruders()] == ["bob"]
    bob = identities.identities[2]
    assert bob.login is not None and bob.login.path == "/login" and bob.login.token == "/token"
    assert not identities.isolated("alice", "admin") and identities.isolated("bob", "alice")
    merged = identities.merged(identities_from_options(["bob=X-Extra: 1"]))
    assert merged.default is not None and merged.default.name == "bob"
    assert merged.default.login is not None and dict(merged.default.headers) == {"X-Extra": "1"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("identities: {alice: {}}", "needs `headers` or a `login` flow"),
        ("identities: {alice: {headers: {A: b}, role: x}}", "unknown keys role"),
        (
            "identities: {alice: {headers: {A: b}}}\nshared: [[alice, zed]]",
            "unknown identities: zed",
        ),
        ("shared: [[alice, bob]]", "`shared` needs `identities`"),
        ("identities: {bob: {login: {path: /login}}}", "`login` needs at least `path` and `token`"),
        ("identities: [alice]", "must map each name"),
    ],
)
def test_identity_config_errors_are_clear(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "ck.yaml"
    config.write_text(text)

    with pytest.raises(SettingsError, match=message.replace("[", r"\[")):
        load_settings(config)
