"""Charts of a run (PNG and SVG), drawn from its results folder with matplotlib.

| file (charts/) | what |
| --- | --- |
| production_mix | output of each final product by technology, per year (stacked areas) |
| intermediates_mix | intermediates made inside the sectors (clinker, fuels) by technology |
| emissions | annual emissions by sector with the linear path that spends the budget; cumulative vs budget |
| capacity_additions | new capacity per year by technology |
| investment | capex per year by sector |
| carbon_price | the run's carbon price per year (and each sector's own price in mode shares) |
| resources | electricity, hydrogen, biomass, fossil fuels, CO2 captured and stored, by sector |
| macc_<year> | marginal abatement cost curve of 2030 and 2050: near-zero technologies' realised abatement and cost |

Colours. A technology is coloured by its family (FAMILIES: unabated fossil in browns, fossil with
carbon capture in purples, hydrogen in blues, ...; `tech_family` derives it from technologies.csv
and emissions_by_technology.csv) with a shade of its own; `tech_colors` gives every technology of
the run one colour, used by every chart of the report. Sectors take the colours of a qualitative
palette in the run's order of sectors.

Legends sit outside the plot area (below or to the right of the axes); long names wrap onto a second
line, never truncated. An axis of bars is capped only when a few bars dwarf the rest (`axis_cap`);
each bar cut by the cap carries a break mark and its value.
"""

from __future__ import annotations

import colorsys
import math
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import ScaledTranslation  # noqa: E402

from planner.results.folder import RunFolder  # noqa: E402

FORMATS = ("png", "svg")
MACC_YEARS = (2030, 2050)
LABEL_WIDTH = 34
"""Characters per legend line before a name wraps onto a second line."""
CAP_RATIO = 3.0
"""A bar axis is capped when its tallest bar exceeds this multiple of the 90th percentile of the bars."""
PALETTE = [*plt.get_cmap("tab10").colors, *plt.get_cmap("Dark2").colors]
EPS = 1e-9


@dataclass(frozen=True)
class Family:
    """A family of technologies: one hue, shades within it."""

    key: str
    label: str
    hue: float
    """degrees"""
    saturation: float
    light: tuple[float, float]
    """lightness of the darkest and the lightest shade"""


FAMILIES = (
    Family("fossil", "Unabated fossil", 24, 0.45, (0.22, 0.62)),
    Family("capture", "Fossil with carbon capture", 275, 0.42, (0.30, 0.72)),
    Family("hydrogen", "Hydrogen", 208, 0.65, (0.30, 0.70)),
    Family("electric", "Electric and battery", 46, 0.90, (0.42, 0.70)),
    Family("bio", "Biomass and bio-fuels", 112, 0.45, (0.28, 0.66)),
    Family("synthetic", "Synthetic e-fuels", 326, 0.55, (0.35, 0.72)),
    Family("recycling", "Recycling and secondary", 178, 0.60, (0.25, 0.60)),
    Family("other", "Other", 0, 0.0, (0.35, 0.72)),
)
FAMILY = {f.key: f for f in FAMILIES}

# Words of a technology's name (and, where said, of its groups) that place it in a family. They are
# vocabulary of the domain, not keys: a sector's model names its technologies in plain words.
_WORDS = {
    "recycling": r"recycl|scrap|secondary|remelt",
    "synthetic": r"\be-(?=[a-z])|power-to-|synthetic|methanation",
    "synthetic_group": r"\be fuels?\b|synthetic",
    "bio": r"\bbio|biomass|\bhvo\b|\bhefa\b|waste fats|residues|lignocellulos",
    "capture": r"captur|\bccs\b|\bccus\b",
    "hydrogen": r"hydrogen|\bh2\b|fuel.cell|electrolytic",
    "electric": r"electri|electroly|electrowin|battery|induction",
    "other": r"efficien|slow steaming|zero.emission",
    "fossil": r"\bcoal|petcoke|natural.gas|(?<![-\w])gas\b|\boil\b|diesel|kerosene|\blng\b|naphtha|fossil|"
              r"\bsmr\b|reforming|bf.bof|blast furnace",
}


def _has(kind: str, text: str) -> bool:
    return re.search(_WORDS[kind], text, flags=re.IGNORECASE) is not None


def _style() -> None:
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 130, "font.size": 9, "axes.titlesize": 10,
                         "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
                         "grid.alpha": 0.3, "legend.frameon": False, "svg.fonttype": "none"})


# ---- labels and legends ---------------------------------------------------------------------------

def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """`text` on one line, or wrapped onto two (widening the lines rather than making a third);
    never shortened."""
    if len(text) <= width:
        return text
    w = max(width, math.ceil(len(text) / 2))
    while True:
        lines = textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=False)
        if len(lines) <= 2:
            return "\n".join(lines)
        w += 2


