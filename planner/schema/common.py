"""Building blocks shared by the sector, commodity and scenario schemas.

A *trajectory* is either one number (constant in time) or a map ``year: value``; between given
years it is interpolated linearly, before the first and after the last it is held flat.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, PlainValidator

YEAR_MIN, YEAR_MAX = 1900, 2200


def _check_trajectory(value: Any) -> float | dict[int, float]:
    if isinstance(value, bool):
        raise ValueError("expected a number or a map of year: value")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("value must be a finite number")
        return float(value)
    if isinstance(value, dict):
        if not value:
            raise ValueError("a trajectory needs at least one year: value")
        points: dict[int, float] = {}
        for year, number in value.items():
            if isinstance(year, str) and year.strip().isdigit():
                year = int(year)
            if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
                raise ValueError(f"year {year!r} is not a calendar year")
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise ValueError(f"value for {year} must be a finite number, got {number!r}")
            points[year] = float(number)
        return dict(sorted(points.items()))
    raise ValueError(f"expected a number or a map of year: value, got {type(value).__name__}")


Trajectory = Annotated[
    float | dict[int, float],
    PlainValidator(_check_trajectory),
    PlainSerializer(lambda v: v, return_type=Any),
]
"""A number, or ``{year: value}`` interpolated linearly and held flat outside its years."""


def _non_negative(value: float | dict[int, float]) -> float | dict[int, float]:
    if trajectory_min(value) < 0:
        raise ValueError("must not be negative")
    return value


NonNegativeTrajectory = Annotated[Trajectory, AfterValidator(_non_negative)]
"""A trajectory that is never negative: demand, input and output coefficients, prices, limits."""


def trajectory_min(traj: float | dict[int, float]) -> float:
    """Smallest value a trajectory takes."""
    return traj if isinstance(traj, float) else min(traj.values())


def trajectory_max(traj: float | dict[int, float]) -> float:
    """Largest value a trajectory takes."""
    return traj if isinstance(traj, float) else max(traj.values())


class Strict(BaseModel):
    """Base of every schema model: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


Traj = float | dict[int, float] | None


def interpolate(traj: Traj, years: list[int], default: float = np.nan) -> np.ndarray:
    """Values of a trajectory in `years`: linear between its years, flat outside."""
    if traj is None:
        return np.full(len(years), default, dtype=float)
    if isinstance(traj, (int, float)):
        return np.full(len(years), float(traj))
    xs = np.array(list(traj.keys()), dtype=float)
    ys = np.array(list(traj.values()), dtype=float)
    return np.interp(np.array(years, dtype=float), xs, ys)
