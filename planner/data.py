"""Resolved model inputs as pandas tables: trajectories interpolated, cohorts laid out, costs
discounted. No Pyomo here; the formulation reads these tables.

Time. Model years y = start, start+step, ..., each standing for a period of `length[y]` years;
flows (output, use, emissions, cost) count for that length. Build-rate limits count the span since
the previous model year instead (`ModelData.span`): the same but for a shorter last period.
Discount factor ``df[y] = (1 + r)^-(y - start)``; a flow that lasts a whole period is weighted
by ``weight[y] = sum of df over the years of the period`` (= df[y] for annual steps).

Capital cost and salvage. Capex C (million USD per unit of capacity) paid in year y for a
technology of lifetime L is counted as the share of its annuities that fall inside the horizon:
``f = (1 - (1+r)^-n) / (1 - (1+r)^-L)`` with n = years of service inside the horizon (n <= L).
``C * (1 - f)`` is the salvage value at the horizon end (in present value); with r = 0 the
depreciation is linear, f = n / L.

Emission coefficients per unit of activity: planner/accounting.py. Inputs and emissions by
vintage: planner/vintages.py.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from planner import regions as regional
from planner import vintages
from planner.accounting import ACCOUNTING, add_accounting
from planner.errors import InputError, Problem
from planner.schema.common import Trajectory, interpolate
from planner.schema.load import RunInputs
from planner.schema.sector import CALIBRATION_UNITS, Commodity, SectorFile


def annuity_fraction(n: np.ndarray | float, life: np.ndarray | float, rate: float) -> np.ndarray:
    """Share of a capital cost whose annuities fall inside the horizon (see module docstring)."""
    n = np.minimum(np.asarray(n, dtype=float), life)
    life = np.asarray(life, dtype=float)
    if rate == 0:
        return n / life
    return (1 - (1 + rate) ** -n) / (1 - (1 + rate) ** -life)


@dataclass
class GroupLimits:
    """Limits over one technology group of a sector (schema.sector.Group), resolved to model years.

    build[y]: new build of all members in year y at most this (unit/yr; absent: no limit);
    stock_share: and at most this share of the members' capacity the year before;
    turnover[y]: early retirement + conversion of members' capacity at most this share of it;
    turnover_each: and of each member's own capacity (schema.sector.Turnover.each_member);
    adoption: each member's share of the group's new build rises at most this much a year, from
    the sales shares `start` of the year before the group's first build year.
    """

    members: list[str]
    build: dict[int, float] = field(default_factory=dict)
    stock_share: float | None = None
    turnover: dict[int, float] = field(default_factory=dict)
    turnover_each: bool = False
    adoption: float | None = None
    start: dict[str, float] = field(default_factory=dict)


@dataclass
class ModelData:
    """All inputs of one model, as tables keyed by sector, technology, commodity and year."""

    scenario: str
    sectors: list[str]
    years: list[int]
    length: dict[int, int]
    df: dict[int, float]
    weight: dict[int, float]
    discount_rate: float
    units: dict[str, str]
    techs: pd.DataFrame
    """index (sector, tech): name, output, lifetime, available_from, last_build, near_zero, saving,
    growth, seed, decline, plant_size, plant_unit (what plant_size counts), groups, vintage_inputs"""
    tech_year: pd.DataFrame
    """index (sector, tech, year): capex, capex_counted, fixed_om, variable_om, utilisation,
    process, capture_rate, max_share, max_build, product_carbon, fossil, site, captured, downstream,
    scope1, scope2, other_co2e, counted (tCO2 or tCO2e per unit of activity; module docstring)"""
    flows: pd.DataFrame
    """columns sector, tech, commodity, year, coef (use per unit of activity; outputs negative),
    by_vintage (an input of a technology with vintage inputs, for a unit built in `year`: the LP
    uses `vintage_flows` instead)"""
    cohorts: pd.DataFrame
    """index (sector, tech, cohort): start, end, initial, kind, origin, retrofit, vintage (the build
    year whose inputs the cohort has), entry (index of its stock entry, -1 for none)"""
    retrofit_moves: pd.DataFrame
    """columns sector, retrofit, from_tech, to_tech, cohort, target_cohort, year, capex, capex_counted,
    turnover (the conversion counts against the turnover limits of from_tech's groups)"""
    balances: pd.DataFrame
    """index (sector, commodity): kind (product | intermediate), unit"""
    demand: pd.Series
    """index (sector, commodity, year): demand in the product's unit per year"""
    commodities: pd.DataFrame
    """index commodity: name, unit, cumulative_limit, store_captured_co2, draw_on_capture, supplied_by (the
    run's supply sector that makes it, else None: its price and limits then do not apply)"""
    commodity_year: pd.DataFrame
    """index (commodity, year): price, emission_factor, biogenic_factor, scope2_factor, limit"""
    capture_sink: str | None
    """the commodity that stores captured CO2 not drawn (its price: transport and storage)"""
    budget_mt: float | None
    budget_years: list[int]
    budget_include_scope2: bool
    caps: dict[tuple[str, int], float]
    carbon_price: dict[int, float]
    groups: dict[str, dict[str, list[str]]]
    capture_source: str | None = None
    """the commodity that draws on the run's captured CO2 as a feedstock (formulation/capture.py)"""
    vintage_flows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["sector", "tech", "cohort", "commodity", "year", "coef"]))
    """inputs per unit of activity of each cohort of a technology with vintage inputs, in each year
    it is in service (module docstring)"""
    vintage_year: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=ACCOUNTING, index=pd.MultiIndex.from_tuples([], names=["sector", "tech", "cohort", "year"])))
    """index (sector, tech, cohort, year): the accounting columns of tech_year (product_carbon, fossil,
    site, captured, downstream, scope1, scope2, other_co2e, counted; tCO2 or tCO2e per unit) of those
    cohorts"""
    vintage_other: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["sector", "tech", "cohort", "gas", "year", "coef", "gwp100"]))
    """non-CO2 gases per unit of activity of those cohorts, with their GWP100 (counted as other_emissions)"""
    vintage_groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["sector", "tech", "cohort", "year", "group"]))
    """each cohort-year of those technologies -> its group: the first of the cohorts of the
    technology in service that year with the same coefficients (inputs and other_emissions); the LP
    has one activity per group (vintages.vintage_groups)"""
    other_emissions: pd.DataFrame = field(default_factory=pd.DataFrame)
    """columns sector, tech, gas, year, coef (t of a non-CO2 gas per unit of activity), gwp100"""
    gwp: dict[str, float] = field(default_factory=dict)
    """gas -> GWP100 (t CO2e per t) of every non-CO2 gas in the commodity file"""
    counted_gases: list[str] = field(default_factory=lambda: ["CO2"])
    """the gases the budget, caps and carbon price count (scenario `emissions.gases`)"""
    product_carbon: str = "downstream"
    """where carbon held in products counts: 'at_production' | 'downstream' (scenario `emissions`)"""
    downstream_in_budget: bool = True
    """whether carbon released downstream counts under the budget, caps and carbon price"""
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    """columns sector, quantity ('production|<product>' or 'emissions'), year (model year),
    data_year, published (model unit), unit, product_carbon (products whose carbon held in the
    product the published emissions include, ';'-joined), tolerance, sources"""
    input_hash: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    budget_mode: str | None = None
    """'optimal' | 'shares' | 'price' (see schema.scenario.Budget), None without a budget"""
    budget_penalty: float | None = None
    """USD/tCO2 (present value) at which a soft budget may be overshot; None: the budget is hard"""
    budget_rows: dict[str, float] = field(default_factory=dict)
    """the budget constraints, MtCO2: {'all': B} (optimal), {sector: B_s} (shares), {} (price)"""
    sector_budgets: dict[str, float] = field(default_factory=dict)
    """each sector's own budget (given or split), MtCO2; the yardstick of its implied share"""
    global_remaining_mt: float | None = None
    pools: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["name", "unit", "cumulative_limit"]))
    """index pool: name, unit, cumulative_limit"""
    pool_members: dict[str, dict[str, float]] = field(default_factory=dict)
    """pool -> {commodity: pool units per unit bought}, members bought in this run only"""
    pool_limit: dict[tuple[str, int], float] = field(default_factory=dict)
    """(pool, year) -> annual limit (pool unit per year), where one applies"""
    milestones: dict[str, dict] = field(default_factory=dict)
    """name -> the scenario's milestone with `years` resolved to model years, `bounds` (sense -> model
    year -> bound, a path read in each year) and `penalty` (or None)"""
    resources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["resource", "name", "unit", "commodity", "factor"]))
    """reported resources (commodity file `resources:`): one row per member commodity bought in the run"""
    sector_names: dict[str, str] = field(default_factory=dict)
    """sector -> display name (e.g. 'Steel')"""
    supply: list[str] = field(default_factory=list)
    """the supply sectors among `sectors`: they make the commodities `commodities.supplied_by`
    names for the others (no demand of their own; formulation/limits.py)"""
    group_limits: dict[tuple[str, str], GroupLimits] = field(default_factory=dict)
    """(sector, group) -> limits over the group's members (build, turnover, adoption); the LP holds
    them only with `dynamics_limits` (the self-check reads the adoption start shares regardless)"""
    dynamics_limits: bool = True
    """whether group limits and utilisation floors apply (scenario `dynamics.limits`)"""
    min_service_share: float = 0.0
    """capacity built in the horizon is kept (or converted) for this share of its life (dynamics)"""
    diagnostics: dict = field(default_factory=dict)
    """the scenario's self-check thresholds (schema.scenario.Diagnostics, as a dict)"""
    history: dict[str, dict] = field(default_factory=dict)
    """the first model year's fixed decisions (planner/history.py): variable name (ACT, ACTC, CAP,
    RETRO) -> {index: value}; empty when the first year is optimised with the rest (scenario
    `horizon.history: false`)"""
    published: dict[str, dict] = field(default_factory=dict)
    """published outcomes of the run's sectors in the horizon, by name: the metric spec of a
    milestone (planner/milestones.py) plus value, unit, pathway, sources and reason"""
    sector_of: dict[str, str] = field(default_factory=dict)
    """sector instance -> the sector it is an instance of ('steel@R10EUROPE' -> 'steel'); empty
    without a region set, where every instance is its sector"""
    region_of: dict[str, str] = field(default_factory=dict)
    """sector instance -> its region (empty without a region set: the world)"""
    region_names: dict[str, str] = field(default_factory=dict)
    """region code -> its name in the region set ('R10EUROPE' -> 'Europe (R10)'); empty without one"""
    trade: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["commodity", "sector", "origin", "destination", "year", "cost"]))
    """routes of TRADE (formulation/trade.py): product or intermediate `commodity` of `sector` moved
    from instance `origin` to instance `destination` in `year`, at `cost` (million USD per unit)"""
    import_share: dict[tuple[str, str, int], float] = field(default_factory=dict)
    """(instance, commodity, year) -> imports at most this share of the instance's use of it"""
    local_share: dict[tuple[str, str, int], float] = field(default_factory=dict)
    """(instance, commodity, year) -> the instance makes at least this share of its use of it"""
    build_share: dict[tuple[str, str, int], float] = field(default_factory=dict)
    """(instance, commodity, year) -> the instance builds at most this share of the new capacity of the
    commodity's makers built in all its sector's instances from the first model year to `year`"""
    local_minimum: dict[tuple[str, str, int], float] = field(default_factory=dict)
    """(instance, commodity, year) -> the instance makes at least this much of it (commodity unit per
    year): min(share x demand, capacity share x what its existing makers can make in the first year)"""
    storage_limit: dict[tuple[str, int], float] = field(default_factory=dict)
    """(region, year) -> the CO2 that the captures of the region's instances may store that year, net
    of what the region's own users draw as a feedstock (MtCO2/yr; region file `commodities.<store>.limit`,
    formulation/capture.py); the world limit of the store still binds the run's total"""

    def instances(self, who: str) -> list[str]:
        """The sector instances a name stands for: 'all', an instance, a sector (its instances in
        every region) or a region (every sector's instance in it)."""
        if who == "all":
            return list(self.sectors)
        if who in self.sectors:
            return [who]
        return [s for s in self.sectors if self.sector_of.get(s) == who or self.region_of.get(s) == who]

    def base(self, instance: str) -> str:
        """The sector an instance belongs to."""
        return self.sector_of.get(instance, instance)

    def span(self, y: int) -> int:
        """Years of building the additions of model year y stand for: ``y - y'`` since the previous
        model year y' (the period length in the first year). It equals ``length[y]`` but for a
        shorter last period (2050 at 5-year steps): capacity there must follow five years of demand
        growth since 2045, built over those five years, so the build-rate limits take the span."""
        i = self.years.index(y)
        return y - self.years[i - 1] if i else self.length[y]

    @property
    def end_year(self) -> int:
        """Last calendar year the horizon covers."""
        last = self.years[-1]
        return last + self.length[last] - 1

    def accounting(self) -> dict:
        """What the run's budget, caps and carbon price count (run.json `emissions_accounting`), with
        a one-line description for the summary and the report."""
        others = [g for g in self.counted_gases if g != "CO2"]
        gwp = {g: self.gwp[g] for g in others}
        if others:
            text = "CO2 + " + ", ".join(f"{g} (GWP100 {gwp[g]:g})" for g in others) + " as CO2e"
        else:
            emitted = sorted(set(self.other_emissions["gas"]) | set(self.vintage_other["gas"]))
            text = "CO2 only" + (f" (reported, not counted: {', '.join(emitted)})" if emitted else "")
        made = self.tech_year["product_carbon"].abs().gt(1e-12)
        kind = self.balances["kind"].to_dict()
        outputs = {(s, self.techs.at[(s, k), "output"]) for s, k, _y in self.tech_year.index[made.to_numpy()]}
        # carbon passed on in an intermediate (e.g. CO2 feedstock) ends up in the sector's products
        products = sorted({p for s, p in outputs if kind.get((s, p)) == "product"}) or sorted({p for _s, p in outputs})
        where = {"at_production": "counted where made (in the sector's emissions)",
                 "downstream": "released downstream (own line, year made), "
                               + ("counted under the budget" if self.downstream_in_budget else "not counted")}
        if products:
            text += f"; carbon held in products ({', '.join(products)}): {where[self.product_carbon]}"
        return {"gases": list(self.counted_gases), "gwp100": gwp, "unit": "MtCO2e" if others else "MtCO2",
                "product_carbon": self.product_carbon, "downstream_in_budget": self.downstream_in_budget,
                "products_with_carbon": products, "text": text}

    def budget_description(self) -> str:
        if self.budget_mt is None:
            return "no carbon budget"
        return (f"carbon budget of {self.budget_mt / 1000:.2f} GtCO2 for {', '.join(self.sectors)} "
                f"over {self.budget_years[0]}-{self.budget_years[-1] + self.length[self.budget_years[-1]] - 1}")


