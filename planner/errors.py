"""Errors the planner reports to its user.

Every error that reaches the command line carries a message in the user's terms: a bad input
names file, line and key path; a failed solve names the scenario, its budget and its limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    `path` is the key path inside the file (e.g. ``technologies.kiln_coal.capex``), `line` the
    1-based line number of the deepest key of that path found in the file (None if unknown).
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


@dataclass
class InputError(Exception):
    """Bad input: one exception listing every problem found, so the user fixes all at once."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        unique = dict.fromkeys(self.problems)
        self.problems = sorted(unique, key=lambda p: (p.file, p.line or 0, p.path))
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class SolveFailed(Exception):
    """An infeasible, unbounded or failed solve, explained in the scenario's terms."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def display_path(path: Path | str) -> str:
    """A path as the user should read it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
