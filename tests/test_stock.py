"""Stock family: vintages enter when built, leave exactly at end of life, may retire early."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector


def test_new_vintage_leaves_service_exactly_at_end_of_life(toy):
    # 'cheap' can only be built in 2025 and lives 5 years; 'backup' is dearer and fills in later.
    toy.sector(widget_sector(
        cheap={"capex": 10, "lifetime": 5, "available_from": 2025, "last_build": 2025},
        backup={"capex": 100, "lifetime": 30},
    )).scenario(scenario())
    out = toy.solve()
    cap = table(out, "capacity", technology="cheap")
    assert cap[2025] == pytest.approx(10)
    assert cap[2029] == pytest.approx(10)
    assert cap.get(2030, 0.0) == pytest.approx(0)
    retired = out.results["retired_capacity"]
    row = retired[(retired.technology == "cheap")]
    assert list(row.year) == [2030] and list(row.kind) == ["end_of_life"]
    assert row.value.iloc[0] == pytest.approx(10)
    assert table(out, "production", technology="backup")[2030] == pytest.approx(10)


def test_existing_stock_retires_in_its_year(toy):
    toy.sector(widget_sector(
        old={"stock": [{"capacity": 6, "retire": 2030}, {"capacity": 4, "retire_between": [2032, 2035]}],
             "available_from": 2100},
        new={"capex": 100},
    )).scenario(scenario())
    out = toy.solve()
    cap = table(out, "capacity", technology="old")
    assert cap[2029] == pytest.approx(10)
    assert cap[2030] == pytest.approx(4)     # the 6 Mt cohort is gone in its retirement year
    assert cap[2032] == pytest.approx(3)     # 1 Mt a year over 2032-2035
    assert cap.get(2035, 0.0) == pytest.approx(0)


def test_early_retirement_under_a_carbon_price(toy):
    # Stock that emits 1 tCO2/t faces 200 USD/t from 2030; a clean plant costs far less than that.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "fixed_om": 5, "stock": [{"capacity": 10, "retire": 2040}],
               "available_from": 2100},
        clean={"inputs": {"electricity": 1}, "capex": 100, "lifetime": 30},
    )).scenario(scenario(carbon_price={2029: 0, 2030: 200}))
    out = toy.solve()
    assert table(out, "capacity", technology="dirty").get(2031, 0.0) == pytest.approx(0, abs=1e-6)
    retired = out.results["retired_capacity"]
    early = retired[(retired.technology == "dirty") & (retired.kind == "early")]
    assert early.value.sum() == pytest.approx(10)
