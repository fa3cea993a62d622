"""The runner's results: findings, coverage and the outcome of one run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One way a server departs from its contract, with a request that shows it.

    `check` names the check that failed (a Schemathesis check such as
    `response_schema_conformance`, or one of ours such as `crud_update_read`).
    `source` says which part of the runner found it: `schemathesis`, `crud`,
    `coverage` or `differential`.
    """

    document: str
    operation: str
    check: str
    title: str
    message: str
    curl: str
    source: str
    severity: str = "high"

    @property
    def fingerprint(self) -> tuple[str, str, str, str]:
        """What identifies the finding across runs (the message varies with generated data)."""
        return (self.document, self.operation, self.check, self.title)


@dataclass(frozen=True)
class RunError:
    """Something that kept part of the contract from being verified (not a finding)."""

    document: str
    title: str
    message: str


@dataclass(frozen=True)
class FamilyReport:
    """One create/read family the CRUD phase found: walked or skipped, and the details.

    `checked` is true when the family's items were created and the checks ran; `detail` names
    its operations (or the reason it was skipped); `skipped` lists checks that could not run on
    it, each with the reason.
    """

    document: str
    family: str
    checked: bool
    detail: str
    skipped: list[str] = field(default_factory=list)


@dataclass
class OperationCoverage:
    """The documented status codes of one operation, and those the run observed."""

    document: str
    operation: str
    documented: list[str]
    observed: set[int] = field(default_factory=set)

    @property
    def missing(self) -> list[str]:
        """Documented codes (or `4XX`-style ranges) no response matched."""
        return [code for code in self.documented if not _matches_any(code, self.observed)]


def _matches_any(documented: str, observed: set[int]) -> bool:
    code = documented.upper()
    if code.endswith("XX"):
        return any(str(status).startswith(code[0]) for status in observed)
    return code.isdigit() and int(code) in observed


@dataclass
class RunResult:
    """Everything one run found, after the baseline was applied."""

    documents: list[str]
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    coverage: list[OperationCoverage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    families: list[FamilyReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Signs that the run checked less than the document promises (e.g. a CRUD phase that
    sent nothing); failures under `strict`."""
    strict: bool = False
    seed: int | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing new was found and nothing kept the run from checking (and, when
        strict, nothing was warned about)."""
        return not self.findings and not self.errors and not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        """0 when clean, 1 otherwise."""
        return 0 if self.ok else 1

    def checks_failed(self) -> set[str]:
        """Names of the checks with at least one new finding."""
        return {finding.check for finding in self.findings}
