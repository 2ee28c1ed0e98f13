"""Levelized cost of product, emission intensity, green premium, abatement cost and the MACC.

For technology k of sector s in year y (one unit of its output made by a plant built that year,
run at its utilisation u, with the year's prices held over its life: a static levelized cost):

  capex          capex[k,y] * CRF(r, L_k) / u[k,y]        CRF(r, L) = r / (1 - (1 + r)^-L)
  fixed_om       fixed_om[k,y] / u[k,y]
  variable_om    variable_om[k,y]
  energy_and_materials  sum_c coef[k,c,y] * price[c,y]  over purchased commodities c,
                 plus captured[k,y] * price[storage,y] (CO2 transport and storage)
  intermediates  sum_p coef[k,p,y] * cost[p,y]  over the sector's own products p used as inputs
  carbon         carbon_price[s,y] * intensity[k,y]
  lcop = the sum; lcop_ex_carbon = lcop - carbon

with r the scenario's discount rate and the carbon price the run's (the budget's dual carried to
year y, plus any exogenous price; a sector's own price in mode `shares`). Money is million USD per
unit of activity, i.e. USD/t for Mt, USD per 1000 tkm for Gtkm.

  intensity[k,y] = scope1[k,y] + sum_p coef[k,p,y] * intensity[p,y]        (tCO2 per unit)

A technology with vintage inputs is costed here as a unit built in y (its inputs of vintage y).
The averages below weight what its cohorts actually burn in y instead: its energy, intermediates
and scope1 per unit are ``sum_c coef[k,c,y] * ACTC[k,c,y] / ACT[k,y]`` where it runs.

An intermediate p (clinker, a ship fuel) enters at the production-weighted average cost (without
carbon) and intensity of the technologies that make it in the run that year; in a year when none
does, at those of its cheapest maker (carbon included in the choice). Chains of intermediates are
resolved by fixed-point iteration.

The incumbent of a technology is the largest maker of its output in the first year it was made,
among makers that are not near-zero and (where any does) share a technology group with it; when
that is an existing fleet that cannot be built any more, its new-build fossil reference: the
buildable technology that is not near-zero, shares the most groups with the fleet and has the
lowest lcop_ex_carbon (e.g. a new coal kiln for the coal kiln fleet).
  green premium[k,y]  = lcop_ex_carbon[k,y] - lcop_ex_carbon[incumbent,y]   (and in % of the latter)
  abatement[k,y]      = intensity[incumbent,y] - intensity[k,y]              (tCO2 per unit)
  abatement_cost[k,y] = green premium[k,y] / abatement[k,y]   where abatement > 0   (USD/tCO2)
The MACC of year y: each technology's abatement cost against its realised abatement,
production[k,y] * abatement[k,y] (MtCO2/yr).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.data import ModelData
from planner.results.units import cost_unit, intensity_unit

COMPONENTS = ["capex", "fixed_om", "variable_om", "energy_and_materials", "intermediates", "carbon"]
TOL = 1e-9


def capital_recovery(rate: float, life: pd.Series) -> pd.Series:
    """CRF(r, L): the annuity per unit of capex over L years at rate r."""
    life = life.astype(float)
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


def carbon_prices(d: ModelData, prices: pd.DataFrame) -> pd.DataFrame:
    """Carbon price per sector and year (USD/tCO2): the sector's own price if it has one."""
    cp = prices[prices.name.str.startswith("carbon_price") & ~prices.name.str.startswith("carbon_price_pv")]
    general = cp[cp.name == "carbon_price"].set_index("year")["value"]
    rows = []
    for s in d.sectors:
        own = cp[cp.name == f"carbon_price|{s}"].set_index("year")["value"]
        for y in d.years:
            rows.append((s, y, float(own.get(y, general.get(y, d.carbon_price.get(y, 0.0))))))
    return pd.DataFrame(rows, columns=["sector", "year", "carbon_price"])