def legend(ax: plt.Axes, where: str = "right", **kw: object) -> Legend | None:
    """A legend outside the axes (to the `right` or `below`), if the axes has labelled artists."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    return _outside(ax, handles, [wrap_label(lab) for lab in labels], where, **kw)


def _outside(ax: plt.Axes, handles: list, labels: list[str], where: str, **kw: object) -> Legend:
    """The legend's top left corner right of the axes' top, or 0.3 inch below their bottom (past the
    year ticks, however short the axes)."""
    if where == "right":
        place = {"bbox_to_anchor": (1.02, 1.0), "bbox_transform": ax.transAxes}
    else:
        below = ScaledTranslation(0, -0.3, ax.figure.dpi_scale_trans)
        place = {"bbox_to_anchor": (0.0, 0.0), "bbox_transform": ax.transAxes + below}
    return ax.legend(handles, labels, **{"fontsize": 7, "loc": "upper left", **place, **kw})


def sector_short(run: RunFolder, s: str) -> str:
    """The sector's name without a parenthetical ('Trucking (heavy freight trucks)' -> 'Trucking')."""
    return re.sub(r"\s*\(.*\)\s*$", "", run.sector_name(s)) or run.sector_name(s)


def sector_colors(sectors: list[str]) -> dict[str, tuple]:
    """A colour per sector, in the given order of sectors (a qualitative palette)."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(dict.fromkeys(sectors))}


def _label(run: RunFolder, sector: str, tech: str, width: int = LABEL_WIDTH) -> str:
    """The technology's name, wrapped (never truncated)."""
    return wrap_label(run.tech_names().get((sector, tech), tech), width)


# ---- technology families and colours ----------------------------------------------------------------

def tech_family(name: str, groups: str, near_zero: bool, captures: bool, abates: bool) -> str:
    """The family of a technology from its name, groups, near-zero flag, whether it captures CO2 and
    whether it emits less than the incumbent of its output in some year (green_premium.csv).

    In order: recycling or secondary routes; synthetic fuels (e-fuels, power-to-liquid); biomass and
    bio-fuels; capture (a fossil route with capture, unless it is a hydrogen or electric route that
    captures process CO2); hydrogen; efficiency measures and fuel-flexible assets ('other'); fossil
    fuels named; electric routes; the rest are 'other' when near-zero or abating (a low-clinker cement,
    a more efficient aircraft) and unabated fossil when not (the incumbents and dearer-carbon routes).
    """
    text = f"{name} | {groups.replace('_', ' ').replace(';', ' ')}"
    if _has("recycling", text):
        return "recycling"
    if _has("synthetic", name):
        return "synthetic"
    if _has("bio", text):
        return "bio"
    if captures or _has("capture", text):
        if not _has("fossil", text) and _has("hydrogen", text):
            return "hydrogen"
        if not _has("fossil", text) and _has("electric", text):
            return "electric"
        return "capture"
    for kind in ("hydrogen", "synthetic_group", "other", "fossil", "electric"):
        if _has(kind, text):
            return {"synthetic_group": "synthetic"}.get(kind, kind)
    return "other" if near_zero or abates else "fossil"


def tech_families(run: RunFolder) -> dict[tuple[str, str], str]:
    """(sector, technology) -> family key; a `family` column of technologies.csv, where given, wins."""
    t = run["technologies"]
    ebt = run.tables.get("emissions_by_technology")
    captured: dict = {}
    if ebt is not None and not ebt.empty and "captured" in ebt:
        captured = ebt.assign(c=ebt.captured.abs()).groupby(["sector", "technology"])["c"].sum().to_dict()
    gp = run.tables.get("green_premium")
    abating: set = set()
    if gp is not None and not gp.empty:
        best = gp.groupby(["sector", "technology"])["abatement"].max()     # abates in some year
        abating = set(best[best > 1e-9].index)
    out = {}
    for row in t.itertuples(index=False):
        key = (row.sector, row.technology)
        given = getattr(row, "family", None)
        if isinstance(given, str) and given in FAMILY:
            out[key] = given
            continue
        groups = row.groups if isinstance(getattr(row, "groups", None), str) else ""
        out[key] = tech_family(str(row.name), groups, bool(row.near_zero), captured.get(key, 0.0) > 1e-6,
                               key in abating)
    return out


def _active(run: RunFolder) -> set[tuple[str, str]]:
    """Technologies a chart can show: made something, got new capacity or abated."""
    keys: set[tuple[str, str]] = set()
    for name, col in (("production", "value"), ("new_capacity", "value"), ("macc", "abatement")):
        t = run.tables.get(name)
        if t is not None and not t.empty:
            t = t[t[col].abs() > EPS]
            keys |= set(zip(t.sector, t.technology))
    return keys


def _shade(fam: Family, rank: int, n: int) -> str:
    lo, hi = fam.light
    f = 0.5 if n == 1 else rank / (n - 1)
    spread = min(40.0, 6.0 * n)          # a large family fans out over a wider band of its hue
    hue = (fam.hue + (f - 0.5) * spread) % 360 if fam.saturation else 0.0
    return matplotlib.colors.to_hex(colorsys.hls_to_rgb(hue / 360, lo + (hi - lo) * f, fam.saturation))


