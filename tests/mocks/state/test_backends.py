"""Every state engine keeps the same contract: unique counters, no overwrite on insert,
atomic updates, creation order, namespaces cleared apart. Redis and PostgreSQL are real."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from contractkit.mock.state.backend import StateBackend, StateBackendError, open_backend
from contractkit.mock.state.listing import Listing, Page

ENGINES = ["memory", "sqlite", "redis", "postgres"]


def _location(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine == "memory":
        return "memory"
    if engine == "sqlite":
        return str(tmp_path / "state" / "mock.sqlite3")
    return str(request.getfixturevalue("redis_url" if engine == "redis" else "postgres_url"))


@pytest.fixture(params=ENGINES)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _location(request.param, request, tmp_path)


@pytest.fixture
def namespace() -> str:
    """A namespace of this test's own (the Redis and PostgreSQL servers are shared)."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def backend(location: str, namespace: str) -> Iterator[StateBackend]:
    opened = open_backend(location)
    yield opened
    opened.clear(namespace)
    opened.close()


def test_counters_start_at_one_and_never_repeat(backend: StateBackend, namespace: str) -> None:
    assert [backend.next_number(namespace, "/pets") for _ in range(3)] == [1, 2, 3]
    assert backend.next_number(namespace, "/owners") == 1
    assert backend.next_number(f"{namespace}-other", "/pets") == 1
    backend.clear(f"{namespace}-other")


def test_insert_get_update_delete_in_creation_order(backend: StateBackend, namespace: str) -> None:
    assert backend.insert(namespace, "/pets", "2", {"id": 2, "name": "Tom"})
    assert backend.insert(namespace, "/pets", "1", {"id": 1, "name": "Rex"})
    assert not backend.insert(namespace, "/pets", "1", {"id": 1, "name": "overwritten"})
    assert backend.get(namespace, "/pets", "1") == {"id": 1, "name": "Rex"}
    assert backend.get(namespace, "/pets", "9") is None
    assert backend.get(namespace, "/other", "1") is None

    changed = backend.update(namespace, "/pets", "2", lambda pet: {**pet, "name": "Tim"})
    assert changed == {"id": 2, "name": "Tim"}
    assert backend.update(namespace, "/pets", "9", lambda pet: pet) is None
    assert backend.items(namespace, "/pets") == [
        ("2", {"id": 2, "name": "Tim"}),
        ("1", {"id": 1, "name": "Rex"}),
    ]
    assert backend.delete(namespace, "/pets", "2")
    assert not backend.delete(namespace, "/pets", "2")
    assert backend.items(namespace, "/pets") == [("1", {"id": 1, "name": "Rex"})]


def test_contains_any_looks_up_several_keys_of_one_bucket(
    backend: StateBackend, namespace: str
) -> None:
    assert backend.insert(namespace, "/pets", "1", {"id": 1})
    assert backend.insert(namespace, "/toys", "2", {"id": 2})
    assert backend.contains_any(namespace, "/pets", ["9", "1"])
    assert not backend.contains_any(namespace, "/pets", ["9", "2"])
    assert not backend.contains_any(namespace, "/pets", [])
    assert not backend.contains_any(namespace + "-other", "/pets", ["1"])
    assert backend.delete(namespace, "/pets", "1")
    assert not backend.contains_any(namespace, "/pets", ["1"])


def test_clear_forgets_one_namespace_or_all(location: str, namespace: str) -> None:
    backend = open_backend(location)
    other = f"{namespace}-other"
    try:
        for space in (namespace, other):
            backend.insert(space, "/pets", "1", {"id": 1})
            backend.next_number(space, "/pets")
        backend.clear(namespace)
        assert backend.items(namespace, "/pets") == []
        assert backend.next_number(namespace, "/pets") == 1
        assert backend.items(other, "/pets") == [("1", {"id": 1})]
        assert backend.next_number(other, "/pets") == 2
    finally:
        backend.clear(namespace)
        backend.clear(other)
        backend.close()


