"""What drives the result (drivers.csv) and the assumptions a run rests on (assumptions.csv, sources.csv)."""

from __future__ import annotations

import pytest
from conftest import scenario, widget_sector

# 'dirty' emits 1 tCO2/t (10 GJ coal at 0.1 t/GJ); 'clean' emits nothing but costs more to run.
SECTOR = widget_sector(
    dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
    clean={"inputs": {"electricity": 5}, "capex": 100, "lifetime": 20},
)
BUDGET = {"unit": "MtCO2", "sectors": {"widgets": 60}}


def test_binding_budget_is_the_driver_worth_what_loosening_it_saves(toy):
    toy.sector(SECTOR).scenario(scenario(budget=BUDGET))
    base = toy.solve()
    drivers = base.results["drivers"]
    top = drivers.iloc[0]
    assert top["limit"] == "carbon budget" and top["rank"] == 1
    pv = base.results["prices"].query("name == 'carbon_price_pv'")["value"].iloc[0]
    # 1% of a 60 Mt budget at the carbon price (USD/t = million USD per Mt)
    assert top["value_1pct"] == pytest.approx(pv * 0.6, rel=1e-9)
    toy.scenario(scenario(budget={**BUDGET, "sectors": {"widgets": 60.6}}))
    relaxed = toy.solve()
    # the toy's cost is linear in the budget: the first-order value is the saving
    assert base.results.objective - relaxed.results.objective == pytest.approx(top["value_1pct"], rel=1e-6)
    assert drivers["share"].sum() == pytest.approx(1.0)


def test_slack_limits_and_definitions_are_not_drivers(toy):
    toy.sector(SECTOR).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 10_000}}))
    drivers = toy.solve().results["drivers"]
    assert drivers.empty   # nothing binds but balances and definitions, which are prices, not limits


def test_binding_growth_limit_is_listed_with_its_years(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 10, "build_limit": {"growth": 0.5, "seed": 0.2}},
    )).scenario(scenario(carbon_price=1000))
    drivers = toy.solve().results["drivers"]
    row = drivers[drivers["limit"] == "ramp-up limit"].iloc[0]
    assert row["subject"] == "Clean" and row["sector"] == "widgets"
    assert row["first_year"] == 2025 and row["years_binding"] >= 3
    assert row["value_1pct"] > 0


def test_assumptions_hold_demand_prices_budget_and_overrides_with_sources(toy):
    toy.write("scenarios/root.yaml", scenario(name="root"))
    child = scenario(name="toy", extends="root", budget={**BUDGET, "sources": ["toy-budget"]},
                     commodities={"coal": {"price": 3.0}}, sources={"toy-budget": "a budget made up for a test"})
    del child["horizon"], child["discount_rate"]
    toy.sector(SECTOR).scenario(child)
    out = toy.solve()
    a = out.results["assumptions"]
    demand = a[(a.kind == "demand") & (a.year == 2030)].iloc[0]
    assert (demand["item"], demand["value"], demand["unit"], demand["sources"]) == ("widget", 10.0, "Mt/yr", "toy")
    coal = a[(a.kind == "price") & (a.detail == "coal") & (a.year == 2030)].iloc[0]
    assert coal["value"] == 3.0 and coal["origin"] == "scenario toy commodities.coal.price"
    assert coal["unit"] == "USD2020/GJ"
    budget = a[(a.kind == "budget") & a["item"].str.startswith("budget of the run")].iloc[0]
    assert budget["value"] == 60 and budget["sources"] == "toy-budget"
    overrides = a[a.kind == "override"].set_index("item")
    assert overrides.loc["commodities.coal", "detail"] == '{"price": 3.0} (base: (not set))'
    assert "budget.sectors" in overrides.index and "horizon" not in overrides.index
    sources = out.results["sources"].set_index("key")
    assert sources.loc["toy-budget", "citation"] == "a budget made up for a test"
    assert sources.loc["toy", "file"] == "models/widgets.yaml"


def test_a_scenario_extending_nothing_has_no_overrides(toy):
    toy.sector(SECTOR).scenario(scenario())
    a = toy.solve().results["assumptions"]
    assert not (a.kind == "override").any()
    assert set(a.kind) >= {"general", "demand", "price"}


def test_the_plan_cost_leaves_out_the_penalty_of_an_overshot_soft_budget(toy, tmp_path):
    # 'dirty' emits 16 x 10 = 160 Mt over 2025-2040 unless 'clean' replaces it at 50 USD/t abated or
    # more (5 GJ electricity x 10 USD, plus capex); a 10 USD/t penalty is cheaper than abating, so the
    # budget of 60 Mt is overshot by 100 Mt and the objective holds 100 x 10 = 1,000 million USD of penalty.
    import json

    toy.sector(SECTOR).scenario(scenario(budget={**BUDGET, "soft": {"penalty": 10}}))
    out = toy.solve(out=tmp_path / "results")
    rec = json.loads((out.folder / "run.json").read_text())
    assert rec["penalties"] == pytest.approx(100 * 10, rel=1e-6)
    assert rec["cost"] + rec["penalties"] == pytest.approx(rec["objective"], rel=1e-9)
    assert rec["cost"] == pytest.approx(out.results.objective, rel=1e-9)
    drivers = out.results["drivers"]
    assert "overshot" in drivers[drivers["limit"] == "carbon budget"].iloc[0]["what"]


def test_the_written_scenario_is_resolved_and_reruns_to_the_same_plan(toy, tmp_path):
    import yaml

    from planner.run import run

    toy.write("scenarios/root.yaml", scenario(name="root", carbon_price=50))
    toy.sector(SECTOR).scenario({"name": "toy", "extends": "root", "budget": BUDGET})
    first = toy.solve(out=tmp_path / "a")
    written = first.folder / "scenario.yaml"
    data = yaml.safe_load(written.read_text())
    assert "extends" not in data and data["carbon_price"] == 50 and data["budget"]["sectors"] == {"widgets": 60}
    again = run(["widgets"], str(written), tmp_path / "b", toy.paths)
    assert again.results.objective == pytest.approx(first.results.objective, rel=1e-9)