def build_data(inputs: RunInputs) -> ModelData:
    """Resolve a run's validated inputs into model tables."""
    sc = inputs.scenario
    years = sc.horizon.years
    start, end = sc.horizon.start, sc.horizon.end
    length = {y: min(sc.horizon.step, end - y + 1) for y in years}
    r = sc.discount_rate
    df = {y: (1 + r) ** -(y - start) for y in years}
    weight = {y: sum((1 + r) ** -(t - start) for t in range(y, y + length[y])) for y in years}
    end_year = years[-1] + length[years[-1]] - 1
    problems: list[Problem] = []

    commodities, commodity_year = _commodity_tables(inputs, years, problems)
    # the commodity that stores captured CO2: not bought per region (its regional limits are ceilings)
    store = next((str(c) for c, row in commodities.iterrows() if row["store_captured_co2"]), None)
    if inputs.regions is not None:
        commodities, commodity_year = regional.commodity_copies(commodities, commodity_year, inputs.regions, years,
                                                                store)
    insts = regional.instances(inputs.sectors, inputs.regions, years, r, store)
    tech_rows, ty_parts, cohort_rows, retro_rows = [], [], [], []
    flow_rows: dict[str, list] = {c: [] for c in ("sector", "tech", "commodity", "year", "coef", "by_vintage")}
    other_parts: list[pd.DataFrame] = []
    vintage_techs: dict[tuple[str, str], object] = {}
    balance_rows, demand_parts, groups, units = [], [], {}, {}
    for inst in insts:
        name, sf = inst.name, inst.file
        units[name] = sf.unit
        groups[name] = {g: [k for k, t in sf.technologies.items() if g in t.groups] for g in sf.groups}
        groups[name]["near_zero"] = [k for k, t in sf.technologies.items() if t.near_zero]
        products = [c for c, d in sf.commodities.items() if d.kind == "product"]
        for com, d in sf.commodities.items():
            if d.kind in ("product", "intermediate"):
                balance_rows.append({"sector": name, "commodity": com, "kind": d.kind, "unit": d.unit})
        variant = sc.demand.get(inst.sector)
        for prod, pd_ in sf.demand.items():
            chosen = variant if variant in pd_.variants else pd_.default
            demand_parts.append(pd.Series(interpolate(pd_.variants[chosen].values, years),
                                          index=pd.MultiIndex.from_tuples([(name, prod, y) for y in years])))
        for key, t in sf.technologies.items():
            output = t.output or products[0]
            free = _free_capacity(t, start, end)
            tech_rows.append({
                "sector": name, "tech": key, "name": t.name, "output": output, "lifetime": t.lifetime,
                "available_from": t.available_from or -10**6, "last_build": t.last_build or 10**6,
                "near_zero": t.near_zero, "saving": t.saving, "growth": t.build_limit.growth if t.build_limit else None,
                "seed": t.build_limit.seed if t.build_limit else 0.0,
                "decline": t.build_limit.decline if t.build_limit else None, "plant_size": t.plant_size,
                "plant_unit": t.plant_unit or sf.plant_unit,
                "groups": list(t.groups),
                "free_capacity": free, "vintage_inputs": t.vintage_inputs,
            })
            ty = pd.DataFrame({
                "sector": name, "tech": key, "year": years,
                "capex": interpolate(t.capex, years), "fixed_om": interpolate(t.fixed_om, years),
                "variable_om": interpolate(t.variable_om, years),
                "utilisation": interpolate(t.utilisation, years),
                "min_utilisation": interpolate(t.utilisation if free else t.min_utilisation, years),
                "process": interpolate(t.process_emissions, years),
                "capture_rate": interpolate(t.capture_rate, years),
                "process_capture_rate": interpolate(t.process_capture_rate, years),
                "product_carbon": interpolate(t.product_carbon, years),
                "carbon_release": interpolate(_release(sf, output), years, 1.0),
                "max_share": interpolate(t.max_share, years),
                "max_build": interpolate(t.build_limit.absolute if t.build_limit else None, years),
            })
            n = end_year + 1 - np.array(years)
            ty["capex_counted"] = ty["capex"] * annuity_fraction(n, t.lifetime, r)
            ty_parts.append(ty)
            _flows(flow_rows, name, key, t.inputs, t.outputs, output, years, t.vintage_inputs)
            if t.vintage_inputs:
                vintage_techs[(name, key)] = t
            for gas, traj in ({} if t.vintage_inputs else t.other_emissions).items():
                other_parts.append(pd.DataFrame({"sector": name, "tech": key, "gas": gas, "year": years,
                                                 "coef": interpolate(traj, years)}))
            cohort_rows.extend(_cohorts(name, key, t, years, length, start, end_year, free=free))
    techs = pd.DataFrame(tech_rows).set_index(["sector", "tech"])
    tech_year = pd.concat(ty_parts, ignore_index=True)
    flows = pd.DataFrame(flow_rows).astype({"year": "int64", "coef": "float64", "by_vintage": bool})
    cohorts = pd.DataFrame(cohort_rows, columns=["sector", "tech", "cohort", "start", "end", "initial",
                                                 "kind", "origin", "retrofit", "vintage", "entry"])
    for inst in insts:
        retro_rows.extend(_retrofits(inst.name, inst.file, cohorts, years, end_year, r))
    retro = pd.DataFrame(retro_rows, columns=["sector", "retrofit", "from_tech", "to_tech", "cohort",
                                              "target_cohort", "year", "capex", "capex_counted", "turnover"])
    if not retro.empty:
        targets = retro.groupby(["sector", "target_cohort"], as_index=False).agg(
            tech=("to_tech", "first"), start=("year", "min"), from_tech=("from_tech", "first"),
            source=("cohort", "first"), retrofit=("retrofit", "first"))
        meta = cohorts.set_index(["sector", "tech", "cohort"])
        orig = meta.loc[list(zip(targets.sector, targets.from_tech, targets.source)), ["end", "origin", "vintage"]]
        added = pd.DataFrame({
            "sector": targets.sector, "tech": targets.tech, "cohort": targets.target_cohort,
            "start": targets.start, "end": orig["end"].to_numpy(), "initial": np.nan, "kind": "retrofit",
            "origin": orig["origin"].to_numpy(), "retrofit": targets.retrofit,
            "vintage": orig["vintage"].to_numpy(), "entry": -1,
        })
        cohorts = pd.concat([cohorts, added], ignore_index=True)
    cohorts = cohorts.set_index(["sector", "tech", "cohort"])

    source = next((c for c, row in commodities.iterrows() if row["draw_on_capture"]), None)
    acc = sc.emissions
    gwp = {g: float(gas.gwp100) for g, gas in inputs.commodities.gases.items()}
    other = (pd.concat(other_parts, ignore_index=True) if other_parts else
             pd.DataFrame(columns=["sector", "tech", "gas", "year", "coef"]))
    other["coef"] = other["coef"].astype(float)
    other["gwp100"] = other["gas"].map(gwp).astype(float)
    tech_year = add_accounting(tech_year, flows, other, commodity_year, acc, problems=problems)
    vintage_flows, vintage_other = vintages.vintage_flows(vintage_techs, cohorts, years)
    vintage_other["coef"] = vintage_other["coef"].astype(float)
    vintage_other["gwp100"] = vintage_other["gas"].map(gwp).astype(float)
    vintage_year = vintages.vintage_emissions(set(vintage_techs), vintage_flows, vintage_other, cohorts, tech_year,
                                      commodity_year, acc, problems)
    if store is None and (tech_year["captured"] > 0).any():
        problems.append(Problem("models/commodities.yaml", None, "commodities",
                                "technologies capture CO2 but no commodity has store_captured_co2: true"))
    if problems:
        raise InputError(problems)

    budget_mt, budget_years, include2 = None, [], False
    sector_budgets = _sector_budgets(inputs)
    budget_rows: dict[str, float] = {}
    mode = None
    regional_budgets = sc.budget.region_budgets_mt() if sc.budget is not None and inputs.regions is not None else {}
    if sector_budgets or regional_budgets:
        assert sc.budget is not None
        b0, b1 = sc.budget.start or start, sc.budget.end or end
        budget_years = [y for y in years if b0 <= y <= b1]
        include2 = sc.budget.include_scope2
    if sector_budgets:
        assert sc.budget is not None
        mode = sc.budget.mode
        budget_mt = float(sum(sector_budgets.values()))
        budget_rows = dict({"optimal": {"all": budget_mt}, "shares": sector_budgets, "price": {}}[mode])
    budget_rows.update(regional_budgets)   # rows over each region's instances
    caps: dict[tuple[str, int], float] = {}
    named = {"all"} | {n for i in insts for n in (i.name, i.sector, i.region)}
    for key, traj in sc.annual_caps.items():   # a cap on a sector outside the run does not apply
        if key in named:
            for y, v in zip(years, interpolate(traj, years)):
                caps[(key, y)] = float(v)
    carbon_price = dict(zip(years, interpolate(sc.carbon_price, years, 0.0).tolist()))

    data = ModelData(
        scenario=sc.name, sectors=[i.name for i in insts], years=years, length=length, df=df,
        weight=weight, discount_rate=r, units=units, techs=techs,
        tech_year=tech_year.set_index(["sector", "tech", "year"]), flows=flows, cohorts=cohorts,
        retrofit_moves=retro, balances=pd.DataFrame(balance_rows).set_index(["sector", "commodity"]),
        demand=pd.concat(demand_parts), commodities=commodities, commodity_year=commodity_year,
        capture_sink=store, budget_mt=budget_mt, budget_years=budget_years,
        budget_include_scope2=include2, caps=caps, carbon_price=carbon_price, groups=groups,
    )
    data.capture_source = source
    data.other_emissions, data.gwp, data.counted_gases = other, gwp, list(acc.gases)
    data.product_carbon, data.downstream_in_budget = acc.product_carbon, acc.downstream_in_budget
    data.vintage_flows, data.vintage_year, data.vintage_other = vintage_flows, vintage_year, vintage_other
    data.vintage_groups = vintages.vintage_groups(vintage_year, vintage_flows, vintage_other)
    data.calibration = _calibration(insts, inputs.scenario.horizon.years)
    data.input_hash = input_hash(inputs)
    data.budget_mode, data.budget_rows, data.sector_budgets = mode, budget_rows, sector_budgets
    data.budget_penalty = sc.budget.soft.penalty if sc.budget is not None and sc.budget.soft else None
    data.global_remaining_mt = sc.budget.global_remaining_mt if sc.budget else None
    data.pools, data.pool_members, data.pool_limit = _pools(inputs, commodities, commodity_year, years, store)
    data.milestones = _milestones(inputs, years, length)
    data.published = _published(inputs, years, length)
    data.resources = pd.DataFrame(
        [{"resource": key, "name": res.name, "unit": res.unit, "commodity": c, "factor": f}
         for key, res in inputs.commodities.resources.items() for c, f in res.members.items()
         if c in commodities.index], columns=["resource", "name", "unit", "commodity", "factor"])
    rf = inputs.regions
    data.sector_names = {i.name: i.file.name if rf is None or i.region == regional.WORLD
                         else f"{i.file.name}, {rf.regions[i.region].name}" for i in insts}
    if rf is not None:
        data.sector_of = {i.name: i.sector for i in insts}
        data.region_of = {i.name: i.region for i in insts}
        data.region_names = {r: spec.name for r, spec in rf.regions.items()}
        rules = regional.trade_routes(rf, insts, data.balances, years)
        data.trade, data.import_share, data.build_share = rules.routes, rules.import_share, rules.build_share
        data.local_share, data.local_minimum = _local_floors(data, rules.local)
        data.storage_limit = regional.storage_limits(rf, store, years)
    data.supply = list(inputs.supply)
    data.dynamics_limits = sc.dynamics.limits
    data.min_service_share = sc.dynamics.min_service_share
    data.group_limits = _group_limits(insts, years)
    data.diagnostics = sc.diagnostics.model_dump()
    return data


