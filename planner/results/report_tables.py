"""The report's tables of what a run assumes and what drives its result, from the run's folder.

- drivers_view: drivers.csv (results/drivers.py) as the limits that matter most, ranked by what
  loosening each by 1% would save;
- assumption_views: assumptions.csv (results/assumptions.py) as one table per kind, the years as
  columns, each row with its source keys;
- sources_view: sources.csv, every source key the assumptions cite with its citation.

A run written before these tables existed gets no such section (the views return nothing).
"""

from __future__ import annotations

import pandas as pd

from planner.results.folder import RunFolder
from planner.results.roadmap import number

TOP_DRIVERS = 15


def drivers_view(run: RunFolder) -> tuple[pd.DataFrame, str]:
    """The most valuable binding limits and a sentence on how to read them."""
    dr = run.tables.get("drivers")
    if dr is None:
        return pd.DataFrame(), "This run was written before the drivers table existed; run it again."
    if dr.empty:
        return pd.DataFrame(), "No limit binds: the plan is the cheapest one at the scenario's prices alone."
    cur = run.currency
    top = dr.head(TOP_DRIVERS)
    names = {s: run.sector_name(s) for s in run.sectors}
    years = [("" if pd.isna(a) else f"{int(a)}" if a == b else f"{int(a)}-{int(b)}")
             + ("" if pd.isna(n) or pd.isna(a) or n == b - a + 1 else f" ({int(n)} years)")
             for a, b, n in zip(top.first_year, top.last_year, top.years_binding)]
    out = pd.DataFrame({
        "rank": top["rank"], "limit": top["limit"],
        "sector": [names.get(s, s) if isinstance(s, str) and s else "shared" for s in top.sector],
        "subject": top.subject, "what it limits": top.what, "binding": years,
        f"1% looser saves (bn {cur}, PV)": [number(v / 1000) for v in top.value_1pct],
        "share": [f"{100 * v:.0f}%" for v in top.share]})
    first = dr.iloc[0]
    note = (f"{len(dr)} limits bind. Each row is a limit the sector files or the scenario state, valued by what "
            f"loosening it by 1% would save in present value (its dual times 1% of the limit, summed over the "
            f"years it binds; first order). The largest, the {first['limit']} ({first['subject']}), accounts for "
            f"{100 * first['share']:.0f}% of the total: the assumptions behind the top rows are the ones worth "
            "checking first. All rows in drivers.csv.")
    return out, note


def _pivot(rows: pd.DataFrame, label: str) -> pd.DataFrame:
    """Rows of one kind with their years as columns."""
    rows = rows.assign(**{c: rows[c].astype(object).fillna("") for c in ("sector", "detail", "sources")})
    keys = ["sector", "item", "unit", "detail", "sources"]
    yearly = rows[rows.year.notna()]
    flat = rows[rows.year.isna()]
    parts = []
    if not yearly.empty:
        wide = yearly.pivot_table(index=keys, columns="year", values="value", aggfunc="first", sort=False)
        wide.columns = [str(int(c)) for c in wide.columns]
        wide = wide.map(lambda v: "" if pd.isna(v) else number(v)).reset_index()
        parts.append(wide)
    if not flat.empty:
        parts.append(flat.assign(value=[number(v) if pd.notna(v) else "" for v in flat.value])[keys + ["value"]])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out = out.rename(columns={"item": label})
    cols = [c for c in out.columns if c not in ("sources",)] + ["sources"]
    out = out[cols]
    if (out["sector"] == "").all():
        out = out.drop(columns="sector")
    if (out["detail"] == "").all():
        out = out.drop(columns="detail")
    return out.fillna("")


KINDS = [("general", "Economics", "assumption"), ("demand", "Demand", "product"),
         ("price", "Prices of what the sectors buy", "commodity"), ("budget", "Carbon budget", "budget"),
         ("carbon price", "Carbon price", "price"), ("limit", "Build and resource limits", "limit")]


def assumption_views(run: RunFolder) -> list[dict]:
    """One table per kind of assumption: {"title", "table", "note"}."""
    a = run.tables.get("assumptions")
    if a is None or a.empty:
        return []
    views = []
    for kind, title, label in KINDS:
        rows = a[a.kind == kind]
        if not rows.empty:
            views.append({"title": title, "table": _pivot(rows, label), "note": ""})
    ov = a[a.kind == "override"]
    base = "the scenario it extends"
    if not ov.empty:
        t = pd.DataFrame({"key": ov["item"], "value (base)": ov.detail.fillna(""), "sources": ov.sources.fillna("")})
        views.append({"title": "What this scenario changes", "table": t,
                      "note": f"Each value the scenario sets differently from {base} at the root of its `extends` "
                              "chain."})
    else:
        views.append({"title": "What this scenario changes", "table": pd.DataFrame(),
                      "note": "The scenario extends nothing, or changes nothing of what it extends."})
    return views


def sources_view(run: RunFolder) -> pd.DataFrame:
    """Every source the assumptions cite: key, citation and the file that holds it."""
    s = run.tables.get("sources")
    return pd.DataFrame() if s is None else s.fillna("")
