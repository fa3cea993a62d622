"""Differential mode, status-code coverage and CRUD family discovery."""

from __future__ import annotations

from contract_tests_fixture_servers import TOKEN, Fault, build_app, load_spec

from contractkit.contract import OtherServer, run_contract
from contractkit.contract.checks.families import discover
from contractkit.openapi import Document

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_differential_mode_is_quiet_for_two_correct_servers() -> None:
    result = run_contract(
        load_spec(),
        app=build_app(),
        headers=AUTH,
        seed=4,
        phases=[],
        compare_with=OtherServer(app=build_app(), app_base_path="/api"),
    )

    assert result.findings == []


def test_differential_mode_reports_where_the_other_server_departs() -> None:
    result = run_contract(
        load_spec(),
        app=build_app(),
        headers=AUTH,
        seed=4,
        phases=[],
        compare_with=OtherServer(app=build_app(Fault.ACCEPTS_INVALID)),
    )

    checks = {(finding.operation, finding.check) for finding in result.findings}
    assert ("POST /items", "differential_status") in checks
    assert all(finding.operation == "POST /items" for finding in result.findings)
    assert all(
        "# other\ncurl" in f.curl for f in result.findings if f.check == "differential_status"
    )


def test_uncovered_documented_statuses_fail_only_when_asked() -> None:
    document = load_spec()
    document["paths"]["/items"]["post"]["responses"]["409"] = {"description": "Conflict"}

    lenient = run_contract(document, app=build_app(), headers=AUTH, seed=1, phases=["crud"])
    strict = run_contract(
        document, app=build_app(), headers=AUTH, seed=1, phases=["crud"], fail_on_uncovered=True
    )

    post = next(entry for entry in lenient.coverage if entry.operation == "POST /items")
    assert post.observed == {201}
    assert "409" in post.missing
    assert lenient.exit_code == 0
    assert strict.exit_code == 1
    uncovered = [f for f in strict.findings if f.operation == "POST /items"]
    assert uncovered[0].check == "status_code_coverage" and "409" in uncovered[0].message


def test_families_follow_links_for_the_id_field() -> None:
    document = load_spec()
    document["paths"]["/items"]["post"]["responses"]["201"]["links"]["GetItem"]["parameters"] = {
        "item_id": "$response.body#/id"
    }
    (family,) = discover(Document.of(document))

    assert (family.collection_path, family.item_path, family.id_parameter) == (
        "/items",
        "/items/{item_id}",
        "item_id",
    )
    assert family.id_pointers[0] == "/id"
    assert family.listing is not None and family.update is not None and family.delete is not None
    assert family.update.method == "put"


def test_no_family_without_a_readable_item() -> None:
    document = load_spec()
    del document["paths"]["/items/{item_id}"]["get"]

    assert discover(Document.of(document)) == []
