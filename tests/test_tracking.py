"""Tracking a plan against actuals (planner/schema/actuals.py, planner/results/tracking.py).

Toy: an existing coal plant (10 Mt/yr of widgets, 1 tCO2/t) and a clean route; the plan keeps the
coal plant until a milestone caps 2030 emissions at 4 MtCO2, so planned emissions are 10 MtCO2 a
year in 2025-2029 and 4 in 2030.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import scenario, widget_sector
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InputError
from planner.results.folder import read_run
from planner.results.tracking import track
from planner.schema.actuals import load_actuals

DIRTY = {"inputs": {"coal": 10}, "fixed_om": 5, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100}
CLEAN = {"capex": 10, "variable_om": 25}
HEADER = "sector,metric,year,value,unit,source\n"


@pytest.fixture
def plan(toy):
    toy.sector(widget_sector(dirty=DIRTY, clean=CLEAN))
    toy.scenario(scenario(horizon={"start": 2025, "end": 2030, "history": False}, milestones={
        "cap-2030": {"sector": "widgets", "metric": "emissions", "year": 2030, "max": 4.0}}))
    return toy.solve(out=toy.root / "results").folder


def test_lagging_actual_is_behind_and_priced(plan, tmp_path):
    rows = ["widgets,emissions,2026,12,MtCO2/yr,lagging", "widgets,emissions,2027,10.2,MtCO2/yr,within 5%",
            "widgets,emissions,2028,9,MtCO2/yr,leading", "widgets,emissions,2030,5,MtCO2/yr,over the cap"]
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    run = read_run(plan)
    t = track(load_actuals(path), run, "actuals.csv").table.set_index(["kind", "year"])
    assert t.loc[("actual", 2026), "plan"] == pytest.approx(10.0)
    assert t.loc[("actual", 2026), "status"] == "behind"
    assert t.loc[("actual", 2026), "gap"] == pytest.approx(2.0)
    assert t.loc[("actual", 2027), "status"] == "on track"
    assert t.loc[("actual", 2028), "status"] == "ahead"
    # 2030 measures the milestone: 1 MtCO2 over its 4, priced at its dual per unit of the bound
    dual = float(run["milestones"].set_index("name").at["cap-2030", "dual_per_unit"])
    assert dual > 0
    row = t.loc[("actual", 2030)]
    assert row["plan"] == pytest.approx(4.0) and row["status"] == "behind" and row["name"] == "cap-2030"
    assert row["cost_to_close"] == pytest.approx(1.0 * dual)
    # the milestone itself, judged by its latest actual (2030)
    ms = t.loc[("milestone", 2030)]
    assert ms["name"] == "cap-2030" and ms["status"] == "behind" and ms["milestone_bound"] == pytest.approx(4.0)
    # a looser tolerance puts 2026's 20% gap on track
    loose = track(load_actuals(path), run, "actuals.csv", tolerance=0.25).table.set_index(["kind", "year"])
    assert loose.loc[("actual", 2026), "status"] == "on track"


def test_cli_writes_tracking_csv_and_bad_files_write_nothing(plan, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "widgets,emissions,2026,12,MtCO2/yr,lagging\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["track", str(good), str(plan)])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(plan / "tracking.csv")
    assert list(zip(written.kind, written.status)) == [("actual", "behind"), ("milestone", "behind")]
    (plan / "tracking.csv").unlink()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "widgets,emissions,2026,12,Mt,wrong unit\nwidgets,capacity,2026,3,Mt/yr,no group\n",
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["track", str(bad), str(plan)])
    assert result.exit_code == 1
    assert "bad.csv:3" in result.output and "needs a 'group' or a 'technology'" in result.output
    assert not (plan / "tracking.csv").exists()


@pytest.mark.parametrize(("text", "line", "key", "message"), [
    ("sector,metric,year,value,unit\n", 1, "source", "missing required column"),
    (HEADER.strip() + ",region\n", 1, "region", "unknown column"),
    (HEADER + "widgets,emission,2026,1,MtCO2/yr,x\n", 2, "metric", "Input should be"),
    (HEADER + "widgets,emissions,2026,lots,MtCO2/yr,x\n", 2, "value", "valid number"),
    (HEADER + "widgets,output_share,2026,1.5,fraction,x\n", 2, "", "needs a 'group'"),
    (HEADER + "widgets,emissions,2026,1,MtCO2/yr,\n", 2, "source", "at least 1 character"),
    (HEADER + "widgets,emissions,2026,1,MtCO2/yr,a\nwidgets,emissions,2026,2,MtCO2/yr,b\n", 3, "year", "twice"),
])
def test_bad_actuals_name_file_line_and_key(tmp_path, text, line, key, message):
    path = tmp_path / "actuals.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_actuals(path)
    problem = err.value.problems[0]
    assert problem.file.endswith("actuals.csv") and problem.line == line and problem.path == key
    assert message in problem.message


def test_yaml_actuals_and_mismatches_with_the_run(plan, tmp_path):
    path = tmp_path / "actuals.yaml"
    path.write_text("- {sector: widgets, metric: emissions, year: 2026, value: 12, unit: MtCO2/yr, source: a}\n"
                    "- {sector: widgets, metric: capacity, year: 2026, value: 3, unit: Mt/yr, source: b,\n"
                    "   technology: solar}\n"
                    "- {sector: widgets, metric: production, year: 2026, value: 3, unit: Gt/yr, source: c,\n"
                    "   technology: clean}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        track(load_actuals(path), read_run(plan), "actuals.yaml")
    found = {(p.line, p.path): p.message for p in err.value.problems}
    assert "no technology 'solar'" in found[(2, "technology")]
    assert "not the plan's unit" in found[(4, "unit")]


def _budget_toy(toy):
    """Coal at 20 USD/t (1 tCO2/t) or clean at 25 USD/t, no capital costs; a budget of 40 MtCO2 over
    2025-2030 (60 if coal all along) and 10% discounting: the plan abates the last two years,
    emitting 10, 10, 10, 10, 0, 0 MtCO2."""
    toy.sector(widget_sector(dirty={**DIRTY, "fixed_om": 0}, clean={"capex": 0, "variable_om": 25}))
    toy.scenario(scenario(horizon={"start": 2025, "end": 2030, "history": False}, discount_rate=0.1,
                          budget={"unit": "MtCO2", "start": 2025, "end": 2030, "sectors": {"widgets": 40}}))


def test_replan_from_a_lagging_actual_costs_the_difference_of_the_two_solves(toy, tmp_path):
    from planner.replan import replan

    _budget_toy(toy)
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "widgets,emissions,2029,10,MtCO2/yr,coal ran on\n", encoding="utf-8")
    out = toy.root / "results"
    plan = toy.solve(out=out)
    assert list(plan.results.tables["emissions"].set_index("year")["value"].round(6)) == [10, 10, 10, 10, 0, 0]
    tracked = track(load_actuals(path), read_run(plan.folder), "actuals.csv").table
    assert list(tracked.status) == ["behind"]
    r = replan(["widgets"], "toy", path, out, toy.paths)
    em = r.replanned.results.tables["emissions"].set_index("year")["value"].round(6)
    assert list(em) == [10, 10, 10, 0, 10, 0]             # 2029 as it happened; 2028 abates instead
    df = r.original.data.df
    delay = 5 * 10 * (df[2028] - df[2029])                # 50 million USD abated a year earlier
    assert r.replanned.cost - r.original.cost == pytest.approx(delay)
    cost = r.table.set_index("quantity").loc["total cost (present value)"]
    assert cost["difference"] == pytest.approx(delay) and cost["plan"] == pytest.approx(r.original.cost)
    assert r.table.set_index("quantity").loc["budget left after 2029", "replan"] == pytest.approx(0.0)
    written = pd.read_csv(r.replanned.folder / "replan.csv")
    assert written.iloc[0]["difference"] == pytest.approx(delay)
    assert r.replanned.folder.parent.name == "toy-replan"
    # the re-plan's report states the cost of delay; tracked, it charts the actual against the plan
    from planner.results.report import make_report

    result = CliRunner().invoke(app, ["track", str(path), str(r.replanned.folder)])
    assert result.exit_code == 0, result.output
    report = make_report(r.replanned.folder)
    md = report.markdown.read_text(encoding="utf-8")
    assert f"Cost of delay: {delay:,.6g} million USD" in md
    assert "## Tracking: the plan against actuals" in md and "tracking" in report.charts


def test_replan_that_actuals_make_infeasible_says_so(toy, tmp_path):
    from planner.errors import SolveFailed
    from planner.replan import replan

    _budget_toy(toy)
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "\n".join(f"widgets,emissions,{y},10,MtCO2/yr,coal" for y in range(2026, 2031)) + "\n",
                    encoding="utf-8")
    with pytest.raises(SolveFailed) as err:
        replan(["widgets"], "toy", path, None, toy.paths)
    assert "actuals" in err.value.message and "actual " in err.value.message and "budget" in err.value.message


def test_replan_holds_a_first_year_actual_in_the_history_solve(toy, tmp_path):
    """With the first year as history, a 2025 actual binds the history solve: 2025 emits the 8 MtCO2
    reported (not the 10 the stock would), 32 of the 40 MtCO2 are left, and 2029 may emit 2."""
    from planner.replan import replan

    _budget_toy(toy)
    toy.scenario(scenario(horizon={"start": 2025, "end": 2030, "history": True}, discount_rate=0.1,
                          budget={"unit": "MtCO2", "start": 2025, "end": 2030, "sectors": {"widgets": 40}}))
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "widgets,emissions,2025,8,MtCO2/yr,early clean output\n", encoding="utf-8")
    r = replan(["widgets"], "toy", path, None, toy.paths)
    em = r.replanned.results.tables["emissions"].set_index("year")["value"].round(6)
    assert list(em) == [8, 10, 10, 10, 2, 0]
    assert r.table.set_index("quantity").loc["budget left after 2025", "replan"] == pytest.approx(32.0)
