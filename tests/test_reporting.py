"""Reported-only quantities: non-CO2 gases and group shares of output and of new capacity."""

from __future__ import annotations

import pytest
from conftest import scenario, widget_sector


def test_other_emissions_are_reported_not_budgeted(toy):
    sector = widget_sector(lng={"inputs": {"coal": 1}, "other_emissions": {"CH4": 0.002}, "capex": 10})
    toy.sector(sector).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 1000}}))
    out = toy.solve()
    ch4 = out.results["other_emissions"].set_index("year")
    assert ch4.at[2030, "value"] == pytest.approx(10 * 0.002)
    assert ch4.at[2030, "unit"] == "Mt CH4"
    em = out.results["emissions"].set_index("year")
    assert em.at[2030, "value"] == pytest.approx(10 * 0.1)
    assert em.at[2030, "counted"] == pytest.approx(10 * 0.1)          # CO2 only under the budget
    assert em.at[2030, "other_co2e"] == pytest.approx(10 * 0.002 * 29.8)


def test_sales_share_of_a_group(toy):
    # Old stock retires 2 Mt/yr from 2030; replacements split by a max share: 'zev' may make at most
    # 30% of output, so the new capacity is part zev, part diesel.
    sector = widget_sector(
        old={"inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire_between": [2030, 2034]}],
             "available_from": 2100},
        diesel={"inputs": {"coal": 1}, "capex": 10, "available_from": 2030},
        zev={"inputs": {"electricity": 0.1}, "capex": 5, "available_from": 2030, "groups": ["zero"],
             "near_zero": True, "max_share": 0.3},
    )
    sector["groups"] = {"zero": "zero-emission"}
    toy.sector(sector).scenario(scenario())
    out_ = toy.solve()
    shares = out_.results["group_shares"]
    out = shares.query("group == 'zero' and metric == 'output_share'").set_index("year")["value"]
    assert out[2040] == pytest.approx(0.3)
    sales = shares.query("group == 'near_zero' and metric == 'new_capacity_share'").set_index("year")["value"]
    # zev runs cheaper: all of it (its 30% cap, 3 Mt) is bought in 2030; diesel replaces the rest
    assert sales[2030] == pytest.approx(1.0)
    assert sales[2032] == pytest.approx(0.0)
    new = out_.results["new_capacity"].groupby("technology")["value"].sum()
    assert new["zev"] == pytest.approx(3.0) and new["diesel"] == pytest.approx(7.0)
