"""Dynamics: how fast plants and fleets may change (sector data switches each limit on).

With G a technology group of sector s (data.GroupLimits), y a model year, y' the one before,
L[y] = d.span(y) the years since the previous model year (the period length but for a
shorter last period: data.ModelData.span), CAPTOT[k,y] = sum_c CAP[s,k,c,y], USED_G[y] = sum_{k in G}
ACT[s,k,y] / u[s,k,y] the group's capacity in use (idle capacity built only to widen a limit does
not count) and NEW[k,y] the new build of k in y (stock.new_capacity):

  utilisation floor:  ACT[s,k,y] >= min_utilisation[s,k,y] * CAPTOT[k,y]
                      (a plant that runs today keeps running unless it is retired; a technology
                      whose capacity costs nothing runs at its utilisation exactly); for a
                      technology with vintage inputs per cohort group, ACTC[s,k,g,y] >=
                      min_utilisation[s,k,y] * sum_{c in g} CAP[s,k,c,y] (which holds for every
                      cohort once the group's output is split by capacity), so old plants are not
                      idled behind new ones
  commissioning:      ACT[s,k,y] >= min_utilisation[s,k,y] * CAPTOT[k,y]
                                    + (u[s,k,y] - min_utilisation[s,k,y]) * ADD[k,y]
                      where k has a floor and adds capacity in y (ADD: new build plus retrofits into
                      k): what is added in a year runs at the utilisation that year; only capacity
                      already in service may sit at the floor, so no plant is built to stand idle
                      while it widens a growth or adoption limit
  group build:        sum_{k in G} NEW[k,y] <= build_G[y] * L[y]   (summed over the sector's
                      instances in every region: a world limit, planner/regions.py)
                      sum_{k in G} NEW[k,y] <= stock_share_G * L[y] * USED_G[y']
                      (for the first model year: the members' existing stock; also summed over
                      the sector's instances: shipyards and aircraft makers build for every region)
  turnover:           sum_{k in G} sum_{c carried into y} (CAP[c,y'] + IN[c,y] - CAP[c,y]
                                                         - sum_{r exempt} RETRO[r,c,y])
                          <= turnover_G[y] * L[y] * USED_G[y']
                      where IN are retrofits into cohort c: by the carry-over row (stock.py) the
                      left side is early retirement plus conversion out of the group's cohorts,
                      less the conversions of exempt retrofits (`turnover: false`: not a rebuild
                      of the plant, e.g. a fuel switch of its burners; the build limits of their
                      target still bound them); leaving service at end of life is not counted;
                      for y' the first model year USED_G[y'] is the group's stock in the data
                      (history, not a choice)
  turnover, each:     the same for the existing stock of every member k (turnover `each_member`):
                      sum_{c of k's stock carried into y} (CAP[c,y'] + IN[c,y] - CAP[c,y])
                          <= turnover_G[y] * L[y] * ACT[s,k,y'] / u[s,k,y']
                      (a fleet of mixed ages reaches its rebuild points spread over the years)
  adoption:           NEW[k,y] <= NEW[k,y'] + delta_G * L[y] * sum_{k' in G} NEW[k',y]
                      and in the group's first build year y1 of the horizon
                      NEW[k,y1] <= (start_G[k] + delta_G * L[y1]) * sum_{k' in G} NEW[k',y1]
                      for every member but the incumbent (the largest start share), which sells
                      what the others may not: with steady group sales each challenger's sales
                      share rises by at most delta_G a year, so new technologies diffuse along an
                      S-curve, while the group's sales may grow as fast as demand needs (a limit on
                      the incumbent too would cap that growth at 1 / (1 - delta_G) a year)

  service life:       CAP[c,y] >= CAP[c,y'] - OUT[c,y] + IN[c,y]  for a cohort c built in the horizon
                      (or converted from one) while y - build year < min_service_share * lifetime:
                      with the carry-over row this fixes the cohort but for conversions, so a plan
                      does not build what it means to scrap before that age

All rows are linear. Their duals (present value) price the limits: a binding group build row is
what one more unit of yard or construction capacity would save.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.stock import additions, capacity_in_use, carried, group_capacity, new_capacity, total_capacity
from planner.index import ModelIndex


def add_utilisation_floors(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """ACT >= min_utilisation * capacity where a floor is given (with the dynamics limits on) or
    capacity is free (always); with the dynamics limits on, capacity added in a year runs at the
    utilisation that year (commissioning)."""
    floor = d.tech_year["min_utilisation"].to_dict()
    free = d.techs["free_capacity"].to_dict()
    rows = [key for key in ix.act if not math.isnan(floor[key]) and floor[key] > 0
            and (d.dynamics_limits or free[key[:2]])]
    whole = [key for key in rows if key[:2] not in ix.vintage]
    floored = set(rows)
    by_cohort = [key for key in ix.actc if (key[0], key[1], key[3]) in floored]
    m.utilisation_floor = pyo.Constraint(whole, rule=lambda m, s, k, y: m.ACT[s, k, y]
                                         >= floor[s, k, y] * total_capacity(m, ix, s, k, y))
    m.cohort_utilisation_floor = pyo.Constraint(by_cohort, rule=lambda m, s, k, g, y: m.ACTC[s, k, g, y]
                                                >= floor[s, k, y] * group_capacity(m, ix, s, k, g, y))
    util = d.tech_year["utilisation"].to_dict()
    adding = [key for key in rows if not free[key[:2]] and d.dynamics_limits
              and (key in ix.new or key in ix.additions_in)]
    m.commissioning = pyo.Constraint(adding, rule=lambda m, s, k, y: m.ACT[s, k, y]
                                     >= floor[s, k, y] * total_capacity(m, ix, s, k, y)
                                     + (util[s, k, y] - floor[s, k, y]) * additions(m, ix, s, k, y))


def add_group_limits(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """Group build, turnover and adoption rows for every group of data.group_limits (none when the
    scenario lifts the dynamics limits)."""
    years = d.years
    groups = d.group_limits if d.dynamics_limits else {}
    build_rows, share_rows, turnover_rows, adoption_rows = [], [], [], []
    member_turnover_rows = []
    first_build: dict[tuple[str, str], int] = {}
    for (s, g), gl in groups.items():
        buildable = [y for y in years if any((s, k, y) in ix.new for k in gl.members)]
        for y in buildable:
            if y in gl.build:   # a world limit: one row over the sector's instances in every region
                build_rows.append((d.base(s), g, y))
            if gl.stock_share is not None:   # a world limit too (yards, plants that build for every region)
                share_rows.append((d.base(s), g, y))
        if gl.turnover:
            turnover_rows += [(s, g, y) for y in years if y in ix.prev]
            if gl.turnover_each:
                member_turnover_rows += [(s, g, k, y) for k in gl.members for y in years if y in ix.prev]
        if gl.adoption is not None and buildable:
            first_build[s, g] = buildable[0]
            incumbent = max(gl.start, key=gl.start.get) if gl.start else None
            adoption_rows += [(s, g, k, y) for y in buildable for k in gl.members
                              if (s, k, y) in ix.new and k != incumbent]

    def group_new(s: str, g: str, y: int) -> object:
        return sum(new_capacity(m, ix, s, k, y) for k in d.group_limits[s, g].members)

    util = d.tech_year["utilisation"].to_dict()

    def group_in_use(s: str, g: str, y: int) -> object:
        """USED_G[y]: idle capacity built to widen a limit does not count."""
        return sum(capacity_in_use(m, ix, util, s, k, y) for k in d.group_limits[s, g].members)

    build_rows = list(dict.fromkeys(build_rows))
    share_rows = list(dict.fromkeys(share_rows))

    def spanned(who: str, g: str) -> list[str]:
        """The instances of sector `who` whose group g a world group row sums."""
        return [s for s in d.instances(who) if (s, g) in d.group_limits]

    def group_build_rule(m: pyo.ConcreteModel, who: str, g: str, y: int) -> object:
        mine = spanned(who, g)
        return sum(group_new(s, g, y) for s in mine) <= d.group_limits[mine[0], g].build[y] * d.span(y)

    m.group_build = pyo.Constraint(build_rows, rule=group_build_rule)
    def stock_before(s: str, g: str, y: int) -> object:
        """The group's capacity in use the year before (for the first model year: its stock)."""
        if y in ix.prev:
            return group_in_use(s, g, ix.prev[y])
        return sum(ix.stock.get((s, k), 0.0) for k in d.group_limits[s, g].members)

    def group_build_share_rule(m: pyo.ConcreteModel, who: str, g: str, y: int) -> object:
        mine = spanned(who, g)
        return (sum(group_new(s, g, y) for s in mine)
                <= d.group_limits[mine[0], g].stock_share * d.span(y) * sum(stock_before(s, g, y) for s in mine))

    m.group_build_share = pyo.Constraint(share_rows, rule=group_build_share_rule)

    carried_cohorts: dict[tuple[str, str, int], list[str]] = {}
    for key in ix.cap:
        if carried(ix, key):
            carried_cohorts.setdefault((key[0], key[1], key[3]), []).append(key[2])

    origin = d.cohorts["origin"].to_dict()

    def outflow(s: str, k: str, y: int, stock_only: bool = False) -> object:
        """Early retirement plus conversion out of k's cohorts carried into y (only those of the
        stock at the start of the horizon, if `stock_only`), less conversions outside turnover."""
        prev = ix.prev[y]
        out = 0
        for c in carried_cohorts.get((s, k, y), ()):
            if stock_only and origin[s, k, c] >= years[0]:
                continue
            before = m.CAP[s, k, c, prev] if (s, k, c, prev) in m.CAP.index_set() else 0
            inflow = sum(m.RETRO[mv] for mv in ix.move_in.get((s, k, c, y), ()))
            exempt = sum(m.RETRO[mv] for mv in ix.move_out.get((s, k, c, y), ()) if mv in ix.outside_turnover)
            out += before + inflow - m.CAP[s, k, c, y] - exempt
        return out

    def in_use_before(s: str, members: list[str], y: int) -> object:
        """Capacity in use of `members` the year before y; after the first model year, the stock
        of the data (history: running the stock harder in the first year widens no limit)."""
        prev = ix.prev[y]
        if prev == years[0]:
            return sum(ix.stock.get((s, k), 0.0) for k in members)
        return sum(capacity_in_use(m, ix, util, s, k, prev) for k in members)

    def turnover_rule(m: pyo.ConcreteModel, s: str, g: str, y: int) -> object:
        gl = d.group_limits[s, g]
        out = sum(outflow(s, k, y) for k in gl.members)
        if isinstance(out, (int, float)):
            return pyo.Constraint.Skip
        return out <= gl.turnover[y] * d.span(y) * in_use_before(s, gl.members, y)

    m.turnover = pyo.Constraint(turnover_rows, rule=turnover_rule)

    def member_turnover_rule(m: pyo.ConcreteModel, s: str, g: str, k: str, y: int) -> object:
        out = outflow(s, k, y, stock_only=True)
        if isinstance(out, (int, float)):
            return pyo.Constraint.Skip
        return out <= d.group_limits[s, g].turnover[y] * d.span(y) * in_use_before(s, [k], y)

    m.member_turnover = pyo.Constraint(member_turnover_rows, rule=member_turnover_rule)

    def adoption_rule(m: pyo.ConcreteModel, s: str, g: str, k: str, y: int) -> object:
        gl = d.group_limits[s, g]
        delta = gl.adoption * d.span(y)
        total = group_new(s, g, y)
        if y == first_build[s, g]:
            return new_capacity(m, ix, s, k, y) <= (gl.start.get(k, 0.0) + delta) * total
        return new_capacity(m, ix, s, k, y) - new_capacity(m, ix, s, k, ix.prev[y]) <= delta * total

    m.adoption = pyo.Constraint(adoption_rows, rule=adoption_rule)


def add_service_life(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """No early retirement of capacity built in the horizon before `min_service_share` of its life."""
    share = d.min_service_share if d.dynamics_limits else 0.0
    rows = []
    if share > 0:
        coh = d.cohorts
        first = d.years[0]
        young = {}
        for (s, k, c), origin, end in zip(coh.index, coh.origin, coh.end):
            if origin >= first and c != "free":
                young[(s, k, c)] = (int(origin), int(end))
        for s, k, c, y in ix.cap:
            got = young.get((s, k, c))
            prev = ix.prev.get(y)
            if got is None or prev is None or (s, k, c, prev) not in m.CAP.index_set():
                continue
            origin, end = got
            if y - origin < share * (end - origin):
                rows.append((s, k, c, y))

    def rule(m: pyo.ConcreteModel, s: str, k: str, c: str, y: int) -> object:
        out = sum(m.RETRO[mv] for mv in ix.move_out.get((s, k, c, y), ()))
        inflow = sum(m.RETRO[mv] for mv in ix.move_in.get((s, k, c, y), ()))
        return m.CAP[s, k, c, y] >= m.CAP[s, k, c, ix.prev[y]] - out + inflow

    m.service_life = pyo.Constraint(rows, rule=rule)
