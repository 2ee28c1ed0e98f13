"""Solution -> tidy long tables of the results contract (docs/results.md).

Every table has one row per index tuple with `value` and `unit`. Money is undiscounted, per
year, in million USD of the scenario's base year, except where a name ends in `_pv` (present
value in the start year). Prices are recovered from duals (see solve.py for the signs):

- carbon price in year y: ``exogenous[y] + (-dual_budget) * length[y] / weight[y]``, i.e. the
  present-value budget price carried to year y (a Hotelling path), in USD/tCO2;
- marginal cost of product p: ``dual_balance[p,y] / weight[y]`` (USD per unit of product);
- scarcity price of a commodity limit: ``-dual / weight[y]`` (USD per GJ or per t);
- `scarcity|<captured CO2 commodity>`: the captured-CO2 balance's price, ``-dual / weight[y]``
  (USD/tCO2): zero while captured CO2 is left to store; when users draw all that is captured, a
  tonne more captured is worth this price less the storage price to the run (formulation/capture.py);
- annual cap price: ``-dual / weight[y]`` (USD/tCO2).

Technologies with vintage inputs: the LP's activity of a group of cohorts with the same coefficients
is split over its cohorts by capacity, ``ACTC[c,y] = ACTG[g,y] * CAP[c,y] / sum_{c' in g} CAP[c',y]``
(`activity_by_cohort`); their commodity use, scope 1, captured and scope 2 CO2 are summed over the
cohorts, ``sum_c coef[k,c,y] * ACTC[k,c,y]``.

Retirements: a cohort's capacity that falls between two model years (net of retrofits out of
and into it) is early retirement; the capacity left when its end year arrives is end of life.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.data import ModelData
from planner.families import FAMILIES
from planner.results.units import cost_unit
from planner.solution import Solution

TOL = 1e-7
"""Values below this (in model units) are reported as absent (solver noise)."""

MILESTONE_COLUMNS = ["name", "sector", "year", "metric", "bound", "value", "status", "dual"]


@dataclass
class Results:
    """The result tables of one run, by name (file name without `.csv`), and its objective."""

    objective: float
    overshoot: dict[str, float] = field(default_factory=dict)
    """MtCO2 by which each soft budget row ('all' or a sector) is overshot (penalty not in objective)"""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _frame(values: dict[Any, float], names: list[str]) -> pd.DataFrame:
    """A {index tuple: value} dict as a long table with one column per index position."""
    if not values:
        return pd.DataFrame(columns=[*names, "value"])
    keys = list(values.keys())
    if len(names) == 1:
        out = pd.DataFrame({names[0]: keys})
    else:
        out = pd.DataFrame(keys, columns=names)
    out["value"] = np.fromiter(values.values(), dtype=float, count=len(keys))
    return out


def extract(d: ModelData, sol: Solution) -> Results:
    """All result tables of the contract from a solved model."""
    currency = d.notes.get("currency", "USD")
    cap = _frame(sol.values.get("CAP", {}), ["sector", "technology", "cohort", "year"])
    act = _frame(sol.values.get("ACT", {}), ["sector", "technology", "year"])
    retro = _frame(sol.values.get("RETRO", {}), ["sector", "retrofit", "cohort", "year"])
    em = _frame(sol.values.get("EM", {}), ["sector", "year"])
    actc = _cohort_activity(d, _frame(sol.values.get("ACTC", {}), ["sector", "technology", "group", "year"]), cap)

    t: dict[str, pd.DataFrame] = {}
    t["production"] = _production(d, act)
    unit = _output_units(d)
    t["capacity"] = _with_unit(cap.groupby(["sector", "technology", "year"], as_index=False)["value"].sum()
                               .query("value > @TOL"), unit, per_year=True)
    by_cohort_cap = cap[cap.value > TOL].reset_index(drop=True)
    by_cohort_cap["unit"] = [unit[(s, k)] + "/yr" for s, k in zip(by_cohort_cap.sector, by_cohort_cap.technology)]
    t["capacity_by_cohort"] = by_cohort_cap[["sector", "technology", "cohort", "year", "value", "unit"]]
    t["new_capacity"] = _new_capacity(d, cap, unit)
    t["retrofits"] = _retrofits(d, retro, unit)
    by_cohort = _retired(d, cap, retro, unit)
    t["retired_capacity"] = (by_cohort.groupby(["sector", "technology", "year", "kind", "unit"], as_index=False)
                             ["value"].sum()[["sector", "technology", "year", "value", "unit", "kind"]])
    t["early_retirements"] = by_cohort[by_cohort.kind == "early"].drop(columns="kind").reset_index(drop=True)
    per_tech = _emission_amounts(d, act, actc)
    t["emissions"] = _emissions(em, per_tech)
    t["emissions_by_technology"] = _emissions_by_tech(per_tech)
    t["other_emissions"] = _other_emissions(d, act, actc)
    t["group_shares"] = _group_shares(d, t["production"], t["new_capacity"])
    t["commodity_use"] = _commodity_use(d, act, actc, per_tech)
    if d.capture_sink is not None:
        t["captured_co2"] = _captured_co2(d, per_tech, t["commodity_use"])
    by_cohort_act = actc[actc.value > TOL].reset_index(drop=True)
    by_cohort_act["unit"] = [unit[(s, k)] for s, k in zip(by_cohort_act.sector, by_cohort_act.technology)]
    t["activity_by_cohort"] = by_cohort_act[["sector", "technology", "cohort", "year", "value", "unit"]]
    counted = t["emissions"][["sector", "year", "counted"]].rename(columns={"counted": "value"})
    t["costs"] = _costs(d, cap, act, retro, t["commodity_use"], counted, currency, sol.values.get("TRADE", {}))
    t["prices"] = _prices(d, sol, currency)
    t["calibration"] = _calibration(d, t["production"], per_tech)
    t["milestones"] = _milestones(d, sol, currency)
    t["technologies"] = _technologies(d, unit)
    if d.region_of:
        t["trade"] = _trade(d, sol)
    over = {b: float(v) for b, v in sol.values.get(str(FAMILIES["budget"].soft), {}).items() if v > TOL}
    penalty = (d.budget_penalty or 0.0) * sum(over.values())
    return Results(objective=float(sol.objective or 0.0) - penalty, tables=t, overshoot=over)


def _trade(d: ModelData, sol: Solution) -> pd.DataFrame:
    """trade.csv: what each region sends to each other region, per product or intermediate and
    year, in the commodity's unit per year, with its transport cost (million USD, undiscounted)."""
    flows = _frame(sol.values.get("TRADE", {}), ["commodity", "origin", "destination", "year"])
    flows = flows[flows.value > TOL]
    cost = d.trade.set_index(["commodity", "origin", "destination", "year"])["cost"]
    keys = list(zip(flows.commodity, flows.origin, flows.destination, flows.year))
    unit = d.balances["unit"].to_dict()
    out = pd.DataFrame({
        "sector": [d.base(o) for o in flows.origin], "commodity": flows.commodity.to_numpy(),
        "origin": [d.region_of[o] for o in flows.origin],
        "destination": [d.region_of[b] for b in flows.destination],
        "year": flows.year.astype(int).to_numpy(), "value": flows.value.to_numpy(),
        "unit": [unit[(o, c)] + "/yr" for o, c in zip(flows.origin, flows.commodity)],
        "transport_cost": flows.value.to_numpy() * cost.loc[keys].to_numpy() if keys else [],
    })
    return out.sort_values(["sector", "commodity", "year", "origin", "destination"]).reset_index(drop=True)


