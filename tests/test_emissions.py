"""Emissions family: scope 1 net of capture, the carbon budget and its price, annual caps."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector

# 'dirty' emits 1 tCO2/t (10 GJ coal at 0.1 t/GJ); 'clean' emits nothing but costs more to run.
SECTOR = widget_sector(
    dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
    clean={"inputs": {"electricity": 5}, "capex": 100, "lifetime": 20},
)


def test_emission_factors_capture_and_biogenic_co2(toy):
    toy.sector(widget_sector(
        ccs={"inputs": {"coal": 10}, "process_emissions": 0.5, "capture_rate": 0.9,
             "stock": [{"capacity": 5, "retire": 2041}], "available_from": 2100},
        beccs={"inputs": {"biomass": 10, "electricity": 2}, "capture_rate": 0.9,
               "stock": [{"capacity": 5, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario())
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    # ccs: (10*0.1 + 0.5) * (1 - 0.9) = 0.15 t/t; beccs: -0.9 * 10 * 0.1 = -0.9 t/t; 5 Mt each.
    assert em.at[2030, "value"] == pytest.approx(5 * 0.15 + 5 * -0.9)
    assert em.at[2030, "captured"] == pytest.approx(5 * 1.35 + 5 * 0.9)
    assert em.at[2030, "scope2"] == pytest.approx(5 * 2 * 0.05)
    use = table(out, "commodity_use", commodity="co2_storage")
    assert use[2030] == pytest.approx(5 * 1.35 + 5 * 0.9)


def test_binding_budget_equals_limit_with_positive_price(toy):
    toy.sector(SECTOR).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 60}}))
    out = toy.solve()
    cumulative = out.results["emissions"]["value"].sum()
    assert cumulative == pytest.approx(60, rel=1e-7)
    price = out.results["prices"].query("name == 'carbon_price'")["value"]
    assert (price > 0).all()


def test_relaxing_budget_by_one_changes_cost_by_the_price(toy):
    toy.sector(SECTOR).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 60}}))
    base = toy.solve()
    pv = base.results["prices"].query("name == 'carbon_price_pv'")["value"].iloc[0]
    toy.scenario(scenario(name="toy", budget={"unit": "MtCO2", "sectors": {"widgets": 61}}))
    relaxed = toy.solve()
    # 1 MtCO2 more budget saves 'price' USD/t * 1 Mt = 'price' million USD.
    assert base.results.objective - relaxed.results.objective == pytest.approx(pv, rel=1e-3)


def test_slack_budget_has_zero_price(toy):
    toy.sector(SECTOR).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 1000}}))
    out = toy.solve()
    assert out.results["emissions"]["value"].sum() == pytest.approx(160)
    assert (out.results["prices"].query("name == 'carbon_price'")["value"] == 0).all()


def test_annual_cap_holds_and_reports_its_price(toy):
    toy.sector(SECTOR).scenario(scenario(annual_caps={"widgets": {2029: 10, 2030: 4}}))
    out = toy.solve()
    em = table(out, "emissions")
    assert em[2030] == pytest.approx(4)
    assert em[2035] == pytest.approx(4)
    cap_price = out.results["prices"].query("name == 'annual_cap|widgets' and year == 2030")["value"]
    assert cap_price.iloc[0] > 0


def test_carbon_price_enters_the_objective(toy):
    toy.sector(SECTOR).scenario(scenario())
    free = toy.solve()
    toy.scenario(scenario(carbon_price=10.0))
    priced = toy.solve()
    # Dirty stays cheapest at 10 USD/t (clean costs 50 USD/t of power plus capex): cost rises by
    # 10 USD/t * 160 MtCO2.
    assert priced.results.objective - free.results.objective == pytest.approx(1600)


def test_process_capture_captures_only_process_co2(toy):
    toy.sector(widget_sector(
        ds={"inputs": {"coal": 10}, "process_emissions": 0.5, "process_capture_rate": 0.9,
            "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario())
    em = toy.solve().results["emissions"].set_index("year")
    assert em.at[2030, "captured"] == pytest.approx(10 * 0.45)
    assert em.at[2030, "value"] == pytest.approx(10 * (1.0 + 0.5 - 0.45))
