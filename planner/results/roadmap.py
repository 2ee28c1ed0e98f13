"""The numbers of a roadmap, from a finished run's folder (no Pyomo, no model data).

headline(run): one dict of the run's key figures; every figure is a sum or a pick from the
result tables (the report prints these, and tests check them against the tables):
  total_cost_bn            the plan's cost without penalties of soft rows, billion money of the base year,
                           discounted (run.json `cost`; `objective` in runs written before it)
  cumulative_emissions_gt  sum over the budget years of emissions.csv `counted` (what the budget counts;
                           `value` in runs written before that column), GtCO2 (CO2e with other gases)
  budget_gt, budget_used   the run's budget and cumulative / budget
  emissions_mt[y]          emissions.csv total in the first year, 2030, 2040, 2050
  carbon_price[y]          prices.csv `carbon_price` in those years (money/tCO2)
  sector_carbon_price[s][y]  each sector's own price `carbon_price|<s>` (mode shares)
  cost_of_fixed_split_bn   budget_shares.csv total cost_of_fixed_split (mode shares), billion
  investment_bn            investment.csv over the horizon; investment_near_zero_bn for near-zero technologies
  stranded_capacity, stranded_value_bn   stranded_assets.csv sums
  resources[r][y]          resources.csv totals in 2030 and 2050
  milestones               counts of milestones.csv statuses

sector_milestones(run, s): per sector, the 2030 / 2040 / 2050 table of what must be built, by when, at
what cost and with what resources (one row per quantity, one column per milestone year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.results.folder import RunFolder

MILESTONE_YEARS = (2030, 2040, 2050)


def pick_years(run: RunFolder, wanted: tuple[int, ...] = MILESTONE_YEARS) -> list[int]:
    """The model years that stand for each wanted year (the last model year not after it)."""
    years = sorted(set(run["emissions"].year))
    out = []
    for w in wanted:
        before = [y for y in years if y <= w]
        if before and before[-1] not in out:
            out.append(before[-1])
    return out


def periods(run: RunFolder, years: list[int]) -> dict[int, tuple[int, int]]:
    """Each milestone year's period: from the year after the previous one (or the first year)."""
    first = int(run["emissions"].year.min())
    out, start = {}, first
    for y in years:
        out[y] = (start, y)
        start = y + 1
    return out


def near_zero_techs(run: RunFolder) -> set[tuple[str, str]]:
    t = run["technologies"]
    return {(s, k) for s, k, nz in zip(t.sector, t.technology, t.near_zero) if bool(nz)}


def headline(run: RunFolder) -> dict:
    """The run's key figures (see the module docstring for where each comes from)."""
    em = run["emissions"]
    total = em.groupby("year")["value"].sum()
    counted = em.groupby("year")["counted" if "counted" in em else "value"].sum()
    first = int(total.index.min())
    rec = run.record
    span = rec.get("budget_years") or [first, int(total.index.max())]
    length = pd.Series(run.lengths())
    inside = counted[(counted.index >= span[0]) & (counted.index <= span[1])]
    cumulative = float((inside * length.reindex(inside.index).fillna(1)).sum())
    budget = rec.get("budget_mt")
    years = [first, *pick_years(run)]
    prices = run["prices"]
    cp = prices[prices.name == "carbon_price"].set_index("year")["value"]
    own = {s: prices[prices.name == f"carbon_price|{s}"].set_index("year")["value"] for s in run.sectors}
    own = {s: {y: float(v.get(y, 0.0)) for y in years} for s, v in own.items() if not v.empty}
    inv = run["investment"]
    nz = near_zero_techs(run)
    inv_nz = inv[np.array([(s, k) in nz for s, k in zip(inv.sector, inv.technology)], dtype=bool)]
    st = run["stranded_assets"]
    res = run["resources"]
    res_tot = res.groupby(["name", "unit", "year"])["value"].sum()
    resources = {}
    for (name, unit) in sorted({(n, u) for n, u, _ in res_tot.index}):
        resources[f"{name} ({unit}/yr)"] = {y: float(res_tot.get((name, unit, y), 0.0)) for y in pick_years(run)}
    ms = run["milestones"]
    return {
        "scenario": rec.get("scenario"),
        "sectors": run.sectors,
        "currency": run.currency,
        "total_cost_bn": float(rec.get("cost", rec.get("objective")) or 0.0) / 1000,
        "cumulative_emissions_gt": cumulative / 1000,
        "budget_gt": budget / 1000 if budget else None,
        "budget_used": cumulative / budget if budget else None,
        "budget_years": span,
        "counted": (rec.get("emissions_accounting") or {}).get("text", "CO2 only"),
        "counted_unit": "GtCO2e" if (rec.get("emissions_accounting") or {}).get("unit") == "MtCO2e" else "GtCO2",
        "emissions_mt": {y: float(total.get(y, 0.0)) for y in years},
        "emissions_change": {y: float(total.get(y, 0.0)) / float(total[first]) - 1 for y in years[1:]}
        if total[first] else {},
        "carbon_price": {y: float(cp.get(y, 0.0)) for y in years},
        "sector_carbon_price": own,
        "cost_of_fixed_split_bn": _fixed_split(run),
        "investment_bn": float(inv.value.sum()) / 1000 if not inv.empty else 0.0,
        "investment_near_zero_bn": float(inv_nz.value.sum()) / 1000 if not inv_nz.empty else 0.0,
        "stranded_capacity": _by_unit(st, "capacity", "capacity_unit"),
        "stranded_value_bn": float(st.undepreciated_value.sum()) / 1000 if not st.empty else 0.0,
        "resources": resources,
        "milestones": {k: int(v) for k, v in ms.status.value_counts().items()} if not ms.empty else {},
    }