def _free_capacity(t, start: int, end: int) -> bool:
    """A technology that can be built and whose capacity costs nothing (no capex, no fixed O&M in
    any year): its capacity is whatever its output needs, so it runs at its utilisation exactly and
    its first-year capacity is existing stock, not new build. (An existing fleet that can no longer
    be built has no capex either, but its capacity is given.)"""
    def zero(traj) -> bool:
        return (traj == 0) if isinstance(traj, float) else all(v == 0 for v in traj.values())
    return t.buildable_in(start, end) and zero(t.capex) and zero(t.fixed_om)


def _group_limits(insts: list[regional.Instance], years: list[int]) -> dict[tuple[str, str], GroupLimits]:
    """The limits of every group with any (schema.sector.Group), resolved to model years."""
    out = {}
    for inst in insts:
        s, sf = inst.name, inst.file
        for name in sf.groups:
            g = sf.group(name)
            if g.build_limit is None and g.turnover is None and g.adoption is None:
                continue
            gl = GroupLimits(members=[k for k, t in sf.technologies.items() if name in t.groups])
            if g.build_limit is not None:
                if g.build_limit.absolute is not None:
                    gl.build = dict(zip(years, interpolate(g.build_limit.absolute, years).tolist()))
                gl.stock_share = g.build_limit.stock_share
            if g.turnover is not None:
                gl.turnover = dict(zip(years, interpolate(g.turnover.max_share, years).tolist()))
                gl.turnover_each = g.turnover.each_member
            if g.adoption is not None:
                gl.adoption, gl.start = g.adoption.max_change, dict(g.adoption.start)
            out[(s, name)] = gl
    return out


