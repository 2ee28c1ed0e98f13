"""The roadmap report and the comparison of two runs, made from results folders."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import scenario, widget_sector
from test_cli import planner
from test_diagnostics import bridge_sector

from planner.errors import InputError
from planner.paths import project_paths
from planner.results.folder import read_run
from planner.results.report import make_report
from planner.results.roadmap import headline, number
from planner.run import run

CHARTS = ["production_mix", "intermediates_mix", "emissions", "capacity_additions", "investment", "carbon_price",
          "resources", "macc_2030", "macc_2050"]


@pytest.fixture(scope="module")
def cement_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    folder = run(["cement"], "milestones-2030", out, project_paths()).folder
    return folder, make_report(folder)


def test_report_files_are_written_and_self_contained(cement_report):
    folder, rep = cement_report
    assert rep.html == folder / "report.html" and rep.markdown.exists()
    for name in CHARTS:
        assert (folder / "charts" / f"{name}.png").stat().st_size > 5000, name
        assert (folder / "charts" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    html = rep.html.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == len(CHARTS)
    assert not re.search(r'(src|href)="(?!#|data:)', html)        # nothing outside the file
    md = rep.markdown.read_text(encoding="utf-8")
    assert all(f"charts/{name}.png" in md for name in CHARTS)


def test_headline_numbers_equal_the_tables(cement_report):
    folder, rep = cement_report
    em = pd.read_csv(folder / "emissions.csv")
    prices = pd.read_csv(folder / "prices.csv")
    inv = pd.read_csv(folder / "investment.csv")
    h = headline(read_run(folder))
    cumulative = em.value.sum() / 1000
    assert h["cumulative_emissions_gt"] == pytest.approx(cumulative)
    assert h["budget_used"] == pytest.approx(cumulative * 1000 / 25216.8)     # the default cement budget
    cp2030 = prices.query("name == 'carbon_price' and year == 2030").value.item()
    assert h["carbon_price"][2030] == pytest.approx(cp2030)
    assert h["investment_bn"] == pytest.approx(inv.value.sum() / 1000)
    em2050 = em.query("year == 2050").value.sum()
    assert h["emissions_mt"][2050] == pytest.approx(em2050)
    html = rep.html.read_text(encoding="utf-8")
    md = rep.markdown.read_text(encoding="utf-8")
    invested = f"{number(inv.value.sum() / 1000)} bn USD2020"
    for text in (f"{cumulative:,.1f} GtCO2", f"{cp2030:,.0f} USD2020/tCO2", invested, f"{em2050:,.0f} MtCO2"):
        assert text in html and text in md, text
    # the 2030 column of the sector table: investment 2025-2030
    period = inv[inv.year <= 2030].value.sum() / 1000
    assert re.search(rf"Investment in the period \(billion USD2020\)\s+\|\s+{period:,.0f}\s", md)


def test_scenario_milestones_and_their_status_are_listed(cement_report):
    folder, rep = cement_report
    ms = pd.read_csv(folder / "milestones.csv")
    md = rep.markdown.read_text(encoding="utf-8")
    assert not ms.empty
    rows = [[c.strip() for c in li.strip("|").split("|")] for li in md.splitlines() if li.startswith("| ")]
    for r in ms.itertuples():
        cells = next(c for c in rows if c[0] == r.name and c[2] == str(r.year))
        assert cells[6] == r.status


def test_report_of_a_folder_that_is_no_run(tmp_path):
    with pytest.raises(InputError, match="not a results folder"):
        make_report(tmp_path)
    (tmp_path / "run.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="lcop.csv"):
        make_report(tmp_path)


def two_sector_project(toy) -> None:
    toy.sector(widget_sector(dirty={"inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire": 2041}]},
                             clean={"inputs": {"electricity": 1}, "capex": 50, "near_zero": True}))
    gadgets = widget_sector(dirty={"inputs": {"coal": 2}, "stock": [{"capacity": 10, "retire": 2041}]},
                            clean={"inputs": {"electricity": 1}, "capex": 80, "near_zero": True})
    toy.sector({**gadgets, "sector": "gadgets", "name": "Gadgets"})
    toy.scenario(scenario(name="default", budget={"unit": "MtCO2", "sectors": {"widgets": 60, "gadgets": 90}}))


def test_run_report_and_compare_from_the_command_line(toy):
    two_sector_project(toy)
    one = planner(toy, "run", "widgets", "--report")
    assert one.returncode == 0, one.stderr
    assert "Report: results/default/widgets/report.html" in one.stdout
    both = planner(toy, "run", "widgets", "gadgets", "-q")
    assert both.returncode == 0, both.stderr
    again = planner(toy, "report", "results/default/all")
    assert again.returncode == 0 and (toy.root / "results/default/all/report.html").exists()
    cmp = planner(toy, "compare", "results/default/widgets", "results/default/all", "-o", "cmp")
    assert cmp.returncode == 0, cmp.stderr
    assert "Gadgets: cumulative emissions" in cmp.stdout and "—" in cmp.stdout
    table = pd.read_csv(toy.root / "cmp/compare.csv").set_index("quantity")
    assert table.loc["sectors", "A"] == "widgets" and table.loc["sectors", "B"] == "widgets, gadgets"
    assert pd.isna(table.loc["Gadgets: cumulative emissions", "A"])
    parts = sum(float(table.loc[f"{s}: cumulative emissions", "B"]) for s in ("Widgets", "Gadgets"))
    assert float(table.loc["cumulative emissions", "B"]) == pytest.approx(parts)
    assert parts <= 0.150 + 1e-9                                                 # the budget of the two
    a, b = (float(table.loc["cumulative emissions", c]) for c in ("A", "B"))
    assert float(table.loc["cumulative emissions", "difference"]) == pytest.approx(b - a)
    assert (toy.root / "cmp/compare.html").exists() and (toy.root / "cmp/charts/emissions.png").exists()
    bad = planner(toy, "compare", "results/default/widgets", "nowhere")
    assert bad.returncode == 1 and "not a results folder" in bad.stderr


def test_compare_of_runs_with_different_sectors(tmp_path: Path, toy):
    from planner.results.compare import compare_runs

    two_sector_project(toy)
    a = toy.solve(["widgets"], name="default", out=tmp_path / "a").folder
    b = toy.solve(["gadgets"], name="default", out=tmp_path / "b").folder
    cmp = compare_runs(a, b, tmp_path / "cmp")
    t = cmp.table.set_index("quantity")
    assert pd.isna(t.loc["Widgets: emissions 2030", "B"]) and pd.isna(t.loc["Gadgets: emissions 2030", "A"])
    assert pd.isna(t.loc["Widgets: emissions 2030", "difference"])
    assert t.loc["emissions 2030", "A"] == pytest.approx(
        pd.read_csv(a / "emissions.csv").query("year == 2030").value.sum())


def test_fixed_shares_report_gives_each_sector_its_price_and_the_cost_of_the_split(toy, tmp_path):
    # The hand-worked pair of tests/test_shared_budget.py: fixed shares 100 / 200 Mt, own prices 30 and
    # 45 USD/t (present value, no discounting), 1,500 million USD dearer than the optimal split.
    from test_shared_budget import budget, two_sectors

    two_sectors(toy)
    toy.scenario(scenario(budget=budget(mode="shares")))
    folder = toy.solve(["widgets", "gadgets"], out=tmp_path).folder
    rep = make_report(folder)
    h = rep.headline
    assert h["sector_carbon_price"]["widgets"][2030] == pytest.approx(30, rel=1e-4)
    assert h["sector_carbon_price"]["gadgets"][2030] == pytest.approx(45, rel=1e-4)
    assert h["cost_of_fixed_split_bn"] == pytest.approx(1.5, rel=1e-4)
    md = rep.markdown.read_text(encoding="utf-8")
    assert ("| **Carbon prices 2030** | 30-45 USD2020/tCO2 | each sector's own budget price: Widgets 30, "
            "Gadgets 45 |") in md
    assert "| **Cost of the fixed split** | 1.50 bn USD2020 |" in md


def test_self_check_and_price_of_realism_are_in_the_report(toy, tmp_path):
    # the idle 'bridge' of tests/test_diagnostics.py: the report lists the finding, and with
    # dynamics.reference the cost of the realistic dynamics
    toy.sector(bridge_sector(variable_om=100)).scenario(scenario(dynamics={"reference": True}))
    rep = make_report(toy.solve(out=tmp_path).folder)
    md = rep.markdown.read_text(encoding="utf-8")
    section = md.split("## Self-check of the plan")[1].split("\n## ")[0]
    assert "Findings: 1 high-severity" in section or "high-severity" in section
    assert re.search(r"\| high +\| overcapacity +\| Widgets +\| bridge", section)
    assert "### What realistic dynamics cost" in section
    html = rep.html.read_text(encoding="utf-8")
    assert "overcapacity" in html and "What realistic dynamics cost" in html


def test_a_supply_sector_shows_what_it_makes_for_the_others(cement_report):
    from planner.results.roadmap import sector_milestones

    folder, _ = cement_report
    run_ = read_run(folder)
    res = run_["resources"]
    made = res[(res.sector == "hydrogen") & (res.resource == "hydrogen")].set_index("year")["value"]
    assert (made <= 1e-9).all() and (made < 0).any()        # resources.csv: the supply sector's use is negative
    table = sector_milestones(run_, "hydrogen").set_index("")
    row = table.loc["Hydrogen made for the other sectors (Mt H2/yr)"]
    assert all(not str(v).startswith("-") for v in row)
    assert "Hydrogen (Mt H2/yr)" not in table.index
