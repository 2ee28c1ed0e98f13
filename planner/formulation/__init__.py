"""The generic LP: one formulation for every sector, built from ModelData tables.

`build_model` reads like the table of contents of the formulation; each family's math is in the
docstring of its module.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.data import ModelData
from planner.errors import SolveFailed
from planner.formulation.activity import add_activity
from planner.formulation.costs import add_objective
from planner.formulation.dynamics import add_group_limits, add_service_life, add_utilisation_floors
from planner.formulation.emissions import add_emissions
from planner.formulation.limits import add_build_limits, add_commodity_limits
from planner.formulation.milestones import add_milestones
from planner.formulation.stock import add_stock
from planner.index import ModelIndex, build_index


def build_model(d: ModelData, elastic: bool = False) -> tuple[pyo.ConcreteModel, ModelIndex]:
    """The Pyomo model of a run (and its index sets, for reading the solution back)."""
    ix = build_index(d)
    check_servable(d, ix)
    m = pyo.ConcreteModel(name=d.scenario)
    add_stock(m, d, ix)                 # vintages, retirements, retrofits
    add_activity(m, d, ix)              # output within capacity, demand and balances, shares
    add_emissions(m, d, ix, elastic)    # scope 1 net of capture, budget, annual caps
    add_commodity_limits(m, d, ix, elastic)  # purchases, supply limits, pools; captured CO2 stored or drawn
    add_build_limits(m, d, ix)          # absolute and relative build rates
    add_utilisation_floors(m, d, ix)    # plants run unless retired; free capacity runs at utilisation
    add_group_limits(m, d, ix)          # group build, turnover and adoption limits
    add_service_life(m, d, ix)          # no early retirement of young capacity built in the horizon
    add_milestones(m, d, ix, elastic)   # the scenario's commitments (hard or soft)
    add_objective(m, d, ix)             # discounted cost with salvage
    fix_history(m, d)                   # the first year as history (planner/history.py)
    return m, ix


def fix_history(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Hold the first year's decisions at `d.history` (entries the model does not hold, e.g. another
    sector's in a sector LP of the decomposition, are skipped). The values go to `m.fixed_values`,
    which the compiler reports with the columns."""
    m.fixed_values = {}
    for name, entries in d.history.items():
        var = getattr(m, name, None)
        if var is None:
            continue
        for idx, value in entries.items():
            if idx in var:
                var[idx].fix(value)
                m.fixed_values[name, idx] = value


def check_servable(d: ModelData, ix: ModelIndex) -> None:
    """Fail early, in the scenario's terms, when a demand has no technology able to serve it."""
    gaps = []
    for (s, p, y), need in d.demand.items():
        if need > 0 and not ix.makers.get((s, p, y)):
            gaps.append((s, p, y))
    if gaps:
        s, p, y = gaps[0]
        years = sorted({g[2] for g in gaps if g[:2] == (s, p)})
        raise SolveFailed("infeasible", f"Scenario '{d.scenario}': no technology of the {s} sector can make "
                          f"{p} in {years[0]}" + (f"-{years[-1]}" if len(years) > 1 else "")
                          + " (no existing stock in service and none available to build).")
