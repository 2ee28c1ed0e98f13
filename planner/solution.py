"""A solve's outcome in the planner's own terms, with no solver in sight: what the solver layer
(planner/solve.py, planner/decompose.py) returns and what results, explanations and the CLI read.
Importing it loads neither Pyomo nor HiGHS."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Solver outcome in the planner's own terms."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass
class Solution:
    """A solve's outcome: status, objective, timings, and values/duals by component and index."""

    status: Status
    objective: float | None
    timings: dict[str, float]
    values: dict[str, dict[Any, float]] = field(default_factory=dict)
    duals: dict[str, dict[Any, float]] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    message: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    """how the solution was found when it is not one LP (the decomposition's rounds and bounds)"""
    levels: dict[str, dict[Any, float]] = field(default_factory=dict)
    """for each row with a nonzero dual, the size of the limit it holds (solve.row_levels)"""
