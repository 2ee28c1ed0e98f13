"""Loading a region set (schema/regions.py) and checking it against the run's sectors and commodities.

Every problem names the region file, the line and the key, as for scenarios and sector files.
"""

from __future__ import annotations

import difflib

import numpy as np

from planner.errors import InputError, Problem, display_path
from planner.paths import ProjectPaths
from planner.schema.common import interpolate
from planner.schema.load import Tracked, validate_model
from planner.schema.regions import RegionFile
from planner.schema.scenario import Scenario
from planner.schema.sector import CommodityFile, SectorFile

SHARE_TOLERANCE = 1e-3
"""A set of regional shares may miss 1 by this much in a model year (rounding of published shares)."""


def load_regions(sc: Scenario, scen_raw: Tracked, sectors: dict[str, SectorFile], commodities: CommodityFile,
                 supply: list[str], paths: ProjectPaths) -> tuple[RegionFile | None, Tracked | None]:
    """The scenario's region set, validated and checked; (None, None) without `regions:`."""
    if sc.regions is None:
        return None, None
    path = paths.region_file(sc.regions)
    if not path.exists():
        known = paths.region_names()
        hint = difflib.get_close_matches(sc.regions, known, n=1)
        raise InputError([scen_raw.problem(("regions",), f"no region set {sc.regions!r} (looked for "
                                           f"{display_path(path)})" + (f"; did you mean {hint[0]!r}?" if hint else
                                           f"; known: {', '.join(known) or 'none'}"))])
    raw = Tracked.read(path)
    rf, problems = validate_model(RegionFile, raw)
    if not problems:
        assert isinstance(rf, RegionFile)
        problems = check_regions(rf, raw, sc, scen_raw, sectors, commodities, supply,
                                 set(paths.sector_names()) | set(paths.supply_names()))
    if problems:
        raise InputError(problems)
    return rf, raw  # type: ignore[return-value]


