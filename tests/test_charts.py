"""The report's charts: legends outside the data and never truncated, one colour per technology in
every chart, families in order, no silent clipping, a MACC of near-zero options only, no empty panel.

Two kinds of run: the shipped cement run (solved once per worker by conftest.shipped and written to a
folder here) for what holds on real data, and small hand-made folders for exact, hand-checkable cases.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import shipped
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from planner.results import charts, compare
from planner.results.charts import FAMILIES, RunFolder, axis_cap, tech_family, wrap_label
from planner.results.folder import read_run

# ---- helpers -------------------------------------------------------------------------------------


def cement_folder(root: Path) -> Path:
    """The shipped cement run under the default scenario, written as a results folder (tables and the
    run.json keys the charts read)."""
    out = shipped(["cement"], "default")
    folder = root / "cement"
    folder.mkdir(parents=True)
    for name, table in out.results.tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    record = {"sectors": list(out.sector_names), "sector_names": out.sector_names,
              "currency": out.data.notes["currency"], "budget_mt": out.data.budget_mt, "scenario": "default"}
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


class Spy:
    """Keeps every figure a chart function saves (the files are written as usual)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.figures: dict[str, Figure] = {}
        for module in (charts, compare):
            monkeypatch.setattr(module, "_save", self.save)

    def save(self, fig: Figure, folder: Path, name: str) -> list[Path]:
        self.figures[name] = fig
        return _original_save(fig, folder, name)


_original_save = charts._save


def legends(fig: Figure) -> list[Legend]:
    found = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    found += [a for ax in fig.axes for a in ax.artists if isinstance(a, Legend)]
    return found + list(fig.legends)


def entries(leg: Legend) -> list[tuple[str, str | None, bool]]:
    """(label on one line, handle colour, bold) of each entry of a legend."""
    out = []
    for text, handle in zip(leg.get_texts(), leg.legend_handles):
        color = handle.get_facecolor() if hasattr(handle, "get_facecolor") else None
        visible = color is not None and len(color) == 4 and color[3] > 0
        out.append((text.get_text().replace("\n", " "), to_hex(color) if visible else None,
                    text.get_fontweight() in ("bold", 700)))
    return out


def plot_areas(fig: Figure) -> list[Bbox]:
    return [ax.get_window_extent() for ax in fig.axes if ax.get_visible()]


def overlap(a: Bbox, b: Bbox, tol: float = 1.0) -> bool:
    return a.x0 + tol < b.x1 and b.x0 + tol < a.x1 and a.y0 + tol < b.y1 and b.y0 + tol < a.y1


def has_data(ax: plt.Axes) -> bool:
    """True if the axes draws something of its data: a bar of non-zero size, an area of non-zero
    size or a line in data coordinates (reference lines such as axhline are not data)."""
    if any(isinstance(p, Rectangle) and abs(p.get_width()) > 0 and abs(p.get_height()) > 0 for p in ax.patches):
        return True
    for c in ax.collections:
        if isinstance(c, PolyCollection):
            for path in c.get_paths():
                x, y = path.vertices[:, 0], path.vertices[:, 1]
                if abs(0.5 * np.sum(x * np.roll(y, 1) - np.roll(x, 1) * y)) > 1e-9:
                    return True
    return any(line.get_transform() == ax.transData and len(line.get_xdata()) > 1 for line in ax.lines)


def named_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    """Boxes that must not overlap one another: the figure title, every panel's title, x axis (ticks and
    label) and y axis, and every legend."""
    r = fig.canvas.get_renderer()
    boxes = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        boxes.append(("suptitle", fig._suptitle.get_window_extent(r)))
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        if ax.title.get_text():
            boxes.append((f"title {i}", ax.title.get_window_extent(r)))
        boxes.append((f"x axis {i}", ax.xaxis.get_tightbbox(r)))
        boxes.append((f"y axis {i}", ax.yaxis.get_tightbbox(r)))
    boxes += [(f"legend {j}", leg.get_window_extent(r)) for j, leg in enumerate(legends(fig))]
    return [(n, b) for n, b in boxes if b is not None and b.width > 0]