def _fixed_split(run: RunFolder) -> float | None:
    """What holding each sector to its own budget costs over the optimal split (bn, PV), if solved."""
    bs = run.tables.get("budget_shares")
    if bs is None or bs.empty:
        return None
    row = bs[(bs.sector == "total") & (bs.quantity == "cost_of_fixed_split")]
    return float(row.value.iloc[0]) / 1000 if len(row) else None


def _by_unit(df: pd.DataFrame, col: str, unit_col: str) -> dict[str, float]:
    if df.empty:
        return {}
    return {str(u): float(v) for u, v in df.groupby(unit_col)[col].sum().items()}


def sector_milestones(run: RunFolder, sector: str) -> pd.DataFrame:
    """Rows: quantities; columns: the milestone years (2030, 2040, 2050); values formatted as text."""
    years = pick_years(run)
    per = periods(run, years)
    first = int(run["emissions"].year.min())
    names = run.tech_names()
    nz = near_zero_techs(run)
    cur = run.currency
    rows: list[tuple[str, dict[int, str]]] = []

    em = run["emissions"][run["emissions"].sector == sector].set_index("year")["value"]
    e0 = float(em.get(first, 0.0))
    rows.append(("Emissions (MtCO2/yr; change from " + str(first) + ")",
                 {y: f"{number(em.get(y, 0.0))} ({_pct(em.get(y, 0.0), e0)})" for y in years}))
    inten = run["intensity"]
    for product in sorted(set(inten[(inten.sector == sector) & (inten.kind == "product")].commodity)):
        part = inten[(inten.sector == sector) & (inten.commodity == product)].set_index("year")
        unit = part.unit.iloc[0]
        rows.append((f"Emission intensity of {product.replace('_', ' ')} ({unit})",
                     {y: f"{part.value.get(y, float('nan')):.3g}" for y in years}))
    gs = run["group_shares"]
    share = gs[(gs.sector == sector) & (gs.group == "near_zero") & (gs.metric == "output_share")]
    for out in sorted(set(share.output)):
        s = share[share.output == out].set_index("year")["value"]
        rows.append((f"Near-zero share of {out.replace('_', ' ')} output",
                     {y: f"{100 * s.get(y, 0.0):.0f}%" for y in years}))
    plants = run["plants"]
    pz = plants[(plants.sector == sector) & plants.near_zero.astype(bool)]
    if not pz.empty:
        for unit, g in pz.groupby("plant_unit"):
            by_y = g.groupby("year")["plants"].sum()
            rows.append((f"Near-zero {unit} in operation (typical size)",
                         {y: f"{by_y.get(y, 0.0):,.0f}" for y in years}))
    cap = run["capacity"]
    mask = pd.Series([(s, k) in nz for s, k in zip(cap.sector, cap.technology)], index=cap.index, dtype=bool)
    cz = cap[(cap.sector == sector) & mask]
    for unit, g in cz.groupby("unit"):
        by_y = g.groupby("year")["value"].sum()
        rows.append((f"Near-zero capacity in operation ({unit})", {y: f"{by_y.get(y, 0.0):,.0f}" for y in years}))
    built = _built(run, sector)
    rows.append(("Main technologies built in the period (capacity added)",
                 {y: _top(built, per[y], names, sector) for y in years}))
    inv = run["investment"]
    inv = inv[inv.sector == sector]
    rows.append((f"Investment in the period (billion {cur})",
                 {y: f"{inv[(inv.year >= a) & (inv.year <= b)].value.sum() / 1000:,.0f}" for y, (a, b) in per.items()}))
    st = run["stranded_assets"]
    st = st[st.sector == sector]
    rows.append((f"Retired early in the period (capacity; undepreciated value, billion {cur})",
                 {y: _stranded(st, a, b) for y, (a, b) in per.items()}))
    prices = run["prices"]
    for name in sorted({n for n in prices.name if n.startswith(f"marginal_cost|{sector}|")}):
        product = name.split("|")[2]
        if product not in set(inten[(inten.sector == sector) & (inten.kind == "product")].commodity):
            continue
        p = prices[prices.name == name].set_index("year")
        rows.append((f"Marginal cost of {product.replace('_', ' ')} ({p.unit.iloc[0]})",
                     {y: f"{p.value.get(y, float('nan')):,.0f}" for y in years}))
    own = prices[prices.name == f"carbon_price|{sector}"]
    cp = (own if not own.empty else prices[prices.name == "carbon_price"]).set_index("year")["value"]
    rows.append((f"Carbon price ({cur}/tCO2)", {y: f"{cp.get(y, 0.0):,.0f}" for y in years}))
    res = run["resources"]
    res = res[res.sector == sector]
    for (name, unit), g in res.groupby(["name", "unit"]):
        by_y = g.set_index("year")["value"]
        if (by_y <= 1e-9).all() and (by_y < -1e-9).any():   # a supply sector makes it for the others
            rows.append((f"{name} made for the other sectors ({unit}/yr)",
                         {y: number(-by_y.get(y, 0.0)) for y in years}))
        else:
            rows.append((f"{name} ({unit}/yr)", {y: number(by_y.get(y, 0.0)) for y in years}))
    table = pd.DataFrame([{"": label, **{str(y): v.get(y, "") for y in years}} for label, v in rows])
    return table


