"""Trade: products and intermediates moved between the regions of a run (planner/regions.py).

Variables: TRADE[p,a,b,y] >= 0, the quantity of product or intermediate p that sector instance a
(a sector in one region) sends to instance b (the same sector in another region) in year y, in
p's unit per year; one per route of ModelData.trade.

Terms and rows:
  balance (activity.py):  ... + sum_a TRADE[p,a,s,y] - sum_b TRADE[p,s,b,y] = demand[s,p,y]
                          (imports count as made in s, exports as used)
  cost (costs.py):        sum weight[y] * t[p,a,b,y] * TRADE[p,a,b,y], t the transport cost per
                          unit (USD/t = million USD per Mt)
  import share:           sum_a TRADE[p,a,s,y] <= x[s,p,y] * U[s,p,y]
                          with U the use of p in s: its demand plus what s's technologies consume
                          of it; a region covers at least 1 - x of its own use (self-sufficiency)
  local share:            P[s,p,y] >= f[s,p,y] * U[s,p,y], P what s's technologies make of p
                          (the MPP shared models' regional production floor)
  build share:            B[s,p,y] <= b[s,p,y] * sum_{s' of the sector} B[s',p,y], B the capacity of
                          p's makers built in the horizon and in service in y (the MPP ammonia
                          model's cap on a region's share of the world's new plants)
  local minimum:          P[s,p,y] >= min(f * demand[s,p,y], c * K[s,p]), K what s's makers of p
                          in service in the first model year can make (capacity x utilisation
                          ceiling); the MPP steel model: a region runs its existing plants up to
                          its own demand before it imports; computed in data.py

A region exports only what its plants make: without a route's cost the model would be indifferent
to where a unit is made, so each route carries its transport cost, and a sea route its freight.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from planner.data import ModelData
from planner.index import ModelIndex

Key = tuple[str, str, int]


def add_trade(m: pyo.ConcreteModel, d: ModelData) -> dict[Key, object]:
    """TRADE variables; returns (instance, commodity, year) -> net imports, for the balance rows."""
    routes = _in_horizon(d)
    keys = list(zip(routes["commodity"], routes["origin"], routes["destination"], routes["year"].astype(int)))
    m.TRADE = pyo.Var(keys, within=pyo.NonNegativeReals)
    net: dict[Key, object] = {}
    for p, a, b, y in keys:
        net[b, p, y] = net.get((b, p, y), 0) + m.TRADE[p, a, b, y]
        net[a, p, y] = net.get((a, p, y), 0) - m.TRADE[p, a, b, y]
    return net


def add_import_shares(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Imports at most the share x of an instance's use; the local-production floors (module docstring)."""
    into: dict[Key, list] = {}
    for key in m.TRADE.index_set():
        p, _a, b, y = key
        into.setdefault((b, p, y), []).append(m.TRADE[key])
    rows = [key for key in d.import_share if key in into and key[2] in d.weight]
    demand = d.demand.to_dict()

    def use(s: str, p: str, y: int) -> object:
        consumed = sum(-a * m.ACT[s, k, y] for k, a in ix.makers.get((s, p, y), ()) if a < 0)
        consumed += sum(-b * m.ACTC[s, k, c, y] for k, c, b in ix.cohort_makers.get((s, p, y), ()) if b < 0)
        return demand.get((s, p, y), 0.0) + consumed

    def made(s: str, p: str, y: int) -> object:
        out = sum(a * m.ACT[s, k, y] for k, a in ix.makers.get((s, p, y), ()) if a > 0)
        return out + sum(b * m.ACTC[s, k, c, y] for k, c, b in ix.cohort_makers.get((s, p, y), ()) if b > 0)

    m.import_share = pyo.Constraint(rows, rule=lambda m, s, p, y: sum(into[s, p, y])
                                    <= d.import_share[s, p, y] * use(s, p, y))
    shares = [key for key in d.local_share if key in into and key[2] in d.weight and d.local_share[key] > 0]
    m.local_share = pyo.Constraint(shares, rule=lambda m, s, p, y: made(s, p, y)
                                   >= d.local_share[s, p, y] * use(s, p, y))
    minimum = [key for key in d.local_minimum if key in into and key[2] in d.weight and d.local_minimum[key] > 0]
    m.local_minimum = pyo.Constraint(minimum, rule=lambda m, s, p, y: made(s, p, y) >= d.local_minimum[s, p, y])

    output = d.techs["output"].to_dict()
    makers: dict[tuple[str, str], list[str]] = {}
    for s, k in d.techs.index:
        makers.setdefault((s, output[(s, k)]), []).append(k)
    peers: dict[tuple[str, str], list[str]] = {}
    for s, p, _y in d.build_share:
        peers.setdefault((s, p), [i for i in d.instances(d.base(s)) if (i, p) in makers])

    new_cohorts = set(d.cohorts.index[d.cohorts["kind"] == "new"])

    def built(s: str, p: str, y: int) -> object:
        """Capacity of p's makers in instance s built in the horizon and still in service in y
        (plants built and retired early, or built to stand idle below the utilisation floor, do not
        widen another region's share)."""
        return sum(m.CAP[s, k, c, y] for k in makers.get((s, p), ())
                   for c in ix.cohorts_in_service.get((s, k, y), ()) if (s, k, c) in new_cohorts)

    caps = [key for key in d.build_share if key[2] in d.weight and key[2] > d.years[0] and len(peers[key[:2]]) > 1]
    m.build_share = pyo.Constraint(caps, rule=lambda m, s, p, y: built(s, p, y)
                                   <= d.build_share[s, p, y] * sum(built(i, p, y) for i in peers[s, p]))


def trade_cost(m: pyo.ConcreteModel, d: ModelData) -> object:
    """sum weight[y] * cost * TRADE (million USD, present value)."""
    r = _in_horizon(d)
    return sum(d.weight[int(y)] * c * m.TRADE[p, a, b, int(y)]
               for p, a, b, y, c in zip(r["commodity"], r["origin"], r["destination"], r["year"], r["cost"]) if c)


def _in_horizon(d: ModelData) -> pd.DataFrame:
    """The routes of the run's model years (a run cut to its first year, history.py, keeps the rest)."""
    return d.trade[d.trade["year"].isin(d.years)]