def _milestones(inputs: RunInputs, years: list[int], length: dict[int, int]) -> dict[str, dict]:
    """The scenario's milestones for the run's sectors (and `all`), years mapped to model years."""
    def model_year(y: int) -> int:
        return next(my for my in years if my <= y < my + length[my])

    out = {}
    regions = set(inputs.regions.regions) if inputs.regions is not None else set()
    for name, ms in inputs.scenario.milestones.items():
        base, _, region = ms.sector.partition("@")
        if ms.sector != "all" and base not in inputs.sectors and ms.sector not in regions:
            continue   # a milestone on a sector outside the run
        if region and region not in regions:
            continue
        if ms.year is not None:
            chosen = [model_year(ms.year)]
        else:
            last = ms.to if ms.to is not None else years[-1] + length[years[-1]] - 1
            chosen = [y for y in years if ms.from_ <= y <= last]
        spec = ms.model_dump()
        spec["commodities"] = _commodity_members(inputs.sectors.get(base), ms.commodities)
        spec["bounds"] = {sense: dict(zip(chosen, interpolate(spec[sense], chosen).tolist()))
                          for sense in ("min", "max") if spec[sense] is not None}
        spec.update(years=chosen, penalty=ms.soft.penalty if ms.soft else None,
                    relative_to=model_year(ms.relative_to) if ms.relative_to is not None else None)
        out[name] = spec
    return out