def _realised_flows(d: ModelData, flows: pd.DataFrame, actc: pd.DataFrame | None) -> pd.DataFrame:
    """Flows per unit of activity as run: those of `flows`, with the inputs of a technology with vintage
    inputs replaced, where it runs, by its cohorts' inputs weighted by their activity."""
    if actc is None or actc.empty or d.vintage_flows.empty:
        return flows
    a = actc.rename(columns={"technology": "tech", "value": "act"})
    total = a.groupby(["sector", "tech", "year"], as_index=False)["act"].sum().rename(columns={"act": "total"})
    total = total[total.total > TOL]
    c = d.vintage_flows.merge(a, on=["sector", "tech", "cohort", "year"]).merge(total, on=["sector", "tech", "year"])
    run = c.assign(coef=c.coef * c.act / c.total).groupby(["sector", "tech", "commodity", "year"], as_index=False)[
        "coef"].sum()
    ran = set(zip(total.sector, total.tech, total.year))
    vin = flows["by_vintage"].astype(bool) if "by_vintage" in flows.columns else pd.Series(False, index=flows.index)
    replaced = vin & pd.Series([(s, k, y) in ran for s, k, y in zip(flows.sector, flows.tech, flows.year)],
                               index=flows.index)
    return pd.concat([flows[~replaced], run], ignore_index=True)


def _realised_emissions(d: ModelData, actc: pd.DataFrame | None) -> pd.DataFrame:
    """scope1 and captured per unit of activity as run, for technologies with vintage inputs where they run."""
    cols = ["sector", "tech", "year", "scope1_run", "captured_run"]
    if actc is None or actc.empty or d.vintage_year.empty:
        return pd.DataFrame(columns=cols)
    a = actc.rename(columns={"technology": "tech", "value": "act"})
    c = a.merge(d.vintage_year[["scope1", "captured"]].reset_index(), on=["sector", "tech", "cohort", "year"])
    c = c.assign(s1=c.scope1 * c.act, cc=c.captured * c.act)
    g = c.groupby(["sector", "tech", "year"], as_index=False)[["act", "s1", "cc"]].sum()
    g = g[g.act > TOL]
    return pd.DataFrame({"sector": g.sector, "tech": g.tech, "year": g.year, "scope1_run": g.s1 / g.act,
                         "captured_run": g.cc / g.act})[cols]


