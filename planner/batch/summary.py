"""What a batch found: the manifest as a table, and the findings that hold across runs (which
technologies are built by 2030 in what share of runs, the range of the carbon price)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console

from planner.batch.execute import column
from planner.console import FoldedTable

BUILT = 1e-3
"""New capacity (sector units per year) below which a technology counts as not built."""


def built_by(folder: Path, year: int = 2030) -> pd.DataFrame:
    """Per sector and technology: in how many finished runs it has new capacity by `year`, and the
    median capacity added by then among those runs."""
    rows = []
    runs = sorted(p for p in (folder / "runs").glob("*") if (p / "run.json").exists())
    for run in runs:
        new = pd.read_csv(run / "new_capacity.csv")
        new = new[new.year <= year].groupby(["sector", "technology"])["value"].sum()
        for (s, k), v in new.items():
            if v > BUILT:
                rows.append({"run": run.name, "sector": s, "technology": k, "added": v})
    if not rows:
        return pd.DataFrame(columns=["sector", "technology", "share_of_runs", "median_added", "runs"])
    t = pd.DataFrame(rows)
    out = t.groupby(["sector", "technology"]).agg(runs=("run", "nunique"), median_added=("added", "median"))
    out["share_of_runs"] = out["runs"] / len(runs)
    return out.reset_index().sort_values(["share_of_runs", "sector"], ascending=[False, True])


def print_summary(console: Console, folder: Path, limit: int = 40) -> None:
    """The manifest and the robust findings of the batch in `folder`."""
    manifest = pd.read_csv(folder / "manifest.csv")
    inputs = [c for c in manifest.columns if c.startswith("input|")]
    t = FoldedTable(title=f"Batch {folder.name}: {len(manifest)} runs", title_justify="left")
    cols = ["run", *inputs, "status", *(column(manifest.columns, c) for c in (
        "total_cost", "cumulative_emissions", "carbon_price_pv", "emissions_2030", "emissions_2050"))]
    cols = [c for c in cols if c is not None and c in manifest.columns]
    for c in cols:
        t.add_column(c.removeprefix("input|"), justify="left" if c in ("run", "status") else "right")
    for _, r in manifest.head(limit).iterrows():
        t.add_row(*[_fmt(r[c]) for c in cols])
    console.print(t)
    if len(manifest) > limit:
        console.print(f"... {len(manifest) - limit} more rows in {folder / 'manifest.csv'}")
    counts = manifest.status.value_counts().to_dict()
    console.print("Status: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    ok = manifest[manifest.status == "optimal"]
    if ok.empty:
        return
    price, late = column(ok.columns, "carbon_price_pv"), column(ok.columns, "emissions_2050")
    if price is not None and ok[price].notna().any():
        p = ok[price].dropna()
        unit = price.split("[", 1)[1].rstrip("]") if "[" in price else "USD/tCO2"
        console.print(f"Carbon price (present value): {p.min():,.0f} to {p.max():,.0f} {unit}, median "
                      f"{p.median():,.0f} over {len(p)} runs")
    em = ok[late].dropna() if late is not None else pd.Series(dtype=float)
    if len(em):
        console.print(f"Emissions in 2050: {em.min():,.0f} to {em.max():,.0f} MtCO2/yr, median {em.median():,.0f}")
    built = built_by(folder)
    b = FoldedTable(title="Built by 2030: technologies with new capacity, share of finished runs", title_justify="left")
    for c in ("sector", "technology", "share of runs", "median added by 2030"):
        b.add_column(c, justify="right" if c.startswith(("share", "median")) else "left")
    for r in built.itertuples():
        b.add_row(r.sector, r.technology, f"{r.share_of_runs:.0%}", f"{r.median_added:,.1f}")
    console.print(b)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)
