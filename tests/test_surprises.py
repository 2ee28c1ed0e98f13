"""Results a reader would not expect, explained from the run's tables (results/surprises.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.results.folder import RunFolder
from planner.results.surprises import between_runs, within_run

YEARS = [2030, 2035, 2040]


def _run(name: str, mc: list[float], cp: list[float], intensity: list[float], fossil: list[float] | None = None,
         emissions: float = 100.0, capture: list[float] | None = None, output: dict | None = None) -> RunFolder:
    prices = pd.DataFrame(
        [{"name": "carbon_price", "year": y, "value": v, "unit": "USD/tCO2"} for y, v in zip(YEARS, cp)]
        + [{"name": "marginal_cost|widgets|widget", "year": y, "value": v, "unit": "USD/t"} for y, v in zip(YEARS, mc)])
    tables = {
        "prices": prices,
        "intensity": pd.DataFrame({"sector": "widgets", "commodity": "widget", "year": YEARS, "value": intensity}),
        "drivers": pd.DataFrame([{"rank": 1, "limit": "ramp-up limit", "sector": "widgets", "subject": "Clean",
                                  "first_year": 2026, "last_year": 2032}]),
        "emissions": pd.DataFrame({"sector": "widgets", "year": YEARS, "value": emissions / 3}),
        "resources": pd.DataFrame(
            [{"sector": "widgets", "resource": "fossil_fuels", "year": y, "value": v, "unit": "EJ"}
             for y, v in zip(YEARS, fossil or [1, 1, 1])]
            + [{"sector": "widgets", "resource": "co2_captured", "year": y, "value": v, "unit": "Mt CO2"}
               for y, v in zip(YEARS, capture or [0, 0, 0])]),
        "production": pd.DataFrame([{"sector": "widgets", "technology": k, "year": y, "value": v}
                                    for k, vals in (output or {}).items() for y, v in zip(YEARS, vals)],
                                   columns=["sector", "technology", "year", "value"]),
        "technologies": pd.DataFrame({"sector": ["widgets", "widgets"], "technology": ["ccs", "coal"],
                                      "name": ["Coal with capture", "Coal"]}),
    }
    return RunFolder(Path(f"/r/{name}/widgets"), {"scenario": name, "sectors": ["widgets"]}, {}, tables)


def test_falling_marginal_cost_under_a_rising_carbon_price_is_explained():
    run = _run("a", mc=[200, 100, 95], cp=[100, 150, 200], intensity=[0.8, 0.1, 0.05])
    [line] = within_run(run)
    assert "falls from 200 to 100 USD/t between 2030 and 2035 (-50%)" in line
    assert "from 0.8 to 0.1 tCO2" in line and "falls from 80.0 to 15.0" in line   # 0.8 x 100, 0.1 x 150
    assert "ramp-up limit of Clean (binding 2026-2032)" in line


def test_a_marginal_cost_that_rises_or_falls_with_the_price_needs_no_word():
    assert within_run(_run("a", mc=[100, 120, 130], cp=[100, 150, 200], intensity=[0.8, 0.5, 0.2])) == []
    assert within_run(_run("a", mc=[200, 100, 90], cp=[100, 80, 60], intensity=[0.8, 0.5, 0.2])) == []


def test_more_fossil_fuel_under_a_tighter_budget_is_explained_by_capture():
    loose = _run("loose", [1, 1, 1], [1, 1, 1], [1, 1, 1], fossil=[1.0, 1.0, 1.0], emissions=300,
                 output={"coal": [10, 10, 10]})
    tight = _run("tight", [1, 1, 1], [1, 1, 1], [1, 1, 1], fossil=[1.0, 1.3, 1.0], emissions=100,
                 capture=[0, 90, 0], output={"coal": [10, 2, 10], "ccs": [0, 8, 0]})
    [line] = between_runs(loose, tight)
    assert "tight / widgets emits less" in line and "0.3 EJ more fossil fuel in 2035" in line
    assert "captures 90.0 MtCO2 more" in line and "Coal with capture (+8.00)" in line
    assert between_runs(loose, loose) == []


def test_compare_explains_more_fossil_fuel_under_a_carbon_price(toy, tmp_path):
    # 'ccs' burns 12 GJ coal per t (capture takes energy) and captures 90%; 'dirty' burns 10. With a
    # carbon price of 100 USD/t the run emits less but burns more coal: compare says why.
    from conftest import COMMODITIES, scenario, widget_sector

    from planner.results.compare import compare_runs

    toy.write("models/commodities.yaml", {**COMMODITIES, "resources": {
        "fossil_fuels": {"name": "Fossil fuels", "unit": "EJ", "members": {"coal": 0.001}}}})
    toy.sector(widget_sector(dirty={"inputs": {"coal": 10}, "capex": 10},
                             ccs={"inputs": {"coal": 12}, "capex": 20, "capture_rate": 0.9}))
    toy.scenario(scenario(name="loose"))
    toy.scenario(scenario(name="tight", carbon_price=100))
    a = toy.solve(name="loose", out=tmp_path / "r").folder
    b = toy.solve(name="tight", out=tmp_path / "r").folder
    cmp = compare_runs(a, b, tmp_path / "cmp")
    [note] = cmp.notes
    assert "tight / widgets emits less" in note and "more fossil fuel" in note
    assert "captures 10.8 MtCO2 more" in note and "Ccs (+10.0)" in note   # 10 Mt x 12 GJ x 0.1 t/GJ x 0.9
    assert "Results that need a word" in (tmp_path / "cmp" / "compare.md").read_text()
