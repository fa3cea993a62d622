"""`--shard I/N` and `contractkit report merge`: a sharded run adds up to the whole run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from contractkit.contract import cli as test_cli
from contractkit.contract import run_contract
from contractkit.contract.checks.families import CrudFamily, discover
from contractkit.contract.report import cli as report_cli
from contractkit.contract.results_json import ResultsError, read_results, write_results
from contractkit.contract.sharding import Shard, parse_shard, resource_groups, restrict
from contractkit.openapi import Document
from tests.contract_tests.fixtures import library, tasks
from tests.contract_tests.fixtures.common import serve_on_loopback

SEED = 3
REPO = Path(__file__).resolve().parents[2]
AUTH = f"Authorization: Bearer {library.TOKEN}"


def labels(document: Document) -> list[str]:
    return [operation.label for operation in document.operations]


def family_labels(family: CrudFamily) -> set[str]:
    """Every operation a family's checks call, its parent's included."""
    operations = [family.create, family.read, family.listing, *family.updates, family.delete]
    found = {operation.label for operation in operations if operation is not None}
    return found | (family_labels(family.parent) if family.parent is not None else set())


def test_the_shards_cover_every_operation_exactly_once_and_keep_families_together() -> None:
    document = Document.bundled(library.library_spec())
    shards = [restrict(document, Shard(index, 3)) for index in (1, 2, 3)]

    every = [label for shard in shards for label in labels(shard)]
    assert sorted(every) == sorted(labels(document))
    assert all(labels(shard) for shard in shards)
    families = discover(document)
    assert {family.item_path for family in families} >= {
        "/authors/{authorId}",
        "/books/{bookId}",
        "/shelves/{shelfId}",
    }
    for family in families:
        homes = {
            index
            for index, shard in enumerate(shards)
            if family_labels(family) & set(labels(shard))
        }
        assert len(homes) == 1, family.describe()
        assert family_labels(family) <= set(labels(shards[homes.pop()]))
    home_of_shelves = [i for i, shard in enumerate(shards) if "POST /shelves" in labels(shard)]
    assert "POST /shelves/{shelfId}/labels" in labels(shards[home_of_shelves[0]])
    assert all(shard.name == document.name for shard in shards)


@pytest.mark.parametrize("spec", ["specs/peerly", "specs/blaize", str(tasks.SPEC_PATH)])
def test_real_documents_split_without_losing_or_repeating_an_operation(spec: str) -> None:
    document = Document.bundled(REPO / spec)
    shards = [restrict(document, Shard(index, 3)) for index in (1, 2, 3)]

    assert sorted(label for shard in shards for label in labels(shard)) == sorted(labels(document))
    for family in discover(document):
        homes = {
            index
            for index, shard in enumerate(shards)
            if family_labels(family) & set(labels(shard))
        }
        assert len(homes) == 1, family.describe()


def test_the_split_depends_on_the_document_alone() -> None:
    first = [
        labels(restrict(Document.bundled(library.library_spec()), Shard(i, 3))) for i in (1, 2, 3)
    ]
    again = [
        labels(restrict(Document.bundled(library.library_spec()), Shard(i, 3))) for i in (1, 2, 3)
    ]
    assert first == again


def test_a_collection_its_items_and_what_is_nested_below_them_are_one_group() -> None:
    paths = [
        "/v1/tasks",
        "/v1/tasks/{id}",
        "/v1/tasks/{id}/notes/{noteId}",
        "/v1/users",
        "/v1/users/me",
        "/{tenant}/teams/{id}",
        "/{tenant}/teams",
        "/",
        "/{id}",
    ]
    assert resource_groups(paths) == {
        "/v1/tasks": ["/v1/tasks", "/v1/tasks/{id}", "/v1/tasks/{id}/notes/{noteId}"],
        "/v1/users": ["/v1/users"],
        "/v1/users/me": ["/v1/users/me"],
        "/{tenant}/teams": ["/{tenant}/teams/{id}", "/{tenant}/teams"],
        "/": ["/", "/{id}"],
    }


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "2"])
def test_a_malformed_shard_is_a_usage_error(text: str) -> None:
    with pytest.raises(ValueError, match="--shard"):
        parse_shard(text)


def test_more_shards_than_resources_leave_some_empty_and_say_so() -> None:
    result = run_contract(
        library.library_spec(),
        base_url="http://127.0.0.1:9",
        phases=["crud"],
        shard=Shard(9, 9),
    )
    assert result.ok
    assert result.notes == ["Library: shard 9/9 holds no operation of it"]


def _parse_test(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit test")
    test_cli.configure_parser(parser)
    return parser.parse_args(list(argv))


def _parse_report(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="contractkit report")
    report_cli.configure_parser(parser)
    return parser.parse_args(list(argv))


def _fingerprints(result_path: Path) -> tuple[set[tuple[str, str, str]], dict[str, list[int]]]:
    data = json.loads(result_path.read_text(encoding="utf-8"))
    findings = {(f["operation"], f["check"], f["title"]) for f in data["findings"]}
    coverage = {entry["operation"]: entry["observed"] for entry in data["coverage"]}
    return findings, coverage


def test_three_shards_merged_equal_the_whole_run_and_the_gate_fails_on_the_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "library.json"
    spec.write_text(json.dumps(library.library_spec()), encoding="utf-8")
    common = ["--phases", "crud", "--seed", str(SEED), "-H", AUTH, "-q", "--fail-on-uncovered"]
    with serve_on_loopback(library.build_app(library.BOOKS_UPDATE_LOST)) as origin:
        whole = tmp_path / "whole.json"
        args = _parse_test(str(spec), "--base-url", origin, *common, "--results-json", str(whole))
        assert test_cli.run(args) == 1
        shard_files = []
        for index in (1, 2, 3):
            path = tmp_path / f"shard-{index}.json"
            shard_args = ["--shard", f"{index}/3", "--results-json", str(path)]
            args = _parse_test(str(spec), "--base-url", origin, *common, *shard_args)
            assert test_cli.run(args) == 0
            shard_files.append(path)
    assert "coverage gate (--fail-on-uncovered) not applied here" in capsys.readouterr().err

    merged = tmp_path / "merged.json"
    junit = tmp_path / "merged.xml"
    report = tmp_path / "merged.md"
    args = _parse_report(
        "merge", *map(str, shard_files), "--fail-on-uncovered", "--results-json", str(merged),
        "--junit-xml", str(junit), "--report", str(report),
    )  # fmt: skip
    assert report_cli.run(args) == 1

    whole_findings, whole_coverage = _fingerprints(whole)
    merged_findings, merged_coverage = _fingerprints(merged)
    assert merged_findings == whole_findings
    assert merged_coverage == whole_coverage
    assert ("GET /books/{bookId}", "crud_update_read", "Update not visible to the next read") in (
        merged_findings
    )
    assert ("GET /health", "status_code_coverage", "Documented responses never produced") in (
        merged_findings
    )
    for path in shard_files:
        findings, _ = _fingerprints(path)
        assert not any(check == "status_code_coverage" for _, check, _ in findings)
    assert "crud_update_read" in junit.read_text(encoding="utf-8")
    assert "GET /books/{bookId}" in report.read_text(encoding="utf-8")


def test_the_baseline_applies_to_the_merged_result(tmp_path: Path) -> None:
    spec = library.library_spec()
    with serve_on_loopback(library.build_app(library.BOOKS_UPDATE_LOST)) as origin:
        paths = []
        for index in (1, 2):
            result = run_contract(
                spec,
                base_url=origin,
                headers={"Authorization": f"Bearer {library.TOKEN}"},
                seed=SEED,
                phases=["crud"],
                shard=Shard(index, 2),
            )
            paths.append(tmp_path / f"{index}.json")
            write_results(paths[-1], result, Shard(index, 2))
    baseline = tmp_path / "known.yaml"
    write_args = _parse_report("merge", *map(str, paths))
    assert report_cli.run(write_args) == 1
    from contractkit.contract.baseline import write_baseline
    from contractkit.contract.report.merge import merge_results

    write_baseline(baseline, merge_results([read_results(path) for path in paths]).findings)
    args = _parse_report("merge", *map(str, paths), "--baseline", str(baseline))
    assert report_cli.run(args) == 0


def test_merge_refuses_a_missing_or_repeated_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_contract(
        library.library_spec(), base_url="http://127.0.0.1:9", phases=["crud"], shard=Shard(9, 9)
    )
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    write_results(one, result, Shard(1, 3))
    write_results(two, result, Shard(1, 3))

    assert report_cli.run(_parse_report("merge", str(one))) == 2
    assert "missing shards: 2/3, 3/3" in capsys.readouterr().err
    assert report_cli.run(_parse_report("merge", str(one), str(two))) == 2
    assert "shard given twice: 1/3" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ResultsError, match="not a contractkit results file"):
        read_results(tmp_path / "junk.json")


def test_a_shard_without_a_results_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = _parse_test("api.yaml", "--base-url", "http://127.0.0.1:9", "--shard", "1/2")
    assert test_cli.run(args) == 2
    assert "--shard needs --results-json" in capsys.readouterr().err
