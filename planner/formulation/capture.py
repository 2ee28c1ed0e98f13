"""Captured CO2: stored, or drawn as a feedstock, with its own balance.

A technology with capture captures cap[s,k,y] tCO2 per unit of activity (data.py: a share of the
fossil, process and biogenic CO2 formed at its site). The run's captured CO2 in year y is

  C[y] = sum_{s,k} cap[s,k,y] * ACT[s,k,y]                                  (MtCO2)

(per cohort, cap[s,k,c,y] * ACTC[s,k,c,y], for a technology with vintage inputs)

It is either stored or drawn by technologies that take the commodity that draws on capture (the
source src, commodity `draw_on_capture`, e.g. `captured_co2`, MtCO2; USE[src,y] is what they take):

  storage:  USE[sink,y] = C[y] - USE[src,y]   the commodity that stores captured CO2, priced at
            transport and storage and limited by its supply limit (formulation/limits.py)
  balance:  USE[src,y] - C[y] <= 0            `captured_co2_balance[y]`; its dual is the value of
            captured CO2 (reported as `scarcity|<src>`, USD/tCO2)

so stored + drawn = captured, and storage is never negative. There is one balance row per year
for all the run's sectors: a sector may draw CO2 that another captures (in a decomposed run the
row is shared and priced like a supply limit; a sector solved alone draws only its own).

Regional storage (a region set with a `limit` on the store, ModelData.storage_limit): what region
r stores is its captures less what its own users draw, at most its ceiling,

  storage_limit[r,y]:  C[r,y] - U[r,y] <= L[r,y]     (MtCO2/yr; dual: the region's storage scarcity)

with C[r,y] and U[r,y] the sums above over the instances in region r. CO2 drawn as a feedstock is
taken from the region's own captures first (an assumption: carrying CO2 between continents for
e-fuels is not modelled); a region that draws more than it captures takes the rest from the world
balance, and the regions it comes from count it as stored (on the safe side). The world row of
the store still holds the total; a sector the region set does not split (a supply sector) is in
no region and stores under the world limit only. A row exists where the region captures in that
year; in elastic mode it gets a slack priced like a supply limit's.

Counting. A capture site is credited with all it captures (site scope 1 = fossil - captured, in
data.py). A tonne drawn is not stored: the user is charged 1 tCO2 of fossil CO2 fed per tonne (the
engine gives src an emission factor of 1), so it counts when the fuel made from it burns in the
sector (e-methanol for ships, e-kerosene), or, where the user passes it on in a product, as that
product's carbon (technology `product_carbon`, counted as `emissions.product_carbon` says). Over
the run, with F the fossil carbon fed from fuels, feedstocks and process and U = sum_y USE[src,y]:

  sum (scope 1 + downstream) = F + U - C = F - stored

(plus stored biogenic CO2 as a negative), so only stored CO2 is removed. Captured fossil CO2 put
into an e-fuel counts once, when the e-fuel burns; captured biogenic CO2 drawn is neutral (the
site's credit and the user's charge cancel), as is biogenic or air-captured CO2 bought for
e-fuels (no emission factor).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.emissions import PHYSICAL_PENALTY, activity_terms
from planner.formulation.soft import add_slack
from planner.index import ModelIndex


def add_captured(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """CAPTURED[y] = C[y]: the CO2 captured in year y by all the run's technologies (MtCO2); per
    cohort, sum_c cap[s,k,c,y] * ACTC[s,k,c,y], for a technology with vintage inputs."""
    terms: dict[int, list[tuple[float, object]]] = defaultdict(list)
    for (_s, y), found in activity_terms(m, d, ix, "captured").items():
        terms[y].extend(found)
    m.CAPTURED = pyo.Expression(d.years, rule=lambda m, y: sum(c * x for c, x in terms[y]))
    m.capture_years = set(terms)


def add_capture_balance(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """What is drawn of the captured CO2 in a year is at most what is captured (module docstring).

    The row exists wherever the model captures or draws, so that a sector LP of a decomposed run
    that only captures still offers its CO2 on the shared row."""
    src = d.capture_source
    drawn = src is not None and (src, d.years[0]) in m.USE.index_set()
    years = [y for y in d.years if src is not None and (drawn or y in m.capture_years)]
    m.captured_co2_balance = pyo.Constraint(years, rule=lambda m, y: (
        m.USE[src, y] if drawn else 0) - m.CAPTURED[y] <= 0)


def add_storage_limits(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex, elastic: bool = False) -> None:
    """Each region's captures less its own users' draws within its storage ceiling (module docstring)."""
    captured: dict[tuple[str, int], list[tuple[float, object]]] = defaultdict(list)
    if d.storage_limit:
        for (s, y), found in activity_terms(m, d, ix, "captured").items():
            r = d.region_of.get(s)
            if (r, y) in d.storage_limit:
                captured[r, y].extend(found)
    src = d.capture_source
    drawn: dict[tuple[str, int], list[tuple[float, object]]] = defaultdict(list)
    for (r, y) in captured:
        for s, k, a in ix.users.get((src, y), ()) if src is not None else ():
            if d.region_of.get(s) == r:
                drawn[r, y].append((a, m.ACT[s, k, y]))
        for s, k, c, a in ix.cohort_users.get((src, y), ()) if src is not None else ():
            if d.region_of.get(s) == r:
                drawn[r, y].append((a, m.ACTC[s, k, c, y]))
    rows = sorted(captured)
    over = add_slack(m, "storage_limit", rows if elastic else [], lambda key: PHYSICAL_PENALTY)
    m.storage_limit = pyo.Constraint(rows, rule=lambda m, r, y: (
        sum(c * x for c, x in captured[r, y]) - sum(a * x for a, x in drawn[r, y]) - over((r, y))
        <= d.storage_limit[r, y]))
