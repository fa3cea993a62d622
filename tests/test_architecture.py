"""The import rules of the package, read from the source with ``ast`` and enforced.

Every module below the folders mapped into ``contractkit`` is parsed; each import (absolute,
relative, or ``importlib.import_module`` of a literal name) is checked against the rules below.
A failure names the importing file, its line and the rule it breaks.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.packaging.layout import package_dir

REPOSITORY = Path(__file__).resolve().parents[1]

ROOTS = tuple(
    (folder, name) for name, folder in package_dir().items() if name != "contractkit.specs"
)
"""Repository folders holding code and the import names they install as (pyproject.toml)."""

OLD_TOP_LEVEL_NAMES = ("impl", "mocks", "contract_tests")
KERNEL = ("contractkit.openapi", "contractkit.paths")
IMPL, MOCK, CONTRACT = "contractkit.impl", "contractkit.mock", "contractkit.contract"
CLI_ADAPTERS = ("contractkit.cli", "contractkit.serve", "contractkit.token")
PYTEST_PLUGIN = "contractkit.pytest_plugin"
NOT_FOR_IMPL = (
    MOCK,
    CONTRACT,
    *CLI_ADAPTERS,
    PYTEST_PLUGIN,
    "contractkit.lint",
    "contractkit.lint_rules",
)


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


@dataclass(frozen=True)
class Import:
    """One imported name: ``target`` is the module, or ``module.name`` for ``from`` imports."""

    importer: Module
    line: int
    target: str
    lazy: bool
    """Inside a function: loaded when called, not when the importer is imported."""
    type_checking: bool
    """Inside ``if TYPE_CHECKING:``: never loaded at run time."""


def within(name: str, *packages: str) -> bool:
    """``name`` is one of ``packages`` or lies below one of them."""
    return any(name == package or name.startswith(package + ".") for package in packages)


def walk(repository: Path, roots: tuple[tuple[str, str], ...] = ROOTS) -> list[Module]:
    """Every module below ``roots``, named as installed."""
    modules = []
    for folder, package in roots:
        base = repository / folder
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            modules.append(Module(".".join([package, *parts]), path, is_package))
    return modules


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package.pop()
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _literal_module_name(call: ast.Call) -> str | None:
    """The module named by ``importlib.import_module(...)``: a literal, or an f-string's head."""
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    if name != "import_module" or not call.args:
        return None
    argument = call.args[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    if isinstance(argument, ast.JoinedStr) and argument.values:
        head = argument.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return head.value.rstrip(".") or None
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_when_called(node: ast.AST) -> list[ast.AST]:
    """A function's body (not its decorators or defaults, which run when it is defined)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return list(node.body)
    return [node.body] if isinstance(node, ast.Lambda) else []


def imports_of(module: Module) -> Iterator[Import]:
    """Every import in ``module``, knowing whether it is lazy or for type checking only."""

    def visit(node: ast.AST, lazy: bool, type_checking: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name, lazy, type_checking)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                target = source if alias.name == "*" else f"{source}.{alias.name}"
                yield Import(module, node.lineno, target, lazy, type_checking)
        elif isinstance(node, ast.Call) and (named := _literal_module_name(node)):
            yield Import(module, node.lineno, named, lazy, type_checking)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                yield from visit(statement, lazy, True)
            for statement in node.orelse:
                yield from visit(statement, lazy, type_checking)
            return
        deferred = _run_when_called(node)
        for child in ast.iter_child_nodes(node):
            inner = lazy or any(child is statement for statement in deferred)
            yield from visit(child, inner, type_checking)

    tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    yield from visit(tree, False, False)


# --- The rules: each says whether an import breaks it. ---------------------------------------


@dataclass(frozen=True)
class Layout:
    """The sub-packages of ``contractkit.impl``, and those among them that serve an API."""

    rooms: frozenset[str]
    apis: frozenset[str]

    @classmethod
    def of(cls, modules: list[Module]) -> Layout:
        packages = [m.name.split(".") for m in modules if m.is_package and within(m.name, IMPL)]
        rooms = {parts[2] for parts in packages if len(parts) == 3}
        apis = {parts[2] for parts in packages if len(parts) == 4 and parts[3] == "handlers"}
        return cls(frozenset(rooms), frozenset(apis))

    def room(self, name: str) -> str | None:
        """The sub-package of ``contractkit.impl`` holding ``name`` (``web``, ``peerly``...)."""
        parts = name.split(".")
        inside = within(name, IMPL) and len(parts) > 2 and parts[2] in self.rooms
        return parts[2] if inside else None

    def api(self, name: str) -> str | None:
        room = self.room(name)
        return room if room in self.apis else None


Check = Callable[[Import, Layout], bool]


@dataclass(frozen=True)
class Rule:
    name: str
    text: str
    broken_by: Check


@dataclass(frozen=True)
class Violation:
    path: Path
    """The importing file, relative to the repository."""
    imported: Import
    rule: Rule

    def __str__(self) -> str:
        i = self.imported
        return (
            f"{self.path}:{i.line}: {i.importer.name} imports {i.target}"
            f" -- breaks [{self.rule.name}] {self.rule.text}"
        )


def _old_name(i: Import, _: Layout) -> bool:
    return i.target.split(".")[0] in OLD_TOP_LEVEL_NAMES


def _kernel_reaches_out(i: Import, _: Layout) -> bool:
    ours = within(i.target, "contractkit")
    return within(i.importer.name, *KERNEL) and ours and not within(i.target, *KERNEL)


def _impl_reaches_out(i: Import, _: Layout) -> bool:
    return within(i.importer.name, IMPL) and within(i.target, *NOT_FOR_IMPL)


def _mock_or_runner_reaches_out(i: Import, _: Layout) -> bool:
    if within(i.importer.name, MOCK):
        return within(i.target, IMPL, CONTRACT)
    return within(i.importer.name, CONTRACT) and within(i.target, IMPL, MOCK)


def _adapter_loads_eagerly(i: Import, _: Layout) -> bool:
    loaded_on_import = not (i.lazy or i.type_checking)
    adapter = within(i.importer.name, *CLI_ADAPTERS)
    return adapter and loaded_on_import and within(i.target, IMPL, MOCK, CONTRACT)


def _plugin_loads_more_than_pytest(i: Import, _: Layout) -> bool:
    if i.importer.name != PYTEST_PLUGIN or i.lazy or i.type_checking:
        return False
    top = i.target.split(".")[0]
    return top not in sys.stdlib_module_names and top not in ("pytest", "_pytest")


def _storage_reaches_out(i: Import, layout: Layout) -> bool:
    reaches_out = layout.room(i.target) == "web" or layout.api(i.target) is not None
    return layout.room(i.importer.name) == "storage" and reaches_out


def _web_knows_an_api(i: Import, layout: Layout) -> bool:
    return layout.room(i.importer.name) == "web" and layout.api(i.target) is not None


def _api_knows_another(i: Import, layout: Layout) -> bool:
    importer, target = layout.api(i.importer.name), layout.api(i.target)
    return importer is not None and target is not None and importer != target


def _handlers_imported_from_outside(i: Import, layout: Layout) -> bool:
    api = layout.api(i.target)
    handlers = f"{IMPL}.{api}.handlers"
    return api is not None and within(i.target, handlers) and not within(i.importer.name, handlers)


def _blaize_context_imports_handlers(i: Import, layout: Layout) -> bool:
    parts = i.importer.name.split(".")
    in_context = layout.api(i.importer.name) == "blaize" and len(parts) > 4
    handlers = f"{IMPL}.blaize.handlers"
    return in_context and parts[3] != "handlers" and within(i.target, handlers)


RULES = (
    Rule(
        "old-names",
        "nothing imports the old top-level names impl, mocks, contract_tests",
        _old_name,
    ),
    Rule(
        "kernel",
        "the kernel (contractkit.openapi, contractkit.paths) imports nothing else of ours",
        _kernel_reaches_out,
    ),
    Rule(
        "impl-outward",
        "contractkit.impl never imports the mock, the runner, the CLI (cli, serve, token), "
        "the pytest plugin or lint",
        _impl_reaches_out,
    ),
    Rule(
        "mock-and-runner",
        "the mock and the runner never import contractkit.impl, nor each other",
        _mock_or_runner_reaches_out,
    ),
    Rule(
        "lazy-adapters",
        "cli, serve and token import impl, the mock and the runner only inside functions",
        _adapter_loads_eagerly,
    ),
    Rule(
        "pytest-plugin",
        "the pytest plugin imports at module level only the standard library and pytest",
        _plugin_loads_more_than_pytest,
    ),
    Rule(
        "storage",
        "impl.storage imports nothing of impl.web or of an API package",
        _storage_reaches_out,
    ),
    Rule("web", "impl.web imports no API package", _web_knows_an_api),
    Rule("api-to-api", "no API package imports another API package", _api_knows_another),
    Rule(
        "handlers",
        "<api>.handlers is imported only by that API's handlers: services never depend on them",
        _handlers_imported_from_outside,
    ),
    Rule(
        "blaize-contexts",
        "a Blaize context (a sub-package of impl.blaize) never imports blaize.handlers",
        _blaize_context_imports_handlers,
    ),
)


def violations(repository: Path, rules: tuple[Rule, ...] = RULES) -> list[Violation]:
    """Each import, of each module below the repository's roots, that breaks a rule."""
    modules = walk(repository)
    layout = Layout.of(modules)
    return [
        Violation(module.path.relative_to(repository), i, rule)
        for module in modules
        for i in imports_of(module)
        for rule in rules
        if rule.broken_by(i, layout)
    ]


# --- The tests. -------------------------------------------------------------------------------


def test_the_walk_finds_every_module_of_the_package() -> None:
    modules = walk(REPOSITORY)
    assert len(modules) > 150
    for _, package in ROOTS:
        assert package in {module.name for module in modules}
    layout = Layout.of(modules)
    assert {"web", "storage", "blaize", "chainsite", "peerly", "pers"} <= layout.rooms
    assert layout.apis == {"blaize", "chainsite", "peerly", "pers"}


def test_every_import_keeps_the_rules() -> None:
    broken = violations(REPOSITORY)
    assert not broken, "import rules broken:\n" + "\n".join(map(str, broken))


SYNTHETIC_TREE = {
    "src/contractkit/__init__.py": "",
    "src/contractkit/paths.py": "from contractkit.openapi import loader\n",
    "src/contractkit/openapi/__init__.py": "from contractkit.cli import main  # breaks kernel\n",
    "src/contractkit/cli.py": (
        "from typing import TYPE_CHECKING\n"
        "from contractkit.impl.app import create_app  # breaks lazy-adapters\n"
        "if TYPE_CHECKING:\n"
        "    from contractkit.contract import run_contract\n"
        "import importlib\n"
        "def main():\n"
        "    from contractkit.mock import server\n"
        'load = lambda: importlib.import_module("contractkit.mock.cli")\n'
        '@verb(importlib.import_module("contractkit.contract.cli"))  # breaks lazy-adapters\n'
        "def test(): ...\n"
    ),
    "src/contractkit/pytest_plugin.py": (
        "import os\n"
        "import pytest\n"
        "import yaml  # breaks pytest-plugin\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import httpx\n"
        "else:\n"
        "    import attrs  # breaks pytest-plugin\n"
        "def fixture():\n"
        "    import httpx\n"
    ),
    "src/impl/__init__.py": "",
    "src/impl/app.py": "from contractkit.impl.web import failures\n",
    "src/impl/errors.py": "from contractkit.lint_rules import findings  # breaks impl-outward\n",
    "src/impl/web/__init__.py": "from contractkit.impl.peerly import models  # breaks web\n",
    "src/impl/web/failures.py": "from contractkit.impl import errors\n",
    "src/impl/storage/__init__.py": "from ..web import failures  # breaks storage\n",
    "src/impl/peerly/__init__.py": "from contractkit.impl.storage import local\n",
    "src/impl/peerly/handlers/__init__.py": "",
    "src/impl/peerly/handlers/users.py": (
        "from . import recognitions\nfrom contractkit.impl.peerly.services import users\n"
    ),
    "src/impl/peerly/services/__init__.py": "",
    "src/impl/peerly/services/users.py": (
        "import importlib\n"
        "from contractkit.impl.peerly.handlers.users import list_users  # breaks handlers\n"
        "def other():\n"
        '    return importlib.import_module(f"contractkit.impl.pers.{1}")  # breaks api-to-api\n'
    ),
    "src/impl/pers/__init__.py": "",
    "src/impl/pers/handlers/__init__.py": "",
    "src/impl/blaize/__init__.py": "",
    "src/impl/blaize/handlers/__init__.py": "",
    "src/impl/blaize/people/__init__.py": "",
    "src/impl/blaize/people/accounts.py": (
        "from contractkit.impl.blaize.handlers import users  # breaks handlers, blaize-contexts\n"
    ),
    "mocks/__init__.py": "import impl.app  # breaks old-names\n",
    "mocks/server.py": "from contractkit.contract import runner  # breaks mock-and-runner\n",
    "contract_tests/__init__.py": "",
    "contract_tests/runner.py": "from contractkit.openapi import loader\n",
}
"""One small repository breaking every rule once or twice; ``# breaks`` marks each such line."""


def _marked(tree: dict[str, str]) -> set[tuple[str, int, str]]:
    marked = set()
    for path, source in tree.items():
        for number, line in enumerate(source.splitlines(), start=1):
            if "# breaks " in line:
                for name in line.split("# breaks ", 1)[1].split(","):
                    marked.add((path, number, name.strip()))
    return marked


def test_the_checker_finds_every_broken_rule_and_only_those(tmp_path: Path) -> None:
    for path, source in SYNTHETIC_TREE.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    found = violations(tmp_path)
    assert {(v.path.as_posix(), v.imported.line, v.rule.name) for v in found} == _marked(
        SYNTHETIC_TREE
    )
    assert {rule.name for rule in RULES} == {v.rule.name for v in found}
    message = str(next(v for v in found if v.rule.name == "storage"))
    assert message == (
        "src/impl/storage/__init__.py:1: contractkit.impl.storage imports"
        " contractkit.impl.web.failures -- breaks [storage] impl.storage imports nothing of"
        " impl.web or of an API package"
    )
