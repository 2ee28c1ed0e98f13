"""The report's tracking section: a plan against its actuals (tracking.csv, written by `planner track`).

The table is tracking.csv as read: each actual and each milestone's latest actual, with the plan's
value, the status and what closing a gap costs. The chart draws, for each figure tracked, the
plan's path over the horizon (recomputed from the run's tables as planner/results/tracking.py
does) with the actuals as points and a milestone's bound as a marker in its year.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from planner.results.charts import _save, _style
from planner.results.folder import RunFolder
from planner.results.tracking import plan_path
from planner.schema.actuals import OPTIONAL, Actual

STATUS_COLOR = {"behind": "#c0392b", "on track": "#2e86c1", "ahead": "#27ae60", "no plan year": "#7f8c8d"}


def tracking_view(run: RunFolder) -> tuple[pd.DataFrame, str]:
    """The rows of tracking.csv as the report shows them, and a line saying what they are (empty
    table: the plan has not been tracked)."""
    t = run.tables.get("tracking")
    if t is None or t.empty:
        return pd.DataFrame(), ""
    currency = run.currency
    rows = []
    for r in t.itertuples(index=False):
        what = " ".join(str(x) for x in (r.sector, r.metric, "" if pd.isna(r.selector) else f"({r.selector})") if x)
        rows.append({"": r.name if r.kind == "milestone" else "", "figure": what, "year": int(r.year),
                     "actual": _num(r.actual), "plan": _num(r.plan), "unit": r.unit, "status": r.status,
                     f"cost to close (million {currency})": _num(r.cost_to_close)})
    behind = int((t.status == "behind").sum())
    note = (f"{len(t)} rows of tracking.csv: {behind} behind plan, {int((t.status == 'on track').sum())} on track, "
            f"{int((t.status == 'ahead').sum())} ahead. Costs to close are first-order estimates at the plan's prices "
            "(a milestone's dual per unit of its bound, or the carbon price for emissions); "
            "`planner run ... --actuals FILE` re-plans from the actuals and gives the exact cost of delay.")
    return pd.DataFrame(rows), note


def replan_view(run: RunFolder) -> tuple[pd.DataFrame, str]:
    """replan.csv (a re-plan's folder, `planner run ... --actuals`) and the sentence that states the
    cost of delay; empty for a run that is not a re-plan."""
    t = run.tables.get("replan")
    if t is None or t.empty:
        return pd.DataFrame(), ""
    cost = t.iloc[0]
    note = (f"This plan is a re-plan: the years with actuals are held to what happened and the rest re-optimised. "
            f"Cost of delay: {float(cost.difference):,.6g} {cost.unit} (this plan's discounted cost "
            f"{float(cost.replan):,.6g} less the plan's without the actuals {float(cost.plan):,.6g}).")
    shown = t.assign(**{c: [_num(v) for v in t[c]] for c in ("plan", "replan", "difference")})
    return shown.rename(columns={"replan": "re-plan"}), note


def tracking_chart(run: RunFolder, folder: Path) -> list[Path]:
    """One panel per figure tracked: the plan's path, the actuals coloured by status, a milestone's
    bound in its year."""
    t = run.tables.get("tracking")
    if t is None or t.empty:
        return []
    points = t[t.kind == "actual"]
    series = list(dict.fromkeys(zip(points.sector, points.metric, points.selector.fillna(""))))
    if not series:
        return []
    _style()
    n = len(series)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows), layout="constrained", squeeze=False)
    for ax, (sector, metric, selector) in zip(axes.flat, series):
        mine = points[(points.sector == sector) & (points.metric == metric) & (points.selector.fillna("") == selector)]
        first = mine.iloc[0]
        path = plan_path(run, _actual(first))
        ax.plot(path.index, path.values, color="#34495e", lw=1.4, label="plan")
        for r in mine.itertuples(index=False):
            ax.scatter([r.year], [r.actual], color=STATUS_COLOR.get(r.status, "k"), zorder=3, s=22, label=r.status)
        bounds = mine.dropna(subset=["milestone_year"])
        for r in bounds.itertuples(index=False):
            ax.scatter([r.milestone_year], [r.milestone_bound], marker="_", s=200, color="k", zorder=3,
                       label="milestone")
        ax.set_title(f"{sector}: {metric}" + (f" ({selector})" if selector else ""), fontsize=9)
        ax.set_ylabel(str(first.unit), fontsize=8)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), fontsize=6.5)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return _save(fig, folder, "tracking")


def _actual(r: pd.Series) -> Actual:
    """The actual a tracking.csv row reports (its selector 'group=zev, ...' split back into columns)."""
    keys = {}
    for part in str(r.selector if isinstance(r.selector, str) else "").split(", "):
        key, _, value = part.partition("=")
        if key in OPTIONAL:
            keys[key] = value
    return Actual(sector=r.sector, metric=r.metric, year=int(r.year), value=float(r.actual), unit=str(r.unit),
                  source=str(r.source), **keys)


def _num(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return f"{float(v):,.4g}"
