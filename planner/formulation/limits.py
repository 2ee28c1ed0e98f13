"""Limits: purchases of shared commodities and their supply limits; build-rate limits.

Availability and last build years need no row: a cohort exists only for the years in which
its technology may be built (data.py), so nothing can be built outside them.

Variables: USE[m,y] (free), net purchase of commodity m in year y (its unit: PJ or Mt), summed
over every sector of the run; captured CO2 (Mt) not drawn as a feedstock goes to the commodity
that stores it (formulation/capture.py).

Constraints:
  purchase:      USE[m,y] = sum_{s,k} a[s,k,m,y] * ACT[s,k,y]
                 with a technology k of vintage inputs taken per cohort:
                 sum_c a[s,k,c,m,y] * ACTC[s,k,c,y]
                 (the store: + CAPTURED[y] - USE[src,y], captured less drawn)
  annual limit:  USE[m,y] <= limit[m,y]              (dual: scarcity price, PV per unit)
  cumulative:    sum_y length[y] * USE[m,y] <= cumulative_limit[m]
  pool:          sum_m f[p,m] * USE[m,y] <= pool_limit[p,y]   (and the cumulative form), for a
                 pool p of commodities that draw on one resource (f: pool units per unit bought)
  regional storage: a region's captures less its own users' draws <= its storage ceiling
                 (formulation/capture.py, with a region set that limits the store)
  absolute build rate:  ADD[s,k,y] <= max_build[s,k,y] * L[y]
  relative build rate:  ADD[s,k,y] <= ((1 + g)^L - 1) * ACT[s,k,y'] / u[s,k,y'] + seed * ((1 + g)^L - 1) / g
                 with ADD = new build + retrofits into k, y' the previous model year, u the
                 utilisation and L = span(y), the years since y' (data.ModelData.span): the
                 capacity in use (for the first year, the existing stock), so a technology can
                 start from zero at the seed rate and then grow by at most the share g a year of
                 what it runs; idle capacity does not feed its own growth.
                 Over a period of L years the bound is what L annual steps allow, the seed built
                 each year growing with the rest: C_L = (C_0 + seed/g)(1 + g)^L - seed/g (seed * L
                 at g = 0); at annual steps it is g * C + seed.
  decline:       ADD[s,k,y] / L[y] >= (1 - r)^L[y'] * ADD[s,k,y'] / L[y'] - r * seed
                 (build rates per year: ADD of a period of L years holds L years of building; with
                 annual steps ADD[y] >= (1 - r) ADD[y'] - r seed), with L = span,
                 for y and y' both years in which k may be built, r the technology's `decline`
                 (with the dynamics limits on): a route's build winds down by at most the share r
                 a year rather than stopping dead, and may stop once it is down to about its seed
                 rate (from the seed S: (1 - 2r) S, then nothing); MESSAGEix's
                 growth_new_capacity_lo with initial_new_capacity_lo = r * seed.
With a region set the three build-rate rows are world rows: ADD and the capacity in use are summed
over the sector's instances in every region (planner/regions.py); and each instance also has its
own relative row (regional_growth_limit), with its own capacity in use and the seed times its share
of the sector's demand that year (an assumption: a region starts a route from its share of the
world's first plants), so one region cannot take the world's whole allowance in a year.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.capture import add_capture_balance, add_captured, add_storage_limits
from planner.formulation.emissions import PHYSICAL_PENALTY
from planner.formulation.soft import add_slack
from planner.formulation.stock import additions, capacity_in_use
from planner.index import ModelIndex


def add_commodity_limits(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex, elastic: bool = False) -> None:
    """Purchase definitions and annual / cumulative supply limits of purchased commodities (and
    pools); in elastic mode the annual limits get a slack priced at PHYSICAL_PENALTY per unit."""
    add_captured(m, d, ix)
    sink, src = d.capture_sink, d.capture_source
    used = sorted({c for (c, _y) in ix.users} | {c for (c, _y) in ix.cohort_users})
    drawn = src is not None and src in used
    if sink is not None and (m.capture_years or drawn):
        used = sorted(set(used) | {sink})
    my = [(c, y) for c in used for y in d.years]
    m.USE = pyo.Var(my, within=pyo.Reals)

    def use_rule(m: pyo.ConcreteModel, c: str, y: int) -> object:
        expr = sum(a * m.ACT[s, k, y] for s, k, a in ix.users.get((c, y), ()))
        expr += sum(a * m.ACTC[s, k, co, y] for s, k, co, a in ix.cohort_users.get((c, y), ()))
        if c == sink:
            expr += m.CAPTURED[y] - (m.USE[src, y] if drawn else 0)
        return m.USE[c, y] == expr

    m.purchase = pyo.Constraint(my, rule=use_rule)
    add_capture_balance(m, d, ix)
    add_storage_limits(m, d, ix, elastic)
    limit = d.commodity_year["limit"].to_dict()
    limited = [(c, y) for (c, y) in my if not math.isnan(limit[c, y])]
    beyond = add_slack(m, "supply_limit", limited if elastic else [], lambda key: PHYSICAL_PENALTY)
    m.supply_limit = pyo.Constraint(limited, rule=lambda m, c, y: m.USE[c, y] - beyond((c, y)) <= limit[c, y])
    cum = d.commodities["cumulative_limit"].to_dict()
    cum_limited = [c for c in used if _given(cum.get(c))]
    m.cumulative_supply_limit = pyo.Constraint(cum_limited, rule=lambda m, c: sum(
        d.length[y] * m.USE[c, y] for y in d.years) <= cum[c])

    bought = set(used)
    members = {p: {c: f for c, f in ms.items() if c in bought} for p, ms in d.pool_members.items()}
    pool_years = [(p, y) for (p, y) in d.pool_limit if members.get(p)]
    drawn = add_slack(m, "pool_limit", pool_years if elastic else [], lambda key: PHYSICAL_PENALTY)
    m.pool_limit = pyo.Constraint(pool_years, rule=lambda m, p, y: sum(
        f * m.USE[c, y] for c, f in members[p].items()) - drawn((p, y)) <= d.pool_limit[p, y])
    pool_cum = {p: v for p, v in d.pools["cumulative_limit"].items()
                if members.get(p) and _given(v)}
    m.pool_cumulative_limit = pyo.Constraint(list(pool_cum), rule=lambda m, p: sum(
        d.length[y] * f * m.USE[c, y] for c, f in members[p].items() for y in d.years) <= pool_cum[p])


def add_build_limits(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Absolute and relative (growth with seed) limits on capacity additions, and the decline
    limit. They are world limits: with a region set each row sums a technology's additions over
    the sector's instances in every region (planner/regions.py), indexed by the sector."""
    max_build = d.tech_year["max_build"].to_dict()
    growth = d.techs["growth"].to_dict()
    seed = d.techs["seed"].to_dict()
    can_add = [(s, k, y) for (s, k, y) in ix.act
               if (s, k, y) in ix.new or (s, k, y) in ix.additions_in or (s, k) in ix.free]
    over: dict[tuple[str, str, int], list[str]] = {}
    """(sector, k, y) -> the instances whose additions of k in y the row sums"""
    for s, k, y in can_add:
        over.setdefault((d.base(s), k, y), []).append(s)
    one = {key: (mine[0], key[1], key[2]) for key, mine in over.items()}
    """a row's key -> the key of its first instance (where the world figures are read)"""

    def added(who: str, k: str, y: int) -> object:
        return sum(additions(m, ix, s, k, y) for s in over[who, k, y])

    absolute = [key for key in over if not math.isnan(max_build[one[key]])]
    m.build_limit = pyo.Constraint(absolute, rule=lambda m, who, k, y: added(who, k, y)
                                   <= max_build[one[who, k, y]] * d.span(y))

    relative = [key for key in over if _given(growth[one[key][:2]])]
    first = d.years[0]
    util = d.tech_year["utilisation"].to_dict()

    def allowed(mine: list[str], k: str, y: int, seed_share: float = 1.0) -> object:
        """The growth bound on the additions of k in y over instances `mine`: growth on their
        capacity in use the year before (the stock in the first year) plus the seed's share."""
        s0, prev = mine[0], ix.prev.get(y)
        if y == first or prev is None:
            base = sum(ix.stock.get((s, k), 0.0) for s in mine)
        else:
            base = sum(capacity_in_use(m, ix, util, s, k, prev) for s in mine)
        rate = growth[s0, k]
        span = d.span(y)
        return ((1 + rate) ** span - 1) * base + seed[s0, k] * seed_share * seeded_years(rate, span)

    m.growth_limit = pyo.Constraint(relative, rule=lambda m, who, k, y: added(who, k, y)
                                    <= allowed(over[who, k, y], k, y))

    # With a region set each region also grows from its own base, with its share of the world seed:
    # the world rows alone let one region take the world's whole allowance in a year.
    share = _demand_shares(d)
    regional = [(s, k, y) for (s, k, y) in can_add if len(over[d.base(s), k, y]) > 1 and _given(growth[s, k])
                and (s, y) in share]
    m.regional_growth_limit = pyo.Constraint(regional, rule=lambda m, s, k, y: additions(m, ix, s, k, y)
                                             <= allowed([s], k, y, share[s, y]))

    decline = d.techs["decline"].to_dict()
    winding = [(who, k, y) for (who, k, y) in over if d.dynamics_limits and _given(decline[one[who, k, y][:2]])
               and (who, k, ix.prev.get(y)) in over]

    def decline_rule(m: pyo.ConcreteModel, who: str, k: str, y: int) -> object:
        s0 = one[who, k, y][0]
        prev = ix.prev[y]   # rates per year: a period of L years adds L years' worth
        rate = (d.span(y) / d.span(prev)) * (1 - decline[s0, k]) ** d.span(y)
        return (added(who, k, y) >= rate * added(who, k, prev)
                - decline[s0, k] * seed[s0, k] * d.span(y))

    m.decline_limit = pyo.Constraint(winding, rule=decline_rule)


def _demand_shares(d: ModelData) -> dict[tuple[str, int], float]:
    """(instance, year) -> the instance's share of its sector's demand over all regions (products
    summed in their units); empty without a region set."""
    if not d.region_of or d.demand.empty:
        return {}
    dem = d.demand.groupby(level=[0, 2]).sum()
    total: dict[tuple[str, int], float] = {}
    for (s, y), v in dem.items():
        total[(d.base(s), y)] = total.get((d.base(s), y), 0.0) + float(v)
    return {(s, y): float(v) / total[(d.base(s), y)] for (s, y), v in dem.items() if total[(d.base(s), y)] > 0}


def seeded_years(g: float, years: int) -> float:
    """What a seed of 1 per year builds over `years` annual steps when what is built grows by the
    share g a year: ((1 + g)^years - 1) / g (years at g = 0)."""
    return float(years) if g <= 0 else ((1 + g) ** years - 1) / g


def _given(value: float | None) -> bool:
    """A limit the data sets (neither None nor a NaN of a table column)."""
    return value is not None and not math.isnan(value)
