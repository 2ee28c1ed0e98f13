"""Soft rows: one helper owns a row family's slack and its penalty.

A soft row of family F holds ``lhs - slack[key] <= rhs`` (a `>=` row: ``lhs + slack[key] >= rhs``)
with ``0 <= slack[key] <= upper[key]``, and adds ``penalty[key] * slack[key]`` to the objective's
penalty terms ``m.elastic_terms`` (million money, present value). Results take those terms out of
the objective to give the plan's cost (run.json `cost` and `penalties`). The slack variable is
named by the family's `soft` in planner/families.py: budget_slack, cap_slack, supply_slack,
pool_slack, storage_slack, milestone_short.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pyomo.environ as pyo

from planner.families import FAMILIES


def penalty_terms(m: pyo.ConcreteModel) -> pyo.Expression:
    """The objective's penalty terms (created empty on first use)."""
    if not hasattr(m, "elastic_terms"):
        m.elastic_terms = pyo.Expression(expr=0)
    return m.elastic_terms


def add_slack(m: pyo.ConcreteModel, family: str, keys: Sequence[Hashable], penalty: Callable[[Any], float],
              upper: Callable[[Any], float] | None = None) -> Callable[[Any], Any]:
    """Declare the slack of `family`'s rows `keys` (none: the family is hard), price it at
    `penalty(key)` per unit and return ``slack(key)``: the slack variable of a soft row, 0 for a
    hard one."""
    name = FAMILIES[family].soft
    assert name is not None, f"{family} has no slack in planner/families.py"
    keys = list(keys)

    def bounds(_m: pyo.ConcreteModel, *key: Any) -> tuple[float, float | None]:
        return 0.0, (upper(key[0] if len(key) == 1 else key) if upper is not None else None)

    var = pyo.Var(keys, within=pyo.NonNegativeReals, bounds=bounds)
    setattr(m, name, var)
    terms = penalty_terms(m)
    if keys:
        terms.expr += sum(penalty(k) * var[k] for k in keys)
    soft = set(keys)
    return lambda key: var[key] if key in soft else 0.0
