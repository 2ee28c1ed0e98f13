"""Milestones: one row per milestone, bound and year (the rows' math is in planner/milestones.py).

  min:  N - b * B + short >= 0        max:  N - b * B - short <= 0
with `short` >= 0 only for soft milestones (priced at their penalty per unit, times weight[y],
in the objective) and, in elastic mode, for every milestone (priced at ELASTIC_PENALTY).
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.emissions import ELASTIC_PENALTY
from planner.formulation.soft import add_slack
from planner.index import ModelIndex


def add_milestones(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex, elastic: bool = False) -> None:
    """Milestone rows and the shortfall variables of soft (or elastic) milestones."""
    from planner.milestones import milestone_rows  # plain-Python row definitions

    rows = {r.key: r for r in milestone_rows(d, ix)}
    soft = [key for key, r in rows.items() if r.penalty is not None or elastic]

    def penalty(key: tuple) -> float:
        r = rows[key]
        return (ELASTIC_PENALTY if elastic and r.penalty is None else r.penalty) * d.weight[r.year]

    shortfall = add_slack(m, "milestone", soft, penalty)

    def term(var: str, idx: object) -> object:
        component = getattr(m, var)
        return component[idx] if idx in component.index_set() else 0.0

    def rule(m: pyo.ConcreteModel, name: str, sense: str, y: int) -> object:
        r = rows[(name, sense, y)]
        expr = sum(c * term(v, i) for (v, i), c in r.num.items())
        expr -= r.bound * (sum(c * term(v, i) for (v, i), c in r.base.items()) + r.base_const)
        short = shortfall(r.key)
        if sense == "min":
            return expr + short >= 0
        return expr - short <= 0

    m.milestone = pyo.Constraint(list(rows), rule=rule)
