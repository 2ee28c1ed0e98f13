"""Two finished runs side by side: a table of their key figures and charts of both.

Runs may cover different sectors: figures of a sector only one run has show as absent (None)
in the other, and totals are the totals of each run as it is. The difference column is B - A
where both have the figure.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from planner.results.charts import (  # noqa: E402
    _outside,
    _save,
    _style,
    _years_axis,
    legend,
    sector_colors,
    wrap_label,
)
from planner.results.folder import RunFolder, read_run  # noqa: E402
from planner.results.roadmap import cumulative_gt, headline, near_zero_techs  # noqa: E402
from planner.results.surprises import between_runs  # noqa: E402
from planner.results.write import atomic_text, atomic_write  # noqa: E402

YEARS = (2030, 2050)


@dataclass
class Comparison:
    table: pd.DataFrame
    """quantity, unit, A, B, difference"""
    charts: dict[str, list[Path]]
    files: list[Path]
    notes: list[str] = field(default_factory=list)
    """results that need a word, explained (surprises.between_runs)"""


def compare_table(a: RunFolder, b: RunFolder) -> pd.DataFrame:
    """Rows of (quantity, unit, A, B, B - A): run totals first, then each sector of either run, then
    each region of either run's region set.

    Runs on different region sets compare sector by sector: a sector's regional instances are summed
    (RunFolder.by_sector); a run without a region set is the World (it has no regional rows)."""
    regional_rows = _region_rows(a, b)
    a, b = a.by_sector(), b.by_sector()
    ha, hb = headline(a), headline(b)
    cur = a.currency if a.currency == b.currency else f"{a.currency} / {b.currency}"
    rows: list[tuple[str, str, float | None, float | None]] = [
        ("sectors", "", None, None),
        ("cumulative emissions", "GtCO2", ha["cumulative_emissions_gt"], hb["cumulative_emissions_gt"]),
        ("carbon budget", "GtCO2", ha["budget_gt"], hb["budget_gt"]),
        ("total cost, discounted", f"bn {cur}", ha["total_cost_bn"], hb["total_cost_bn"]),
        ("investment over the horizon", f"bn {cur}", ha["investment_bn"], hb["investment_bn"]),
        ("  of which near-zero technologies", f"bn {cur}", ha["investment_near_zero_bn"],
         hb["investment_near_zero_bn"]),
        ("stranded assets (undepreciated value)", f"bn {cur}", ha["stranded_value_bn"], hb["stranded_value_bn"]),
    ]
    for y in YEARS:
        rows.append((f"emissions {y}", "MtCO2/yr", ha["emissions_mt"].get(y), hb["emissions_mt"].get(y)))
    def run_price(h: dict, y: int) -> float | None:
        """The run's single carbon price; none when each sector has its own (mode shares)."""
        return None if h["sector_carbon_price"] and not any(h["carbon_price"].values()) else h["carbon_price"].get(y)

    for y in YEARS:
        rows.append((f"carbon price {y}", f"{cur}/tCO2", run_price(ha, y), run_price(hb, y)))
    for name in sorted(set(ha["resources"]) | set(hb["resources"])):
        label, unit = name.split(" (", 1)
        rows.append((f"{label} 2050", unit.rstrip(")"), ha["resources"].get(name, {}).get(2050, 0.0),
                     hb["resources"].get(name, {}).get(2050, 0.0)))
    sectors = list(dict.fromkeys([*a.sectors, *b.sectors]))
    for s in sectors:
        name = (a if s in a.sectors else b).sector_name(s)
        for quantity, unit, fn in (
            ("cumulative emissions", "GtCO2", lambda r, s=s: cumulative_gt(r, s)),
            ("emissions 2030", "MtCO2/yr", lambda r, s=s: _emissions(r, s, 2030)),
            ("emissions 2050", "MtCO2/yr", lambda r, s=s: _emissions(r, s, 2050)),
            ("investment over the horizon", f"bn {cur}", lambda r, s=s: _investment(r, s)),
            ("carbon price 2030", f"{cur}/tCO2", lambda r, s=s: _price(r, s, 2030)),
            ("carbon price 2050", f"{cur}/tCO2", lambda r, s=s: _price(r, s, 2050)),
            ("near-zero capacity 2030", "share of capacity", lambda r, s=s: _near_zero_share(r, s, 2030)),
            ("near-zero capacity 2050", "share of capacity", lambda r, s=s: _near_zero_share(r, s, 2050)),
        ):
            rows.append((f"{name}: {quantity}", unit, fn(a) if s in a.sectors else None,
                         fn(b) if s in b.sectors else None))
    rows += regional_rows
    out = pd.DataFrame(rows, columns=["quantity", "unit", "A", "B"]).astype({"A": object, "B": object})
    out["difference"] = [bb - aa if aa is not None and bb is not None and pd.notna(aa) and pd.notna(bb) else None
                         for aa, bb in zip(out.A, out.B)]
    out.loc[0, ["A", "B"]] = [", ".join(a.sectors), ", ".join(b.sectors)]
    return out