def check_regions(rf: RegionFile, raw: Tracked, sc: Scenario, scen_raw: Tracked, sectors: dict[str, SectorFile],
                  commodities: CommodityFile, supply: list[str], known_sectors: set[str] | None = None
                  ) -> list[Problem]:
    """Cross-references of a region set: sectors, products, technologies, commodities and sources
    exist; each set of shares sums to 1 in every model year."""
    out: list[Problem] = []
    years = sc.horizon.years
    regions = set(rf.regions)

    def known_sources(at: tuple, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            if ref not in rf.sources:
                out.append(raw.problem((*at, i), f"unknown source {ref!r} (not under 'sources:' of the region file)"))

    def check_shares(at: tuple, shares: dict) -> None:
        for r in shares:
            if r not in regions:
                out.append(raw.problem((*at, r), _unknown("region", r, regions)))
        total = sum(interpolate(traj, years) for traj in shares.values())
        bad = [y for y, v in zip(years, np.atleast_1d(total)) if abs(v - 1) > SHARE_TOLERANCE]
        if bad:
            value = float(np.atleast_1d(total)[years.index(bad[0])])
            out.append(raw.problem(at, f"the regional shares sum to {value:.4f} in {bad[0]}, not 1"))

    for code, region in rf.regions.items():
        known_sources(("regions", code, "wacc_sources"), region.wacc_sources)
    for s in sectors:
        if s not in supply and s not in rf.sectors:
            out.append(scen_raw.problem(("regions",), f"the region set {sc.regions!r} does not split the {s} sector "
                                        f"(no '{s}' under 'sectors:' of models/regions/{sc.regions}.yaml)"))
    for s, split in rf.sectors.items():
        sf = sectors.get(s)
        if sf is None:
            continue   # a sector outside the run
        products = set(sf.demand)
        for key, shares in split.demand.items():
            if key != "default" and key not in products:
                out.append(raw.problem(("sectors", s, "demand", key), _unknown(f"product of the {s} sector", key,
                                                                              products | {"default"})))
            check_shares(("sectors", s, "demand", key), shares)
        if "default" not in split.demand and products - set(split.demand):
            out.append(raw.problem(("sectors", s, "demand"), "shares for 'default' or for every product: "
                                   + ", ".join(sorted(products - set(split.demand)))))
        for key, shares in split.stock.items():
            if key != "default" and key not in sf.technologies:
                out.append(raw.problem(("sectors", s, "stock", key), _unknown(f"technology of the {s} sector", key,
                                                                             set(sf.technologies) | {"default"})))
            check_shares(("sectors", s, "stock", key), shares)
        known_sources(("sectors", s, "sources"), split.sources)
        for r, cal in split.calibration.items():
            if r not in regions:
                out.append(raw.problem(("sectors", s, "calibration", r), _unknown("region", r, regions)))
            for p, fig in cal.production.items():
                if p not in products:
                    out.append(raw.problem(("sectors", s, "calibration", r, "production", p),
                                           _unknown(f"product of the {s} sector", p, products)))
                known_sources(("sectors", s, "calibration", r, "production", p, "sources"), fig.sources)
            for key in ("emissions", "process_emissions"):
                fig = getattr(cal, key)
                if fig is None:
                    continue
                if fig.unit not in ("MtCO2", "GtCO2"):
                    out.append(raw.problem(("sectors", s, "calibration", r, key, "unit"),
                                           "emissions are given in MtCO2 or GtCO2"))
                known_sources(("sectors", s, "calibration", r, key, "sources"), fig.sources)
    purchased = set(commodities.commodities) | {c for sf in sectors.values() for c, d in sf.commodities.items()
                                                if d.kind == "purchased"}
    made = {c for sf in sectors.values() for c in sf.supplies}
    store = {c for c, d in commodities.commodities.items() if d.store_captured_co2}
    source = {c for c, d in commodities.commodities.items() if d.draw_on_capture}
    for c, rc in rf.commodities.items():
        if c not in purchased:
            out.append(raw.problem(("commodities", c), _unknown("purchased commodity", c, purchased)))
        elif c in made or c in source:
            why = "made by a supply sector of the run" if c in made else "the captured-CO2 balance is one for the world"
            out.append(raw.problem(("commodities", c), f"{c!r} cannot have regional values: {why}"))
        elif c in store:
            for field in ("price", "scope2_factor"):
                if getattr(rc, field):
                    out.append(raw.problem(("commodities", c, field), f"the store of captured CO2 ({c!r}) takes a "
                                           "regional `limit` only (what the region's captures may store a year); "
                                           "its price is the world's"))
        for field in ("price", "scope2_factor", "limit"):
            for r in getattr(rc, field):
                if r not in regions:
                    out.append(raw.problem(("commodities", c, field, r), _unknown("region", r, regions)))
        known_sources(("commodities", c, "sources"), rc.sources)
    for r in (sc.budget.regions if sc.budget is not None else {}):
        if r not in regions:
            out.append(scen_raw.problem(("budget", "regions", r), _unknown("region", r, regions)
                                        + f" (budget.regions names regions of {sc.regions!r})"))
    for name, ms in sc.milestones.items():
        sector, _, region = ms.sector.rpartition("@")
        if ms.sector == "all" or ms.sector in sectors or (not sector and ms.sector not in regions and
                                                          ms.sector in (known_sectors or set())):
            continue
        if (sector and region not in regions) or (not sector and ms.sector not in regions):
            out.append(scen_raw.problem(("milestones", name, "sector"), _unknown(
                "region", region or ms.sector, regions) + f" (use 'all', a sector, a region of {sc.regions!r} "
                "or 'sector@region')"))
    for key in sc.annual_caps:
        sector, _, region = key.rpartition("@")
        known = (known_sectors or set()) | set(sectors)   # a cap on a sector outside the run does not apply
        if key == "all" or key in known or key in regions or (sector in known and region in regions):
            continue
        out.append(scen_raw.problem(("annual_caps", key), f"unknown sector or region {key!r} (use 'all', a sector "
                                    f"of the run, a region of {sc.regions!r} or 'sector@region')"))
    for p, link in rf.trade.items():
        sf = sectors.get(link.sector)
        if sf is None:
            continue
        kinds = {c for c, d in sf.commodities.items() if d.kind in ("product", "intermediate")}
        if p not in kinds:
            out.append(raw.problem(("trade", p), _unknown(f"product or intermediate of the {link.sector} sector",
                                                          p, kinds)))
        for route in link.cost_between:
            ends = route.split(">")
            if len(ends) != 2 or not set(ends) <= regions or ends[0] == ends[1]:
                out.append(raw.problem(("trade", p, "cost_between", route),
                                       "a route is 'FROM>TO' with two different regions of the set"))
        for region in link.min_local_share_by_region:
            if region not in regions:
                out.append(raw.problem(("trade", p, "min_local_share_by_region", region),
                                       _unknown("region", region, regions)))
        if link.local_capacity_share is not None:
            if link.min_local_share is None and not link.min_local_share_by_region:
                out.append(raw.problem(("trade", p, "local_capacity_share"), "needs min_local_share (the share of "
                                       "demand a region's existing plants cover at most)"))
            if sf is not None and p in sf.commodities and sf.commodities[p].kind != "product":
                out.append(raw.problem(("trade", p, "local_capacity_share"), f"{p!r} is an intermediate: the floor "
                                       "from existing capacity needs a product with demand"))
        known_sources(("trade", p, "sources"), link.sources)
    return out


def _unknown(what: str, name: str, known: set[str]) -> str:
    hint = difflib.get_close_matches(name, sorted(known), n=1)
    return f"unknown {what} {name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
