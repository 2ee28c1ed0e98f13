"""Charts of a run (PNG and SVG), drawn from its results folder with matplotlib.

| file (charts/) | what |
| --- | --- |
| production_mix | output of each final product by technology, per year (stacked areas) |
| emissions | annual emissions by sector with the linear path that spends the budget; cumulative vs budget |
| capacity_additions | new capacity per year by technology (near-zero in greens and blues) |
| investment | capex per year by sector |
| carbon_price | the run's carbon price per year (and each sector's own price in mode shares) |
| resources | electricity, hydrogen, biomass, fossil fuels, CO2 captured and stored, by sector |
| macc_<year> | marginal abatement cost curve of 2030 and 2050: realised abatement against its cost |
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from planner.results.folder import RunFolder  # noqa: E402

FORMATS = ("png", "svg")
SECTOR_COLORS = {"cement": "#8c6d4f", "steel": "#4c5a6b", "aluminium": "#9aa5b1", "chemicals": "#b5651d",
                 "shipping": "#1f77b4", "aviation": "#9467bd", "trucking": "#d62728"}
CLEAN = plt.get_cmap("viridis")
FOSSIL = plt.get_cmap("copper")
MACC_YEARS = (2030, 2050)


def _style() -> None:
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 130, "font.size": 9, "axes.titlesize": 10,
                         "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
                         "grid.alpha": 0.3, "legend.frameon": False, "svg.fonttype": "none"})


def legend(ax: plt.Axes, **kw: object) -> None:
    """A legend, if the axes has labelled artists (an empty table draws none)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kw)


def sector_color(s: str, i: int = 0) -> str:
    """A sector's colour; `i` (its position in the run's sectors) picks one for a sector not listed."""
    return SECTOR_COLORS.get(s, plt.get_cmap("tab10")(i % 10))


def tech_colors(run: RunFolder, sector: str, techs: list[str]) -> dict[str, tuple]:
    """Near-zero technologies in viridis (blues to greens), the others in copper (browns)."""
    info = run["technologies"].set_index(["sector", "technology"])["near_zero"].to_dict()
    clean = [k for k in techs if bool(info.get((sector, k), False))]
    dirty = [k for k in techs if k not in clean]
    out = {k: CLEAN(0.25 + 0.65 * i / max(1, len(clean) - 1)) for i, k in enumerate(clean)}
    out.update({k: FOSSIL(0.15 + 0.75 * i / max(1, len(dirty) - 1)) for i, k in enumerate(dirty)})
    return out


def final_products(run: RunFolder) -> list[tuple[str, str]]:
    """(sector, product) pairs of the demand products (not intermediates), in sector order."""
    inten = run["intensity"]
    prods = inten[inten.kind == "product"][["sector", "commodity"]].drop_duplicates()
    order = {s: i for i, s in enumerate(run.sectors)}
    return sorted(zip(prods.sector, prods.commodity), key=lambda p: (order.get(p[0], 99), p[1]))


def intermediates(run: RunFolder) -> list[tuple[str, str]]:
    """(sector, intermediate) pairs made in the run (clinker, alumina, ship and jet fuels)."""
    inten = run["intensity"]
    part = inten[inten.kind == "intermediate"][["sector", "commodity"]].drop_duplicates()
    order = {s: i for i, s in enumerate(run.sectors)}
    return sorted(zip(part.sector, part.commodity), key=lambda p: (order.get(p[0], 99), p[1]))


