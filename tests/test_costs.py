"""Costs family: discounting, salvage value at the horizon end, cost tables adding up."""

from __future__ import annotations

import pytest
from conftest import scenario, widget_sector

from planner.data import annuity_fraction


def test_annuity_fraction_by_hand():
    assert annuity_fraction(5, 20, 0.0) == pytest.approx(0.25)
    assert annuity_fraction(25, 20, 0.05) == pytest.approx(1.0)
    r = 0.05
    assert annuity_fraction(1, 20, r) == pytest.approx((1 - 1.05**-1) / (1 - 1.05**-20))


def test_salvage_makes_a_late_build_cost_less(toy):
    # Demand only in 2040, the last year: the plant built then serves one year of its 20.
    sector = widget_sector(plant={"capex": 100, "lifetime": 20})
    sector["demand"]["widget"]["variants"]["flat"]["values"] = {2039: 0.0, 2040: 10.0}
    toy.sector(sector).scenario(scenario(discount_rate=0.05))
    out = toy.solve()
    df = 1.05 ** -(2040 - 2025)
    full = df * 100 * 10
    assert out.results.objective == pytest.approx(full * annuity_fraction(1, 20, 0.05))
    assert out.results.objective < 0.1 * full
    costs = out.results["costs"].set_index("component")["value"]
    assert costs["capex"] == pytest.approx(1000)
    assert costs["salvage"] == pytest.approx(-1000 * (1 - annuity_fraction(1, 20, 0.05)))


def test_discounted_costs_add_up_to_objective(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "fixed_om": 3, "variable_om": 2,
               "stock": [{"capacity": 10, "retire": 2031}], "available_from": 2100},
        clean={"inputs": {"electricity": 5}, "capex": 100, "fixed_om": 4},
    )).scenario(scenario(discount_rate=0.04, carbon_price={2025: 10, 2040: 60}))
    out = toy.solve()
    d = out.data
    costs = out.results["costs"]
    total = sum(v * (d.df[y] if c in ("capex", "retrofit_capex", "salvage") else d.weight[y])
                for c, y, v in zip(costs.component, costs.year, costs.value))
    assert total == pytest.approx(out.results.objective, rel=1e-9)