def _published(inputs: RunInputs, years: list[int], length: dict[int, int]) -> dict[str, dict]:
    """Published outcomes whose year the horizon covers, as metric specs (see `_milestones`)."""
    out = {}
    for name, oc in inputs.published.items():
        chosen = [my for my in years if my <= oc.year < my + length[my]]
        if not chosen:
            continue
        spec = oc.model_dump()
        spec["commodities"] = _commodity_members(inputs.sectors[oc.sector], oc.commodities)
        spec.update(years=chosen, min=None, max=oc.value, bounds={"max": {y: oc.value for y in chosen}},
                    relative_to=None, base_value=None, penalty=None)
        out[name] = spec
    return out


def _commodity_members(sf: SectorFile | None, names: list[str]) -> list[str]:
    """Commodities with each of the sector's commodity groups replaced by its members."""
    groups = sf.commodity_groups if sf is not None else {}
    return [m for c in names for m in (groups[c].members if c in groups else [c])]


def _sector_budgets(inputs: RunInputs) -> dict[str, float]:
    """Each sector's budget in MtCO2 (empty if the scenario gives none for the run's sectors).

    With ``split: current_emissions`` the run's total is shared in proportion to the sectors'
    published current emissions (their calibration figures).
    """
    b = inputs.scenario.budget
    if b is None:
        return {}
    # supply sectors have no budget of their own: under `optimal` the run's total covers them, under
    # `shares` their (small, residual) emissions are reported but fall under no sector's share
    given = {s: b.sector_budget_mt(s) for s in inputs.sectors if s not in inputs.supply}
    if any(v is None for v in given.values()):
        return {}
    out = {s: float(v) for s, v in given.items()}  # type: ignore[arg-type]
    if b.split == "current_emissions":
        current = {}
        for s, sf in inputs.sectors.items():
            if s in inputs.supply:
                continue
            fig = sf.calibration.emissions if sf.calibration else None
            if fig is None:  # reported with its line by schema.load.check_scenario
                raise InputError([Problem("scenario", None, "budget.split",
                                          f"models/{s}.yaml has no calibration.emissions")])
            current[s] = fig.value * CALIBRATION_UNITS[fig.unit]
        total, weight = sum(out.values()), sum(current.values())
        out = {s: total * current[s] / weight for s in out}
    return out