def _region_rows(a: RunFolder, b: RunFolder) -> list[tuple[str, str, float | None, float | None]]:
    """Emissions 2030 / 2050, cumulative emissions and investment of each region of either run's
    region set (absent where a run has no such region)."""
    names = {**a.regions, **b.regions}
    cur = a.currency if a.currency == b.currency else f"{a.currency} / {b.currency}"

    def of(r: RunFolder, region: str) -> list[str]:
        return [s for s in r.sectors if r.region_of(s) == region]

    rows = []
    for code, name in names.items():
        for quantity, unit, fn in (
            ("emissions 2030", "MtCO2/yr", lambda r, ss: sum(_emissions(r, s, 2030) or 0.0 for s in ss)),
            ("emissions 2050", "MtCO2/yr", lambda r, ss: sum(_emissions(r, s, 2050) or 0.0 for s in ss)),
            ("cumulative emissions", "GtCO2", lambda r, ss: sum(cumulative_gt(r, s) for s in ss)),
            ("investment over the horizon", f"bn {cur}", lambda r, ss: sum(_investment(r, s) for s in ss)),
        ):
            rows.append((f"{name}: {quantity}", unit, fn(a, of(a, code)) if code in a.regions else None,
                         fn(b, of(b, code)) if code in b.regions else None))
    return rows


def _emissions(r: RunFolder, s: str, y: int) -> float | None:
    em = r["emissions"]
    part = em[(em.sector == s) & (em.year == y)]
    return float(part.value.sum()) if not part.empty else None


def _price(r: RunFolder, s: str, y: int) -> float | None:
    """The carbon price the sector faces: its own (mode shares) or the run's."""
    p = r["prices"]
    own = p[(p.name == f"carbon_price|{s}") & (p.year == y)]
    run_wide = p[(p.name == "carbon_price") & (p.year == y)]
    part = own if not own.empty else run_wide
    return float(part.value.iloc[0]) if not part.empty else None


def _investment(r: RunFolder, s: str) -> float:
    inv = r["investment"]
    return float(inv[inv.sector == s].value.sum()) / 1000 if not inv.empty else 0.0


def _near_zero_share(r: RunFolder, s: str, y: int) -> float | None:
    """Near-zero share of the sector's capacity of outputs that have near-zero technologies."""
    cap = r["capacity"]
    cap = cap[(cap.sector == s) & (cap.year == y)]
    nz = near_zero_techs(r)
    tech = r["technologies"].set_index(["sector", "technology"])["output"].to_dict()
    outputs = {tech[(ss, k)] for ss, k in nz if ss == s}
    cap = cap[np.array([tech.get((s, k)) in outputs for k in cap.technology], dtype=bool)]
    total = float(cap.value.sum())
    if total <= 0:
        return None
    return float(cap[np.array([(s, k) in nz for k in cap.technology], dtype=bool)].value.sum()) / total


