"""Regions as data: a region set splits each world sector file into one instance per region.

A run with a region set (scenario `regions:`, schema/regions.py) builds the same generic LP over
sector *instances* named ``sector@REGION`` (e.g. ``steel@R10EUROPE``); the formulation does not
know regions. Each instance is the world sector file with

- demand:  D[s@r, p, y] = D[s, p, y] * share_demand[s, p, r, y]   (the product's shares, or `default`)
- stock:   every existing cohort's capacity times share_stock[s, k, r] in the first model year
           (the technology's shares, or `default`, or the demand shares of the first product)
- capital: capex (and retrofit capex) times the regional cost of capital's capital-recovery ratio
               m[r, L] = CRF(wacc_r, L) / CRF(w0, L),   CRF(i, L) = i / (1 - (1 + i)^-L)
           with w0 the set's `reference_wacc` (the cost of capital the world capital costs stand
           for; absent: the scenario's discount rate) and L the technology's lifetime: a plant
           financed at wacc_r costs m times as much per year of service as one financed at w0,
           while the objective keeps discounting at the scenario's rate
- prices:  a purchased commodity with regional values (region file `commodities:`) is bought per
           region as ``commodity@REGION`` at the region's price, grid intensity and limit; its world
           limit, if any, still binds the sum (a pool over its regional copies, data.py)
- storage: the store of captured CO2 (`store_captured_co2`) has no regional copies: its regional
           `limit` caps what the captures of a region's instances store a year, net of what its own
           users draw as a feedstock (ModelData.storage_limit, formulation/capture.py); the world
           limit still binds the run's total. A sector the set does not split (a supply sector)
           stores under the world limit only.

Limits the sector files state for the world stay world limits: a technology's absolute build
limit, growth and seed, its decline, and a group's build limits (absolute and share of the stock)
are rows over the sum of a sector's instances (formulation/limits.py, dynamics.py via
ModelData.instances), so the regional plan diffuses no faster than the world plan; each instance
also grows from its own capacity with its share of the seed (limits.py), and the regions decide
where. Limits relative to a region's own fleet (shares, turnover, adoption, utilisation, service
life) hold per instance.

Trade: TRADE[p, s@a, s@b, y] moves product or intermediate p of sector s from region a to b at a
cost per unit (formulation/trade.py). A sector the region set does not split (a supply sector)
keeps one world instance under its own name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.schema.common import Traj, interpolate
from planner.schema.regions import RegionFile
from planner.schema.sector import Calibration, SectorFile

WORLD = "World"
"""The region of a run without a region set, and of a sector a region set does not split."""


@dataclass(frozen=True)
class Instance:
    """One sector in one region: the LP's 'sector'."""

    name: str
    sector: str
    region: str
    file: SectorFile


def instance_name(sector: str, region: str) -> str:
    return sector if region == WORLD else f"{sector}@{region}"


def instances(sectors: dict[str, SectorFile], rf: RegionFile | None, years: list[int],
              rate: float, store: str | None = None) -> list[Instance]:
    """The run's sector instances: one per sector (one region), else one per sector and region of
    the set (sectors the set does not split stay whole). `store`: the commodity that stores
    captured CO2, which is not bought per region."""
    out = []
    regional = regional_commodities(rf, store)
    for s, sf in sectors.items():
        if rf is None or s not in rf.sectors:
            out.append(Instance(s, s, WORLD, sf))
            continue
        for r in rf.regions:
            out.append(Instance(instance_name(s, r), s, r, regional_file(sf, rf, r, years, rate, regional)))
    return out


def regional_commodities(rf: RegionFile | None, store: str | None = None) -> set[str]:
    """Purchased commodities bought per region (they have regional values); the store of captured
    CO2 (`store`) is not: its regional limits are storage ceilings (`storage_limits`)."""
    return set(rf.commodities) - {store} if rf is not None else set()


