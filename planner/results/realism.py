"""What the realistic dynamics cost: the run against the same run without them (`realism.csv`).

With `dynamics: {reference: true}` the run is solved a second time with the sector files' group
build, turnover, adoption, decline and utilisation limits lifted (data.dynamics_limits = False; technology
build limits stay), and this table sets the two plans side by side. Long table: sector (or
`total`), quantity, realistic, unconstrained, difference (realistic - unconstrained), unit.
Quantities:
  cost_pv                discounted cost without carbon payments, million USD (PV), as in
                         budget_shares.csv (the objective less carbon payments)
  cumulative_emissions   MtCO2 over the budget years
  carbon_price_pv        USD/tCO2 (PV) of the budget, where one binds
  investment             undiscounted capex of new capacity and retrofits 2025-2050, million USD
  stranded_value         undepreciated value of early retirements, million USD
  high_diagnostics       number of high-severity findings of the self-check
The total's cost difference is the price of realism: what building, retiring and switching at
historic rates costs the least-cost plan (never negative up to the solver's tolerance, because
the unconstrained plan is a relaxation).
"""

from __future__ import annotations

import pandas as pd

from planner.data import ModelData
from planner.results.extract import Results
from planner.results.sharing import _quantities

COLUMNS = ["sector", "quantity", "realistic", "unconstrained", "difference", "unit"]


def _figures(d: ModelData, res: Results) -> pd.DataFrame:
    q = _quantities(d, res)
    q = q[[c for c in ("cost_pv", "cumulative_emissions", "carbon_price_pv") if c in q]]
    inv = res.tables.get("investment")
    stranded = res.tables.get("stranded_assets")
    diag = res.tables.get("diagnostics")
    q["investment"] = (inv.groupby("sector")["value"].sum() if inv is not None and not inv.empty
                       else pd.Series(dtype=float)).reindex(q.index).fillna(0.0)
    q["stranded_value"] = (stranded.groupby("sector")["undepreciated_value"].sum()
                           if stranded is not None and not stranded.empty
                           else pd.Series(dtype=float)).reindex(q.index).fillna(0.0)
    high = diag[diag.severity == "high"] if diag is not None and not diag.empty else None
    q["high_diagnostics"] = (high.groupby("sector").size() if high is not None
                             else pd.Series(dtype=float)).reindex(q.index).fillna(0).astype(float)
    total = q.sum(numeric_only=True)
    if "carbon_price_pv" in q:
        vals = q["carbon_price_pv"].round(9).unique()
        total["carbon_price_pv"] = vals[0] if len(vals) == 1 else float("nan")
    q.loc["total"] = total
    return q


def realism_table(d: ModelData, realistic: Results, unconstrained: Results) -> pd.DataFrame:
    """The `realism.csv` table (module docstring)."""
    currency = d.notes.get("currency", "USD")
    a, b = _figures(d, realistic), _figures(d, unconstrained)
    rows = []
    units = {"cost_pv": f"million {currency} (PV {d.years[0]})", "cumulative_emissions": "MtCO2",
             "carbon_price_pv": f"{currency}/tCO2 (PV {d.years[0]})", "investment": f"million {currency}",
             "stranded_value": f"million {currency}", "high_diagnostics": "findings"}
    for sector in a.index:
        for quantity in a.columns:
            x, y = float(a.loc[sector, quantity]), float(b.loc[sector, quantity])
            if pd.isna(x) and pd.isna(y):
                continue
            rows.append({"sector": sector, "quantity": quantity, "realistic": x, "unconstrained": y,
                         "difference": x - y, "unit": units[quantity]})
    return pd.DataFrame(rows, columns=COLUMNS)