def cumulative_gt(run: RunFolder, sector: str) -> float:
    """A sector's emissions (emissions.csv `value`, per year) times the years each model year stands
    for, summed over the budget's years (all years without one), GtCO2."""
    em = run["emissions"]
    span = run.record.get("budget_years") or [em.year.min(), em.year.max()]
    part = em[(em.sector == sector) & (em.year >= span[0]) & (em.year <= span[1])]
    length = run.lengths()
    return float((part.value * part.year.map(lambda y: length.get(int(y), 1))).sum()) / 1000


def number(v: float) -> str:
    """A figure with as many decimals as its size needs (1,234 / 12.3 / 1.23 / 0.0123)."""
    a = abs(v)
    if a < 5e-10:
        return "0"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


def _pct(v: float, base: float) -> str:
    return f"{100 * (v / base - 1):+.0f}%".replace("-0%", "0%") if base else "n/a"


def _built(run: RunFolder, sector: str) -> pd.DataFrame:
    """Capacity added per technology and year (new and retrofitted), with its investment.

    Technologies without capital cost (e.g. cement grinding in the MPP data) are left out: their
    new capacity costs nothing, so the optimum does not determine how much of it is built.
    """
    inv = run["investment"]
    inv = inv[(inv.sector == sector) & (inv.value > 0)]
    new = run["new_capacity"]
    parts = [new[new.sector == sector].assign(kind="new_capacity")[["technology", "year", "kind", "value", "unit"]]]
    retro = run.tables.get("retrofits")
    if retro is not None and not retro.empty:
        r = retro[retro.sector == sector].rename(columns={"to": "technology"}).assign(kind="retrofit")
        parts.append(r[["technology", "year", "kind", "value", "unit"]])
    built = pd.concat(parts, ignore_index=True)
    built = built.groupby(["technology", "year", "kind", "unit"], as_index=False)["value"].sum()
    money = inv.rename(columns={"value": "investment"})[["technology", "year", "kind", "investment"]]
    return built.merge(money, on=["technology", "year", "kind"])


def _top(built: pd.DataFrame, period: tuple[int, int], names: dict, sector: str, n: int = 3) -> str:
    """The n technologies with the most investment in the period, with the capacity they add."""
    a, b = period
    part = built[(built.year >= a) & (built.year <= b)]
    if part.empty:
        return "none"
    g = part.groupby(["technology", "unit"])[["value", "investment"]].sum()
    g = g.sort_values("investment", ascending=False).head(n)
    return "; ".join(f"{names.get((sector, k), k)} {number(v)} {u}" for (k, u), v in g["value"].items())


def _stranded(st: pd.DataFrame, a: int, b: int) -> str:
    part = st[(st.year >= a) & (st.year <= b)]
    if part.empty:
        return "none"
    caps = ", ".join(f"{v:,.0f} {u}" for u, v in part.groupby("capacity_unit")["capacity"].sum().items())
    return f"{caps}; {part.undepreciated_value.sum() / 1000:,.1f}"


def technology_economics(run: RunFolder, sector: str, years: tuple[int, ...] = (2030, 2050)) -> pd.DataFrame:
    """Near-zero routes against the incumbent of their output: LCOP, premium, abatement cost."""
    gp = run["green_premium"]
    gp = gp[(gp.sector == sector) & gp.near_zero.astype(bool) & gp.year.isin(pick_years(run, years))]
    names = run.tech_names()
    rows = []
    for r in gp.sort_values(["output", "year", "abatement_cost"]).itertuples():
        rows.append({"year": r.year, "output": r.output.replace("_", " "),
                     "route": names.get((sector, r.technology), r.technology),
                     "against": names.get((sector, r.incumbent), r.incumbent),
                     "LCOP ex carbon": f"{r.lcop_ex_carbon:,.1f}", "unit": r.cost_unit,
                     "green premium": f"{r.premium:+,.1f} ({r.premium_pct:+.0f}%)",
                     f"abatement cost ({run.currency}/tCO2)": "n/a" if pd.isna(r.abatement_cost)
                     else f"{r.abatement_cost:,.0f}"})
    return pd.DataFrame(rows)