def test_clear_all_on_a_private_file(tmp_path: Path) -> None:
    backend = open_backend(f"sqlite:///{tmp_path / 'all.sqlite3'}")
    backend.insert("a", "/pets", "1", {"id": 1})
    backend.insert("b", "/pets", "1", {"id": 1})
    backend.clear()
    assert backend.items("a", "/pets") == [] and backend.items("b", "/pets") == []


@pytest.mark.parametrize("engine", ["sqlite", "redis", "postgres"])
def test_two_connections_hand_out_unique_ids_and_lose_no_update(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, namespace: str
) -> None:
    """Two backend objects stand for two processes or instances sharing one engine."""
    location = _location(engine, request, tmp_path)
    backends = [open_backend(location), open_backend(location)]
    backends[0].insert(namespace, "/counter", "c", {"value": 0})
    drawn: list[list[int]] = [[], []]

    def work(index: int) -> None:
        for _ in range(40):
            drawn[index].append(backends[index].next_number(namespace, "/pets"))
            backends[index].update(
                namespace, "/counter", "c", lambda item: {"value": item["value"] + 1}
            )

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(drawn[0] + drawn[1]) == list(range(1, 81))
        assert backends[1].get(namespace, "/counter", "c") == {"value": 80}
    finally:
        backends[0].clear(namespace)
        for backend in backends:
            backend.close()


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("ftp://example.com/state", "unknown state engine 'ftp'"),
        ("sqlite://relative", "expected sqlite:///PATH"),
        ("redis://user:secret@127.0.0.1:9/0", "redis://user:***@127.0.0.1:9/0"),
        ("postgresql://user:secret@127.0.0.1:9/db", "postgresql://user:***@127.0.0.1:9/db"),
    ],
)
def test_bad_or_unreachable_locations_say_why_without_passwords(
    location: str, message: str
) -> None:
    with pytest.raises(StateBackendError) as raised:
        open_backend(location).items("", "/pets")
    assert message in str(raised.value) and "secret" not in str(raised.value)


MIXED = [
    {"id": 1, "tag": "dog", "age": 2, "weight": 2.0, "good": True, "tags": ["big", "old"]},
    {"id": 2, "tag": "cat", "age": 3, "weight": 2.5, "good": False, "tags": []},
    {"id": 3, "tag": "dog", "age": 2, "weight": 12.25, "good": None, "owner": {"b": 1, "a": "é"}},
    {"id": 4, "tag": "chien", "say": 'a "quoted" word', "tags": [{"x": 1}, 2.0, True]},
    {"id": 5, "tag": "dog", 'we"ird': "yes"},
]


def _ids(page: Page) -> list[int]:
    return [item["id"] for item in page.items]


@pytest.fixture
def filled(backend: StateBackend, namespace: str) -> StateBackend:
    for item in MIXED:
        assert backend.insert(namespace, "/pets", str(item["id"]), item)
    assert backend.insert(namespace, "/toys", "9", {"id": 9, "tag": "dog"})
    return backend


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [1, 2, 3, 4, 5]),
        ({"tag": {"dog"}}, [1, 3, 5]),
        ({"tag": {"dog", "chien"}}, [1, 3, 4, 5]),
        ({"tag": {"dog"}, "age": {"2"}}, [1, 3]),
        ({"weight": {"2"}}, [1]),
        ({"weight": {"12.25"}}, [3]),
        ({"good": {"true"}}, [1]),
        ({"good": {"false", "null"}}, [2, 3]),
        ({"tags": {"big"}}, [1]),
        ({"tags": {"2", '{"x":1}'}}, [4]),
        ({"tags": {"true"}}, [4]),
        ({"owner": {'{"b":1,"a":"\\u00e9"}'}}, [3]),
        ({"say": {'a "quoted" word'}}, [4]),
        ({'we"ird': {"yes"}}, [5]),
        ({"missing": {"null"}}, []),
    ],
)
def test_pages_keep_the_entries_whose_fields_match(
    filled: StateBackend, namespace: str, filters: dict[str, set[str]], expected: list[int]
) -> None:
    listing = Listing({name: frozenset(values) for name, values in filters.items()}, count=True)
    page = filled.page(namespace, "/pets", listing)
    assert _ids(page) == expected
    assert page.total == len(expected)


