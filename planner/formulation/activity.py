"""Activity: output of each technology, bounded by its capacity, meeting product demand.

Variables: ACT[s,k,y] >= 0, output of technology k in year y (sector unit, e.g. Mt/yr);
ACTC[s,k,g,y] >= 0, output of the cohorts c in group g, only for a technology k with vintage
inputs (V); a group pools the cohorts that run with the same coefficients (vintages.vintage_groups),
often a single cohort.

Constraints:
  capacity:  ACT[s,k,y] <= utilisation[s,k,y] * sum_c CAP[s,k,c,y]          (k not in V)
             ACTC[s,k,g,y] <= utilisation[s,k,y] * sum_{c in g} CAP[s,k,c,y] (k in V)
             ACT[s,k,y] = sum_g ACTC[s,k,g,y]                               (k in V)
  balance:   sum_k a[s,k,p,y] * ACT[s,k,y] + sum_{k in V, c} b[s,k,c,p,y] * ACTC[s,k,c,y]
             = demand[s,p,y] for a product p, = 0 for an intermediate (a = output minus input of
             p per unit of activity, the inputs of a technology in V taken per cohort: b = -input
             of p of cohort c, read at its vintage): what is made is used, so no plant runs to
             make waste (which would also widen the limits measured on capacity in use). The dual
             of a product row is its marginal cost (present value, million USD per unit). With a
             region set, net imports (formulation/trade.py) count as made.
  max share: ACT[s,k,y] <= max_share[s,k,y] * sum_{k' with the same output} ACT[s,k',y]
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.stock import group_capacity, total_capacity
from planner.formulation.trade import add_import_shares, add_trade
from planner.index import ModelIndex


def add_activity(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Activity variables, capacity limits, commodity balances and maximum shares."""
    m.ACT = pyo.Var(ix.act, within=pyo.NonNegativeReals)
    m.ACTC = pyo.Var(ix.actc, within=pyo.NonNegativeReals)
    util = d.tech_year["utilisation"].to_dict()
    whole = [key for key in ix.act if key[:2] not in ix.vintage]
    m.capacity_limit = pyo.Constraint(
        whole, rule=lambda m, s, k, y: m.ACT[s, k, y] <= util[s, k, y] * total_capacity(m, ix, s, k, y))
    m.cohort_capacity_limit = pyo.Constraint(
        ix.actc, rule=lambda m, s, k, g, y: m.ACTC[s, k, g, y] <= util[s, k, y] * group_capacity(m, ix, s, k, g, y))
    groups: dict[tuple[str, str, int], list[str]] = {}
    for s, k, g, y in ix.actc:
        groups.setdefault((s, k, y), []).append(g)
    by_cohort = [key for key in ix.act if key[:2] in ix.vintage]
    m.cohort_activity = pyo.Constraint(by_cohort, rule=lambda m, s, k, y: m.ACT[s, k, y] == sum(
        m.ACTC[s, k, g, y] for g in groups.get((s, k, y), ())))

    demand = d.demand.to_dict()
    rows = [(s, p, y) for (s, p) in d.balances.index for y in d.years]
    traded = add_trade(m, d)

    def balance_rule(m: pyo.ConcreteModel, s: str, p: str, y: int) -> object:
        made = sum(a * m.ACT[s, k, y] for k, a in ix.makers.get((s, p, y), ()))
        made += sum(b * m.ACTC[s, k, c, y] for k, c, b in ix.cohort_makers.get((s, p, y), ()))
        made += traded.get((s, p, y), 0)
        need = demand.get((s, p, y), 0.0)
        if isinstance(made, (int, float)):  # nothing can make p in y: checked before the build
            return pyo.Constraint.Skip
        return made == need

    m.balance = pyo.Constraint(rows, rule=balance_rule)

    share = d.tech_year["max_share"].to_dict()
    capped = [(s, k, y) for (s, k, y) in ix.act if not math.isnan(share[s, k, y])]
    add_import_shares(m, d, ix)
    m.max_share = pyo.Constraint(capped, rule=lambda m, s, k, y: m.ACT[s, k, y] <= share[s, k, y] * sum(
        m.ACT[s, k2, y] for k2 in ix.same_output[(s, k, y)]))
