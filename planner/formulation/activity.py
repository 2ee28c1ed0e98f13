"""Activity: output of each technology, bounded by its capacity, meeting product demand.

Variables: ACT[s,k,y] >= 0, output of technology k in year y (sector unit, e.g. Mt/yr).

Constraints:
  capacity:  ACT[s,k,y] <= utilisation[s,k,y] * sum_c CAP[s,k,c,y]
  balance:   sum_k a[s,k,p,y] * ACT[s,k,y] = demand[s,p,y] for a product p, = 0 for an
             intermediate (a = output minus input of p per unit of activity): what is made is
             used, so no plant runs to make waste (which would also widen the limits measured on
             capacity in use). The dual of a product row is its marginal cost (present value,
             million USD per unit).
  max share: ACT[s,k,y] <= max_share[s,k,y] * sum_{k' with the same output} ACT[s,k',y]
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.index import ModelIndex
from planner.formulation.stock import total_capacity


def add_activity(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Activity variables, capacity limits, commodity balances and maximum shares."""
    m.ACT = pyo.Var(ix.act, within=pyo.NonNegativeReals)
    util = d.tech_year["utilisation"].to_dict()
    m.capacity_limit = pyo.Constraint(
        ix.act, rule=lambda m, s, k, y: m.ACT[s, k, y] <= util[s, k, y] * total_capacity(m, ix, s, k, y))

    demand = d.demand.to_dict()
    rows = [(s, p, y) for (s, p) in d.balances.index for y in d.years]

    def balance_rule(m: pyo.ConcreteModel, s: str, p: str, y: int) -> object:
        made = sum(a * m.ACT[s, k, y] for k, a in ix.makers.get((s, p, y), ()))
        need = demand.get((s, p, y), 0.0)
        if isinstance(made, (int, float)):  # nothing can make p in y: checked before the build
            return pyo.Constraint.Skip
        return made == need

    m.balance = pyo.Constraint(rows, rule=balance_rule)

    share = d.tech_year["max_share"].to_dict()
    capped = [(s, k, y) for (s, k, y) in ix.act if not math.isnan(share[s, k, y])]
    m.max_share = pyo.Constraint(capped, rule=lambda m, s, k, y: m.ACT[s, k, y] <= share[s, k, y] * sum(
        m.ACT[s, k2, y] for k2 in ix.same_output[(s, k, y)]))
