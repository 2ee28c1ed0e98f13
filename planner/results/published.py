"""The plan beside published pathways: published.csv.

For each published outcome of the run's sectors (models/published/<sector>.yaml, ModelData.published)
in the horizon, the plan's value of the same metric in the same year (planner/milestones.py:
N / D at the solution), and

  ratio = plan / published            (undefined where the published value is 0)
  status = `within`     if low <= ratio <= high (scenario `diagnostics.published`, 0.67-1.5),
                        or both values are 0;
           `explained`  outside the band, and the outcome states the `reason` (a named assumption);
           `outside`    outside the band with no reason: the plan disagrees with the published
                        pathway and nobody has said why (the summary and report flag it).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planner.data import ModelData

COLUMNS = ["name", "sector", "metric", "year", "pathway", "published", "plan", "unit", "ratio", "status",
           "reason", "sources"]
ZERO = 1e-9


def published_table(d: ModelData, values: dict[str, dict[Any, float]]) -> pd.DataFrame:
    """One row per published outcome in the horizon, worst disagreement first."""
    if not d.published:
        return pd.DataFrame(columns=COLUMNS)
    from planner.milestones import evaluate, milestone_rows  # plain-Python metric rows

    band = d.diagnostics.get("published", {"low": 0.67, "high": 1.5})
    rows = []
    for r in milestone_rows(d, specs=d.published):
        spec = d.published[r.name]
        plan, _, _ = evaluate(r, values)
        plan = 0.0 if math.isnan(plan) else plan
        published = float(spec["value"])
        ratio = plan / published if abs(published) > ZERO else math.nan
        if math.isnan(ratio):
            agrees = abs(plan) <= ZERO
        else:
            agrees = band["low"] <= ratio <= band["high"]
        status = "within" if agrees else ("explained" if spec.get("reason") else "outside")
        rows.append((r.name, r.sector, r.metric, int(spec["year"]), spec["pathway"], published, plan, r.unit,
                     ratio, status, spec.get("reason") or "", "; ".join(spec["sources"])))
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = {"outside": 0, "explained": 1, "within": 2}
    far = (out.ratio.apply(lambda x: abs(math.log(x)) if x > 0 else math.inf)).fillna(math.inf)
    return (out.assign(_o=out.status.map(order), _f=-far).sort_values(["_o", "_f", "sector", "year"])
            .drop(columns=["_o", "_f"]).reset_index(drop=True))