def _pools(inputs: RunInputs, commodities: pd.DataFrame, commodity_year: pd.DataFrame, years: list[int],
           store: str | None = None) -> tuple[pd.DataFrame, dict[str, dict[str, float]], dict[tuple[str, int], float]]:
    """Pools of the commodity file with the scenario's overrides, restricted to members in the run.

    With a region set, a member bought per region counts with each of its regional copies, and
    each commodity bought per region that has a world limit gets a pool of its own (named after
    it) over its copies, which holds that limit (planner/regions.py)."""
    shipped = inputs.commodities.pools
    rf = inputs.regions
    per_region = regional.regional_commodities(rf, store)
    rows, members, limits = [], {}, {}
    for name in list(shipped) + [p for p in inputs.scenario.pools if p not in shipped]:
        base = shipped[name].model_dump() if name in shipped else {}
        ov = inputs.scenario.pools.get(name)
        spec = {**base, **({k: v for k, v in ov.model_dump(exclude_unset=True).items()} if ov else {})}
        listed = {m: f for c, f in spec["members"].items()
                  for m in ([f"{c}@{r}" for r in rf.regions] if c in per_region and rf else [c])}
        mine = {c: f for c, f in listed.items() if c in commodities.index}
        if not mine or (spec.get("limit") is None and spec.get("cumulative_limit") is None):
            continue
        rows.append({"pool": name, "name": spec.get("name") or name, "unit": spec["unit"],
                     "cumulative_limit": spec.get("cumulative_limit")})
        members[name] = mine
        if spec.get("limit") is not None:
            for y, v in zip(years, interpolate(spec["limit"], years)):
                limits[(name, y)] = float(v)
    for c in sorted(per_region):
        if c not in commodities.index or c in members:
            continue
        limit = commodity_year.xs(c, level="commodity")["limit"]
        cum = commodities.at[c, "cumulative_limit"]
        if limit.isna().all() and pd.isna(cum):
            continue
        assert rf is not None
        rows.append({"pool": c, "name": f"{commodities.at[c, 'name']} (world limit)", "unit": commodities.at[c, "unit"],
                     "cumulative_limit": None if pd.isna(cum) else float(cum)})
        members[c] = {f"{c}@{r}": 1.0 for r in rf.regions}
        limits.update({(c, int(y)): float(v) for y, v in limit.items() if pd.notna(v)})
    table = pd.DataFrame(rows, columns=["pool", "name", "unit", "cumulative_limit"]).set_index("pool")
    return table, members, limits


def _local_floors(d: ModelData, local: regional.LocalFloor) -> tuple[dict, dict]:
    """Split the floors of regional.trade_routes into shares of use and minimum quantities: with a
    capacity share c, min(share x demand, c x K), K what the instance's existing makers of the commodity
    can make in the first model year: their stock in service (a free technology's stock given) times
    their utilisation ceiling; with the floor following demand, min(share, c x K / D[first]) x D[y], the
    first year's share of demand held in every year. No floor in the first model year: its plants are the stock as given
    (regional stock and demand shares come from different sources), so it may trade what it must."""
    shares, minimum = {}, {}
    if not local:
        return shares, minimum
    first = d.years[0]
    c = d.cohorts.reset_index()
    c = c[c["kind"].isin(["existing", "free"]) & (c["start"] <= first) & (c["end"] > first) & c["initial"].notna()]
    output = d.techs["output"].to_dict()
    ceiling = d.tech_year["utilisation"].to_dict()
    capacity: dict[tuple[str, str], float] = {}
    for s, k, cap in zip(c["sector"], c["tech"], c["initial"]):
        key = (s, output.get((s, k)))
        capacity[key] = capacity.get(key, 0.0) + float(cap) * float(ceiling.get((s, k, first), 1.0))
    demand = d.demand.to_dict()
    for (s, p, y), (share, cap_share, follows) in local.items():
        if y == first:   # the first year's plants are the stock as given: it trades what it must
            continue
        if cap_share is None:
            shares[s, p, y] = share
        elif follows:
            start = demand.get((s, p, first), 0.0)
            made = cap_share * capacity.get((s, p), 0.0)
            minimum[s, p, y] = (min(share, made / start) if start > 0 else share) * demand.get((s, p, y), 0.0)
        else:
            minimum[s, p, y] = min(share * demand.get((s, p, y), 0.0), cap_share * capacity.get((s, p), 0.0))
    return shares, minimum