def family_color(key: str) -> str:
    """The middle shade of a family (its legend swatch)."""
    return _shade(FAMILY[key], 0, 1)


def _interleave(n: int) -> list[int]:
    """Shade ranks 0..n-1 in the order dark, middle, next-dark, ... so neighbours differ."""
    half = (n + 1) // 2
    order = []
    for i in range(half):
        order += [i] + ([i + half] if i + half < n else [])
    return order


@dataclass
class TechPalette:
    """Every technology of a run: its family, colour and place in legends (the same in every chart)."""

    run: RunFolder
    family: dict[tuple[str, str], str]
    color: dict[tuple[str, str], str]
    position: dict[tuple[str, str], int]

    def order(self, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """`keys` by family (FAMILIES order), then in the order of technologies.csv."""
        rank = {f.key: i for i, f in enumerate(FAMILIES)}
        return sorted(keys, key=lambda k: (rank[self.family.get(k, "other")], self.position.get(k, 10**6)))

    def legend_items(self, keys: list[tuple[str, str]]) -> list[tuple[object, str, bool]]:
        """(handle, label, is_header): the technologies under a header of their family, families in order."""
        items: list[tuple[object, str, bool]] = []
        keys = self.order(keys)
        for fam in FAMILIES:
            mine = [k for k in keys if self.family.get(k, "other") == fam.key]
            if mine:
                items.append((Patch(facecolor="none", edgecolor="none"), fam.label, True))
                items += [(Patch(facecolor=self.color[k], edgecolor="none"), _label(self.run, *k), False)
                          for k in mine]
        return items


def tech_palette(run: RunFolder) -> TechPalette:
    """Colours of the run's technologies: a family's hue, and a shade of its own among the technologies
    of the same output and family (those a chart can show first, neighbours in contrasting shades)."""
    t = run["technologies"]
    fams = tech_families(run)
    active = _active(run)
    keys = list(zip(t.sector, t.technology))
    by_output: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for k, o in zip(keys, t.output.astype(str)):
        by_output.setdefault((k[0], o), []).append(k)
    color: dict[tuple[str, str], str] = {}
    for members in by_output.values():
        for fam in FAMILIES:
            mine = [k for k in members if fams[k] == fam.key]
            mine = [k for k in mine if k in active] + [k for k in mine if k not in active]
            color.update({k: _shade(fam, r, len(mine)) for k, r in zip(mine, _interleave(len(mine)))})
    return TechPalette(run, fams, color, {k: i for i, k in enumerate(keys)})


def tech_colors(run: RunFolder) -> dict[tuple[str, str], str]:
    """(sector, technology) -> colour, the same in every chart of the run."""
    return tech_palette(run).color


def _columns(items: list, ncol: int) -> list:
    """Blank entries so no family header ends a legend column (matplotlib fills columns in turn)."""
    items = list(items)
    for _ in range(len(items)):
        rows = math.ceil(len(items) / ncol)
        bad = [c * rows - 1 for c in range(1, ncol) if c * rows - 1 < len(items) and items[c * rows - 1][2]]
        if not bad:
            break
        items.insert(bad[0], (Patch(facecolor="none", edgecolor="none"), "", False))
    return items


def tech_legend(ax: plt.Axes, items: list[tuple[object, str, bool]], where: str = "below",
                fontsize: float = 6.5) -> Legend | None:
    """A legend of technologies under bold family headers, outside the axes."""
    if not items:
        return None
    ncol = 2 if len(items) > 9 else 1
    items = _columns(items, ncol)
    leg = _outside(ax, [h for h, _, _ in items], [lab for _, lab, _ in items], where, fontsize=fontsize,
                   ncol=ncol, handlelength=1.4, columnspacing=1.2)
    for text, (_, _, header) in zip(leg.get_texts(), items):
        if header:
            text.set_fontweight("bold")
    return leg


def _legend_inches(items: list[tuple[object, str, bool]], fontsize: float = 6.5) -> float:
    """About how tall a tech_legend of `items` is, in inches."""
    if not items:
        return 0.0
    ncol = 2 if len(items) > 9 else 1
    lines = [lab.count("\n") + 1 for _, lab, _ in items]
    rows = math.ceil(len(items) / ncol)
    extra = sum(n - 1 for n in lines) / ncol
    return (rows * 1.5 + extra * 1.2) * fontsize / 72 + 0.15


# ---- products and panels ------------------------------------------------------------------------------

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


def _panels(n: int, legend_inches: list[float], width: float = 4.6,
            axes_height: float = 2.4) -> tuple[plt.Figure, list[plt.Axes]]:
    """Up to three panels a row, each row as tall as its axes plus its tallest legend below them."""
    cols = min(3, n)
    rows = -(-n // cols)
    need = [axes_height + 0.9 + max(legend_inches[r * cols:(r + 1) * cols], default=0.0) for r in range(rows)]
    fig = plt.figure(figsize=(width * cols, sum(need) + 0.5), layout="constrained")
    grid = fig.add_gridspec(rows, cols, height_ratios=need)
    return fig, [fig.add_subplot(grid[i // cols, i % cols]) for i in range(n)]


def _years_axis(ax: plt.Axes, first: float, last: float, pad: float = 0.0) -> None:
    ax.set_xlim(first - pad, last + pad)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)


def _panel_title(run: RunFolder, s: str, p: str) -> str:
    return wrap_label(f"{sector_short(run, s)}: {p.replace('_', ' ')}", 44)


def _save(fig: plt.Figure, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in FORMATS:
        p = folder / f"{name}.{fmt}"
        fig.savefig(p, bbox_inches="tight")
        out.append(p)
    plt.close(fig)
    return out


# ---- capped bar axes --------------------------------------------------------------------------------

def axis_cap(values: np.ndarray, ratio: float = CAP_RATIO) -> float | None:
    """The level at which to cut bars when a few dwarf the rest (tallest > ratio x the 90th
    percentile of the bars' sizes): just above the tallest bar within that bound. None when no bar
    is that tall: the axis then shows every bar in full."""
    v = np.sort(np.abs(np.asarray(values, dtype=float)))
    v = v[v > EPS]
    if len(v) < 5:
        return None
    ref = float(np.percentile(v, 90))
    return 1.08 * float(v[v <= ratio * ref].max()) if v[-1] > ratio * ref else None


def fmt_value(v: float) -> str:
    """A value printed on a cut bar: thousands separated, few decimals."""
    a = abs(v)
    return f"{v:,.0f}" if a >= 100 else f"{v:,.1f}" if a >= 1 else f"{v:.2g}"


def mark_cut(ax: plt.Axes, x: float, width: float, level: float, value: float, text: bool = True) -> None:
    """A break mark across a bar cut at `level` and (unless the caller prints it) its full value beyond
    the cut."""
    up = level >= 0
    y0, y1 = ax.get_ylim()
    step = 0.025 * (y1 - y0) * (1 if up else -1)
    for k in (1.0, 2.2):
        ax.plot([x - width / 2, x + width / 2], [level - k * step - step * 0.4, level - k * step + step * 0.4],
                color="white", lw=1.6, solid_capstyle="butt", zorder=4)
    if not text:
        return
    ax.annotate(fmt_value(value), (x, level), xytext=(0, 3 if up else -3), textcoords="offset points",
                ha="center", va="bottom" if up else "top", rotation=90, fontsize=6.5, color="#222222",
                fontweight="bold", zorder=5, gid="cut-value")


def _stacked_bars(ax: plt.Axes, wide: pd.DataFrame, colors: list[str], width: float = 0.8) -> None:
    """Stacked bars of the columns of `wide` (index = x); zero segments are not drawn, the axis shows
    every bar with headroom or, when a few dwarf the rest, is cut with each cut bar marked."""
    x = wide.index.to_numpy(dtype=float)
    totals = wide.clip(lower=0).sum(axis=1).to_numpy()
    cap = axis_cap(totals)
    limit = np.inf if cap is None else cap
    bottom = np.zeros(len(wide))
    for k, c in zip(wide.columns, colors):
        v = np.clip(wide[k].to_numpy(dtype=float), 0, None)
        h = np.clip(np.minimum(bottom + v, limit) - bottom, 0, None)
        on = h > EPS
        if on.any():
            ax.bar(x[on], h[on], bottom=bottom[on], color=c, width=width, linewidth=0)
        bottom = bottom + v
    top = float(totals.max()) if len(totals) else 0.0
    ax.set_ylim(0, (cap * 1.16 if cap is not None else top * 1.07) or 1.0)
    if cap is not None:
        for xi, t in zip(x, totals):
            if t > cap:
                mark_cut(ax, xi, width, cap, t)


def signed_stack(ax: plt.Axes, wide: pd.DataFrame, colors: list, labels: list[str] | None = None) -> bool:
    """Stacked areas of the columns of `wide` (index = years): positive parts stacked up from zero,
    negative parts (e.g. a sector that makes what the others use) down from zero, so neither hides
    the other. True if anything is below zero."""
    pos, neg = wide.clip(lower=0), wide.clip(upper=0)
    ax.stackplot(wide.index, pos.T.values, colors=colors, labels=labels or [], alpha=0.9, linewidth=0)
    below = bool((neg.to_numpy() < -EPS).any())
    if below:
        ax.stackplot(wide.index, neg.T.values, colors=colors, alpha=0.9, linewidth=0)
        ax.axhline(0, color="k", lw=0.6)
    return below


# ---- the charts ------------------------------------------------------------------------------------

def production_mix(run: RunFolder, folder: Path, kind: str = "product") -> list[Path]:
    """Output of each product (or intermediate) by technology: stacked areas, technologies by family."""
    prod = run["production"]
    pairs = final_products(run) if kind == "product" else intermediates(run)
    # a panel for what is made at all, each on the run's whole horizon
    pairs = [(s, p) for s, p in pairs if prod[(prod.sector == s) & (prod.output == p)].value.abs().max() > EPS]
    if not pairs:
        return []
    pal = tech_palette(run)
    years = sorted(prod.year.unique())
    panels = []
    for s, p in pairs:
        part = prod[(prod.sector == s) & (prod.output == p)]
        wide = part.pivot_table(index="year", columns="technology", values="value", aggfunc="sum")
        wide = wide.reindex(years).fillna(0.0)
        wide = wide.loc[:, wide.abs().max() > EPS]
        keys = pal.order([(s, k) for k in wide.columns])
        panels.append((s, p, part, wide[[k for _, k in keys]], keys))
    items = [pal.legend_items(keys) for *_, keys in panels]
    fig, axes = _panels(len(panels), [_legend_inches(i) for i in items])
    for ax, (s, p, part, wide, keys), its in zip(axes, panels, items):
        ax.stackplot(wide.index, wide.T.values, colors=[pal.color[k] for k in keys], linewidth=0.3,
                     edgecolor="white")
        _years_axis(ax, years[0], years[-1])
        ax.set_ylim(0, max(float(wide.sum(axis=1).max()) * 1.05, EPS))
        ax.set_title(_panel_title(run, s, p))
        ax.set_ylabel(f"{part.unit.iloc[0]}/yr" if len(part) else "")
        tech_legend(ax, its)
    what = "Production" if kind == "product" else "Intermediates made inside the sectors"
    fig.suptitle(f"{what} by technology, coloured by family")
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
    colors = sector_colors(run.sectors)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.5, 3.8), layout="constrained")
    signed_stack(ax, wide, [colors[s] for s in wide.columns], labels=[run.sector_name(s) for s in wide.columns])
    budget = run.record.get("budget_mt")
    years = list(wide.index)
    total = wide.sum(axis=1)
    if budget:
        ax.plot(years, budget_path(float(total.iloc[0]), float(budget), years), "k--", lw=1.2,
                label=f"straight line spending the budget ({budget / 1000:,.1f} GtCO2)")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel("MtCO2/yr")
    ax.set_title("Annual emissions (scope 1, net of capture)")
    _years_axis(ax, years[0], years[-1])
    legend(ax, "below", ncol=2)
    length = run.lengths()
    cum = (total * [length.get(int(y), 1) for y in total.index]).cumsum() / 1000
    ends = [int(y) + length.get(int(y), 1) - 1 for y in total.index]   # the sum reaches the end of each period
    ax2.plot(ends, cum, color="#333333", lw=2, label="cumulative emissions")
    if budget:
        ax2.axhline(budget / 1000, color="#c0392b", ls="--", lw=1.2, label=f"budget {budget / 1000:,.1f} GtCO2")
    ax2.set_ylabel("GtCO2")
    ax2.set_title("Cumulative emissions against the budget")
    _years_axis(ax2, years[0], years[-1])
    legend(ax2, "below")
    return _save(fig, folder, "emissions")


def capacity_additions(run: RunFolder, folder: Path) -> list[Path]:
    """New capacity of technologies with a capital cost (free capacity is not determined by cost)."""
    new = run["new_capacity"]
    inv = run["investment"]
    paid = set(zip(inv.sector, inv.technology, inv.year)) if not inv.empty else set()
    new = new[np.array([(s, k, y) in paid for s, k, y in zip(new.sector, new.technology, new.year)], dtype=bool)]
    new = new[new.value > EPS]
    techs = run["technologies"].set_index(["sector", "technology"])["output"].to_dict()
    pairs = final_products(run)
    outputs = new.assign(output=[techs.get((s, k)) for s, k in zip(new.sector, new.technology)])
    shown = [(s, p) for s, p in pairs] + sorted(
        {(s, o) for s, o in zip(outputs.sector, outputs.output)} - set(pairs))
    shown = [sp for sp in shown if not outputs[(outputs.sector == sp[0]) & (outputs.output == sp[1])].empty]
    if not shown:
        return []
    order = {s: i for i, s in enumerate(run.sectors)}      # by sector, its products before its intermediates
    shown.sort(key=lambda sp: (order.get(sp[0], len(order)), sp not in pairs, sp[1]))
    pal = tech_palette(run)
    first, last = int(run["emissions"].year.min()), int(run["emissions"].year.max())
    panels = []
    for s, p in shown:
        part = outputs[(outputs.sector == s) & (outputs.output == p)]
        wide = part.pivot_table(index="year", columns="technology", values="value", aggfunc="sum").fillna(0.0)
        keys = pal.order([(s, k) for k in wide.columns])
        panels.append((s, p, part, wide[[k for _, k in keys]], keys))
    items = [pal.legend_items(keys) for *_, keys in panels]
    fig, axes = _panels(len(panels), [_legend_inches(i) for i in items])
    for ax, (s, p, part, wide, keys), its in zip(axes, panels, items):
        _stacked_bars(ax, wide, [pal.color[k] for k in keys])
        ax.set_title(_panel_title(run, s, p))
        ax.set_ylabel(f"{part.unit.iloc[0]} added")
        _years_axis(ax, first, last, pad=0.8)
        tech_legend(ax, its)
    fig.suptitle("New capacity built per year (technologies with a capital cost), coloured by family")
    return _save(fig, folder, "capacity_additions")


def investment(run: RunFolder, folder: Path) -> list[Path]:
    inv = run["investment"]
    fig, ax = plt.subplots(figsize=(9.5, 3.6), layout="constrained")
    colors = sector_colors(run.sectors)
    first, last = int(run["emissions"].year.min()), int(run["emissions"].year.max())
    if not inv.empty:
        wide = inv.pivot_table(index="year", columns="sector", values="value", aggfunc="sum").fillna(0.0) / 1000
        cols = [s for s in run.sectors if s in wide.columns]
        _stacked_bars(ax, wide[cols], [colors[s] for s in cols])
        handles = [Patch(color=colors[s]) for s in cols]
        _outside(ax, handles, [wrap_label(run.sector_name(s)) for s in cols], "right")
    ax.set_ylabel(f"billion {run.currency}/yr")
    ax.set_title("Investment in new capacity and retrofits")
    _years_axis(ax, first, last, pad=0.8)
    return _save(fig, folder, "investment")


def carbon_price(run: RunFolder, folder: Path) -> list[Path]:
    prices = run["prices"]
    fig, ax = plt.subplots(figsize=(9.5, 3.4), layout="constrained")
    cp = prices[prices.name == "carbon_price"]
    own = prices[prices.name.str.startswith("carbon_price|")]
    colors = sector_colors(run.sectors)
    if not cp.empty and (own.empty or cp.value.abs().max() > 0):
        ax.plot(cp.year, cp.value, color="#c0392b", lw=2, label="carbon price")
    for s in run.sectors:
        own = prices[prices.name == f"carbon_price|{s}"]
        if not own.empty:
            ax.plot(own.year, own.value, color=colors[s], lw=1.4, label=run.sector_name(s))
    ax.set_ylabel(f"{run.currency}/tCO2")
    ax.set_title("Carbon price (the budget's shadow price in each year)")
    years = run["emissions"].year
    _years_axis(ax, int(years.min()), int(years.max()))
    if ax.lines and min(float(np.nanmin(line.get_ydata())) for line in ax.lines) >= 0:
        ax.set_ylim(bottom=0)                    # a price from zero: its growth at its true scale
    legend(ax, "right")
    return _save(fig, folder, "carbon_price")


def resources(run: RunFolder, folder: Path) -> list[Path]:
    res = run["resources"]
    if res.empty:
        return []
    kinds = list(dict.fromkeys(res.sort_values("resource").resource))
    colors = sector_colors(run.sectors)
    years = run["emissions"].year
    first, last = int(years.min()), int(years.max())
    present = [s for s in run.sectors if s in set(res.sector)]
    fig, axes = _panels(len(kinds), [0.0] * len(kinds), width=4.2, axes_height=2.3)
    for ax, r in zip(axes, kinds):
        part = res[res.resource == r]
        wide = part.pivot_table(index="year", columns="sector", values="value", aggfunc="sum")
        wide = wide.reindex(range(first, last + 1)).fillna(0.0)
        cols = [s for s in run.sectors if s in wide.columns]
        made = signed_stack(ax, wide[cols], [colors[s] for s in cols])
        ax.set_title(part.name.iloc[0] + ("\n(below zero: made by a sector)" if made else ""))
        ax.set_ylabel(part.unit.iloc[0] + "/yr")
        _years_axis(ax, first, last)
    handles = [Patch(color=colors[s], label=run.sector_name(s)) for s in present]
    fig.suptitle("Energy and resource demand by sector")
    fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), fontsize=8)
    return _save(fig, folder, "resources")


# ---- marginal abatement cost curve ------------------------------------------------------------------

def _number_boxes(ax: plt.Axes, bars: list[tuple[float, float, str]], size: tuple[float, float],
                  fontsize: float) -> tuple[list[tuple[float, float, int]], float, float]:
    """Where each bar's number goes with the axes' present limits: (x and y offsets in points, row)
    per bar, kept inside the axes' width and lifted a row at a time past the numbers already placed;
    and how far (points) the numbers reach above the top and below the bottom of the axes."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    wpt, hpt = size[0] * 72, size[1] * 72
    row = fontsize * 1.35
    placed: list[tuple[float, float, float, float]] = []
    out = []
    above = below = 0.0
    for xc, top, text in bars:
        up = top >= 0
        xp = (xc - x0) / (x1 - x0) * wpt
        yp = (top - y0) / (y1 - y0) * hpt
        half = 0.33 * fontsize * len(text) + 1.5
        dx = min(max(xp, half), wpt - half) - xp
        xp += dx
        k = 0
        while True:
            lo = yp + 2 + k * row if up else yp - 2 - (k + 1) * row
            box = (xp - half, xp + half, lo, lo + row)
            if not any(b[0] < box[1] and box[0] < b[1] and b[2] < box[3] and box[2] < b[3] for b in placed):
                break
            k += 1
        placed.append(box)
        out.append((dx, (lo - yp) if up else (lo + row - yp), k))
        above, below = max(above, lo + row - hpt), max(below, -lo)
    return out, above, below


def place_numbers(ax: plt.Axes, bars: list[tuple[float, float, str]], size: tuple[float, float],
                  fontsize: float = 6.5) -> None:
    """Each bar's label above it (below a negative bar), none overlapping another: a label that would
    is lifted a row, with a thin line down to its bar. The y axis grows until every label is inside."""
    for _ in range(6):
        boxes, above, below = _number_boxes(ax, bars, size, fontsize)
        if above <= 0.5 and below <= 0.5:
            break
        y0, y1 = ax.get_ylim()
        per_pt = (y1 - y0) / (size[1] * 72)
        ax.set_ylim(y0 - max(0.0, below + 3) * per_pt, y1 + max(0.0, above + 3) * per_pt)
    for (xc, top, text), (dx, off, k) in zip(bars, boxes):
        if k:
            ax.annotate("", (xc, top), xytext=(dx, off), textcoords="offset points",
                        arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "#888888", "shrinkA": 0, "shrinkB": 0})
        ax.annotate(text, (xc, top), xytext=(dx, off), textcoords="offset points", ha="center",
                    va="bottom" if top >= 0 else "top", fontsize=fontsize, gid="bar-number")


MACC_SIZE = (7.2, 3.6)
"""inches of the MACC's plot area"""


def macc_bars(run: RunFolder, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The MACC's bars of `year` and what it leaves out: near-zero technologies the plan runs with
    abatement > 0 (sorted by abatement cost), and the other rows of macc.csv with abatement."""
    m = run["macc"]
    m = m[(m.year == year) & (m.abatement > 1e-6) & m.abatement_cost.notna()]
    near = m.near_zero.astype(str).str.lower().isin(["true", "1"])
    return m[near].sort_values(["abatement_cost", "sector", "technology"]), m[~near]


def _year_price(run: RunFolder, year: int) -> float:
    cp = run["prices"]
    cp = cp[(cp.name == "carbon_price") & (cp.year == year)]
    return float(cp.value.iloc[0]) if not cp.empty else 0.0


def macc(run: RunFolder, folder: Path, year: int) -> list[Path]:
    """Near-zero technologies the plan runs in `year`, sorted by abatement cost; bar width = realised
    abatement against the incumbent of the output (MtCO2/yr), height = abatement cost (per tCO2).
    Every bar is numbered and named in the key below; options that are not near-zero are left out
    and named in the footnote; a bar cut by a capped axis carries its value. No chart (an empty one
    would say nothing) when no near-zero technology abates in the year."""
    m, left = macc_bars(run, year)
    if m.empty:
        return []
    pal = tech_palette(run)
    fig = plt.figure(figsize=(MACC_SIZE[0] + 3.2, MACC_SIZE[1] + 0.9))
    w, h = fig.get_size_inches()
    ax = fig.add_axes((0.9 / w, 0.5 / h, MACC_SIZE[0] / w, MACC_SIZE[1] / h))
    cost = m.abatement_cost.to_numpy(dtype=float)
    width = m.abatement.to_numpy(dtype=float)
    cap = axis_cap(cost)
    shown = np.clip(cost, -cap, cap) if cap is not None else cost
    x = np.concatenate([[0.0], np.cumsum(width)])
    keys = list(zip(m.sector, m.technology))
    for i, k in enumerate(keys):
        ax.bar(x[i], shown[i], width=width[i], align="edge", color=pal.color.get(k, "#999999"),
               edgecolor="white", linewidth=0.4)
    price = _year_price(run, year)
    top, low = max([0.0, *shown]), min([0.0, *shown])
    on_axis = 0 < price <= 1.5 * top or (price > 0 and top == 0)
    top = max(top, price if on_axis else 0.0)
    span = (top - low) or 1.0
    ax.set_ylim(low - 0.04 * span if low < 0 else 0.0, top + 0.06 * span)
    ax.set_xlim(0, max(float(x[-1]), EPS) * 1.01)
    ax.axhline(0, color="k", lw=0.6)
    if on_axis:
        ax.axhline(price, color="#c0392b", ls="--", lw=1)
    cut = [cap is not None and abs(v) > cap for v in cost]
    for i in np.flatnonzero(cut):
        mark_cut(ax, x[i] + width[i] / 2, width[i], float(shown[i]), float(cost[i]), text=False)
    place_numbers(ax, [(x[i] + width[i] / 2, float(shown[i]),
                        f"{i + 1} ({fmt_value(cost[i])})" if cut[i] else str(i + 1)) for i in range(len(m))],
                  MACC_SIZE)
    _macc_families(ax, pal, keys, price, on_axis, bool(len(cost)) and bool((cost > price).any()), run.currency)
    ax.set_xlabel(f"abatement in {year} against each output's incumbent (MtCO2/yr)")
    ax.set_ylabel(f"abatement cost ({run.currency}/tCO2)")
    fig.suptitle(f"Marginal abatement cost curve {year}: the near-zero technologies the plan runs",
                 x=(0.9 + MACC_SIZE[0] / 2) / w, y=(0.5 + MACC_SIZE[1] + 0.55) / h, fontsize=10)
    ax.set_title("bar width = abatement against the incumbent of the output; height = green premium per tCO2 "
                 f"avoided, for a plant built in {year}", fontsize=7.5, color="#444444")
    key = _macc_key(run, pal, ax, m)
    _macc_footnote(run, ax, key, year, left, price, cost, cut)
    return _save(fig, folder, f"macc_{year}")


def _macc_families(ax: plt.Axes, pal: TechPalette, keys: list[tuple[str, str]], price: float, on_axis: bool,
                   above: bool, currency: str) -> None:
    """The legend right of the axes: the carbon price (or where it is when off the axis), the families."""
    handles: list = []
    labels: list[str] = []
    if price > 0:
        where = "" if on_axis else (", above the axis" + ("" if above else ": every bar is below it"))
        handles.append(Line2D([], [], color="#c0392b", ls="--", lw=1))
        labels.append(wrap_label(f"carbon price {price:,.0f} {currency}/tCO2{where}", 30))
    for fam in FAMILIES:
        if any(pal.family.get(k) == fam.key for k in keys):
            handles.append(Patch(color=family_color(fam.key)))
            labels.append(fam.label)
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7)


def _macc_key(run: RunFolder, pal: TechPalette, ax: plt.Axes, m: pd.DataFrame) -> Legend | None:
    """The numbered key of the bars below the axes: number, technology (and its sector, when the bars
    come from several)."""
    if m.empty:
        return None
    many = len(set(m.sector)) > 1
    labels = []
    for i, (s, k) in enumerate(zip(m.sector, m.technology)):
        name = run.tech_names().get((s, k), k)
        labels.append(wrap_label(f"{i + 1}  {name}" + (f" · {sector_short(run, s)}" if many else ""), 40))
    ncol = 1 if len(labels) <= 5 else 2 if len(labels) <= 14 else 3
    handles = [Patch(color=pal.color.get(k, "#999999")) for k in zip(m.sector, m.technology)]
    # a figure legend (an axes keeps one legend of its own: the families) placed below the axes
    return ax.figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.16),
                            bbox_transform=ax.transAxes, fontsize=6.5, ncol=ncol, handlelength=1.2,
                            columnspacing=1.5, title="bars, by abatement cost", title_fontsize=7, alignment="left")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _macc_footnote(run: RunFolder, ax: plt.Axes, key: Legend | None, year: int, left: pd.DataFrame,
                   price: float, cost: np.ndarray, cut: list[bool]) -> None:
    """What is left out, why a bar may stand above the carbon price, which bars are cut."""
    parts = []
    if any(cut):
        parts.append(f"The cost axis is cut to keep the other bars readable: {_plural(sum(cut), 'bar', 'bars')} "
                     "beyond it (broken, value in brackets).")
    above = int((cost > price).sum()) if price > 0 and len(cost) else 0
    if above:
        parts.append(f"{_plural(above, 'bar stands', 'bars stand')} above the carbon price: the price of one year "
                     "is not the whole story; the plan also builds for milestones, for build-out limits that need "
                     "an early start and for the higher carbon prices of later years over a plant's life.")
    if not left.empty:
        big = left.sort_values("abatement", ascending=False)
        names = [f"{run.tech_names().get((s, k), k)} ({a:,.0f} Mt)"
                 for s, k, a in zip(big.sector, big.technology, big.abatement)]
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        parts.append(f"Left out, not near-zero though they emit less than their incumbent: {', '.join(names[:3])}"
                     f"{more}; {left.abatement.sum():,.0f} MtCO2/yr in all (macc.csv lists them).")
    text = "\n".join(textwrap.fill(p, 140) for p in parts)
    if text:
        anchor = key if key is not None else ax.xaxis.label
        ax.annotate(text, (0, 0), xycoords=anchor, xytext=(0, -6), textcoords="offset points", va="top",
                    ha="left", fontsize=6.5, color="#444444", annotation_clip=False, gid="footnote")


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
