"""How a run's carbon budget is shared: each sector's cumulative emissions, implied share, cost
and carbon price (`budget_shares.csv`), and, for fixed shares, what the split costs against the
optimal one.

Long table: sector (or `total`), quantity, value, unit. Quantities:
  cumulative_emissions   sum over the budget years of length[y] * E[s,y], E the emissions the budget
                         counts (emissions.csv `counted`: MtCO2, or MtCO2e with other gases counted)
  budget                 the sector's own budget B_s (given share x global, or split), MtCO2
  share_of_run_budget    cumulative_emissions / B (B = sum of the run's sector budgets)
  share_of_global_budget cumulative_emissions / the global remaining budget
  cost_pv                the sector's discounted cost without carbon payments, million USD (PV)
  carbon_payments_pv     discounted payments of an exogenous carbon price, million USD (PV)
  carbon_price_pv        the price of the budget row that binds the sector, USD/tCO2 (PV); only
                         where a budget is a constraint (not in mode `price`)
  overshoot              MtCO2 above a soft budget (budget.soft): the run's row in `total`, a
                         sector's own row (mode shares) in its line
and, when a fixed split is compared with the optimal one (`*_optimal`): the same quantities of
the joint solve under B, and `cost_of_fixed_split` = cost_pv - cost_pv_optimal (positive in the
total: the optimal split is never dearer).

Present value of a cost row: capex-like components (paid once in a model year) times df[y],
yearly flows times weight[y] (the discounted length of the period); the sum over sectors of
cost_pv + carbon_payments_pv is the objective.
"""

from __future__ import annotations

import pandas as pd

from planner.data import ModelData
from planner.results.extract import Results

ONE_OFF = ("capex", "salvage", "retrofit_capex")


def sector_costs_pv(d: ModelData, res: Results) -> pd.DataFrame:
    """Per sector: discounted cost without carbon payments, and discounted carbon payments."""
    c = res["costs"]
    factor = [d.df[y] if comp in ONE_OFF else d.weight[y] for comp, y in zip(c.component, c.year)]
    pv = c.assign(pv=c.value * factor)
    carbon = pv.component == "carbon_price"
    out = pd.DataFrame({"cost_pv": pv[~carbon].groupby("sector")["pv"].sum(),
                        "carbon_payments_pv": pv[carbon].groupby("sector")["pv"].sum()})
    return out.reindex(d.sectors).fillna(0.0)


def cumulative_emissions(d: ModelData, res: Results) -> pd.Series:
    """Per sector, the counted emissions (MtCO2 or MtCO2e) over the budget years (all years without
    a budget)."""
    years = set(d.budget_years or d.years)
    em = res["emissions"]
    em = em[em.year.isin(years)]
    total = (em.counted * em.year.map(d.length)).groupby(em.sector).sum()
    return total.reindex(d.sectors).fillna(0.0)


def _price_pv(d: ModelData, res: Results) -> dict[str, float]:
    prices = res["prices"]
    pv = prices[prices.name.str.startswith("carbon_price_pv")].set_index("name")["value"].to_dict()
    out = {}
    for s in d.sectors:
        out[s] = float(pv.get(f"carbon_price_pv|{s}", pv.get("carbon_price_pv", 0.0)))
    return out


def _quantities(d: ModelData, res: Results) -> pd.DataFrame:
    cum = cumulative_emissions(d, res)
    costs = sector_costs_pv(d, res)
    table = pd.DataFrame({"cumulative_emissions": cum, **costs.to_dict(orient="series")})
    if d.budget_rows:
        table["carbon_price_pv"] = pd.Series(_price_pv(d, res))
    if d.budget_mt:
        table["share_of_run_budget"] = table.cumulative_emissions / d.budget_mt
    if d.global_remaining_mt:
        table["share_of_global_budget"] = table.cumulative_emissions / d.global_remaining_mt
    return table


def budget_shares(d: ModelData, res: Results, reference: Results | None = None) -> pd.DataFrame:
    """The `budget_shares.csv` table (module docstring); `reference` is the optimal-split solve."""
    currency = d.notes.get("currency", "USD")
    table = _quantities(d, res)
    if d.sector_budgets:
        table["budget"] = pd.Series(d.sector_budgets)
    if reference is not None:
        ref = _quantities(d, reference)
        for col in ("cumulative_emissions", "cost_pv", "carbon_price_pv", "share_of_run_budget",
                    "share_of_global_budget"):
            if col in ref:
                table[f"{col}_optimal"] = ref[col]
        table["cost_of_fixed_split"] = table.cost_pv - table.cost_pv_optimal
    if res.overshoot:
        table["overshoot"] = pd.Series({s: res.overshoot.get(s, float("nan")) for s in table.index})
    total = table.sum(numeric_only=True)
    if "all" in res.overshoot:
        total["overshoot"] = res.overshoot["all"]
    for col in table.columns:
        if col.startswith("carbon_price_pv"):
            # one price for all sectors when they share a row, else no meaningful total
            vals = table[col].round(9).unique()
            total[col] = vals[0] if len(vals) == 1 else float("nan")
    table.loc["total"] = total
    units = {"cumulative_emissions": "MtCO2", "budget": "MtCO2", "share_of_run_budget": "fraction",
             "share_of_global_budget": "fraction", "cost_pv": f"million {currency} (PV {d.years[0]})",
             "carbon_payments_pv": f"million {currency} (PV {d.years[0]})",
             "carbon_price_pv": f"{currency}/tCO2 (PV {d.years[0]})",
             "cost_of_fixed_split": f"million {currency} (PV {d.years[0]})", "overshoot": "MtCO2"}
    long = table.rename_axis("sector").reset_index().melt(id_vars="sector", var_name="quantity")
    long = long.dropna(subset=["value"])
    long["unit"] = [units.get(q.removesuffix("_optimal"), "") for q in long.quantity]
    return long.reset_index(drop=True)