def levelized(d: ModelData, production: pd.DataFrame, prices: pd.DataFrame,
              actc: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per technology-year costs and intensity, wide; per product-year average cost and intensity).

    `actc` (activity_by_cohort) gives what technologies with vintage inputs burn as they run."""
    ty = d.tech_year.reset_index()
    techs = d.techs.reset_index()[["sector", "tech", "lifetime", "output", "near_zero", "available_from", "name"]]
    t = ty.merge(techs, on=["sector", "tech"])
    made = production.groupby(["sector", "technology", "year"])["value"].sum().rename("made").reset_index()
    t = t.merge(made.rename(columns={"technology": "tech"}), on=["sector", "tech", "year"], how="left").fillna(
        {"made": 0.0})
    # the costs are of a unit built in y; stock that runs before its technology can be built still
    # counts in the averages
    t["buildable"] = t.available_from.isna() | (t.available_from <= t.year)
    t = t[(t.buildable | (t.made > TOL)) & (t.utilisation > 0)].copy()
    t["capex_annuity"] = t.capex * capital_recovery(d.discount_rate, t.lifetime) / t.utilisation
    t["fixed_om_unit"] = t.fixed_om / t.utilisation
    key = ["sector", "tech", "year"]

    flows = d.flows.merge(techs[["sector", "tech", "output"]], on=["sector", "tech"])
    flows = flows[flows.commodity != flows.output].drop(columns="output")
    run_flows = _realised_flows(d, flows, actc)
    price = d.commodity_year["price"].rename("price").reset_index()
    balance = d.balances.reset_index()[["sector", "commodity", "kind"]]
    own_of = {}
    for col, f in (("energy", flows), ("energy_run", run_flows)):
        bought = f.merge(price, on=["commodity", "year"])
        energy = (bought.coef * bought.price).groupby([bought.sector, bought.tech, bought.year]).sum()
        t = t.merge(energy.rename(col).reset_index(), on=key, how="left").fillna({col: 0.0})
        own_of[col] = f.merge(balance, on=["sector", "commodity"])[["sector", "tech", "commodity", "year", "coef"]]
    t = t.merge(_realised_emissions(d, actc), on=key, how="left")
    t["scope1_run"] = t.scope1_run.astype(float).fillna(t.scope1)
    t["captured_run"] = t.captured_run.astype(float).fillna(t.captured)
    if d.capture_sink is not None:
        store = d.commodity_year["price"].xs(d.capture_sink, level="commodity").rename("store_price")
        t = t.merge(store, left_on="year", right_index=True, how="left").fillna({"store_price": 0.0})
        t["energy"] += t.captured * t.store_price
        t["energy_run"] += t.captured_run * t.store_price
    own, own_run = own_of["energy"], own_of["energy_run"]

    cp = carbon_prices(d, prices)
    t = t.merge(cp, on=["sector", "year"], how="left").fillna({"carbon_price": 0.0})
    t["direct_cost"] = t.capex_annuity + t.fixed_om_unit + t.variable_om + t.energy
    t["direct_cost_run"] = t.capex_annuity + t.fixed_om_unit + t.variable_om + t.energy_run

    avg = pd.DataFrame(columns=["sector", "commodity", "year", "cost", "intensity"])
    for col in ("inter_cost", "inter_int", "inter_cost_run", "inter_int_run"):
        t[col] = 0.0
    for _ in range(12):
        if own.empty:
            break
        for table, cost, inten in ((own, "inter_cost", "inter_int"), (own_run, "inter_cost_run", "inter_int_run")):
            o = table.merge(avg.astype({"cost": float, "intensity": float}), on=["sector", "commodity", "year"],
                            how="left").fillna({"cost": 0.0, "intensity": 0.0})
            o = o.assign(c=o.coef * o.cost, i=o.coef * o.intensity).groupby(key)[["c", "i"]].sum().reset_index()
            t = t.drop(columns=[cost, inten]).merge(o, on=key, how="left")
            t = t.rename(columns={"c": cost, "i": inten}).fillna({cost: 0.0, inten: 0.0})
        new = _averages(t)
        if _converged(avg, new):
            avg = new
            break
        avg = new
    t["lcop_ex_carbon"] = t.direct_cost + t.inter_cost
    t["intensity"] = t.scope1 + t.inter_int
    t["carbon"] = t.carbon_price * t.intensity
    t["lcop"] = t.lcop_ex_carbon + t.carbon
    return t[t.buildable].reset_index(drop=True), _averages(t) if not t.empty else avg


def _averages(t: pd.DataFrame) -> pd.DataFrame:
    """Per (sector, output, year): production-weighted cost (without carbon) and intensity of the
    makers as they run, or the cheapest new maker's (carbon included) when none makes it."""
    cost = t.direct_cost + t.inter_cost
    inten = t.scope1 + t.inter_int
    full = cost + t.carbon_price * inten
    f = pd.DataFrame({"sector": t.sector, "commodity": t.output, "year": t.year, "w": t.made,
                      "cost": cost, "intensity": inten, "full": full,
                      "cost_run": t.direct_cost_run + t.inter_cost_run, "int_run": t.scope1_run + t.inter_int_run})
    g = f.assign(wc=f.w * f.cost_run, wi=f.w * f.int_run).groupby(["sector", "commodity", "year"])
    sums = g[["w", "wc", "wi"]].sum()
    weighted = pd.DataFrame({"cost": sums.wc / sums.w, "intensity": sums.wi / sums.w})[sums.w > TOL]
    cheapest = f.loc[f.groupby(["sector", "commodity", "year"])["full"].idxmin()]
    cheapest = cheapest.set_index(["sector", "commodity", "year"])[["cost", "intensity"]]
    out = cheapest.copy()
    out.loc[weighted.index, ["cost", "intensity"]] = weighted.values
    return out.reset_index()