def synthetic_run(root: Path, new_capacity: dict[int, dict[str, float]], macc_rows: list[dict] | None = None,
                  price: float = 100.0) -> RunFolder:
    """A one-sector run ('widgets' made by a coal works and an electric works, years 2025-2044) with
    the given new capacity (year -> technology -> Mt/yr) and MACC rows."""
    years = list(range(2025, 2045))
    techs = pd.DataFrame({"sector": "widgets", "technology": ["coal", "electric", "gas", "solar"],
                          "name": ["Coal works", "Electric works with a very long name that used to be cut off",
                                   "Gas works", "Solar electric works"],
                          "output": "widget", "near_zero": [False, True, False, True],
                          "groups": ["works", "works", "works", "works"]})
    rows = [("widgets", k, y, v) for y, per in new_capacity.items() for k, v in per.items()]
    new = pd.DataFrame(rows, columns=["sector", "technology", "year", "value"]).assign(unit="Mt/yr")
    inv = new.assign(value=new.value * 100.0, unit="million USD")
    prod = pd.DataFrame([("widgets", k, y, 5.0, "Mt", "widget") for y in years for k in ("coal", "electric")],
                        columns=["sector", "technology", "year", "value", "unit", "output"])
    cols = ["sector", "technology", "output", "year", "production", "abatement", "abatement_cost", "near_zero",
            "unit", "cost_unit"]
    macc = pd.DataFrame([{"sector": "widgets", "output": "widget", "production": 1.0, "unit": "MtCO2/yr",
                          "cost_unit": "USD/tCO2", **r} for r in macc_rows or []], columns=cols)
    tables = {
        "technologies": techs, "new_capacity": new, "investment": inv, "production": prod, "macc": macc,
        "intensity": pd.DataFrame({"sector": "widgets", "commodity": "widget", "kind": "product", "year": years,
                                   "value": 1.0, "unit": "tCO2/t"}),
        "emissions": pd.DataFrame({"sector": "widgets", "year": years, "value": 10.0}),
        "prices": pd.DataFrame({"name": "carbon_price", "year": years, "value": price}),
    }
    record = {"sectors": ["widgets"], "sector_names": {"widgets": "Widgets"}, "currency": "USD"}
    return RunFolder(root, record, {}, tables)


# ---- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cement(tmp_path_factory) -> tuple[RunFolder, dict[str, Figure]]:
    """The cement run and every chart of its report, plus the comparison charts of the run with itself."""
    root = tmp_path_factory.mktemp("charts")
    run = read_run(cement_folder(root))
    with pytest.MonkeyPatch.context() as mp:
        spy = Spy(mp)
        charts.draw_all(run, root / "charts")
    with pytest.MonkeyPatch.context() as mp:
        other = Spy(mp)
        compare.compare_charts(run, run, root / "compare")
    figures = {**spy.figures, **{f"compare_{k}": v for k, v in other.figures.items()}}
    for fig in figures.values():            # a closed figure keeps no canvas: give it one to measure with
        FigureCanvasAgg(fig).draw()
    return run, figures


REPORT_CHARTS = ["production_mix", "intermediates_mix", "emissions", "capacity_additions", "investment",
                 "carbon_price", "resources", "macc_2030", "macc_2050"]


# ---- labels --------------------------------------------------------------------------------------


def test_a_long_name_wraps_onto_two_lines_and_keeps_every_word():
    assert wrap_label("Dry kiln, coal") == "Dry kiln, coal"
    name = "Alternative-fuel kiln with oxyfuel capture and a few more words"
    wrapped = wrap_label(name, 34)
    assert wrapped.count("\n") == 1 and wrapped.replace("\n", " ") == name
    longest = "E-methanol (electrolytic hydrogen + CO2, bought non-fossil or drawn from the run's capture plants)"
    assert wrap_label(longest, 34).count("\n") == 1 and wrap_label(longest, 34).replace("\n", " ") == longest


def test_every_chart_of_the_report_is_drawn(cement):
    _, figs = cement
    assert set(REPORT_CHARTS) <= set(figs)