def storage_limits(rf: RegionFile | None, store: str | None, years: list[int]) -> dict[tuple[str, int], float]:
    """(region, model year) -> what the captures of the region's instances may store that year
    (MtCO2/yr), from the region file's `commodities.<store>.limit`."""
    if rf is None or store is None or store not in rf.commodities:
        return {}
    return {(r, y): float(v) for r, traj in rf.commodities[store].limit.items()
            for y, v in zip(years, interpolate(traj, years))}


def _scale(traj: Traj, share: Traj, years: list[int]) -> Traj:
    """traj x share as one trajectory (on the years of both, and the model years between)."""
    if traj is None:
        return None
    if isinstance(traj, float) and isinstance(share, float):
        return traj * share
    points = sorted({*years, *(traj.keys() if isinstance(traj, dict) else ()),
                     *(share.keys() if isinstance(share, dict) else ())})
    return dict(zip(points, (interpolate(traj, points) * interpolate(share, points)).tolist()))


def capital_recovery(rate: float, life: float) -> float:
    """CRF(i, L) = i / (1 - (1 + i)^-L) (1 / L at i = 0)."""
    return 1.0 / life if rate == 0 else rate / (1 - (1 + rate) ** -life)


def regional_file(sf: SectorFile, rf: RegionFile, region: str, years: list[int], rate: float,
                  regional: set[str]) -> SectorFile:
    """The world sector file `sf` as the instance in `region` (module docstring)."""
    spec = rf.sectors[sf.sector]
    wacc = rf.regions[region].wacc
    reference = rf.reference_wacc if rf.reference_wacc is not None else rate

    def ratio(life: float) -> float:
        return 1.0 if wacc is None else capital_recovery(wacc, life) / capital_recovery(reference, life)

    def rename(flows: dict) -> dict:
        return {(f"{c}@{region}" if c in regional else c): v for c, v in flows.items()}

    first_product = next(iter(sf.demand), None)
    demand = {}
    for p, pd_ in sf.demand.items():
        share = spec.demand.get(p, spec.demand.get("default", {})).get(region, 0.0)
        demand[p] = pd_.model_copy(update={"variants": {
            v: var.model_copy(update={"values": _scale(var.values, share, years)}) for v, var in pd_.variants.items()}})

    def stock_share(tech: str) -> float:
        shares = spec.stock.get(tech) or spec.stock.get("default")
        if shares is None:
            shares = spec.demand.get(first_product, spec.demand.get("default", {})) if first_product else {}
        return float(interpolate(shares.get(region, 0.0), [years[0]])[0])

    techs = {}
    for k, t in sf.technologies.items():
        f = stock_share(k)
        stock = [c.model_copy(update={"capacity": c.capacity * f,
                                      "inputs": rename(c.inputs) if c.inputs is not None else None})
                 for c in t.stock]
        m = ratio(t.lifetime)
        techs[k] = t.model_copy(update={
            "inputs": rename(t.inputs), "outputs": rename(t.outputs), "stock": stock,
            "capex": _scale(t.capex, m, years) if m != 1.0 else t.capex})
    life = {k: t.lifetime for k, t in sf.technologies.items()}
    retrofits = {n: r.model_copy(update={"capex": _scale(r.capex, ratio(life[r.to]), years)})
                 for n, r in sf.retrofits.items()} if wacc is not None else sf.retrofits
    groups = {n: g.model_copy(update={"members": [f"{c}@{region}" if c in regional else c for c in g.members]})
              for n, g in sf.commodity_groups.items()}
    cal = spec.calibration.get(region)
    calibration = None
    if cal is not None and sf.calibration is not None:
        # the yardstick for regional figures: within 15 % (wider than the world's)
        calibration = Calibration(year=sf.calibration.year, tolerance=max(sf.calibration.tolerance, 0.15),
                                  **dict(cal))
    sources = {**sf.sources, **{k: v for k, v in rf.sources.items() if k not in sf.sources}}
    return sf.model_copy(update={"demand": demand, "technologies": techs, "retrofits": retrofits,
                                 "commodity_groups": groups,
                                 "calibration": calibration, "sources": sources})