def _converged(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    if len(old) != len(new):
        return False
    m = old.merge(new, on=["sector", "commodity", "year"], suffixes=("_o", "_n"))
    return len(m) == len(new) and bool(np.allclose(m.cost_o, m.cost_n, atol=1e-9) and
                                       np.allclose(m.intensity_o, m.intensity_n, atol=1e-12))


def lcop_table(d: ModelData, t: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Long table: sector, technology, output, year, component, value, unit (components + total)."""
    parts = {"capex": t.capex_annuity, "fixed_om": t.fixed_om_unit, "variable_om": t.variable_om,
             "energy_and_materials": t.energy, "intermediates": t.inter_cost, "carbon": t.carbon, "total": t.lcop}
    base = pd.DataFrame({"sector": t.sector, "technology": t.tech, "output": t.output, "year": t.year})
    units = [cost_unit(_output_unit(d, s, o), currency) for s, o in zip(t.sector, t.output)]
    out = pd.concat([base.assign(component=c, value=v.values, unit=units) for c, v in parts.items()],
                    ignore_index=True)
    return out.sort_values(["sector", "technology", "year"], kind="stable").reset_index(drop=True)


def intensity_table(d: ModelData, avg: pd.DataFrame, production: pd.DataFrame) -> pd.DataFrame:
    """Average emission intensity (direct + embodied in intermediates) of each product and
    intermediate in the years it is made: sector, commodity, kind, year, value, unit."""
    made = production.groupby(["sector", "output", "year"])["value"].sum()
    made = made[made > TOL].reset_index().rename(columns={"output": "commodity"})[["sector", "commodity", "year"]]
    out = avg.merge(made, on=["sector", "commodity", "year"])
    kinds = d.balances["kind"].to_dict()
    out["kind"] = [kinds.get((s, c), "product") for s, c in zip(out.sector, out.commodity)]
    out["unit"] = [intensity_unit(_output_unit(d, s, c)) for s, c in zip(out.sector, out.commodity)]
    out = out.rename(columns={"intensity": "value"})
    return out[["sector", "commodity", "kind", "year", "value", "unit"]].sort_values(
        ["sector", "commodity", "year"]).reset_index(drop=True)


def buildable(d: ModelData) -> set[tuple[str, str]]:
    """(sector, technology) pairs that can get new capacity in some model year."""
    kind = d.cohorts["kind"]
    new = kind[kind == "new"].index
    return set(zip(new.get_level_values("sector"), new.get_level_values("tech")))


def replacements(d: ModelData, t: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(sector, tech) -> its new-build fossil reference, for every technology that cannot be built.

    Among buildable technologies of the same output that are not near-zero and capture nothing:
    those sharing the most technology groups with it (a primary smelter fleet is replaced by a
    primary smelter, not by remelting), then the lowest lcop_ex_carbon in the first year they can
    be built.
    """
    can = buildable(d)
    groups = {(s, k): set(g) for (s, k), g in d.techs["groups"].items()}
    mask = np.array([(s, k) in can for s, k in zip(t.sector, t.tech)], dtype=bool)
    x = t[mask & ~t.near_zero.astype(bool).to_numpy()]
    x = x[x.groupby(["sector", "tech"])["captured"].transform("max") <= 0]
    first = x[x.year == x.groupby(["sector", "tech"])["year"].transform("min")]
    out = {}
    for (s, k), o in d.techs["output"].items():
        if (s, k) in can:
            continue
        cand = first[(first.sector == s) & (first.output == o)]
        if cand.empty:
            continue
        shared = np.array([len(groups[(s, k)] & groups.get((s, c), set())) for c in cand.tech])
        best = cand[shared == shared.max()]
        out[(s, k)] = str(best.loc[best.lcop_ex_carbon.idxmin(), "tech"])
    return out


def incumbents(d: ModelData, t: pd.DataFrame, production: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(sector, tech) -> the incumbent it is measured against.

    The largest maker of the technology's output in the first year it was made, among makers that
    are not near-zero and, where any does, share a technology group with it (so secondary aluminium
    is measured against secondary, primary against primary); a maker that can no longer be built
    (an existing fleet) stands in by its new-build fossil reference (replacements).
    """
    groups = {(s, k): set(g) for (s, k), g in d.techs["groups"].items()}
    near = d.techs["near_zero"].to_dict()
    ref = replacements(d, t)
    first = production[production.year == production.groupby(["sector", "output"])["year"].transform("min")]
    made = first.groupby(["sector", "output", "technology"])["value"].sum()
    out = {}
    for (s, k), o in d.techs["output"].items():
        if (s, o) not in made.index.droplevel(2):
            continue
        cand = made.loc[(s, o)]
        cand = cand[np.array([not near[(s, m)] for m in cand.index], dtype=bool)]
        like = cand[np.array([bool(groups[(s, k)] & groups[(s, m)]) for m in cand.index], dtype=bool)]
        pick = like if len(like) else cand
        if pick.empty:
            continue
        top = str(pick.idxmax())
        out[(s, k)] = ref.get((s, top), top)
    return out


def premium_table(d: ModelData, t: pd.DataFrame, production: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Green premium and abatement cost of each technology against the incumbent of its output."""
    cols = ["sector", "output", "technology", "incumbent", "year", "near_zero", "lcop", "lcop_ex_carbon",
            "incumbent_lcop_ex_carbon", "premium", "premium_pct", "intensity", "incumbent_intensity",
            "abatement", "abatement_cost", "cost_unit", "intensity_unit"]
    inc = incumbents(d, t, production)
    if not inc:
        return pd.DataFrame(columns=cols)
    ref = pd.DataFrame([(s, k, i) for (s, k), i in inc.items()], columns=["sector", "tech", "incumbent"])
    x = t.merge(ref, on=["sector", "tech"])
    base = t[["sector", "tech", "year", "lcop_ex_carbon", "intensity"]].rename(
        columns={"tech": "incumbent", "lcop_ex_carbon": "incumbent_lcop_ex_carbon",
                 "intensity": "incumbent_intensity"})
    x = x.merge(base, on=["sector", "incumbent", "year"])
    x = x[x.tech != x.incumbent].copy()
    x["premium"] = x.lcop_ex_carbon - x.incumbent_lcop_ex_carbon
    x["premium_pct"] = 100.0 * x.premium / x.incumbent_lcop_ex_carbon.where(x.incumbent_lcop_ex_carbon.abs() > TOL)
    x["abatement"] = x.incumbent_intensity - x.intensity
    scale = np.maximum(1.0, x.incumbent_intensity.abs()) * 1e-6
    x["abatement_cost"] = (x.premium / x.abatement).where(x.abatement > scale)
    x["cost_unit"] = [cost_unit(_output_unit(d, s, o), currency) for s, o in zip(x.sector, x.output)]
    x["intensity_unit"] = [intensity_unit(_output_unit(d, s, o)) for s, o in zip(x.sector, x.output)]
    x = x.rename(columns={"tech": "technology"})
    x["near_zero"] = x.near_zero.astype(bool)
    return x[cols].sort_values(["sector", "output", "technology", "year"]).reset_index(drop=True)


def macc_table(premium: pd.DataFrame, production: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Realised abatement and its cost per technology and year (the MACC's bars)."""
    cols = ["sector", "technology", "output", "year", "production", "abatement", "abatement_cost", "near_zero",
            "unit", "cost_unit"]
    p = premium[premium.abatement_cost.notna()]
    made = production.groupby(["sector", "technology", "year"])["value"].sum().rename("production").reset_index()
    m = p.merge(made, on=["sector", "technology", "year"])
    m = m[m.production > TOL].copy()
    m["abatement"] = m.production * m.abatement_cost.notna() * (m.incumbent_intensity - m.intensity)
    m["unit"] = "MtCO2/yr"
    m["cost_unit"] = f"{currency}/tCO2"
    return m[cols].sort_values(["year", "abatement_cost"]).reset_index(drop=True)


def _output_unit(d: ModelData, sector: str, commodity: str) -> str:
    units = d.balances["unit"]
    return str(units.get((sector, commodity), d.units[sector]))