def test_no_legend_label_is_truncated(cement):
    run, figs = cement
    names = set(run["technologies"].name)
    for chart, fig in figs.items():
        for leg in legends(fig):
            for label, _, _ in entries(leg):
                assert "…" not in label and not label.endswith("..."), (chart, label)
    # every technology the clinker panel shows is named in full
    shown = {label for label, _, bold in entries(figs["intermediates_mix"].axes[0].get_legend()) if not bold and label}
    made = run["production"].query("output == 'clinker' and value > 1e-9").technology.unique()
    assert shown == set(run["technologies"].set_index("technology").loc[made, "name"]) and shown <= names


def test_a_technology_has_one_colour_in_every_chart(cement):
    run, figs = cement
    palette = charts.tech_colors(run)
    by_name = {n: palette[(s, k)] for s, k, n in zip(run["technologies"].sector, run["technologies"].technology,
                                                      run["technologies"].name)}
    seen: dict[str, set[str]] = {}
    for chart in ("production_mix", "intermediates_mix", "capacity_additions", "macc_2030", "macc_2050"):
        for leg in legends(figs[chart]):
            for label, color, bold in entries(leg):
                name = re.sub(r"^\d+\s+", "", label)          # the MACC key numbers its bars
                if name in by_name and color and not bold:
                    seen.setdefault(name, set()).add(color)
    assert len(seen) >= 10
    for name, colors in seen.items():
        assert colors == {by_name[name]}, name


def test_legends_list_families_in_order_under_headers(cement):
    run, figs = cement
    order = [f.label for f in FAMILIES]
    fams = charts.tech_families(run)
    names = dict(zip(run["technologies"].name, zip(run["technologies"].sector, run["technologies"].technology)))
    leg = figs["intermediates_mix"].axes[0].get_legend()
    headers = [label for label, _, bold in entries(leg) if bold]
    assert headers == sorted(headers, key=order.index) and len(headers) >= 3
    family = None
    for label, _, bold in entries(leg):            # each technology sits under its own family's header
        if bold:
            family = next(f.key for f in FAMILIES if f.label == label)
        elif label:
            assert fams[names[label]] == family, label


@pytest.mark.parametrize("chart", [*REPORT_CHARTS, "compare_emissions", "compare_prices_investment"])
def test_legends_are_outside_every_plot_area(cement, chart):
    _, figs = cement
    fig = figs[chart]
    r = fig.canvas.get_renderer()
    for leg in legends(fig):
        box = leg.get_window_extent(r)
        assert not any(overlap(box, area) for area in plot_areas(fig)), chart


@pytest.mark.parametrize("chart", [*REPORT_CHARTS, "compare_emissions", "compare_prices_investment"])
def test_titles_axes_and_legends_do_not_overlap(cement, chart):
    _, figs = cement
    boxes = named_boxes(figs[chart])
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            assert not overlap(box_a, box_b), (chart, a, b)


@pytest.mark.parametrize("chart", [*REPORT_CHARTS, "compare_emissions", "compare_prices_investment"])
def test_no_panel_is_empty(cement, chart):
    _, figs = cement
    assert all(has_data(ax) for ax in figs[chart].axes if ax.get_visible() and ax.get_label() != "<colorbar>")


def test_the_empty_panel_check_finds_an_empty_panel():
    fig, (full, empty) = plt.subplots(1, 2)
    full.bar([1, 2], [3, 4])
    empty.stackplot([1, 2], [[0, 0]])
    empty.axhline(0)
    assert has_data(full) and not has_data(empty)
    plt.close(fig)