def by_region(d: ModelData, table: pd.DataFrame) -> pd.DataFrame:
    """A table whose `sector` holds sector instances, with `sector` the sector and a `region`
    column after it (planner/regions.py); a `sector` that names a region (a row over the region's
    instances, e.g. in drivers.csv) becomes an empty sector in that region; a table without `sector`
    (or trade.csv, by origin and destination) is unchanged."""
    if "sector" not in table.columns or "region" in table.columns or "origin" in table.columns:
        return table
    out = table.copy()
    inst = out["sector"]
    regions = set(d.region_names)   # a row over a region (a budget, cap or storage ceiling) names it
    out["sector"] = ["" if s in regions else d.sector_of.get(s, s) for s in inst]
    out.insert(out.columns.get_loc("sector") + 1, "region",
               [s if s in regions else d.region_of.get(s, "World") for s in inst])
    return out


def _technologies(d: ModelData, unit: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The run's technologies: names, output, near-zero flag, lifetime, plant size, groups."""
    t = d.techs.reset_index().rename(columns={"tech": "technology"})
    t["capacity_unit"] = [unit[(s, k)] + "/yr" for s, k in zip(t.sector, t.technology)]
    t["groups"] = [";".join(g) for g in t.groups]
    t["available_from"] = t.available_from.where(t.available_from > -10**5)
    t["last_build"] = t.last_build.where(t.last_build < 10**5)
    return t[["sector", "technology", "name", "output", "near_zero", "lifetime", "available_from", "last_build",
              "plant_size", "plant_unit", "capacity_unit", "groups"]]


def _output_units(d: ModelData) -> dict[tuple[str, str], str]:
    """Unit of each technology's activity: the unit of the commodity it makes."""
    units = d.balances["unit"].to_dict()
    return {(s, k): units.get((s, out), d.units[s]) for (s, k), out in d.techs["output"].items()}


def _with_unit(df: pd.DataFrame, unit: dict[tuple[str, str], str], per_year: bool = False) -> pd.DataFrame:
    df = df.reset_index(drop=True).copy()
    df["unit"] = [unit[(s, k)] + ("/yr" if per_year else "") for s, k in zip(df.sector, df.technology)]
    return df[["sector", "technology", "year", "value", "unit"]]


def _production(d: ModelData, act: pd.DataFrame) -> pd.DataFrame:
    """Output per technology and year, with the commodity made and its unit."""
    out = act[act.value.abs() > TOL].reset_index(drop=True).copy()
    outputs = d.techs["output"].to_dict()
    units = d.balances["unit"].to_dict()
    out["output"] = [outputs[(s, k)] for s, k in zip(out.sector, out.technology)]
    out["unit"] = [units.get((s, p), d.units[s]) for s, p in zip(out.sector, out.output)]
    return out[["sector", "technology", "year", "value", "unit", "output"]]


def _new_capacity(d: ModelData, cap: pd.DataFrame, unit: dict[tuple[str, str], str]) -> pd.DataFrame:
    kind = d.cohorts["kind"]
    c = cap.merge(kind.rename("kind").reset_index().rename(columns={"tech": "technology"}),
                  on=["sector", "technology", "cohort"], how="left")
    new = c[(c.kind == "new") & (c.cohort == c.year.astype(str)) & (c.value > TOL)]
    return _with_unit(new[["sector", "technology", "year", "value"]], unit, per_year=True)


def _retrofits(d: ModelData, retro: pd.DataFrame, unit: dict[tuple[str, str], str]) -> pd.DataFrame:
    cols = ["sector", "retrofit", "from", "to", "cohort", "year", "value", "unit"]
    r = retro[retro.value > TOL]
    if r.empty:
        return pd.DataFrame(columns=cols)
    moves = d.retrofit_moves[["sector", "retrofit", "from_tech", "to_tech"]].drop_duplicates(["sector", "retrofit"])
    r = r.merge(moves, on=["sector", "retrofit"], how="left").rename(columns={"from_tech": "from", "to_tech": "to"})
    r["unit"] = [unit[(s, k)] + "/yr" for s, k in zip(r.sector, r["from"])]
    return r[cols].reset_index(drop=True)


def _retired(d: ModelData, cap: pd.DataFrame, retro: pd.DataFrame,
             unit: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Early retirement (capacity dropped while in service) and end of life, per cohort and year."""
    cols = ["sector", "technology", "cohort", "year", "value", "unit", "kind"]
    years = d.years
    nxt = dict(zip(years, years[1:]))
    values = {(s, k, c, y): v for s, k, c, y, v in zip(cap.sector, cap.technology, cap.cohort, cap.year, cap.value)}
    moves = d.retrofit_moves
    flow: dict[tuple[str, str, str, int], float] = {}
    if not retro.empty:
        src = dict(zip(zip(moves.sector, moves.retrofit, moves.cohort, moves.year),
                       zip(moves.from_tech, moves.target_cohort, moves.to_tech)))
        for (s, r, c, y), v in zip(zip(retro.sector, retro.retrofit, retro.cohort, retro.year), retro.value):
            frm, target, to = src[(s, r, c, y)]
            flow[(s, frm, c, y)] = flow.get((s, frm, c, y), 0.0) - v
            flow[(s, to, target, y)] = flow.get((s, to, target, y), 0.0) + v
    rows = []
    for (s, k, c, y), v in values.items():
        if c == "free":  # free capacity has no vintages: a fall in it is no retirement
            continue
        y2 = nxt.get(y)
        if y2 is None:
            continue
        after = values.get((s, k, c, y2))
        if after is None:  # left service: end of life
            if v > TOL:
                rows.append((s, k, c, y2, v, "end_of_life"))
            continue
        drop = v + flow.get((s, k, c, y2), 0.0) - after
        if drop > 1e-6:
            rows.append((s, k, c, y2, drop, "early"))
    out = pd.DataFrame(rows, columns=["sector", "technology", "cohort", "year", "value", "kind"])
    out["unit"] = [unit[(s, k)] + "/yr" for s, k in zip(out.sector, out.technology)]
    return out[cols]


EMISSION_COLUMNS = ["sector", "year", "value", "unit", "captured", "scope2", "downstream", "held", "other_co2e",
                    "counted"]
AMOUNTS = ["value", "captured", "scope2", "site", "product_carbon", "downstream", "held", "other_co2e", "counted"]
"""emission amounts per technology and year (MtCO2 or MtCO2e), `value` being scope 1"""


def _cohort_activity(d: ModelData, by_group: pd.DataFrame, cap: pd.DataFrame) -> pd.DataFrame:
    """Output of each cohort of a technology with vintage inputs: its group's output shared in
    proportion to capacity (equally where the group has none)."""
    cols = ["sector", "technology", "cohort", "year", "value"]
    if by_group.empty:
        return pd.DataFrame(columns=cols)
    g = d.vintage_groups.rename(columns={"tech": "technology"})
    x = g.merge(by_group.rename(columns={"value": "group_act"}), on=["sector", "technology", "group", "year"])
    x = x.merge(cap, on=["sector", "technology", "cohort", "year"], how="left").fillna({"value": 0.0})
    keys = ["sector", "technology", "group", "year"]
    total = x.groupby(keys)["value"].transform("sum")
    count = x.groupby(keys)["value"].transform("size")
    share = (x.value / total.where(total > TOL)).fillna(1.0 / count)
    return x.assign(value=x.group_act * share)[cols].reset_index(drop=True)


def vintage_techs(d: ModelData) -> set[tuple[str, str]]:
    """(sector, technology) pairs whose inputs follow the vintage (their activity is by cohort)."""
    flag = d.techs["vintage_inputs"] if "vintage_inputs" in d.techs.columns else {}
    return {key for key, v in flag.items() if v}


def _emission_amounts(d: ModelData, act: pd.DataFrame, actc: pd.DataFrame) -> pd.DataFrame:
    """Per (sector, technology, year) the amounts of AMOUNTS (MtCO2 or MtCO2e): each accounting
    factor of data.py (scope1 as `value`) times ACT, or per cohort times ACTC for technologies with
    vintage inputs, summed over the cohorts."""
    factors = ["scope1", *AMOUNTS[1:]]
    cols = ["sector", "technology", "year", *AMOUNTS]

    def amounts(a: pd.DataFrame) -> pd.DataFrame:
        a = a.copy()
        a[factors] = a[factors].astype(float).fillna(0.0).mul(a["value"].astype(float), axis=0)
        return a.drop(columns="value").rename(columns={"scope1": "value"})

    coefs = d.tech_year[factors].reset_index().rename(columns={"tech": "technology"})
    vintage = vintage_techs(d)
    whole = act[[(s, k) not in vintage for s, k in zip(act.sector, act.technology)]] if vintage else act
    parts = [amounts(whole.merge(coefs, on=["sector", "technology", "year"], how="left"))[cols]]
    if not actc.empty:
        vc = d.vintage_year[factors].reset_index().rename(columns={"tech": "technology"})
        c = amounts(actc.merge(vc, on=["sector", "technology", "cohort", "year"], how="left"))
        parts.append(c.groupby(["sector", "technology", "year"], as_index=False)[AMOUNTS].sum()[cols])
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True).fillna({c: 0.0 for c in AMOUNTS})


def _emissions(em: pd.DataFrame, per_tech: pd.DataFrame) -> pd.DataFrame:
    """emissions.csv: per sector and year the scope-1 CO2 net of capture (`value`, the EM variable:
    site emissions, plus the carbon held in products with `product_carbon: at_production`), CO2
    captured, scope 2, the carbon held in products released downstream (`downstream`, with
    `product_carbon: downstream`), the fossil carbon that stays held in products (`held`: the
    part of the product carbon its product's `carbon_release` does not release; never counted),
    the CO2e of non-CO2 gases at GWP100 (`other_co2e`, all gases) and the emissions the budget,
    caps and carbon price count (`counted`, MtCO2e: value plus the CO2e of the gases the scenario
    counts plus downstream if the scenario counts it)."""
    cols = ["captured", "scope2", "downstream", "held", "other_co2e", "extra"]
    by_sy = per_tech.assign(extra=per_tech.counted - per_tech.value)
    by_sy = by_sy.groupby(["sector", "year"], as_index=False)[cols].sum()
    out = em.merge(by_sy, on=["sector", "year"], how="left")
    out[cols] = out[cols].fillna(0.0)
    out["counted"] = out["value"] + out.pop("extra")
    out["unit"] = "MtCO2"
    return out[EMISSION_COLUMNS]


def _emissions_by_tech(per_tech: pd.DataFrame) -> pd.DataFrame:
    """Per technology: scope 1 (`value`, as in emissions.csv), captured, scope 2, the carbon held
    in its products (`product_carbon`, whatever the switch), the part released downstream and the
    part that stays held in products."""
    cols = ["value", "captured", "scope2", "product_carbon"]
    out = per_tech[(per_tech[cols].abs() > TOL).any(axis=1)]
    out = out[["sector", "technology", "year", *cols, "downstream", "held"]].reset_index(drop=True)
    out["unit"] = "MtCO2"
    return out


def _other_emissions(d: ModelData, act: pd.DataFrame, actc: pd.DataFrame) -> pd.DataFrame:
    """Non-CO2 gases (e.g. methane slip) per sector, technology and year, in Mt of the gas (coef x ACT,
    or per cohort coef x ACTC for technologies with vintage inputs), with their GWP100 and CO2e
    (Mt CO2e = gwp100 x value) and whether the scenario counts them."""
    cols = ["sector", "technology", "gas", "year", "value", "unit", "gwp100", "co2e", "counted"]
    o = d.other_emissions.rename(columns={"tech": "technology"})
    parts = []
    if not o.empty:
        w = o.merge(act.rename(columns={"value": "act"}), on=["sector", "technology", "year"])
        parts.append(w.assign(value=w.coef * w.act)[["sector", "technology", "gas", "year", "value"]])
    vo = d.vintage_other.rename(columns={"tech": "technology"})
    if not vo.empty and not actc.empty:
        c = vo.merge(actc.rename(columns={"value": "act"}), on=["sector", "technology", "cohort", "year"])
        c = c.assign(value=c.coef * c.act).groupby(["sector", "technology", "gas", "year"], as_index=False)["value"]
        parts.append(c.sum())
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out[out.value.abs() > TOL].reset_index(drop=True)
    out["unit"] = "Mt " + out["gas"]
    out["gwp100"] = out["gas"].map(d.gwp).astype(float)
    out["co2e"] = out["value"] * out["gwp100"]
    out["counted"] = out["gas"].isin(d.counted_gases)
    return out[cols]


def _group_shares(d: ModelData, production: pd.DataFrame, new_capacity: pd.DataFrame) -> pd.DataFrame:
    """Share of each technology group (and near_zero) in output and in new capacity (sales share).

    ``output_share[g,y] = sum_{k in g} ACT[k,y] / sum_{k with the same output} ACT[k,y]`` and
    likewise for new capacity, per output commodity of the group's technologies.
    """
    cols = ["sector", "group", "output", "metric", "year", "value", "unit"]
    rows = []
    for metric, table in (("output_share", production), ("new_capacity_share", new_capacity)):
        if table.empty:
            continue
        outputs = d.techs["output"].to_dict()
        t = table.assign(output=[outputs[(s, k)] for s, k in zip(table.sector, table.technology)])
        totals = t.groupby(["sector", "output", "year"])["value"].sum()
        for s, groups in d.groups.items():
            for g, members in groups.items():
                if not members:
                    continue
                part = t[(t.sector == s) & t.technology.isin(members)].groupby(["output", "year"])["value"].sum()
                outs = {outputs[(s, k)] for k in members}
                for out in outs:
                    for y in sorted({yy for (ss, oo, yy) in totals.index if ss == s and oo == out}):
                        tot = totals.get((s, out, y), 0.0)
                        if tot > TOL:
                            rows.append((s, g, out, metric, y, float(part.get((out, y), 0.0)) / tot, "share"))
    return pd.DataFrame(rows, columns=cols)


def _commodity_use(d: ModelData, act: pd.DataFrame, actc: pd.DataFrame, per_tech: pd.DataFrame) -> pd.DataFrame:
    """Purchased commodities (and captured CO2 sent to storage) per sector and year: coef x ACT, and
    per cohort coef x ACTC for the inputs of technologies with vintage inputs.

    Captured CO2 drawn as a feedstock is taken from every capturing sector in proportion to what
    it captures, so a sector stores ``captured[s,y] * (1 - U[y] / C[y])`` (U drawn and C captured
    by the run): never negative, and the sectors' storage adds up to the run's."""
    cols = ["sector", "commodity", "year", "value", "unit"]
    use = use_by_technology(d, act, actc).groupby(["sector", "commodity", "year"], as_index=False)["value"].sum()
    if d.capture_sink is not None:
        bal = _captured_co2(d, per_tech, use)
        cap = bal[(bal.sector != "total") & (bal.stored.abs() > TOL)]
        cap = cap.assign(commodity=d.capture_sink, value=cap.stored)[["sector", "commodity", "year", "value"]]
        use = pd.concat([use, cap], ignore_index=True).groupby(["sector", "commodity", "year"], as_index=False)[
            "value"].sum()
    use = use[use.value.abs() > TOL].reset_index(drop=True)
    use["unit"] = use["commodity"].map(d.commodities["unit"])
    return use[cols]


def use_by_technology(d: ModelData, act: pd.DataFrame, actc: pd.DataFrame) -> pd.DataFrame:
    """Purchased commodities per sector, technology, commodity and year (in the commodity's unit per
    year): coef x ACT, and per cohort coef x ACTC for the inputs of technologies with vintage inputs.
    `act` has columns sector, technology, year, value (e.g. the production table), `actc` also cohort."""
    keys = ["sector", "technology", "commodity", "year"]
    bought = d.commodities.index
    f = d.flows[d.flows.commodity.isin(bought)]
    if "by_vintage" in f.columns:
        f = f[~f.by_vintage.astype(bool)]
    a = act.rename(columns={"technology": "tech", "value": "act"})[["sector", "tech", "year", "act"]]
    use = f.merge(a, on=["sector", "tech", "year"], how="inner")
    use = use.assign(value=use.coef * use.act).rename(columns={"tech": "technology"})[keys + ["value"]]
    if not actc.empty:
        vf = d.vintage_flows[d.vintage_flows.commodity.isin(bought)]
        c = vf.merge(actc.rename(columns={"technology": "tech", "value": "act"})[["sector", "tech", "cohort", "year",
                                                                                   "act"]],
                     on=["sector", "tech", "cohort", "year"], how="inner")
        c = c.assign(value=c.coef * c.act).rename(columns={"tech": "technology"})[keys + ["value"]]
        use = pd.concat([use, c], ignore_index=True)
    return use.groupby(keys, as_index=False)["value"].sum()


def _captured_co2(d: ModelData, per_tech: pd.DataFrame, use: pd.DataFrame) -> pd.DataFrame:
    """captured_co2.csv: per sector (and `total`) and year, CO2 captured, drawn as a feedstock
    (`used`: the sector's purchases of the commodity that draws on capture) and stored (MtCO2);
    stored + used = captured in the total (formulation/capture.py).

    A sector stores its captures less its share of what is drawn: the run's draws spread over all
    captures (``captured * (1 - U / C)``), or, in a run with regional storage limits, as those rows
    count them: a region's users draw from its own captures first and the regions that draw more
    than they capture take the rest from the others' surplus in proportion, so a region stores
    ``max(C_r - U_r, 0) * (1 - E / S)`` (E the regions' shortfalls, S their surpluses), spread over
    its sectors by their captures."""
    cols = ["sector", "year", "captured", "used", "stored", "unit"]
    cap = per_tech.groupby(["sector", "year"])["captured"].sum()
    drawn = use[use.commodity == d.capture_source].groupby(["sector", "year"])["value"].sum()
    out = pd.concat([cap, drawn.rename("used")], axis=1).fillna(0.0).reset_index()
    if out.empty:
        return pd.DataFrame(columns=cols)
    total = out.groupby("year")[["captured", "used"]].sum()
    if d.storage_limit:
        region = out.sector.map(lambda s: d.region_of.get(s, s))
        reg = out.groupby([region, out.year])[["captured", "used"]].sum()
        surplus, short = (reg.captured - reg.used).clip(lower=0), (reg.used - reg.captured).clip(lower=0)
        years = reg.index.get_level_values(1)
        s_y, e_y = surplus.groupby(level=1).sum(), short.groupby(level=1).sum()
        keep = (1 - e_y / s_y.where(s_y > TOL)).fillna(0.0)
        stored_r = surplus * keep.reindex(years).to_numpy()
        per_unit = (stored_r / reg.captured.where(reg.captured > TOL)).fillna(0.0).to_dict()
        out["stored"] = out.captured * [per_unit.get((r, y), 0.0) for r, y in zip(region, out.year)]
    else:
        ratio = (1 - total.used / total.captured.where(total.captured > TOL)).fillna(0.0)
        out["stored"] = out.captured * out.year.map(ratio)
    tot = total.assign(stored=total.captured - total.used).reset_index().assign(sector="total")
    out = pd.concat([out, tot], ignore_index=True)
    out = out[(out[["captured", "used"]].abs() > TOL).any(axis=1)].reset_index(drop=True)
    out["unit"] = "MtCO2"
    return out[cols]


def _costs(d: ModelData, cap: pd.DataFrame, act: pd.DataFrame, retro: pd.DataFrame, use: pd.DataFrame,
           em: pd.DataFrame, currency: str, trade: dict | None = None) -> pd.DataFrame:
    """Undiscounted cost components per sector and year (million USD); `em` holds the counted
    emissions (sector, year, value) that a carbon price applies to; `trade` the TRADE values,
    whose transport the importing region pays (component `transport`).

    capex, retrofit_capex and salvage (negative) are paid in the build year; discounted with
    df[y] they, and the other components with weight[y], add up to the objective.
    """
    ty = d.tech_year.reset_index().rename(columns={"tech": "technology"})
    parts = []
    kind = d.cohorts["kind"].rename("kind").reset_index().rename(columns={"tech": "technology"})
    new = cap.merge(kind, on=["sector", "technology", "cohort"])
    new = new[(new.kind == "new") & (new.cohort == new.year.astype(str))]
    new = new.merge(ty[["sector", "technology", "year", "capex", "capex_counted"]],
                    on=["sector", "technology", "year"])
    parts.append(new.assign(component="capex", value=new.value * new.capex))
    parts.append(new.assign(component="salvage", value=new.value * (new.capex_counted - new.capex)))
    if not retro.empty:
        mv = d.retrofit_moves[["sector", "retrofit", "cohort", "year", "capex", "capex_counted"]]
        r = retro.merge(mv, on=["sector", "retrofit", "cohort", "year"])
        parts.append(r.assign(component="retrofit_capex", value=r.value * r.capex))
        parts.append(r.assign(component="salvage", value=r.value * (r.capex_counted - r.capex)))
    total_cap = cap.groupby(["sector", "technology", "year"], as_index=False)["value"].sum()
    fom = total_cap.merge(ty[["sector", "technology", "year", "fixed_om"]], on=["sector", "technology", "year"])
    parts.append(fom.assign(component="fixed_om", value=fom.value * fom.fixed_om))
    vom = act.merge(ty[["sector", "technology", "year", "variable_om"]], on=["sector", "technology", "year"])
    parts.append(vom.assign(component="variable_om", value=vom.value * vom.variable_om))
    price = d.commodity_year["price"].rename("price").reset_index()
    buy = use.merge(price, on=["commodity", "year"])
    parts.append(buy.assign(component="commodity|" + buy.commodity, value=buy.value * buy.price))
    cp = pd.Series(d.carbon_price, name="cp").rename_axis("year").reset_index()
    carbon = em.merge(cp, on="year")
    parts.append(carbon.assign(component="carbon_price", value=carbon.value * carbon.cp))
    if trade:
        cost = d.trade.set_index(["commodity", "origin", "destination", "year"])["cost"].to_dict()
        moved = pd.DataFrame([(b, y, v * cost[p, a, b, y]) for (p, a, b, y), v in trade.items() if v > TOL],
                             columns=["sector", "year", "value"])
        if not moved.empty:
            parts.append(moved.assign(component="transport"))
    out = pd.concat([p[["sector", "component", "year", "value"]] for p in parts], ignore_index=True)
    out = out.groupby(["sector", "component", "year"], as_index=False)["value"].sum()
    out = out[out.value.abs() > 1e-9].reset_index(drop=True)
    out["unit"] = f"million {currency}"
    return out


def _prices(d: ModelData, sol: Solution, currency: str) -> pd.DataFrame:
    """Carbon prices of the budget rows (and the exogenous path), marginal costs, scarcity prices.

    A budget over all sectors gives `carbon_price` / `carbon_price_pv`; a sector's own budget
    (mode `shares`) gives `carbon_price|<sector>` / `carbon_price_pv|<sector>`. Marginal costs and
    scarcity prices have no row in a first year fixed by history (planner/history.py): with every
    decision of that year fixed, the duals of its rows are not prices (a balance's would be 0).
    """
    rows: list[tuple[str, int, float, str]] = []
    budget_years = set(d.budget_years)
    start = d.years[0]
    rows_pv = {b: -sol.duals.get("budget", {}).get(b, 0.0) for b in d.budget_rows}
    if "all" not in rows_pv:
        rows_pv = {"": 0.0, **rows_pv}
    for b, pv in rows_pv.items():
        suffix = f"|{b}" if b not in ("all", "") else ""
        if b:
            rows.append((f"carbon_price_pv{suffix}", start, pv, f"{currency}/tCO2 (present value {start})"))
        for y in d.years:
            shadow = pv * d.length[y] / d.weight[y] if y in budget_years else 0.0
            rows.append((f"carbon_price{suffix}", y, d.carbon_price[y] + shadow, f"{currency}/tCO2"))
    for f in FAMILIES.values():   # balances, limits: by each family's price rule (planner/families.py)
        if f.price in (None, "carbon"):
            continue
        for idx, v in sol.duals.get(f.name, {}).items():
            key = idx if isinstance(idx, tuple) else (idx,)
            y = key[f.year_at] if f.year_at is not None else start
            if d.history and f.year_at is not None and y == start:
                continue   # a year fixed by history decides nothing: its rows' duals price no choice
            what = tuple(k for i, k in enumerate(key) if i != f.year_at)
            value = v if f.price == "marginal" else -v
            if f.price != "total":
                value /= d.weight[y]
            rows.append((f.price_name.format(*what, capture=d.capture_source, sink=d.capture_sink), y, value,
                         _price_unit(d, f.index[0], what, currency) + (" (present value)" if f.price == "total"
                                                                       else "")))
    out = pd.DataFrame(rows, columns=["name", "year", "value", "unit"])
    out.loc[out.value.abs() < 1e-9, "value"] = 0.0
    return out


def _price_unit(d: ModelData, first: str, what: tuple, currency: str) -> str:
    """Money per unit of what a priced row holds: its commodity, pool or product, or tCO2."""
    if first == "sector":
        return cost_unit(str(d.balances["unit"][what[:2]]), currency)
    if first == "pool":
        return cost_unit(str(d.pools["unit"][what[0]]), currency)
    if first == "commodity":
        return cost_unit(str(d.commodities["unit"][what[0]]), currency)
    if first == "year":   # the captured-CO2 balance
        return cost_unit(str(d.commodities["unit"][d.capture_source]), currency)
    return f"{currency}/tCO2"


def _milestones(d: ModelData, sol: Solution, currency: str) -> pd.DataFrame:
    """Each milestone row: value of its metric, status and dual.

    status: `violated` (a soft milestone's shortfall is positive), `binding` (the bound holds with
    equality or has a nonzero dual), else `met`. `dual` is what tightening the bound by one unit
    costs, in the year's money (million USD per unit of the bound b as written in the scenario: a
    fraction of the base for relative bounds; per MtCO2 = USD/tCO2); `dual_pv` the same in present
    value; `dual_per_unit` per unit of the bound as shown in `bound` (the metric's unit).
    """
    from planner.milestones import evaluate, milestone_rows

    columns = [*MILESTONE_COLUMNS, "sense", "unit", "shortfall", "dual_pv", "dual_unit", "dual_per_unit"]
    rows = milestone_rows(d)
    out = []
    duals = sol.duals.get("milestone", {})
    short = sol.values.get("milestone_short", {})
    for r in rows:
        value, bound, base = evaluate(r, sol.values)
        y_dual = duals.get(r.key, 0.0)
        pv = (y_dual if r.sense == "min" else -y_dual) * base
        gap = short.get(r.key, 0.0)
        tight = abs(value - bound) <= 1e-6 * max(1.0, abs(bound))
        status = "violated" if gap > 1e-6 else ("binding" if abs(pv) > 1e-9 or tight else "met")
        # per unit of the bound as shown (b * B / D in the metric's unit): d cost / d shown = dual * D / B
        per_unit = pv / d.df[r.year] * (r.bound / bound if bound else 1.0 / base if base else 0.0)
        out.append((r.name, r.sector, r.year, r.metric, bound, value, status, pv / d.df[r.year], r.sense, r.unit,
                    gap, pv, f"million {currency} per unit of the bound", per_unit))
    return pd.DataFrame(out, columns=columns)


def _calibration(d: ModelData, production: pd.DataFrame, per_tech: pd.DataFrame) -> pd.DataFrame:
    """Model against published figures in the calibration year, with the relative deviation.

    Emissions compare the site's scope 1 net of capture plus the carbon held in the products the
    published figure counts as emitted (calibration `product_carbon`), whatever the scenario's
    switch: ``sum_k ACT[k] * (site[k] + pc[k] * [output of k listed])`` (per cohort with ACTC for
    technologies with vintage inputs). Process emissions compare ``sum_k ACT[k] * process[k]``
    (gross, before capture)."""
    cal = d.calibration.copy()
    if cal.empty:
        return cal.assign(model=[], deviation=[], within=[])
    outputs = d.techs["output"].to_dict()
    prod = production.assign(product=[outputs[(s, k)] for s, k in zip(production.sector, production.technology)])
    made = prod.groupby(["sector", "product", "year"])["value"].sum().to_dict()
    pt = per_tech.assign(output=[outputs[(s, k)] for s, k in zip(per_tech.sector, per_tech.technology)])
    process = d.tech_year["process"].to_dict()
    model = []
    for s, q, y, listed in zip(cal.sector, cal.quantity, cal.year, cal.product_carbon):
        if q == "process_emissions":
            mine = prod[(prod.sector == s) & (prod.year == y)]
            model.append(float(sum(v * process.get((s, k, y), 0.0) for k, v in zip(mine.technology, mine.value))))
        elif q == "emissions":
            mine = pt[(pt.sector == s) & (pt.year == y)]
            pc = mine.product_carbon.where(mine.output.isin(listed.split(";") if listed else []), 0.0)
            model.append(float((mine.site + pc).sum()))
        else:
            model.append(made.get((s, q.split("|", 1)[1], y), 0.0))
    cal["model"] = model
    cal["deviation"] = cal["model"] / cal["published"] - 1
    cal["within"] = cal["deviation"].abs() <= cal["tolerance"]
    return cal


def summary_numbers(d: ModelData, res: Results) -> dict:
    """Headline numbers of a run (printed, and stored in run.json)."""
    by_year = res["emissions"].groupby("year")[["value", "counted", "downstream", "held"]].sum()
    em, counted = by_year["value"], by_year["counted"]
    prices = res["prices"]
    cp = prices[prices.name == "carbon_price"].set_index("year")["value"]

    def over_budget_years(column: str) -> float:
        """A column of emissions.csv summed over the budget's years (or the horizon), MtCO2."""
        return float(sum(by_year[column].get(y, 0.0) * d.length[y] for y in (d.budget_years or d.years)))

    cumulative = over_budget_years("counted")
    prod = res["production"]
    mix = {}
    for y in report_years(d, (2030, 2050)):
        p = prod[prod.year == y].groupby(["sector", "technology"])["value"].sum()
        mix[str(y)] = {f"{s}|{k}": float(v) for (s, k), v in p.items()}
    return {
        "objective": res.objective,
        "emissions": {str(y): float(em.get(y, 0.0)) for y in report_years(d, (2025, 2030, 2040, 2050))},
        "emissions_counted": {str(y): float(counted.get(y, 0.0)) for y in report_years(d, (2025, 2030, 2040, 2050))},
        "cumulative_emissions": float(cumulative),
        "counted_gases": list(d.counted_gases),
        "downstream_emissions": over_budget_years("downstream"),
        "held_in_products": over_budget_years("held"),
        "budget": d.budget_mt,
        "budget_overshoot": sum(res.overshoot.values()),
        "carbon_price": {str(y): float(cp.get(y, 0.0)) for y in report_years(d, (2025, 2030, 2040, 2050))},
        "production_mix": mix,
    }


def report_years(d: ModelData, wanted: tuple[int, ...]) -> list[int]:
    """The model years that stand for `wanted` calendar years (the period containing each)."""
    out = []
    for w in wanted:
        for y in d.years:
            if y <= w < y + d.length[y] and y not in out:
                out.append(y)
    return out
