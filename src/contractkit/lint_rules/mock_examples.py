"""``mock-examples``: examples the mock server skips (it serves the next usable one instead)."""

from __future__ import annotations

from contractkit.lint_rules.context import ApiContext
from contractkit.lint_rules.findings import Finding
from contractkit.openapi import SpecError, load_file
from contractkit.openapi.loader import has_operations


def check_mock_examples(ctx: ApiContext) -> list[Finding]:
    """Examples whose ``$ref``/``externalValue`` cannot be read or whose value breaks its
    schema, as ``contractkit mock`` lists them at start-up (warnings)."""
    from contractkit.mock.engine import MockEngine

    modules = []
    for file in ctx.files:
        try:
            if has_operations(load_file(file)):
                modules.append(file)
        except SpecError:
            continue
    if not modules:
        return []
    engine = MockEngine.from_paths(modules)
    return [
        Finding(
            "warning",
            ctx.shown(defect.file),
            f"{defect.operation} {defect.status} {defect.media}",
            "mock-examples",
            f"example {defect.example!r} is not served by the mock: it {defect.reason}",
        )
        for defect in engine.example_defects()
    ]
