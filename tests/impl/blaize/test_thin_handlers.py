"""Blaize handlers are thin: they parse the request, call the services of a bounded context and
shape the answer. No handler speaks SQL, and no service imports a handler."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contractkit.impl import blaize
from contractkit.impl.blaize import handlers

BLAIZE_DIR = Path(blaize.__file__).parent
HANDLERS_DIR = Path(handlers.__file__).parent
HANDLER_MODULES = sorted(HANDLERS_DIR.glob("*.py"))
SERVICE_MODULES = sorted(
    path for path in BLAIZE_DIR.rglob("*.py") if HANDLERS_DIR not in path.parents
)
QUERY_METHODS = {"select", "execute", "scalar", "scalars", "where"}
HANDLERS_PACKAGE = handlers.__name__


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, module)`` of every absolute import."""
    imported: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return imported


def _query_call(call: ast.Call) -> str | None:
    """The name of a query-building call: ``select(...)`` or ``<anything>.<query method>(...)``."""
    if isinstance(call.func, ast.Name) and call.func.id == "select":
        return "select("
    if isinstance(call.func, ast.Attribute) and call.func.attr in QUERY_METHODS:
        return f".{call.func.attr}("
    return None


def sql_in(source: str) -> list[str]:
    """What in a module speaks SQL, as ``line: what``: imports of ``sqlalchemy`` (or below
    it) and query-building calls."""
    tree = ast.parse(source)
    found = [
        (line, f"import {module}")
        for line, module in _imported_modules(tree)
        if module == "sqlalchemy" or module.startswith("sqlalchemy.")
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (call := _query_call(node)):
            found.append((node.lineno, call))
    return [f"{line}: {what}" for line, what in sorted(found)]


def handler_imports_in(source: str) -> list[str]:
    """The imports of ``blaize.handlers`` (or a module of it), as ``line: module``."""
    return [
        f"{line}: {module}"
        for line, module in _imported_modules(ast.parse(source))
        if module == HANDLERS_PACKAGE or module.startswith(HANDLERS_PACKAGE + ".")
    ]


def test_every_spec_document_has_a_handler_module() -> None:
    names = {path.stem for path in HANDLER_MODULES}
    assert set(blaize.SERVED_DOCUMENTS) <= names


@pytest.mark.parametrize("path", HANDLER_MODULES, ids=lambda path: path.name)
def test_handler_module_speaks_no_sql(path: Path) -> None:
    assert sql_in(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path", SERVICE_MODULES, ids=lambda path: str(path.relative_to(BLAIZE_DIR))
)
def test_service_module_imports_no_handler(path: Path) -> None:
    assert handler_imports_in(path.read_text(encoding="utf-8")) == []


SQL_SPEAKING = """\
import sqlalchemy
from sqlalchemy.orm import Session
from sqlalchemy import select as query


def list_users(ctx, tenant_id):
    with ctx.db.transaction() as session:
        rows = session.scalars(select(User).where(User.tenant_id == tenant_id))
        total = session.scalar(query(func.count()))
        session.execute(delete(User))
        return [row.id for row in rows], total
"""


def test_the_checker_finds_every_kind_of_sql() -> None:
    assert sql_in(SQL_SPEAKING) == [
        "1: import sqlalchemy",
        "2: import sqlalchemy.orm.Session",
        "3: import sqlalchemy.select",
        "8: .scalars(",
        "8: .where(",
        "8: select(",
        "9: .scalar(",
        "10: .execute(",
    ]


def test_the_checker_lets_service_calls_through() -> None:
    thin = """\
from contractkit.impl.blaize.people import users
from contractkit.impl.sqlalchemy_like import nothing


def get_user(ctx, user_id, token_info):
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info)
        return user_view(session, users.tenant_user(session, caller.tenant_id, user_id)), 200
"""
    assert sql_in(thin) == []


def test_the_checker_finds_imports_of_handlers() -> None:
    source = f"import {HANDLERS_PACKAGE}\nfrom {HANDLERS_PACKAGE}.users import get_user\n"
    assert handler_imports_in(source) == [
        f"1: {HANDLERS_PACKAGE}",
        f"2: {HANDLERS_PACKAGE}.users.get_user",
    ]
    assert handler_imports_in("from contractkit.impl.blaize.people import users\n") == []