def restrict(d: ModelData, block: list[str]) -> ModelData:
    """The part of a run's data that belongs to some of its sector instances (one sector, or a
    sector in every region of a region set), for solving them on their own.

    Shared rows keep the run's right-hand sides: a budget over all sectors keeps the run's total,
    commodity, pool, regional and 'all' caps keep their limits. Solved alone, the block's model holds
    each shared row with only its own terms; the decomposition (planner/decompose.py) frees those
    rows and prices them instead. Trade routes, world build rows and trade rules stay whole inside
    a block that holds every instance of a sector; a route to an instance outside it is dropped.
    """
    inside = set(block)

    def mine(df: pd.DataFrame) -> pd.DataFrame:
        if "sector" in df.columns:
            return df[df["sector"].isin(inside)]
        return df[df.index.get_level_values("sector").isin(inside)]

    def touches(who: str) -> bool:
        return any(i in inside for i in d.instances(who))

    return replace(
        d, sectors=[s for s in d.sectors if s in inside], units={s: d.units[s] for s in block},
        techs=mine(d.techs), tech_year=mine(d.tech_year),
        flows=mine(d.flows), cohorts=mine(d.cohorts), retrofit_moves=mine(d.retrofit_moves),
        vintage_flows=mine(d.vintage_flows), vintage_year=mine(d.vintage_year), vintage_other=mine(d.vintage_other),
        vintage_groups=mine(d.vintage_groups),
        balances=mine(d.balances), demand=d.demand[d.demand.index.get_level_values(0).isin(inside)],
        caps={k: v for k, v in d.caps.items() if touches(k[0])},
        trade=d.trade[d.trade["origin"].isin(inside) & d.trade["destination"].isin(inside)],
        import_share={k: v for k, v in d.import_share.items() if k[0] in inside},
        local_share={k: v for k, v in d.local_share.items() if k[0] in inside},
        local_minimum={k: v for k, v in d.local_minimum.items() if k[0] in inside},
        build_share={k: v for k, v in d.build_share.items() if k[0] in inside},
        groups={s: d.groups[s] for s in block if s in d.groups}, other_emissions=mine(d.other_emissions),
        calibration=mine(d.calibration),
        budget_rows={k: v for k, v in d.budget_rows.items() if touches(k)},
        sector_budgets={k: v for k, v in d.sector_budgets.items() if touches(k)},
        milestones={k: v for k, v in d.milestones.items() if set(d.instances(v["sector"])) <= inside},
        sector_names={k: v for k, v in d.sector_names.items() if k in inside},
        supply=[s for s in d.supply if s in inside],
        group_limits={k: v for k, v in d.group_limits.items() if k[0] in inside},
    )


def blocks(d: ModelData) -> dict[str, list[str]]:
    """The run's sectors, each with its instances (one per region of the region set; the sector
    itself without one): the parts the price decomposition solves apart."""
    out: dict[str, list[str]] = {}
    for s in d.sectors:
        out.setdefault(d.base(s), []).append(s)
    return out


def _calibration(insts: list[regional.Instance], years: list[int]) -> pd.DataFrame:
    """Published figures each sector's calibration year must reproduce, in model units."""
    rows = []
    for inst in insts:
        name, sf = inst.name, inst.file
        cal = sf.calibration
        if cal is None or cal.year not in years:
            continue
        figures = [(f"production|{p}", fig) for p, fig in cal.production.items()]
        if cal.emissions is not None:
            figures.append(("emissions", cal.emissions))
        if cal.process_emissions is not None:
            figures.append(("process_emissions", cal.process_emissions))
        for quantity, fig in figures:
            rows.append({"sector": name, "quantity": quantity, "year": cal.year, "data_year": fig.year,
                         "published": fig.value * CALIBRATION_UNITS[fig.unit],
                         "unit": "MtCO2" if "emissions" in quantity else sf.commodities[quantity[11:]].unit,
                         "product_carbon": ";".join(fig.product_carbon),
                         "tolerance": cal.tolerance,
                         "source_keys": ", ".join(fig.sources),
                         "sources": "; ".join(sf.sources.get(r, r) for r in fig.sources)})
    return pd.DataFrame(rows, columns=["sector", "quantity", "year", "data_year", "published", "unit",
                                       "product_carbon", "tolerance", "source_keys", "sources"])


def input_hash(inputs: RunInputs) -> str:
    """Hash of everything a run reads: the resolved scenario and the input files' bytes."""
    h = hashlib.sha256()
    h.update(json.dumps(inputs.scenario.model_dump(mode="json"), sort_keys=True).encode())
    h.update(json.dumps(sorted(inputs.sectors)).encode())
    for path in inputs.files:
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def _release(sf: SectorFile, output: str | None) -> Trajectory | None:
    """The share of the carbon held in a technology's output that is released downstream (its
    product's `carbon_release`; None, read as 1, when the product states none)."""
    product = sf.commodities.get(output) if output else None
    return product.carbon_release if product is not None else None


