"""The report's regional section of a run with a region set, from the run's folder.

- region_view: per region, emissions (scope 1, net of capture; MtCO2/yr) in the first, a middle and
  the last report year, cumulative emissions (GtCO2, each model year times the years it stands for),
  investment over the horizon (bn currency, undiscounted) and what each sector makes in the region
  (products and intermediates) in the last report year;
- trade_view: the largest flows between regions of each traded good in the report years, with the
  share of the destination's use they cover, and each region's net imports;
- regions_chart: emissions by region over the years (stacked) and net imports by region and good.

A run without a region set has no such section (the views return nothing).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from planner.results.charts import _save, _style, _years_axis, legend, signed_stack  # noqa: E402
from planner.results.folder import RunFolder  # noqa: E402
from planner.results.roadmap import number, pick_years  # noqa: E402

TOP_FLOWS = 12


def _region(run: RunFolder, table: pd.DataFrame) -> pd.Series:
    return table.sector.map(run.region_of)


def region_view(run: RunFolder) -> pd.DataFrame:
    """One row per region of the set (and World for sectors the set does not split, if any)."""
    if not run.regions:
        return pd.DataFrame()
    years = pick_years(run)
    first = int(run["emissions"].year.min())
    shown = [first, *[y for y in years if y != first]]
    length = run.lengths()
    em = run["emissions"].assign(region=lambda t: _region(run, t))
    inv = run["investment"]
    inv = inv.assign(region=_region(run, inv)) if not inv.empty else inv
    prod = run["production"].assign(region=lambda t: _region(run, t))
    prod = prod.assign(base=prod.sector.str.partition("@")[0])
    names = (run.record.get("regions") or {}).get("sectors", {})
    rows = []
    order = [*run.regions, "World"]
    for code in order:
        mine = em[em.region == code]
        if mine.empty:
            continue
        row = {"region": run.regions.get(code, "World (sectors the set does not split)")}
        per_year = mine.groupby("year")["value"].sum()
        for y in shown:
            row[f"emissions {y} (MtCO2/yr)"] = number(float(per_year.get(y, 0.0)))
        row["cumulative (GtCO2)"] = number(float(sum(v * length.get(int(y), 1) for y, v in per_year.items())) / 1000)
        spent = float(inv[inv.region == code].value.sum()) / 1000 if not inv.empty else 0.0
        row[f"investment (bn {run.currency})"] = number(spent)
        p = prod[(prod.region == code) & (prod.year == years[-1])]
        for (base, output, unit), part in p.groupby(["base", "output", "unit"]):
            label = names.get(base, base.title())
            row[f"{label}: {output.replace('_', ' ')} {years[-1]} ({unit}/yr)"] = number(float(part.value.sum()))
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def trade_view(run: RunFolder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(largest flows, net imports by region and good) in the report years."""
    trade = run.tables.get("trade")
    if not run.regions or trade is None or trade.empty:
        return pd.DataFrame(), pd.DataFrame()
    years = pick_years(run)
    t = trade[trade.year.isin(years) & (trade.value > 1e-6)]
    use = _use(run)
    flows = t.sort_values("value", ascending=False).groupby("year").head(TOP_FLOWS).sort_values(
        ["year", "value"], ascending=[True, False])
    name = run.regions
    top = pd.DataFrame({
        "year": flows.year, "good": flows.commodity.str.replace("_", " "),
        "from": flows.origin.map(lambda r: name.get(r, r)), "to": flows.destination.map(lambda r: name.get(r, r)),
        "flow": [f"{number(v)} {u}" for v, u in zip(flows.value, flows.unit)],
        "share of destination's use": [_share(v, use.get((d, c, y))) for v, d, c, y in
                                       zip(flows.value, flows.destination, flows.commodity, flows.year)],
        f"transport (million {run.currency}/yr)": [number(v) for v in flows.transport_cost]})
    net = _net(trade[trade.year.isin(years)])
    net = net.rename(index=lambda r: name.get(r, r))
    net.columns = [f"{c.replace('_', ' ')} {y}" for c, y in net.columns]
    net = net.map(number).reset_index().rename(columns={"index": "region"})
    return top.reset_index(drop=True), net


def _use(run: RunFolder) -> dict[tuple[str, str, int], float]:
    """(region, good, year) -> the region's use of a traded good: its own output of it plus imports
    less exports (what it consumes or turns into its products)."""
    prod = run["production"]
    trade = run["trade"]
    goods = set(trade.commodity)
    made = prod[prod.output.isin(goods)].assign(region=lambda t: _region(run, t))
    made = made.groupby(["region", "output", "year"])["value"].sum()
    out: dict[tuple[str, str, int], float] = {k: float(v) for k, v in made.items()}
    for (o, dst, c, y), v in trade.groupby(["origin", "destination", "commodity", "year"])["value"].sum().items():
        out[(dst, c, y)] = out.get((dst, c, y), 0.0) + float(v)
        out[(o, c, y)] = out.get((o, c, y), 0.0) - float(v)
    return out


def _share(value: float, use: float | None) -> str:
    return f"{100 * value / use:.0f}%" if use and use > 1e-9 else ""


def _net(trade: pd.DataFrame) -> pd.DataFrame:
    """Net imports (imports - exports) by region (rows) and (good, year) (columns)."""
    imports = trade.groupby(["destination", "commodity", "year"])["value"].sum()
    exports = trade.groupby(["origin", "commodity", "year"])["value"].sum()
    imports.index.names = exports.index.names = ["region", "commodity", "year"]
    net = imports.sub(exports, fill_value=0.0)
    return net.unstack(["commodity", "year"]).fillna(0.0).sort_index(axis=1)


def regions_chart(run: RunFolder, folder: Path) -> list[Path]:
    """Emissions by region (stacked) and, for each traded good, net imports by region in the last year."""
    if not run.regions:
        return []
    _style()
    em = run["emissions"].assign(region=lambda t: _region(run, t))
    wide = em.pivot_table(index="year", columns="region", values="value", aggfunc="sum").fillna(0.0)
    order = [r for r in [*run.regions, "World"] if r in wide.columns and (r != "World" or wide[r].abs().max() > 0)]
    wide = wide[order]
    cmap = plt.get_cmap("tab10" if len(order) <= 10 else "tab20")
    colors = [cmap(i % cmap.N) for i in range(len(order))]
    trade = run.tables.get("trade")
    has_trade = trade is not None and not trade.empty
    fig, axes = plt.subplots(1, 2 if has_trade else 1, figsize=(13 if has_trade else 8, 4), layout="constrained",
                             squeeze=False)
    ax = axes[0][0]
    signed_stack(ax, wide, colors, labels=[run.regions.get(r, "World (not split)") for r in order])
    ax.set_title("Emissions by region (scope 1, net of capture)")
    ax.set_ylabel("MtCO2/yr")
    _years_axis(ax, int(wide.index[0]), int(wide.index[-1]))
    legend(ax, "below", ncol=3)
    if has_trade:
        last = int(trade.year.max())
        net = _net(trade[trade.year == last])
        net.columns = [c for c, _ in net.columns]
        net = net.reindex([r for r in order if r in net.index])
        ax2 = axes[0][1]
        net.rename(index=lambda r: run.regions.get(r, r)).plot.barh(ax=ax2, width=0.8)
        ax2.axvline(0, color="k", lw=0.6)
        ax2.set_ylabel("")
        ax2.set_title(f"Net imports by region in {last} (negative: net exports)")
        ax2.set_xlabel("Mt/yr (the good's unit)")
        ax2.invert_yaxis()
        legend(ax2, "below", ncol=3)
    return _save(fig, folder, "regions")