def compare_charts(a: RunFolder, b: RunFolder, folder: Path) -> dict[str, list[Path]]:
    """Emissions (total and by sector), carbon price and investment of both runs: A solid, B dashed;
    legends outside the plot areas, sectors in the same colour in both runs."""
    _style()
    out = {}
    la, lb = f"A: {a.label}", f"B: {b.label}"
    sectors = list(dict.fromkeys([*a.sectors, *b.sectors]))
    colors = sector_colors(sectors)
    names = {s: (a if s in a.sectors else b).sector_name(s) for s in sectors}
    years = [int(y) for r in (a, b) for y in (r["emissions"].year.min(), r["emissions"].year.max())]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
    for run, style, lab in ((a, "-", la), (b, "--", lb)):
        em = run["emissions"]
        tot = em.groupby("year")["value"].sum()
        ax.plot(tot.index, tot.values, style, color="#333333", lw=2, label=f"{lab} (total)")
        for s in run.sectors:
            part = em[em.sector == s].groupby("year")["value"].sum()
            ax2.plot(part.index, part.values, style, color=colors[s], lw=1.5)
    ax.set_title("Total emissions of each run")
    ax.set_ylabel("MtCO2/yr")
    legend(ax, "below")
    ax2.set_title("Emissions by sector (A solid, B dashed)")
    ax2.set_ylabel("MtCO2/yr")
    handles = [Line2D([], [], color=colors[s], lw=2) for s in sectors]
    handles += [Line2D([], [], color="#555555", ls=ls, lw=1.5) for ls in ("-", "--")]
    _outside(ax2, handles, [wrap_label(names[s]) for s in sectors] + [wrap_label(la), wrap_label(lb)], "right")
    for x in (ax, ax2):
        _years_axis(x, min(years), max(years))
    out["emissions"] = _save(fig, folder, "emissions")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
    # A wide and pale under B dashed: where the two runs agree both stay visible
    look = {"A": {"color": "#1f77b4", "lw": 3.2, "alpha": 0.55}, "B": {"color": "#ff7f0e", "lw": 1.6, "ls": "--"}}
    for run, key, lab in ((a, "A", la), (b, "B", lb)):
        p = run["prices"]
        cp = p[p.name == "carbon_price"]
        ax.plot(cp.year, cp.value, label=lab, **look[key])
        inv = run["investment"]
        if not inv.empty:
            per = inv.groupby("year")["value"].sum() / 1000
            ax2.plot(per.index, per.values, label=lab, **look[key])
    ax.set_title("Carbon price")
    ax.set_ylabel(f"{a.currency}/tCO2")
    legend(ax, "below")
    ax2.set_title("Investment per year")
    ax2.set_ylabel(f"billion {a.currency}/yr")
    legend(ax2, "below")
    for x in (ax, ax2):
        _years_axis(x, min(years), max(years))
    out["prices_investment"] = _save(fig, folder, "prices_investment")
    return out


def compare_runs(dir_a: Path | str, dir_b: Path | str, out: Path) -> Comparison:
    """Write compare.csv, compare.md, compare.html and charts of two runs into `out`."""
    a, b = read_run(dir_a), read_run(dir_b)
    table = compare_table(a, b)
    out.mkdir(parents=True, exist_ok=True)
    charts = compare_charts(a.by_sector(), b.by_sector(), out / "charts")
    atomic_write(out / "compare.csv", lambda p: table.to_csv(p, index=False))
    notes = between_runs(a.by_sector(), b.by_sector())
    said = ("\n\n## Results that need a word\n\n" + "\n".join(f"- {n}" for n in notes) + "\n") if notes else ""
    shown = table.copy()
    for col in ("A", "B", "difference"):
        shown[col] = [fmt(v) for v in shown[col]]
    head = f"# Comparison\n\nA: `{a.path}` ({a.label})\n\nB: `{b.path}` ({b.label})\n\n"
    md = head + shown.to_markdown(index=False) + said + "\n\n" + "\n\n".join(
        f"![{k}]({os.path.relpath(next(p for p in v if p.suffix == '.png'), out)})" for k, v in charts.items()) + "\n"
    atomic_text(out / "compare.md", md)
    imgs = "".join(f'<figure><img style="max-width:100%" src="data:image/png;base64,'
                   f'{base64.b64encode(next(p for p in v if p.suffix == ".png").read_bytes()).decode()}"></figure>'
                   for v in charts.values())
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in shown.itertuples(index=False))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Comparison</title><style>body{font-family:"
            "sans-serif;max-width:1100px;margin:auto;padding:24px}table{border-collapse:collapse;width:100%}"
            "td,th{border-bottom:1px solid #ddd;padding:4px 8px;font-size:13px}td:nth-child(n+3){text-align:right}"
            "</style></head><body>"
            f"<h1>Comparison</h1><p>A: <code>{a.path}</code> ({a.label})<br>B: <code>{b.path}</code> ({b.label})</p>"
            "<table><tr><th>quantity</th><th>unit</th><th>A</th><th>B</th><th>B - A</th></tr>"
            f"{rows}</table>"
            + ("<h2>Results that need a word</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
               if notes else "")
            + f"{imgs}</body></html>")
    atomic_text(out / "compare.html", html)
    return Comparison(table, charts, [out / "compare.csv", out / "compare.md", out / "compare.html"], notes)


def fmt(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "—"
    if isinstance(v, str):
        return v
    f = float(v)
    a = abs(f)
    if a >= 100:
        return f"{f:,.0f}"
    if a >= 1:
        return f"{f:,.2f}"
    return f"{f:.3g}"