def test_pages_start_and_stop_where_asked_and_count_every_match(
    filled: StateBackend, namespace: str
) -> None:
    dogs = {"tag": frozenset({"dog"})}
    assert _ids(filled.page(namespace, "/pets", Listing(dogs, start=1, size=1))) == [3]
    counted = filled.page(namespace, "/pets", Listing(dogs, start=1, size=1, count=True))
    assert counted.total == 3
    assert filled.page(namespace, "/pets", Listing(dogs, start=1, size=1)).total is None
    assert _ids(filled.page(namespace, "/pets", Listing(start=3))) == [4, 5]
    past_the_end = filled.page(namespace, "/pets", Listing(dogs, start=7, size=5, count=True))
    assert (past_the_end.items, past_the_end.total) == ([], 3)
    assert _ids(filled.page(namespace + "-other", "/pets", Listing())) == []


def test_has_field_looks_at_every_entry_of_one_bucket(filled: StateBackend, namespace: str) -> None:
    assert filled.has_field(namespace, "/pets", "owner")
    assert filled.has_field(namespace, "/pets", 'we"ird')
    assert not filled.has_field(namespace, "/pets", "colour")
    assert not filled.has_field(namespace, "/toys", "owner")


def test_delete_prefixed_removes_the_key_and_those_beneath_it(
    backend: StateBackend, namespace: str
) -> None:
    for key in ('["pets"]', '["pets", "1"]', '["pets", "1", "toys"]', '["petsy"]', '["toys"]'):
        assert backend.insert(namespace, "!marks", key, {})
    backend.delete_prefixed(namespace, "!marks", '["pets", "1"]', '["pets", "1", ')
    assert [key for key, _ in backend.items(namespace, "!marks")] == [
        '["pets"]',
        '["petsy"]',
        '["toys"]',
    ]
    backend.delete_prefixed(namespace, "!marks", '["pets"]', '["pets", ')
    assert [key for key, _ in backend.items(namespace, "!marks")] == ['["petsy"]', '["toys"]']


def test_numbers_beyond_64_bits_and_unicode_come_back_unchanged(
    backend: StateBackend, namespace: str
) -> None:
    item = {"id": 1, "huge": 123456789012345678901234567890, "price": 0.1, "name": "Zoë 🐕"}
    assert backend.insert(namespace, "/pets", "1", item)
    assert backend.get(namespace, "/pets", "1") == item
    assert filled_page(backend, namespace) == [item]
    changed = backend.update(namespace, "/pets", "1", lambda pet: {**pet, "huge": -(10**30)})
    assert changed is not None and backend.get(namespace, "/pets", "1") == changed


def filled_page(backend: StateBackend, namespace: str) -> list[dict[str, object]]:
    return backend.page(namespace, "/pets", Listing({"name": frozenset({"Zoë 🐕"})})).items


def test_strings_with_lone_surrogates_are_kept(backend: StateBackend, namespace: str) -> None:
    item = {"id": 1, "name": "a\ud800b"}
    assert backend.insert(namespace, "/pets", "1", item)
    assert backend.get(namespace, "/pets", "1") == item
    assert backend.page(namespace, "/pets", Listing()).items == [item]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX only")
def test_a_forked_worker_opens_its_own_sqlite_connection(tmp_path: Path) -> None:
    from contractkit.mock.state.backend import process_id

    opened = open_backend(str(tmp_path / "forked.sqlite3"))
    try:
        assert opened.insert("", "/pets", "1", {"id": 1})  # the parent's connection is open
        parent = opened._connect()  # type: ignore[attr-defined]
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            ok = (
                process_id() == os.getpid()
                and opened._connect() is not parent  # type: ignore[attr-defined]
                and opened.insert("", "/pets", "2", {"id": 2})
            )
            os._exit(0 if ok else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert process_id() == os.getpid()
        assert opened.get("", "/pets", "2") == {"id": 2}
    finally:
        opened.close()
