"""Emissions: scope 1 net of capture per sector and year, the carbon budget and annual caps.

Variables: EM[s,y] (free), MtCO2 per year of sector s, scope 1 net of capture.

Counted emissions (what the budget, the caps and a carbon price apply to), MtCO2e:
  CNT[s,y] = EM[s,y] + sum_k x[s,k,y] * ACT[s,k,y],  x = counted - scope1 of data.py, i.e. the
             CO2e (GWP100) of the non-CO2 gases the scenario counts (`emissions.gases`) plus the
             carbon released downstream if the budget counts it; per cohort, x[s,k,c,y] *
             ACTC[s,k,c,y], for a technology with vintage inputs. With CO2 alone and no product
             carbon x = 0 and CNT = EM.

Constraints:
  definition:  EM[s,y] = sum_k e1[s,k,y] * ACT[s,k,y]  with e1 the net scope-1 factor of
               data.py (tCO2 per unit: fuel CO2 + process CO2 - captured CO2); a technology with
               vintage inputs counts per cohort, sum_c e1[s,k,c,y] * ACTC[s,k,c,y] (scope 2 and
               the counted terms alike)
  budget[b]:   sum_{s in S_b} sum_{y in budget years} length[y] * (CNT[s,y] + [scope 2]) <= B_b
               (MtCO2), one row per budget b of data.budget_rows: b = 'all' (S_b = the run's
               sectors; mode `optimal`) or b = a sector (S_b = {b}; mode `shares`). Its dual,
               negated, is the carbon price in present-value USD/tCO2; the price in year y is
               that times length[y] / weight[y] (results/extract.py; with annual steps 1 / df[y],
               the Hotelling path).
  annual caps: sum_{s in S_w} CNT[s,y] <= cap[w,y] for w = 'all', a sector, a region or a sector in
               a region (S_w: the sector instances it stands for, ModelData.instances).
In elastic mode the budget and caps get a nonnegative slack priced at `ELASTIC_PENALTY`
(USD/tCO2), so an infeasible target is reported with the amount by which it is missed. A soft
budget (scenario `budget.soft.penalty`, USD/tCO2 in present value) has the same slack at its
penalty, in elastic mode too: the overshoot, where no plan reaches the budget, and a carbon price
capped at the penalty.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.soft import add_slack
from planner.index import ModelIndex

SLACK_BOUND = 100.0
"""A budget's slack is at most this many times the budget (MtCO2)."""

ELASTIC_PENALTY = 1.0e5
"""USD per tCO2 (million USD per MtCO2) charged on budget or cap violations in elastic mode."""

PHYSICAL_PENALTY = 100 * ELASTIC_PENALTY
"""Per unit (PJ, Mt) charged on supply and pool limit violations in elastic mode: a hundred times
the budget's per tCO2, so the elastic plan misses a budget, cap or milestone before it buys
resources that do not exist. A unit of a resource saves at most tens of tCO2 (a t of aluminium
scrap spares the 12-16 tCO2 of a t of primary metal), so at equal or tenfold prices the elastic
plan would exceed the scrap supply and report it as the cause."""


def add_emissions(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex, elastic: bool = False) -> None:
    """Emission variables and their definition rows; the budget and caps."""
    sy = [(s, y) for s in d.sectors for y in d.years]
    m.EM = pyo.Var(sy, within=pyo.Reals)
    e1 = activity_terms(m, d, ix, "scope1")
    e2 = activity_terms(m, d, ix, "scope2")
    m.emissions_def = pyo.Constraint(sy, rule=lambda m, s, y: m.EM[s, y] == sum(
        f * x for f, x in e1.get((s, y), ())))
    extra = activity_terms(m, d, ix, "counted", less="scope1")
    m.CNT = pyo.Expression(sy, rule=lambda m, s, y: m.EM[s, y] + sum(f * x for f, x in extra.get((s, y), ())))

    def scope2(m: pyo.ConcreteModel, s: str, y: int) -> object:
        return sum(f * x for f, x in e2.get((s, y), ()))

    budgets = list(d.budget_rows)
    soft = elastic or d.budget_penalty is not None
    # a soft budget keeps its own penalty in elastic mode: overshooting it is allowed, not a violation.
    # Bounded (by far more than any plan can miss) so that a sector LP of the price decomposition,
    # whose budget row is freed and priced, stays bounded when the price exceeds the penalty.
    price = d.budget_penalty if d.budget_penalty is not None else ELASTIC_PENALTY
    over = add_slack(m, "budget", budgets if soft else [], lambda b: price,
                     upper=lambda b: SLACK_BOUND * max(abs(d.budget_rows[b]), 1.0))

    def budget_rule(m: pyo.ConcreteModel, b: str) -> object:
        members = d.instances(b)
        total = sum(d.length[y] * (m.CNT[s, y] + (scope2(m, s, y) if d.budget_include_scope2 else 0))
                    for s in members for y in d.budget_years)
        return total - over(b) <= d.budget_rows[b]

    m.budget = pyo.Constraint(budgets, rule=budget_rule)

    caps = list(d.caps)
    excess = add_slack(m, "annual_cap", caps if elastic else [], lambda key: ELASTIC_PENALTY)

    def cap_rule(m: pyo.ConcreteModel, who: str, y: int) -> object:
        em = sum(m.CNT[s, y] for s in d.instances(who))
        return em - excess((who, y)) <= d.caps[who, y]

    m.annual_cap = pyo.Constraint(caps, rule=cap_rule)


def activity_terms(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex, column: str, less: str | None = None
                   ) -> dict[tuple[str, int], list[tuple[float, object]]]:
    """(s, y) -> the nonzero terms f * x of a per-unit emission factor (a column of data.ACCOUNTING,
    e.g. `scope1`, `captured`, `scope2`, `counted`; with `less`, that column minus another):
    f[s,k,y] * ACT[s,k,y], and f[s,k,c,y] * ACTC[s,k,c,y] for vintage technologies."""
    def factor(table: pd.DataFrame) -> dict:
        return (table[column] - table[less] if less else table[column]).to_dict()

    per_tech, per_cohort = factor(d.tech_year), factor(d.vintage_year)
    tol = 1e-12 if less else 0.0  # a difference of equal columns may leave rounding noise
    out: dict[tuple[str, int], list[tuple[float, object]]] = {}
    for s, k, y in ix.act:
        if (s, k) not in ix.vintage and abs(per_tech[s, k, y]) > tol:
            out.setdefault((s, y), []).append((per_tech[s, k, y], m.ACT[s, k, y]))
    for key in ix.actc:
        if abs(per_cohort[key]) > tol:
            out.setdefault((key[0], key[3]), []).append((per_cohort[key], m.ACTC[key]))
    return out