def commodity_copies(commodities: pd.DataFrame, commodity_year: pd.DataFrame, rf: RegionFile,
                     years: list[int], store: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The commodity tables with the regional copies ``c@r`` of each commodity with regional values
    (a region not listed keeps the world value; a copy's limit is its region's, if any: the world
    limit binds the sum of the copies as a pool, data._pools); none of the store of captured CO2."""
    rows, parts = [commodities], [commodity_year]
    for c, rc in rf.commodities.items():
        if c not in commodities.index or c == store:
            continue
        base = commodity_year.xs(c, level="commodity")
        for r, region in rf.regions.items():
            name = f"{c}@{r}"
            row = commodities.loc[[c]].copy()
            row.index = [name]
            row["name"] = f"{commodities.at[c, 'name']} ({region.name})"
            row["cumulative_limit"] = None
            rows.append(row)
            cy = base.copy()
            for col, given in (("price", rc.price), ("scope2_factor", rc.scope2_factor)):
                if r in given:
                    cy[col] = interpolate(given[r], years)
            cy["limit"] = interpolate(rc.limit[r], years) if r in rc.limit else np.nan
            cy.index = pd.MultiIndex.from_tuples([(name, y) for y in cy.index], names=["commodity", "year"])
            parts.append(cy)
    table = pd.concat(rows)
    table.index.name = "commodity"
    return table, pd.concat(parts)


LocalFloor = dict[tuple[str, str, int], tuple[float, float | None, bool]]
"""(instance, commodity, year) -> (min_local_share, local_capacity_share or None, local_floor_follows_demand)"""


@dataclass
class TradeRules:
    """What the trade links of a region set ask of each instance (ModelData.trade, import_share,
    local_share / local_minimum, build_share)."""

    routes: pd.DataFrame
    import_share: dict[tuple[str, str, int], float]
    local: LocalFloor
    build_share: dict[tuple[str, str, int], float]


def trade_routes(rf: RegionFile, insts: list[Instance], balances: pd.DataFrame, years: list[int]) -> TradeRules:
    """Every route of every trade link between the instances of its sector, with its cost per unit
    in each year; the import-share limits; the local-production floors: (instance, commodity, year)
    -> (min_local_share, local_capacity_share or None, follows demand); the build-share caps."""
    rows, shares, local, build = [], {}, {}, {}

    def per_year(name: str, p: str, traj: Traj) -> dict[tuple[str, str, int], float]:
        return {(name, p, y): float(v) for y, v in zip(years, interpolate(traj, years))}

    by_sector: dict[str, list[Instance]] = {}
    for i in insts:
        by_sector.setdefault(i.sector, []).append(i)
    for p, link in rf.trade.items():
        mine = [i for i in by_sector.get(link.sector, []) if (i.name, p) in balances.index]
        if len(mine) < 2:
            continue
        default = interpolate(link.cost, years)
        for a in mine:
            for b in mine:
                if a is b:
                    continue
                route = link.cost_between.get(f"{a.region}>{b.region}")
                cost = default if route is None else interpolate(route, years)
                rows += [(p, link.sector, a.name, b.name, y, float(c)) for y, c in zip(years, cost)]
            if link.max_import_share is not None:
                shares.update(per_year(a.name, p, link.max_import_share))
            floor = link.min_local_share_by_region.get(a.region, link.min_local_share)
            if floor is not None:
                local.update({k: (v, link.local_capacity_share, link.local_floor_follows_demand)
                              for k, v in per_year(a.name, p, floor).items()})
            if link.max_build_share is not None:
                build.update(per_year(a.name, p, link.max_build_share))
    table = pd.DataFrame(rows, columns=["commodity", "sector", "origin", "destination", "year", "cost"])
    return TradeRules(table, shares, local, build)