# ---- families --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, groups, near_zero, captures, abates, family", [
    ("Dry kiln, natural gas", "kiln", False, False, True, "fossil"),
    ("LNG dual-fuel ship", "ships", False, False, True, "fossil"),
    ("Gas kiln with oxyfuel capture", "kiln;capture", True, True, True, "capture"),
    ("Carbon anode smelter with anode off-gas capture, grid power", "primary;ccs", False, True, True, "capture"),
    ("Hydrogen kiln with direct separation", "kiln;capture", True, True, True, "hydrogen"),
    ("Electric kiln with direct separation", "kiln;capture", True, True, True, "electric"),
    ("Battery-electric truck", "zev", True, False, True, "electric"),
    ("Scrap EAF, hydrogen-fired heating", "scrap_eaf", True, False, True, "recycling"),
    ("E-methanol (electrolytic hydrogen + CO2)", "e_fuels", True, False, True, "synthetic"),
    ("Bio-LNG (bio-SNG from biomass gasification, liquefied)", "biofuels", True, False, True, "bio"),
    ("Diesel truck on 100% HVO/biodiesel", "biofuel", False, False, True, "bio"),
    ("Slow steaming, 10% slower (oil ships: fuel saved)", "efficiency_measures", False, False, True, "other"),
    ("Methane pyrolysis + Haber-Bosch", "pyrolysis", True, False, True, "other"),
    ("Limestone calcined clay cement (LC3-50)", "low_clinker", False, False, True, "other"),
    ("Portland cement (CEM I, 95% clinker)", "", False, False, False, "fossil"),
    ("Current-production passenger aircraft", "passenger_aircraft", False, False, False, "fossil"),
])
def test_family_of_a_technology(name, groups, near_zero, captures, abates, family):
    assert tech_family(name, groups, near_zero, captures, abates) == family


def test_a_family_column_of_the_technologies_wins(tmp_path):
    run = synthetic_run(tmp_path, {2030: {"coal": 1.0}})
    run.tables["technologies"]["family"] = ["bio", None, None, None]
    fams = charts.tech_families(run)
    assert fams[("widgets", "coal")] == "bio" and fams[("widgets", "electric")] == "electric"


def test_families_have_distinct_hues_and_shades_within_them(cement):
    import colorsys

    from matplotlib.colors import to_rgb

    run, _ = cement
    colors = charts.tech_colors(run)
    fams = charts.tech_families(run)
    base = [to_rgb(charts.family_color(f.key)) for f in FAMILIES]
    assert min(np.abs(np.subtract(a, b)).sum() for i, a in enumerate(base) for b in base[i + 1:]) > 0.25
    for key, color in colors.items():
        fam = charts.FAMILY[fams[key]]
        h, _, s = colorsys.rgb_to_hls(*to_rgb(color))
        if fam.saturation:
            assert min(abs(h * 360 - fam.hue), 360 - abs(h * 360 - fam.hue)) <= 24, key
    clinker = run["technologies"].query("output == 'clinker'")
    shades = [colors[("cement", k)] for k in clinker.technology if fams[("cement", k)] == "capture"]
    assert len(shades) == len(set(shades)) >= 3           # a shade of its own within the family


# ---- bars: full range, or a marked cut -------------------------------------------------------------


def test_axis_cap_only_when_a_few_bars_dwarf_the_rest():
    assert axis_cap(np.array([10.0] * 20 + [25.0])) is None        # 25 <= 3 x 10: every bar in full
    assert axis_cap(np.array([10.0] * 20 + [100.0])) == pytest.approx(10.8)   # just above the rest
    assert axis_cap(np.array([5.0, 100.0])) is None                # too few bars to call one an outlier


def additions_axes(tmp_path, monkeypatch, new: dict):
    """The axes of the capacity-additions chart of a synthetic run with these additions."""
    spy = Spy(monkeypatch)
    charts._style()
    charts.capacity_additions(synthetic_run(tmp_path, new), tmp_path)
    return spy.figures["capacity_additions"].axes[0]


def test_bars_show_in_full_with_headroom(tmp_path, monkeypatch):
    # 2026-2044: 8 Mt/yr of coal works and 2 of electric; 2030 builds 14: the axis ends above 14
    new = {y: {"coal": 8.0, "electric": 2.0} for y in range(2026, 2045)}
    new[2030] = {"coal": 8.0, "electric": 6.0}
    ax = additions_axes(tmp_path, monkeypatch, new)
    assert ax.get_ylim()[1] > 14.0 * 1.05
    assert not [t for t in ax.texts if t.get_gid() == "cut-value"]
    tops = [p.get_y() + p.get_height() for p in ax.patches]
    assert max(tops) == pytest.approx(14.0)


