"""Limits family: availability and last build year, build rates, shares, supply limits."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector


def test_not_built_before_its_availability_year(toy):
    # 'future' is far cheaper, so it is built the first year it may be, and not before.
    toy.sector(widget_sector(
        old={"inputs": {"coal": 10}, "variable_om": 50, "stock": [{"capacity": 10, "retire": 2041}],
             "available_from": 2100},
        future={"capex": 1, "available_from": 2032},
    )).scenario(scenario())
    out = toy.solve()
    new = table(out, "new_capacity", technology="future")
    assert new.index.min() == 2032
    assert table(out, "production", technology="future").get(2031, 0.0) == 0


def test_not_built_after_its_last_build_year(toy):
    toy.sector(widget_sector(
        cheap={"capex": 10, "lifetime": 3, "last_build": 2030},
        dear={"capex": 1000, "lifetime": 30},
    )).scenario(scenario())
    out = toy.solve()
    assert table(out, "new_capacity", technology="cheap").index.max() <= 2030
    assert table(out, "production", technology="dear")[2033] == pytest.approx(10)


def test_relative_growth_limit_with_seed_holds(toy):
    # 'clean' starts from zero: additions <= 0.5 * capacity last year + 0.2 Mt.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 10, "build_limit": {"growth": 0.5, "seed": 0.2}},
    )).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    cap = table(out, "capacity", technology="clean").reindex(range(2025, 2041), fill_value=0.0)
    add = table(out, "new_capacity", technology="clean").reindex(range(2025, 2041), fill_value=0.0)
    assert add[2025] == pytest.approx(0.2)
    for y in range(2026, 2041):
        assert add[y] <= 0.5 * cap[y - 1] + 0.2 + 1e-7
    assert add[2026] == pytest.approx(0.5 * 0.2 + 0.2)  # binding while clean is worth building
    assert cap[2040] == pytest.approx(10)


def test_absolute_build_limit_holds(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 10, "build_limit": {"absolute": {2025: 1, 2030: 3}}},
    )).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    add = table(out, "new_capacity", technology="clean")
    assert add[2025] == pytest.approx(1)
    assert add[2028] == pytest.approx(2.2)  # 1 + (3 - 1) * 3/5, interpolated
    assert (add <= 3 + 1e-9).all()


def test_max_share_of_output(toy):
    toy.sector(widget_sector(
        cheap={"capex": 1, "max_share": 0.3},
        dear={"capex": 100},
    )).scenario(scenario())
    out = toy.solve()
    share = table(out, "production", technology="cheap") / table(out, "production")
    assert share.max() == pytest.approx(0.3)


def test_utilisation_limits_output(toy):
    toy.sector(widget_sector(
        plant={"capex": 10, "utilisation": 0.8},
    )).scenario(scenario())
    out = toy.solve()
    assert table(out, "capacity", technology="plant")[2030] == pytest.approx(12.5)


def test_supply_limit_binds_with_scarcity_price(toy):
    toy.sector(widget_sector(
        bio={"inputs": {"biomass": 10}, "capex": 10},
        coal={"inputs": {"coal": 10}, "capex": 10},
    )).scenario(scenario(carbon_price=100, commodities={"biomass": {"limit": 40}}))
    out = toy.solve()
    use = table(out, "commodity_use", commodity="biomass")
    assert use.max() == pytest.approx(40)
    scarcity = out.results["prices"].query("name == 'scarcity|biomass'")["value"]
    # biomass saves 10 GJ * 0.1 t/GJ * 100 USD/t = 100 USD per t widget, i.e. 10 USD/GJ, less
    # its 3 USD/GJ dearer price: 7 USD/GJ.
    assert scarcity.iloc[3] == pytest.approx(7.0)


def test_cumulative_supply_limit(toy):
    toy.sector(widget_sector(
        bio={"inputs": {"biomass": 10}, "capex": 10},
        coal={"inputs": {"coal": 10}, "capex": 10},
    )).scenario(scenario(carbon_price=100, commodities={"biomass": {"cumulative_limit": 500}}))
    out = toy.solve()
    assert table(out, "commodity_use", commodity="biomass").sum() == pytest.approx(500)