def _grid(n: int, width: float = 4.6, height: float = 3.0) -> tuple[plt.Figure, list[plt.Axes]]:
    cols = min(3, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows + 0.8), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _save(fig: plt.Figure, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in FORMATS:
        p = folder / f"{name}.{fmt}"
        fig.savefig(p, bbox_inches="tight")
        out.append(p)
    plt.close(fig)
    return out


def _label(run: RunFolder, sector: str, tech: str, width: int = 38) -> str:
    name = run.tech_names().get((sector, tech), tech)
    return name if len(name) <= width else name[: width - 1] + "…"


def production_mix(run: RunFolder, folder: Path, kind: str = "product") -> list[Path]:
    prod = run["production"]
    pairs = final_products(run) if kind == "product" else intermediates(run)
    if not pairs:
        return []
    # a panel for what is made at all; each on the run's whole horizon, so output in one year is a
    # visible step rather than a lone point on an axis matplotlib stretches over two centuries
    pairs = [(s, p) for s, p in pairs if prod[(prod.sector == s) & (prod.output == p)].value.abs().max() > 1e-9]
    if not pairs:
        return []
    years = sorted(prod.year.unique())
    most = max(prod[(prod.sector == s) & (prod.output == p)].technology.nunique() for s, p in pairs)
    fig, axes = _grid(len(pairs), height=2.9 + 0.14 * most)
    for ax, (s, p) in zip(axes, pairs):
        part = prod[(prod.sector == s) & (prod.output == p)]
        wide = part.pivot_table(index="year", columns="technology", values="value", aggfunc="sum")
        wide = wide.reindex(years).fillna(0.0)
        ax.set_xlim(years[0], years[-1])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        wide = wide[wide.sum().sort_values(ascending=False).index]
        colors = tech_colors(run, s, list(wide.columns))
        ax.stackplot(wide.index, wide.T.values, colors=[colors[k] for k in wide.columns],
                     labels=[_label(run, s, k) for k in wide.columns], linewidth=0)
        unit = part.unit.iloc[0] if len(part) else ""
        ax.set_title(f"{run.sector_name(s)}: {p.replace('_', ' ')}")
        ax.set_ylabel(f"{unit}/yr")
        legend(ax, fontsize=6.5, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=1)
    what = "Production" if kind == "product" else "Intermediates made inside the sectors"
    fig.suptitle(f"{what} by technology (near-zero in blues and greens)", y=1.0)
    fig.tight_layout()
    return _save(fig, folder, "production_mix" if kind == "product" else "intermediates_mix")


def budget_path(first: float, budget: float, years: list[int]) -> np.ndarray:
    """A straight line from the first year's emissions whose sum over the years is the budget:
    to zero after m = 2 * budget / first years when that comes before the horizon ends (then
    zero), else E(y) = first - slope * (y - y0) with slope = 2 * (n * first - budget) / (n * (n - 1))."""
    n = len(years)
    if n < 2 or first <= 0:
        return np.full(n, first)
    m = 2 * budget / first
    if m < n:
        return np.array([max(0.0, first * (1 - (y - years[0]) / m)) for y in years])
    slope = 2 * (n * first - budget) / (n * (n - 1))
    return np.array([first - slope * (y - years[0]) for y in years])


def emissions(run: RunFolder, folder: Path) -> list[Path]:
    em = run["emissions"]
    wide = em.pivot_table(index="year", columns="sector", values="value", aggfunc="sum").fillna(0.0)
    wide = wide[[s for s in run.sectors if s in wide.columns]]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11.5, 3.8))
    ax.stackplot(wide.index, wide.T.values, colors=[sector_color(s, run.sectors.index(s)) for s in wide.columns],
                 labels=[run.sector_name(s) for s in wide.columns], alpha=0.9, linewidth=0)
    budget = run.record.get("budget_mt")
    years = list(wide.index)
    total = wide.sum(axis=1)
    if budget:
        ax.plot(years, budget_path(float(total.iloc[0]), float(budget), years), "k--", lw=1.2,
                label=f"straight line spending the budget ({budget / 1000:,.1f} GtCO2)")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel("MtCO2/yr")
    ax.set_title("Annual emissions (scope 1, net of capture)")
    legend(ax, fontsize=7, loc="upper right")
    cum = total.cumsum() / 1000
    ax2.plot(years, cum, color="#333333", lw=2, label="cumulative emissions")
    if budget:
        ax2.axhline(budget / 1000, color="#c0392b", ls="--", lw=1.2, label=f"budget {budget / 1000:,.1f} GtCO2")
    ax2.set_ylabel("GtCO2")
    ax2.set_title("Cumulative emissions against the budget")
    legend(ax2, fontsize=7, loc="lower right")
    fig.tight_layout()
    return _save(fig, folder, "emissions")