def _commodity_tables(inputs: RunInputs, years: list[int],
                      problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    merged: dict[str, Commodity] = dict(inputs.commodities.commodities)
    owner: dict[str, str] = {}
    for name, sf in inputs.sectors.items():
        for com, d in sf.commodities.items():
            if d.kind != "purchased":
                continue
            if com in owner and merged[com] != d:
                problems.append(Problem(f"models/{name}.yaml", None, f"commodities.{com}",
                                        f"also defined, differently, by the {owner[com]} sector"))
            merged[com], owner[com] = d, name
    supplied = {c: s for s in inputs.supply for c in inputs.sectors[s].supplies}
    rows, parts = [], []
    for com, d in merged.items():
        ov = inputs.scenario.commodities.get(com)

        def get(key: str, ov=ov, d=d) -> object:
            return getattr(ov, key) if ov is not None and getattr(ov, key) is not None else getattr(d, key)

        # made by a supply sector of the run: no outside purchase (net purchase <= 0, at no price)
        made = com in supplied
        rows.append({"commodity": com, "name": d.name or com, "unit": d.unit,
                     "cumulative_limit": None if made else get("cumulative_limit"),
                     "store_captured_co2": d.store_captured_co2, "draw_on_capture": d.draw_on_capture,
                     "supplied_by": supplied.get(com)})
        parts.append(pd.DataFrame({
            "commodity": com, "year": years, "price": 0.0 if made else interpolate(get("price"), years),
            # a tonne of captured CO2 drawn is 1 tCO2 fed to its user (formulation/capture.py)
            "emission_factor": 1.0 if d.draw_on_capture else interpolate(get("emission_factor"), years),
            "biogenic_factor": interpolate(get("biogenic_factor"), years),
            "scope2_factor": interpolate(get("scope2_factor"), years),
            "limit": 0.0 if made else interpolate(get("limit"), years),
        }))
    commodities = pd.DataFrame(rows).set_index("commodity")
    commodity_year = pd.concat(parts, ignore_index=True).set_index(["commodity", "year"])
    return commodities, commodity_year


def _flows(rows: dict[str, list], sector: str, tech: str, inputs: dict, outputs: dict, output: str,
           years: list[int], by_vintage: bool = False) -> None:
    """Append to `rows` (columns of the flows table) the use per unit of activity in each year
    (outputs negative); with `by_vintage` the inputs are kept apart from the outputs and flagged (the
    LP takes them per cohort from `vintage_flows`)."""
    made = [(output, [-1.0] * len(years))]
    made += [(com, [-float(v) for v in interpolate(traj, years)]) for com, traj in outputs.items()]
    used = [(com, [float(v) for v in interpolate(traj, years)]) for com, traj in inputs.items()]
    groups = [made, used] if by_vintage else [made + used]
    for i, parts in enumerate(groups):
        total: dict[tuple[str, int], float] = {}   # a commodity made and used nets out, in first-seen order
        for com, coefs in parts:
            for y, v in zip(years, coefs):
                total[com, y] = total.get((com, y), 0.0) + v
        flag = by_vintage and i == 1
        for (com, y), v in total.items():
            if v != 0:
                for col, value in (("sector", sector), ("tech", tech), ("commodity", com), ("year", y),
                                   ("coef", v), ("by_vintage", flag)):
                    rows[col].append(value)


def _cohorts(sector: str, tech: str, t, years: list[int], length: dict[int, int], start: int, end_year: int,
             free: bool = False) -> list[dict]:
    """Existing cohorts (from the stock, by retirement year) and one new cohort per build year.

    A stock entry is in service until its retirement year. A new cohort of a period of L years stands
    for plants built over those years, which retire over L years a lifetime later, on average at
    ``y + lifetime + (L - 1) / 2``; it is in service in model year m while more than half of m's
    period lies before that (_leaves): with periods of equal length, until ``y + lifetime``; in a
    shorter last period (2050 at 5-year steps) it stays while most of it does. At annual steps a
    cohort is in service until ``y + lifetime``.

    Free capacity (no capex, no fixed O&M) has no vintages to choose: instead of its stock and new
    cohorts it has one cohort 'free' (kind 'free') from its first year to the horizon end, sized each
    year to what its output needs; its additions are the year's increase of that cohort (in the first
    year, over the stock given, held in `initial`)."""
    rows: dict[str, dict] = {}
    kinds: dict[int, tuple] = {}
    """retirement year -> the coefficient spec (vintage, entry) that has the plain label"""
    for i, c in enumerate(t.stock):
        if c.retire is not None:
            split = {c.retire: c.capacity}
        else:
            a, b = c.retire_between
            split = {y: c.capacity / (b - a + 1) for y in range(a, b + 1)}
        # With vintage inputs an entry that states its own coefficients is a cohort of its own.
        vintage = c.vintage if c.vintage is not None else start - 1
        entry = i if c.inputs is not None or c.other_emissions is not None else -1
        spec = (vintage, entry) if t.vintage_inputs else None
        for retire, cap in split.items():
            if retire <= start:  # checked with its line by schema.load.check_stock
                continue
            plain = kinds.setdefault(retire, spec)
            label = f"stock-{retire}" if plain == spec else f"stock-{retire}-{i + 1}"
            if label in rows:
                rows[label]["initial"] += cap
            else:
                rows[label] = {"sector": sector, "tech": tech, "cohort": label, "start": start, "end": retire,
                               "initial": cap, "kind": "existing", "origin": start - 1, "retrofit": "",
                               "vintage": vintage, "entry": entry}
    first = t.available_from or -10**6
    last = t.last_build or 10**6
    if free:  # the stock given is the capacity of the first year the free cohort may fall short of
        stock = sum(r["initial"] for r in rows.values())
        built = [y for y in years if first <= y <= last or (stock > 0 and y == start)]
        if built:
            return [{"sector": sector, "tech": tech, "cohort": "free", "start": built[0], "end": end_year + 1,
                     "initial": stock, "kind": "free", "origin": built[0], "retrofit": "", "vintage": built[0],
                     "entry": -1}]
        return []
    for y in years:
        if first <= y <= last:
            retire = y + t.lifetime + (length[y] - 1) / 2
            rows[str(y)] = {"sector": sector, "tech": tech, "cohort": str(y), "start": y,
                            "end": _leaves(retire, years, length),
                            "initial": np.nan, "kind": "new", "origin": y, "retrofit": "", "vintage": y,
                            "entry": -1}
    return list(rows.values())


def _leaves(retire: float, years: list[int], length: dict[int, int]) -> int:
    """The `end` of a cohort that retires at `retire` (a year, or a mean over the years of a
    period's build): the first model year m whose period lies more than half after the retirement,
    ``retire - m <= length[m] / 2``; else (it outlives the horizon) the retirement year rounded up.
    At annual steps that is the retirement year itself."""
    for m in years:
        if retire - m <= length[m] / 2:
            return m
    return int(math.ceil(retire))


def _retrofits(sector: str, sf: SectorFile, cohorts: pd.DataFrame, years: list[int],
               end_year: int, rate: float) -> list[dict]:
    """Every (retrofit, source cohort, year) at which capacity may be converted."""
    rows: list[dict] = []
    if not sf.retrofits:
        return rows
    mine = cohorts[cohorts.sector == sector]
    by_tech: dict[str, list[tuple[str, int, int, bool]]] = {}
    for k, c, start, end, origin in zip(mine.tech, mine.cohort, mine.start, mine.end, mine.origin):
        by_tech.setdefault(k, []).append((c, int(start), int(end), origin < years[0]))
    for rname, r in sf.retrofits.items():
        first = r.available_from or -10**6
        capex = dict(zip(years, interpolate(r.capex, years)))
        src = [(c, a, b) for c, a, b, old in by_tech.get(r.from_, [])
               if r.cohorts == "all" or old == (r.cohorts == "existing")]
        for cohort, start, end in src:
            for y in years:
                if start < y < end and y >= first:
                    life = end - y
                    counted = capex[y] * float(annuity_fraction(min(life, end_year + 1 - y), life, rate))
                    rows.append({"sector": sector, "retrofit": rname, "from_tech": r.from_, "to_tech": r.to,
                                 "cohort": cohort, "target_cohort": f"{rname}:{cohort}", "year": y,
                                 "capex": capex[y], "capex_counted": counted, "turnover": r.turnover})
    return rows
