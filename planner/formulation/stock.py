"""Stock: vintage capacity that enters when built, never grows, and leaves at end of life.

Variables (capacity in the sector unit per year):
  CAP[s,k,c,y] >= 0   capacity of cohort c of technology k in service in year y, defined only
                      for start(c) <= y < end(c): a cohort leaves service exactly at its end
                      year (build year + lifetime, or the retirement year of existing stock).
  RETRO[s,r,c,y] >= 0 capacity of cohort c of the retrofit's source technology converted in y.

Constraints, for every cohort c in service in y with previous model year y':
  existing stock:   CAP[s,k,c,y0] = initial(c)                        (as variable bounds)
  new build:        NEW[s,k,y] := CAP[s,k,c=y,y]                       (free choice)
  free capacity:    a technology without capex or fixed O&M has one cohort 'free', sized freely
                    each year (not carried, no vintages; data._free_capacity); its additions are
                    FREE[y] - FREE[y'] (FREE[y0]: all of it is added over the stock data give)
  carry-over:       CAP[s,k,c,y] <= CAP[s,k,c,y'] - sum_r RETRO[s,r,c,y] + sum_r RETRO[s,r,c0,y]
                    where the inflow term applies to the retrofit cohort c = r:c0 of the target
                    technology and CAP[.., y'] is 0 before the cohort's first year.
The slack of the carry-over is early retirement. A retrofit moves capacity from k to k' and keeps
its vintage: the retrofitted cohort leaves service in the original cohort's end year.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.data import ModelData
from planner.index import ModelIndex


def add_stock(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Capacity, retrofit variables and the carry-over of every cohort."""
    m.CAP = pyo.Var(ix.cap, within=pyo.NonNegativeReals)
    for key, value in ix.existing.items():
        m.CAP[key].setlb(value)
        m.CAP[key].setub(value)
    m.RETRO = pyo.Var(ix.moves, within=pyo.NonNegativeReals)
    cap = dict(m.CAP.items())
    retro = dict(m.RETRO.items())
    carry = [key for key in ix.cap if carried(ix, key)]
    prev_of = ix.prev

    def carry_rule(m: pyo.ConcreteModel, s: str, k: str, c: str, y: int) -> object:
        before = cap.get((s, k, c, prev_of.get(y)))
        expr = cap[s, k, c, y] if before is None else cap[s, k, c, y] - before
        for mv in ix.move_out.get((s, k, c, y), ()):
            expr += retro[mv]
        for mv in ix.move_in.get((s, k, c, y), ()):
            expr -= retro[mv]
        return expr <= 0

    m.carry = pyo.Constraint(carry, rule=carry_rule)


def carried(ix: ModelIndex, key: tuple[str, str, str, int]) -> bool:
    """Whether cohort capacity CAP[key] is carried over from the year before (not fixed existing
    stock in the first year, not free capacity, not new build in its build year)."""
    s, k, c, y = key
    return key not in ix.existing and ix.free.get((s, k)) != c and not (c == str(y) and (s, k, y) in ix.new)


def capacity_in_use(m: pyo.ConcreteModel, ix: ModelIndex, util: dict, s: str, k: str, y: int) -> object:
    """Capacity that technology k runs in year y, ACT / utilisation (0 where it has none)."""
    return m.ACT[s, k, y] / util[s, k, y] if (s, k, y) in ix.active and util[s, k, y] > 0 else 0.0


def new_capacity(m: pyo.ConcreteModel, ix: ModelIndex, s: str, k: str, y: int) -> object:
    """New build of technology k in year y (0 where it may not be built)."""
    c = ix.new.get((s, k, y))
    return m.CAP[s, k, c, y] if c is not None else 0


def total_capacity(m: pyo.ConcreteModel, ix: ModelIndex, s: str, k: str, y: int) -> object:
    """Capacity of technology k in service in year y, summed over cohorts."""
    return sum(m.CAP[s, k, c, y] for c in ix.cohorts_in_service.get((s, k, y), ()))


def group_capacity(m: pyo.ConcreteModel, ix: ModelIndex, s: str, k: str, g: str, y: int) -> object:
    """Capacity in service in year y of the cohorts of group g (technologies with vintage inputs)."""
    return sum(m.CAP[s, k, c, y] for c in ix.members[(s, k, g, y)])


def additions(m: pyo.ConcreteModel, ix: ModelIndex, s: str, k: str, y: int) -> object:
    """Capacity added to technology k in year y: new build plus retrofits into k; for free capacity
    the increase of its 'free' cohort over the year before."""
    free = ix.free.get((s, k))
    if free is not None:
        now = m.CAP[s, k, free, y] if (s, k, free, y) in m.CAP.index_set() else 0
        prev = ix.prev.get(y)
        if prev is not None and (s, k, free, prev) in m.CAP.index_set():
            return now - m.CAP[s, k, free, prev]
        return now - ix.free_stock.get((s, k), 0.0)
    return new_capacity(m, ix, s, k, y) + sum(m.RETRO[mv] for mv in ix.additions_in.get((s, k, y), ()))