def capacity_additions(run: RunFolder, folder: Path) -> list[Path]:
    """New capacity of technologies with a capital cost (free capacity is not determined by cost)."""
    new = run["new_capacity"]
    inv = run["investment"]
    paid = set(zip(inv.sector, inv.technology, inv.year)) if not inv.empty else set()
    new = new[np.array([(s, k, y) in paid for s, k, y in zip(new.sector, new.technology, new.year)], dtype=bool)]
    techs = run["technologies"].set_index(["sector", "technology"])["output"].to_dict()
    pairs = final_products(run)
    outputs = new.assign(output=[techs.get((s, k)) for s, k in zip(new.sector, new.technology)])
    shown = [(s, p) for s, p in pairs] + sorted(
        {(s, o) for s, o in zip(outputs.sector, outputs.output)} - set(pairs))
    shown = [sp for sp in shown if not outputs[(outputs.sector == sp[0]) & (outputs.output == sp[1])].empty]
    if not shown:
        return []
    first, last = int(run["emissions"].year.min()), int(run["emissions"].year.max())
    most = max(outputs[(outputs.sector == s) & (outputs.output == p)].technology.nunique() for s, p in shown)
    fig, axes = _grid(len(shown), height=2.9 + 0.14 * most)
    for ax, (s, p) in zip(axes, shown):
        part = outputs[(outputs.sector == s) & (outputs.output == p)]
        wide = part.pivot_table(index="year", columns="technology", values="value", aggfunc="sum").fillna(0.0)
        colors = tech_colors(run, s, list(wide.columns))
        bottom = np.zeros(len(wide))
        for k in wide.columns:
            ax.bar(wide.index, wide[k], bottom=bottom, color=colors[k], label=_label(run, s, k), width=0.8)
            bottom += wide[k].to_numpy()
        ax.set_title(f"{run.sector_name(s)}: {p.replace('_', ' ')}")
        ax.set_ylabel(part.unit.iloc[0])
        ax.set_xlim(first - 0.8, last + 0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        legend(ax, fontsize=6.5, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=1)
    fig.suptitle("New capacity built per year (technologies with a capital cost)", y=1.0)
    fig.tight_layout()
    return _save(fig, folder, "capacity_additions")


def investment(run: RunFolder, folder: Path) -> list[Path]:
    inv = run["investment"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    if not inv.empty:
        wide = inv.pivot_table(index="year", columns="sector", values="value", aggfunc="sum").fillna(0.0) / 1000
        bottom = np.zeros(len(wide))
        for i, s in enumerate(run.sectors):
            if s not in wide.columns:
                continue
            ax.bar(wide.index, wide[s], bottom=bottom, color=sector_color(s, i), label=run.sector_name(s))
            bottom += wide[s].to_numpy()
    ax.set_ylabel(f"billion {run.currency}/yr")
    ax.set_title("Investment in new capacity and retrofits")
    legend(ax, fontsize=7)
    fig.tight_layout()
    return _save(fig, folder, "investment")


def carbon_price(run: RunFolder, folder: Path) -> list[Path]:
    prices = run["prices"]
    fig, ax = plt.subplots(figsize=(8, 3.4))
    cp = prices[prices.name == "carbon_price"]
    own = prices[prices.name.str.startswith("carbon_price|")]
    if not cp.empty and (own.empty or cp.value.abs().max() > 0):
        ax.plot(cp.year, cp.value, color="#c0392b", lw=2, label="carbon price")
    for i, s in enumerate(run.sectors):
        own = prices[prices.name == f"carbon_price|{s}"]
        if not own.empty:
            ax.plot(own.year, own.value, color=sector_color(s, i), lw=1.4, label=run.sector_name(s))
    ax.set_ylabel(f"{run.currency}/tCO2")
    ax.set_title("Carbon price (the budget's shadow price in each year)")
    legend(ax, fontsize=7)
    fig.tight_layout()
    return _save(fig, folder, "carbon_price")


def resources(run: RunFolder, folder: Path) -> list[Path]:
    res = run["resources"]
    if res.empty:
        return []
    kinds = list(dict.fromkeys(res.sort_values("resource").resource))
    fig, axes = _grid(len(kinds), width=4.0, height=2.8)
    for ax, r in zip(axes, kinds):
        part = res[res.resource == r]
        wide = part.pivot_table(index="year", columns="sector", values="value", aggfunc="sum").fillna(0.0)
        cols = [s for s in run.sectors if s in wide.columns]
        ax.stackplot(wide.index, wide[cols].T.values, colors=[sector_color(s, run.sectors.index(s)) for s in cols],
                     labels=[run.sector_name(s) for s in cols], alpha=0.9, linewidth=0)
        ax.set_title(part.name.iloc[0])
        ax.set_ylabel(part.unit.iloc[0] + "/yr")
    from matplotlib.patches import Patch

    present = [s for s in run.sectors if s in set(res.sector)]
    handles = [Patch(color=sector_color(s, run.sectors.index(s)), label=run.sector_name(s)) for s in present]
    fig.suptitle("Energy and resource demand", y=1.0)
    fig.tight_layout()
    fig.legend(handles=handles, loc="lower center", ncol=min(4, len(handles)), fontsize=8,
               bbox_to_anchor=(0.5, -0.06 if len(handles) > 4 else -0.03))
    return _save(fig, folder, "resources")


def macc(run: RunFolder, folder: Path, year: int) -> list[Path]:
    """Bars sorted by abatement cost; width = realised abatement in the year (MtCO2/yr)."""
    m = run["macc"]
    m = m[(m.year == year) & (m.abatement > 1e-6)].sort_values("abatement_cost")
    fig, ax = plt.subplots(figsize=(10, 4.2))
    x = 0.0
    seen = set()
    total = float(m.abatement.sum()) if len(m) else 0.0
    one = len(set(m.sector)) == 1
    colors = tech_colors(run, m.sector.iloc[0], list(dict.fromkeys(m.technology))) if one and len(m) else {}
    for r in m.itertuples():
        if one:
            lab = _label(run, r.sector, r.technology) if r.technology not in seen else None
            seen.add(r.technology)
            color = colors[r.technology]
        else:
            lab = run.sector_name(r.sector) if r.sector not in seen else None
            seen.add(r.sector)
            color = sector_color(r.sector, run.sectors.index(r.sector))
        ax.bar(x, r.abatement_cost, width=r.abatement, align="edge", color=color,
               edgecolor="white", linewidth=0.5, label=lab)
        if not one and total and r.abatement > 0.04 * total:
            ax.text(x + r.abatement / 2, r.abatement_cost, _label(run, r.sector, r.technology, 28), rotation=90,
                    ha="center", va="bottom" if r.abatement_cost >= 0 else "top", fontsize=6.5)
        x += r.abatement
    prices = run["prices"]
    cp = prices[(prices.name == "carbon_price") & (prices.year == year)]
    if not cp.empty and cp.value.iloc[0] > 0:
        ax.axhline(cp.value.iloc[0], color="#c0392b", ls="--", lw=1,
                   label=f"carbon price {cp.value.iloc[0]:,.0f} {run.currency}/tCO2")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel(f"abatement in {year} against each output's incumbent (MtCO2/yr)")
    ax.set_ylabel(f"{run.currency}/tCO2")
    ax.set_title(f"Marginal abatement cost curve, {year} (technologies the plan runs)")
    legend(ax, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return _save(fig, folder, f"macc_{year}")


def draw_all(run: RunFolder, folder: Path) -> dict[str, list[Path]]:
    """Every chart of the run into `folder`; name -> files written."""
    _style()
    out = {"production_mix": production_mix(run, folder),
           "intermediates_mix": production_mix(run, folder, kind="intermediate"), "emissions": emissions(run, folder),
           "capacity_additions": capacity_additions(run, folder), "investment": investment(run, folder),
           "carbon_price": carbon_price(run, folder), "resources": resources(run, folder)}
    years = sorted(set(run["macc"].year)) if not run["macc"].empty else []
    for y in MACC_YEARS:
        if y in years:
            out[f"macc_{y}"] = macc(run, folder, y)
    return {k: v for k, v in out.items() if v}
