"""The plan's self-check: each diagnostic on a toy that creates its artefact, and a clean plan."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector


def findings(out, kind: str):
    d = out.results["diagnostics"]
    return d[d.kind == kind]


def test_a_steady_plan_is_clean(toy):
    toy.sector(widget_sector(plant={"capex": 10, "inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire": 2041}],
                                    "build_limit": {"absolute": 5}})).scenario(scenario())
    out = toy.solve()
    assert out.results["diagnostics"].empty


def test_emissions_drop_and_cost_swing_are_flagged(toy):
    # A carbon price from zero to 1,000 in 2027 switches the whole output from coal to clean at once.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
        clean={"variable_om": 50, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario(carbon_price={2026: 0, 2027: 1000}))
    out = toy.solve()
    drop = findings(out, "emissions_drop")
    assert list(drop.years) == ["2026-2027"]
    assert drop.figure.iloc[0] == pytest.approx(1.0)  # 10 MtCO2 -> 0 in a year
    assert drop.severity.iloc[0] == "high"
    swing = findings(out, "cost_swing")
    assert swing.technology.iloc[0] == "widget" and swing.years.iloc[0] == "2027"
    assert swing.figure.iloc[0] == pytest.approx((50 - 20) / 20)  # 20 USD/t of coal -> 50 of O&M
    assert swing.severity.iloc[0] == "medium"


def test_a_cost_swing_over_five_year_periods_is_judged_per_year(toy):
    # The same switch as above, over 5-year periods (2025, 2030, ...; the price rises in 2030): the
    # marginal cost goes 20 -> 50 between 2025 and 2030, +150% a period but +20.1% a year
    # (2.5 ** (1/5) - 1), below the 50% a year threshold; at a threshold of 20% it is flagged.
    sector = widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
        clean={"variable_om": 50, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100})
    horizon = {"start": 2025, "end": 2040, "step": 5, "history": False}
    toy.sector(sector).scenario(scenario(horizon=horizon, carbon_price={2029: 0, 2030: 1000}))
    assert findings(toy.solve(), "cost_swing").empty
    toy.scenario(scenario(horizon=horizon, carbon_price={2029: 0, 2030: 1000},
                          diagnostics={"cost_swing": {"threshold": 0.2}}))
    swing = findings(toy.solve(), "cost_swing")
    assert swing.years.iloc[0] == "2030" and swing.figure.iloc[0] == pytest.approx(2.5 ** 0.2 - 1)


def test_thresholds_come_from_the_scenario(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
        clean={"variable_om": 50, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario(carbon_price={2026: 0, 2027: 1000},
                         diagnostics={"emissions_drop": {"threshold": 1.0}, "cost_swing": {"threshold": 2.0}}))
    out = toy.solve()
    assert findings(out, "emissions_drop").empty and findings(out, "cost_swing").empty


@pytest.mark.parametrize("min_fall, flagged", [(10.0, True), (10.5, False)])
def test_an_emissions_drop_must_be_material(toy, min_fall, flagged):
    # The switch of the test above cuts 10 MtCO2 in one year: a finding while that is at least
    # min_fall MtCO2 a year, none once min_fall is above it.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
        clean={"variable_om": 50, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario(carbon_price={2026: 0, 2027: 1000}, diagnostics={"emissions_drop": {"min_fall": min_fall}}))
    assert (not findings(toy.solve(), "emissions_drop").empty) == flagged


def bridge_sector(**bridge_costs: float) -> dict:
    """'bridge' (capex 1 USD per t/yr, 20-year life, the given costs) serves until the cheaper
    'future' arrives in 2030."""
    return widget_sector(bridge={"capex": 1, "lifetime": 20, **bridge_costs},
                         future={"capex": 1, "available_from": 2030})


def test_churn_is_flagged_with_its_stranded_value(toy):
    # 'bridge' (capex 1 USD per t/yr, 20-year life) is built in 2025 and scrapped in 2030 at age 5,
    # when the cheaper 'future' arrives: 10 of 10 Mt built retired young, 10 x 1 x 15/20 = 7.5 undepreciated.
    toy.sector(bridge_sector(fixed_om=100)).scenario(scenario())
    out = toy.solve()
    churn = findings(out, "churn")
    row = churn[churn.technology == "bridge"].iloc[0]
    assert row.figure == pytest.approx(1.0) and row.years == "2030"
    assert "7 million" in row.message or "8 million" in row.message  # 7.5 shown without decimals


def test_idle_new_capacity_and_overcapacity_are_flagged(toy):
    # 'bridge' costs nothing to keep but 100 USD/t to run: from 2030 it sits idle next to 'future'.
    toy.sector(bridge_sector(variable_om=100)).scenario(scenario())
    out = toy.solve()
    idle = findings(out, "idle_new")
    assert idle.technology.tolist() == ["bridge"] and idle.years.iloc[0] == "2030-2034"  # young until age 10
    over = findings(out, "overcapacity")
    assert over.technology.tolist() == ["bridge"] and over.years.iloc[0] == "2030-2040"
    assert over.figure.iloc[0] == float("inf")


def test_sales_jump_is_flagged_and_adoption_prevents_it(toy):
    sector = widget_sector(
        old={"capex": 10, "lifetime": 1, "groups": ["plants"]},
        new={"capex": 5, "lifetime": 1, "available_from": 2030, "groups": ["plants"]},
    )
    sector["groups"] = {"plants": {"build_limit": {"absolute": 100, "sources": ["toy"]}}}
    toy.sector(sector).scenario(scenario())
    jump = findings(toy.solve(), "sales_jump")
    assert jump.technology.tolist() == ["new"] and jump.years.iloc[0] == "2027-2030"  # earliest start
    sector["groups"]["plants"]["adoption"] = {"max_change": 0.25, "start": {"old": 1.0}, "sources": ["toy"]}
    toy.sector(sector)
    assert findings(toy.solve(), "sales_jump").empty  # 0 -> 25 -> 50 -> 75 -> 100%: 4 years from <10% to >90%


def test_start_shares_of_a_narrower_group_are_not_the_sales_of_the_output(toy):
    # 'other' (outside the limited group) makes all widgets from the first year; the group's start
    # shares say nothing about its 2024 sales, so no jump from 0% is invented for it
    sector = widget_sector(
        old={"capex": 10, "lifetime": 1, "groups": ["plants"]},
        new={"capex": 10, "lifetime": 1, "available_from": 2100, "groups": ["plants"]},
        other={"capex": 5, "lifetime": 1},
    )
    sector["groups"] = {"plants": {"adoption": {"max_change": 0.25, "start": {"old": 1.0}, "sources": ["toy"]}}}
    toy.sector(sector).scenario(scenario())
    out = toy.solve()
    assert table(out, "new_capacity", technology="other").min() == pytest.approx(10)
    assert findings(out, "sales_jump").empty


def test_diagnostics_are_written_and_printed(toy, tmp_path):
    from rich.console import Console

    from planner.results.summary import print_summary

    toy.sector(bridge_sector(fixed_om=100)).scenario(scenario())
    out = toy.solve(out=tmp_path)
    written = (out.folder / "diagnostics.csv").read_text().splitlines()
    assert written[0] == "kind,sector,technology,years,figure,threshold,severity,unit,message"
    assert any(line.startswith("churn,widgets,bridge,2030") for line in written)
    console = Console(record=True, width=200)
    print_summary(console, out.data, out.results, out.headline, out.timings, None, out.sector_names)
    assert "Self-check: 1 high" in console.export_text()


def test_a_fixed_first_year_has_no_cost_to_swing_from(toy):
    # With history the first model year's quantities are all fixed, so its balance dual prices no
    # decision: prices.csv has no marginal cost for it and the self-check counts no swing into the
    # second year. Without history 2025 has its price; a later swing is flagged either way.
    from planner.results.diagnostics import diagnostics_table

    sector = widget_sector(plant={"capex": 10, "inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire": 2041}],
                                  "build_limit": {"absolute": 5}})
    years = {}
    for history in (False, True):
        toy.sector(sector).scenario(scenario(horizon={"start": 2025, "end": 2040, "history": history}))
        out = toy.solve()
        tables = dict(out.results.tables)
        p = tables["prices"]
        mc = p.name == "marginal_cost|widgets|widget"
        years[history] = set(p[mc].year)
        assert diagnostics_table(out.data, tables).query("kind == 'cost_swing'").empty
        tables["prices"] = p.assign(value=p.value.where(~(mc & (p.year == 2030)), 100.0))
        assert list(diagnostics_table(out.data, tables).query("kind == 'cost_swing'").years) == ["2030-2031"]
    assert 2025 in years[False] and 2025 not in years[True] and 2026 in years[True]
