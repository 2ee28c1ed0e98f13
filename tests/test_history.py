"""The first model year as history (planner/history.py): solved on its own without climate policy,
then held fixed, so it is the same in every scenario (hand-solvable toy and the shipped sectors)."""

from __future__ import annotations

import pytest
from conftest import scenario, shipped, table, widget_sector

DIRTY = {"inputs": {"coal": 10}, "fixed_om": 5, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100}
"""An existing plant burning 10 PJ of coal per Mt: 20 USD/t of fuel and 1 tCO2/t (0.1 t/GJ)."""
CLEAN = {"capex": 10, "variable_om": 25}
"""A clean route: 10 USD per t/yr of capacity and 25 USD/t to run (dearer than coal without a
carbon price, far cheaper at 100 USD/t)."""


def _solve(toy, history: bool, **keys):
    toy.sector(widget_sector(dirty=DIRTY, clean=CLEAN))
    toy.scenario(scenario(horizon={"start": 2025, "end": 2030, "history": history}, **keys))
    return toy.solve()


def test_first_year_is_history_whatever_the_carbon_price(toy):
    # At 100 USD/t the clean route (25 USD/t plus capex) beats coal (20 + 100 USD/t) from the first
    # year when that year is optimised; as history, 2025 runs the existing coal plant.
    free = _solve(toy, False, carbon_price=100)
    assert table(free, "production", technology="clean")[2025] == pytest.approx(10)
    fixed = _solve(toy, True, carbon_price=100)
    clean = table(fixed, "production", technology="clean")
    assert clean.get(2025, 0.0) == pytest.approx(0)
    assert table(fixed, "new_capacity").get(2025, 0.0) == pytest.approx(0)
    assert clean[2026] == pytest.approx(10)             # the policy acts from the second year
    em = table(fixed, "emissions")
    assert em[2025] == pytest.approx(10)                # 10 Mt x 1 tCO2/t, counted as emitted
    base = _solve(toy, True)
    assert table(base, "emissions")[2025] == pytest.approx(em[2025])
    # a year fixed by history has no marginal cost (its balance's dual, 0, prices no decision)
    prices = fixed.results["prices"]
    marginal = prices[prices.name == "marginal_cost|widgets|widget"].set_index("year")["value"]
    assert 2025 not in marginal.index and marginal[2026] > 0
    optimised = free.results["prices"]
    assert 2025 in set(optimised[optimised.name == "marginal_cost|widgets|widget"].year)
    assert fixed.results.objective > free.results.objective  # the year's carbon cost is paid, not avoided


def test_history_counts_under_the_budget(toy):
    # Budget 30 Mt over 2025-2030: 2025 emits 10 Mt as history, so 20 Mt are left for 2026-2030.
    sector = widget_sector(dirty=DIRTY, clean=CLEAN)
    toy.sector(sector)
    toy.scenario(scenario(horizon={"start": 2025, "end": 2030, "history": True},
                          budget={"unit": "MtCO2", "start": 2025, "end": 2030, "sectors": {"widgets": 30}}))
    out = toy.solve()
    em = table(out, "emissions")
    assert em[2025] == pytest.approx(10)
    assert em.sum() == pytest.approx(30)                # binding: the budget equals its limit
    assert em.loc[2026:].sum() == pytest.approx(20)


def test_shipped_first_year_is_the_same_under_base_and_default():
    base, default = shipped(["cement"], "base"), shipped(["cement"], "default")
    for name in ("emissions", "production", "new_capacity"):
        b, d = table(base, name), table(default, name)
        assert d.get(2025, 0.0) == pytest.approx(b.get(2025, 0.0), rel=1e-6)
    assert table(default, "emissions")[2026] < table(base, "emissions")[2026]  # policy acts from 2026