def test_a_cut_bar_carries_its_value(tmp_path, monkeypatch):
    # 2026 builds 250 Mt/yr, every other year 10: the axis is cut at 10.8 and the 2026 bar says 250
    new = {y: {"coal": 5.0, "electric": 5.0} for y in range(2027, 2045)}
    new[2026] = {"coal": 200.0, "electric": 50.0}
    ax = additions_axes(tmp_path, monkeypatch, new)
    assert ax.get_ylim()[1] < 250.0
    cut = [t for t in ax.texts if t.get_gid() == "cut-value"]
    assert [t.get_text() for t in cut] == ["250"] and cut[0].xy[0] == 2026
    assert all(p.get_y() + p.get_height() <= 10.8 + 1e-9 for p in ax.patches)   # drawn up to the cut


def test_no_bar_of_the_cement_run_is_cut_silently(cement):
    _, figs = cement
    for ax in figs["capacity_additions"].axes:
        top = ax.get_ylim()[1]
        for p in ax.patches:
            if p.get_facecolor()[3] and p.get_y() + p.get_height() >= top:
                assert any(t.get_gid() == "cut-value" and t.xy[0] == pytest.approx(p.get_x() + p.get_width() / 2)
                           for t in ax.texts), ax.get_title()


# ---- the MACC ------------------------------------------------------------------------------------


def macc_rows() -> list[dict]:
    """Electric works abates 5 Mt at 50 USD/t; solar 2 Mt at 250 (above the 100 USD/t carbon price);
    the gas works 3 Mt at 20 but is not near-zero; the coal works abates nothing."""
    return [
        {"technology": "electric", "year": 2030, "abatement": 5.0, "abatement_cost": 50.0, "near_zero": True},
        {"technology": "solar", "year": 2030, "abatement": 2.0, "abatement_cost": 250.0, "near_zero": True},
        {"technology": "gas", "year": 2030, "abatement": 3.0, "abatement_cost": 20.0, "near_zero": False},
        {"technology": "coal", "year": 2030, "abatement": 0.0, "abatement_cost": 0.0, "near_zero": False},
    ]


def test_macc_shows_only_near_zero_options_that_abate(tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    charts._style()
    charts.macc(synthetic_run(tmp_path, {2030: {"coal": 1.0}}, macc_rows()), tmp_path, 2030)
    fig = spy.figures["macc_2030"]
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert [(p.get_x(), p.get_width(), p.get_height()) for p in bars] == [(0.0, 5.0, 50.0), (5.0, 2.0, 250.0)]
    key = [label for label, _, _ in entries(fig.legends[0])]
    assert key == ["1  Electric works with a very long name that used to be cut off", "2  Solar electric works"]
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "bar-number") == ["1", "2"]
    note = next(t.get_text() for t in ax.texts if t.get_gid() == "footnote").replace("\n", " ")
    assert "Gas works (3 Mt)" in note and "Coal works" not in note     # left out, and named
    assert "1 bar stands above the carbon price" in note               # and why it may
    price = [line for line in ax.lines if list(line.get_ydata()) == [100.0, 100.0]]
    assert price                                                       # the price line on the axis


def test_macc_of_the_cement_run_leaves_out_unabated_fossil(cement):
    run, figs = cement
    bars, left = charts.macc_bars(run, 2030)
    assert bars.near_zero.all() and (bars.abatement > 0).all() and not left.near_zero.any()
    fossil = {charts.tech_families(run)[(s, k)] for s, k in zip(bars.sector, bars.technology)}
    assert "fossil" not in fossil
    key = [re.sub(r"^\d+\s+", "", label) for label, _, _ in entries(figs["macc_2030"].legends[0])]
    names = run.tech_names()
    assert key == [names[(s, k)] for s, k in zip(bars.sector, bars.technology)]


def test_no_macc_chart_without_a_near_zero_option(tmp_path):
    only_fossil = [r for r in macc_rows() if not r["near_zero"]]
    assert charts.macc(synthetic_run(tmp_path, {2030: {"coal": 1.0}}, only_fossil), tmp_path, 2030) == []
