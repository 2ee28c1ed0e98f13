"""The plan beside published pathways: published.csv.

For each published outcome of the run's sectors (models/published/<sector>.yaml, ModelData.published)
in the horizon, the plan's value of the same metric in the same year (planner/milestones.py:
N / D at the solution), and

  ratio = plan / published            (undefined where the published value is 0)
  status = `within`     if low <= ratio <= high (scenario `diagnostics.published`, 0.67-1.5),
                        or both values are 0;
           `explained`  outside the band, and the outcome states the `reason` (a named assumption)
                        for that side of the figure (`gap`: the plan above it or below it);
           `outside`    outside the band with no reason for that side: the plan disagrees with the published
                        pathway and nobody has said why (the summary and report flag it).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planner.data import ModelData
from planner.schema.published import TABLE_METRICS

COLUMNS = ["name", "sector", "metric", "year", "pathway", "published", "plan", "unit", "ratio", "status",
           "reason", "sources"]
ZERO = 1e-9


def published_table(d: ModelData, values: dict[str, dict[Any, float]], tables: dict[str, pd.DataFrame],
                    rows: list | None = None) -> pd.DataFrame:
    """One row per published outcome in the horizon, worst disagreement first (`tables`: the run's
    result tables, for the metrics read from them; `rows`: the outcomes' metric rows if already
    built, planner.milestones.MilestoneRow)."""
    if not d.published:
        return pd.DataFrame(columns=COLUMNS)
    band = d.diagnostics["published"]
    out = []
    for name, spec, plan, unit in plan_values(d, values, tables, rows):
        published = float(spec["value"])
        ratio = plan / published if abs(published) > ZERO else math.nan
        if math.isnan(ratio):
            agrees = abs(plan) <= ZERO
        else:
            agrees = band["low"] <= ratio <= band["high"]
        above = plan > 0 if math.isnan(ratio) else ratio > 1
        side = "above" if above else "below"
        reason = spec.get("reason") if spec.get("gap") == side else None
        status = "within" if agrees else ("explained" if reason else "outside")
        out.append((name, spec["sector"], spec["metric"], int(spec["year"]), spec["pathway"], published, plan, unit,
                    ratio, status, reason or "", "; ".join(spec["sources"])))
    table = pd.DataFrame(out, columns=COLUMNS)
    order = {"outside": 0, "explained": 1, "within": 2}
    far = (table.ratio.apply(lambda x: abs(math.log(x)) if x > 0 else math.inf)).fillna(math.inf)
    return (table.assign(_o=table.status.map(order), _f=-far).sort_values(["_o", "_f", "sector", "year"])
            .drop(columns=["_o", "_f"]).reset_index(drop=True))


def table_metric_unit(metric: str, currency: str) -> str:
    """The unit of a metric read from the result tables."""
    return "MtCO2/yr" if metric == "captured" else f"bn {currency}/yr"


def lp_specs(d: ModelData) -> dict[str, dict]:
    """The published outcomes whose metric the LP's variables measure (milestone rows)."""
    return {n: s for n, s in d.published.items() if s["metric"] not in TABLE_METRICS}


def plan_values(d: ModelData, values: dict[str, dict[Any, float]], tables: dict[str, pd.DataFrame],
                rows: list | None = None) -> list[tuple[str, dict, float, str]]:
    """(name, spec, the plan's value, its unit) of every published outcome: milestone metrics
    evaluated at the solution (N / D), `captured` and `investment` summed from the result tables."""
    from planner.milestones import evaluate, milestone_rows  # plain-Python metric rows

    out = []
    lp = lp_specs(d)
    for r in rows if rows is not None else milestone_rows(d, specs=lp):
        plan, _, _ = evaluate(r, values)
        out.append((r.name, lp[r.name], 0.0 if math.isnan(plan) else plan, r.unit))
    currency = d.notes.get("currency", "USD2020")
    for name, spec in d.published.items():
        if name in lp:
            continue
        s, y = spec["sector"], spec["years"][0]
        if spec["metric"] == "captured":
            em = tables["emissions"]
            plan = float(em[(em.sector == s) & (em.year == y)]["captured"].sum())
        else:
            inv = tables["investment"]
            plan = float(inv[(inv.sector == s) & (inv.year == y)]["value"].sum()) / 1000.0
        out.append((name, spec, plan, table_metric_unit(spec["metric"], currency)))
    return out
