"""Dynamics family: group build limits, turnover, adoption, utilisation floors, free capacity,
growth on used capacity, and the scenario switch that lifts them (hand-solvable toys)."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector

from planner.errors import InputError
from planner.validate import validate_files

DIRTY_STOCK = {"inputs": {"coal": 10}, "fixed_om": 5, "stock": [{"capacity": 10, "retire": 2041}],
               "available_from": 2100, "groups": ["plants"]}
"""An existing plant that costs 5 USD/t a year to keep and burns coal: under a carbon price it goes."""


def years(series, first=2025, last=2040):
    return series.reindex(range(first, last + 1), fill_value=0.0)


def group(**limits):
    return {"description": "all plants", **limits}


def test_group_build_limit_caps_the_members_new_build_together(toy):
    # Two clean routes may each add 5 Mt/yr on their own, but the group only 2 Mt/yr in all.
    sector = widget_sector(
        dirty=DIRTY_STOCK,
        clean_a={"capex": 10, "groups": ["plants"], "build_limit": {"absolute": 5}},
        clean_b={"capex": 11, "groups": ["plants"], "build_limit": {"absolute": 5}},
    )
    sector["groups"] = {"plants": group(build_limit={"absolute": 2, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    new = years(table(out, "new_capacity"))
    assert (new <= 2 + 1e-7).all()
    assert new[2025] == pytest.approx(2)  # binding: with a carbon price clean is worth building at once
    assert years(table(out, "production", technology="dirty"))[2029] == pytest.approx(0)  # 5 years x 2 Mt replace 10 Mt


def test_group_build_limit_relative_to_the_group_stock(toy):
    sector = widget_sector(dirty=DIRTY_STOCK, clean={"capex": 10, "groups": ["plants"]})
    sector["groups"] = {"plants": group(build_limit={"stock_share": 0.1, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    new = years(table(out, "new_capacity", technology="clean"))
    used = years(table(out, "production"))  # utilisation 1: capacity in use = output
    assert new[2025] == pytest.approx(1.0)  # 10% of the 10 Mt existing stock
    for y in range(2026, 2041):
        assert new[y] <= 0.1 * used[y - 1] + 1e-7
    assert new[2026] == pytest.approx(1.0)  # binding: 10% of the 10 Mt in use in 2025


def test_turnover_limits_early_retirement_and_conversion(toy):
    # The dirty stock would be scrapped in one year for the cheap clean route; the group may turn
    # over only 20% of its capacity a year, so 2 Mt of the 10 Mt go each year.
    sector = widget_sector(dirty=DIRTY_STOCK, clean={"capex": 1, "variable_om": 1, "groups": ["plants"]})
    sector["groups"] = {"plants": group(turnover={"max_share": 0.2, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    early = years(table(out, "retired_capacity", technology="dirty", kind="early"))
    used = years(table(out, "production"))  # capacity in use (utilisation 1), which extra building cannot inflate
    for y in range(2026, 2041):
        assert early[y] <= 0.2 * used[y - 1] + 1e-7
    assert early[2026] == pytest.approx(2.0)  # binding: 20% of the 10 Mt in use; dirty would go at once
    assert years(table(out, "capacity", technology="dirty"))[2027] == pytest.approx(6.0)


def test_turnover_counts_conversions(toy):
    sector = widget_sector(dirty=DIRTY_STOCK, captured={"inputs": {"coal": 10}, "capture_rate": 0.9,
                                                        "available_from": 2100, "groups": ["plants"]})
    sector["retrofits"] = {"capture": {"from": "dirty", "to": "captured", "capex": 1, "sources": ["toy"]}}
    sector["groups"] = {"plants": group(turnover={"max_share": 0.25, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    moved = years(table(out, "retrofits"))
    assert moved[2026] == pytest.approx(2.5)  # a quarter of the 10 Mt group, not all of it at once
    assert moved[2027] == pytest.approx(2.5)


def test_a_retrofit_outside_turnover_converts_at_once_and_leaves_the_limit_to_retirements(toy):
    # As above, but the conversion is not a rebuild (turnover: false): the whole 10 Mt converts in
    # the first year it may, while early retirement of the same group stays at 25% (2.5 Mt) a year.
    sector = widget_sector(dirty=DIRTY_STOCK, captured={"inputs": {"coal": 10}, "capture_rate": 0.9,
                                                        "available_from": 2100, "groups": ["plants"]})
    sector["retrofits"] = {"capture": {"from": "dirty", "to": "captured", "capex": 1, "turnover": False,
                                       "sources": ["toy"]}}
    sector["groups"] = {"plants": group(turnover={"max_share": 0.25, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    moved = years(table(out, "retrofits"))
    assert moved[2026] == pytest.approx(10.0)
    assert moved.sum() == pytest.approx(10.0)
    sector["retrofits"]["capture"]["available_from"] = 2100  # no conversion: the stock can only retire
    sector["technologies"]["captured"]["available_from"] = 2025  # and be replaced by new build
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    early = years(table(toy.solve(), "retired_capacity", technology="dirty", kind="early"))
    assert early[2026] == pytest.approx(2.5)  # the turnover row still binds on retirement


def test_turnover_of_each_member_spreads_over_the_fleets(toy):
    # Two 5-Mt fleets that run full unless retired; the group may turn over 20% of its 10 Mt a
    # year. Pooled, the dirtier fleet goes first at the group's 2 Mt a year; with each_member no
    # fleet turns over more than 20% of its own capacity in use (1 Mt), so both go at 1 Mt a year.
    fleet = {**DIRTY_STOCK, "min_utilisation": 1.0, "stock": [{"capacity": 5, "retire": 2041}]}
    dirtier, dirty = {**fleet, "inputs": {"coal": 10}}, {**fleet, "inputs": {"coal": 5}}
    clean = {"capex": 1, "variable_om": 1, "groups": ["plants"]}
    for each, expected in ((False, {"dirtier": 2.0, "dirty": 0.0}), (True, {"dirtier": 1.0, "dirty": 1.0})):
        sector = widget_sector(dirtier=dirtier, dirty=dirty, clean=clean)
        sector["groups"] = {"plants": group(turnover={"max_share": 0.2, "each_member": each, "sources": ["toy"]})}
        toy.sector(sector).scenario(scenario(carbon_price=1000))
        out = toy.solve()
        for tech, amount in expected.items():
            early = years(table(out, "retired_capacity", technology=tech, kind="early"))
            assert early[2026] == pytest.approx(amount), (each, tech)


def test_adoption_limits_the_rise_of_a_challengers_sales_share(toy):
    # Plants last 1 year, so the whole fleet is sold every year. 'new' is cheaper from 2030; its
    # share of sales may rise by 25 points a year from its start share of 0.
    sector = widget_sector(
        old={"capex": 10, "lifetime": 1, "groups": ["plants"]},
        new={"capex": 5, "lifetime": 1, "available_from": 2030, "groups": ["plants"]},
    )
    sector["groups"] = {"plants": group(build_limit={"absolute": 100, "sources": ["toy"]},
                                        adoption={"max_change": 0.25, "start": {"old": 1.0}, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario())
    out = toy.solve()
    new = years(table(out, "new_capacity", technology="new"))
    total = years(table(out, "new_capacity"))
    share = {y: new[y] / total[y] for y in range(2026, 2041) if total[y] > 1e-9}
    assert share[2030] == pytest.approx(0.25)
    assert share[2031] == pytest.approx(0.5)
    assert share[2033] == pytest.approx(1.0)
    for y in range(2031, 2041):
        if y in share and y - 1 in share:
            assert share[y] - share[y - 1] <= 0.25 + 1e-7


def test_capacity_built_in_the_horizon_serves_its_minimum_life(toy):
    # 'bridge' is needed until the far cheaper 'future' arrives in 2030; it costs 100 USD/t a
    # year to keep, so without a minimum service life it is scrapped at 5 years of age.
    toy.sector(widget_sector(
        bridge={"capex": 1, "fixed_om": 100, "lifetime": 20},
        future={"capex": 1, "available_from": 2030},
    )).scenario(scenario())
    toy.scenario({"name": "kept", "extends": "toy", "dynamics": {"min_service_share": 0.5}})
    free = years(table(toy.solve(), "capacity", technology="bridge"))
    assert free[2029] == pytest.approx(10) and free[2030] == pytest.approx(0)
    kept = years(table(toy.solve(name="kept"), "capacity", technology="bridge"))
    assert kept[2034] == pytest.approx(10)  # age 9 < half of 20 years: kept
    assert kept[2035] == pytest.approx(0)  # age 10: may go


def test_utilisation_floor_makes_idle_plants_retire(toy):
    # Without a floor the old plant would sit idle (no cost to keep it); with one it must run at
    # least 80% or be retired.
    toy.sector(widget_sector(
        old={"variable_om": 50, "stock": [{"capacity": 12, "retire": 2041}], "available_from": 2100,
             "min_utilisation": 0.8, "build_limit": {"none": "cannot be built"}},
        cheap={"capex": 1, "available_from": 2030},
    )).scenario(scenario())
    out = toy.solve()
    cap = years(table(out, "capacity", technology="old"))
    prod = years(table(out, "production", technology="old"))
    for y in range(2025, 2041):
        assert prod[y] >= 0.8 * cap[y] - 1e-7
    assert cap[2025] == pytest.approx(12) and prod[2025] == pytest.approx(10)  # 10 / 12 >= 0.8
    assert cap[2035] == pytest.approx(0)


def test_capacity_runs_at_its_utilisation_in_the_year_it_is_added(toy):
    # 'clean' is dear to run (variable O&M 30) until the carbon price arrives in 2033, and it may
    # grow only by half of what it runs: without commissioning the cheapest plan builds from 2028
    # and holds all of it at the 50% floor to widen the growth base. Commissioning: what a
    # technology adds in a year runs at its utilisation that year; only older capacity may sit at
    # the floor.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100,
               "build_limit": {"none": "cannot be built"}},
        clean={"capex": 1, "variable_om": 30, "min_utilisation": 0.5,
               "build_limit": {"growth": 0.5, "seed": 1}},
    )).scenario(scenario(carbon_price={2025: 0, 2032: 0, 2033: 1000}))
    out = toy.solve()
    cap = years(table(out, "capacity", technology="clean"))
    add = years(table(out, "new_capacity", technology="clean"))
    prod = years(table(out, "production", technology="clean"))
    assert add.loc[2025:2032].sum() > 0  # growth is prepared before the carbon price
    for y in range(2025, 2041):
        assert prod[y] >= 0.5 * cap[y] + 0.5 * add[y] - 1e-7


def test_free_capacity_is_what_its_output_needs_and_never_new_build(toy):
    # 'blend' has no capex: its capacity follows its output exactly, the first year's capacity is
    # stock (not an addition) and nothing is built and scrapped for nothing.
    sector = widget_sector(blend={"utilisation": 0.5, "build_limit": {"none": "blending, no plant"}})
    sector["demand"]["widget"]["variants"]["flat"]["values"] = {2025: 10, 2030: 20, 2040: 5}
    toy.sector(sector).scenario(scenario())
    out = toy.solve()
    cap = years(table(out, "capacity", technology="blend"))
    prod = years(table(out, "production", technology="blend"))
    for y in range(2025, 2041):
        assert cap[y] == pytest.approx(prod[y] / 0.5)
    assert out.results["new_capacity"].empty
    assert out.results["early_retirements"].empty


def test_growth_limit_binds_on_the_capacity_in_use(toy):
    # 'clean' has capacity it cannot use (a max share of 30%): idle capacity must not feed growth.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 1, "max_share": 0.3, "build_limit": {"growth": 0.5, "seed": 1}},
    )).scenario(scenario(carbon_price=1000))
    out = toy.solve()
    add = years(table(out, "new_capacity", technology="clean"))
    prod = years(table(out, "production", technology="clean"))
    for y in range(2026, 2041):
        assert add[y] <= 0.5 * prod[y - 1] + 1 + 1e-7


def test_dynamics_limits_false_lifts_them_and_reference_prices_realism(toy):
    sector = widget_sector(dirty=DIRTY_STOCK, clean={"capex": 1, "variable_om": 1, "groups": ["plants"]})
    sector["groups"] = {"plants": group(turnover={"max_share": 0.2, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(carbon_price=1000))
    toy.scenario({"name": "loose", "extends": "toy", "dynamics": {"limits": False}})
    toy.scenario({"name": "priced", "extends": "toy", "dynamics": {"reference": True}})
    free = toy.solve(name="loose")
    assert years(table(free, "capacity", technology="dirty"))[2026] == pytest.approx(0)
    priced = toy.solve(name="priced")
    r = priced.results["realism"].set_index(["sector", "quantity"])
    cost = r.loc[("total", "cost_pv")]
    assert cost.realistic == pytest.approx(priced.results.objective - _carbon_payments(priced))
    assert cost.unconstrained == pytest.approx(free.results.objective - _carbon_payments(free))
    # By hand: clean takes all output in 2025; dirty (5 USD/t a year to keep) may only go 2 Mt a
    # year (20% of the 10 Mt in use), so it is kept 10+8+6+4+2 Mt-years instead of 10: 5 x 20 = 100.
    assert cost.difference == pytest.approx(100)


def _carbon_payments(out) -> float:
    bs = out.results["budget_shares"]
    return float(bs[(bs.sector == "total") & (bs.quantity == "carbon_payments_pv")]["value"].iloc[0])


def test_validate_refuses_a_buildable_technology_without_a_build_limit(toy):
    toy.sector(widget_sector(
        silent={"capex": 1},
        said={"capex": 1, "build_limit": {"none": "a purchase, not a plant"}},
        limited={"capex": 1, "build_limit": {"absolute": 3}},
        old={"stock": [{"capacity": 10, "retire": 2041}], "last_build": 2024},
    ))
    problems, _ = validate_files([toy.root / "models/widgets.yaml"], toy.paths)
    assert [p.path for p in problems] == ["technologies.silent"]
    assert "no build limit" in problems[0].message


def test_group_limit_input_errors_name_file_line_and_key(toy):
    sector = widget_sector(a={"capex": 1, "groups": ["plants"]}, b={"capex": 1})
    sector["groups"] = {"plants": group(adoption={"max_change": 0.1, "start": {"a": 0.5, "b": 0.5},
                                                  "sources": ["nowhere"]})}
    toy.sector(sector).scenario(scenario())
    with pytest.raises(InputError) as exc:
        toy.solve()
    keys = {p.path for p in exc.value.problems}
    assert "groups.plants.adoption.start.b" in keys  # b is not a member of the group
    assert "groups.plants.adoption.sources.0" in keys  # unknown source
    assert all(p.line for p in exc.value.problems)


def _successor_sector(decline: float | None, seed: float = 0.0) -> dict:
    # 10 Mt of old plants leave 1 Mt a year over 2026-2035 and must be replaced. 'old_route' (VOM 1)
    # is all there is until 'new_route' (VOM 0, same capex) arrives in 2030; without a decline limit
    # the old route's build stops dead in 2030.
    limit = {"absolute": 100.0, "seed": seed, **({"decline": decline} if decline is not None else {})}
    return widget_sector(
        stock_plants={"stock": [{"capacity": 10, "retire_between": [2026, 2035]}], "available_from": 2100},
        old_route={"capex": 1, "variable_om": 1, "build_limit": limit},
        new_route={"capex": 1, "variable_om": 0, "available_from": 2030, "build_limit": {"growth": 10.0, "seed": 1.0}},
    )


def test_decline_limit_winds_a_routes_build_down_instead_of_stopping_it(toy):
    toy.sector(_successor_sector(decline=None)).scenario(scenario())
    free = years(table(toy.solve(), "new_capacity", technology="old_route"))
    assert free[2029] == pytest.approx(1.0)
    assert free[2030] == pytest.approx(0.0)  # stops dead once the cheaper route exists

    toy.sector(_successor_sector(decline=0.5))
    old = years(table(toy.solve(), "new_capacity", technology="old_route"))
    assert old[2030] > 0.1  # still built when the cheaper route arrives
    # Binding once the build peaks (every unit of the old route is a cost the plan keeps as small
    # as it may): at most half of the year before may go, so half of it is built, year after year.
    peak = int(old.idxmax())
    assert peak < 2030
    for y in range(peak + 1, 2040):
        assert old[y] == pytest.approx(0.5 * old[y - 1], abs=1e-9)

    toy.scenario({"name": "loose", "extends": "toy", "dynamics": {"limits": False}})
    loose = years(table(toy.solve(name="loose"), "new_capacity", technology="old_route"))
    assert loose[2030] == pytest.approx(0.0)  # a dynamics limit: lifted with the others

    # With a seed the build may stop near the seed rate: each year at least half the year before
    # less the decline's share of the seed (0.5 x 0.1), and zero once that is negative.
    toy.sector(_successor_sector(decline=0.5, seed=0.1))
    seeded = years(table(toy.solve(), "new_capacity", technology="old_route"))
    peak = int(seeded.idxmax())
    for y in range(peak + 1, 2040):
        assert seeded[y] == pytest.approx(max(0.0, 0.5 * seeded[y - 1] - 0.05), abs=1e-9)
    assert seeded[2030] > 0 and seeded[2039] == pytest.approx(0.0)


def test_decline_limit_compares_build_rates_per_year_of_building(toy):
    # 5-year periods over 2025-2036: 2025 and 2030 stand for 5 years, 2035 for 2, but 2035's
    # additions are what is built in the five years since 2030 (data.ModelData.span). Whatever the
    # old route adds in 2030 (A, five years of building), 2035 must add at least
    # 5 x (1 - 0.5)^5 x A / 5 (a rate per year that fell by half a year for five years, over five
    # years of building), not the two years' worth of the period's length.
    # The stock is gone by 2030; 'new_route' may add only what its seed builds over the 2030 period
    # (seed x ((1 + g)^5 - 1) / g = 5 Mt), so the old route (lifetime 5) adds the rest in 2030 and
    # is then wound down while the new route grows tenfold a year.
    seed = 5.0 / ((11.0 ** 5 - 1) / 10.0)
    toy.sector(widget_sector(
        stock_plants={"stock": [{"capacity": 10, "retire": 2030}], "available_from": 2100},
        old_route={"capex": 1, "variable_om": 1, "lifetime": 5, "build_limit": {"absolute": 100.0, "decline": 0.5}},
        new_route={"capex": 1, "variable_om": 0, "available_from": 2030, "build_limit": {"growth": 10.0, "seed": seed}},
    ))
    toy.scenario(scenario(horizon={"start": 2025, "end": 2036, "step": 5, "history": False}))
    old = table(toy.solve(), "new_capacity", technology="old_route")
    assert old[2030] > 0.1
    assert old[2035] == pytest.approx(0.5 ** 5 * old[2030], rel=1e-6)


def test_a_short_last_period_builds_for_the_years_since_the_one_before(toy):
    # Demand grows 1 Mt a year, 10 -> 20 Mt over 2025-2035; the group may add 10% of its capacity
    # in use a year. At 5-year steps over 2025-2036 the last period (2035) lasts 2 years but must
    # meet five years of growth since 2030: 5 Mt, which 5 years at 10% of the 15 Mt in use allow
    # (7.5) and 2 years would not (3). Plants run at 90-100%, so nothing is built ahead to stand idle.
    sector = widget_sector(
        stock_plants={"stock": [{"capacity": 10, "retire": 2060}], "available_from": 2100, "groups": ["plants"],
                      "min_utilisation": 0.9},
        clean={"capex": 1, "groups": ["plants"], "min_utilisation": 0.9},
    )
    sector["demand"]["widget"]["variants"]["flat"]["values"] = {2025: 10.0, 2035: 20.0, 2036: 21.0}
    sector["groups"] = {"plants": group(build_limit={"stock_share": 0.1, "sources": ["toy"]})}
    toy.sector(sector).scenario(scenario(horizon={"start": 2025, "end": 2036, "step": 5, "history": False}))
    new = table(toy.solve(), "new_capacity", technology="clean")
    assert new[2030] == pytest.approx(5.0)   # binding: 5 years x 10% of the 10 Mt in use in 2025
    assert new[2035] == pytest.approx(5.0)


@pytest.mark.parametrize("limit, words", [({"growth": 0.2, "decline": 1.0}, "less than 1"),
                                          ({"none": "a purchase", "decline": 0.2}, "'none' says there is no limit")])
def test_decline_limit_is_checked(toy, limit, words):
    toy.sector(widget_sector(clean={"capex": 1, "build_limit": limit})).scenario(scenario())
    with pytest.raises(InputError) as err:
        toy.solve()
    problem = next(p for p in err.value.problems if p.path.startswith("technologies.clean.build_limit"))
    assert words in problem.message and problem.line


def test_growth_limit_over_a_period_builds_what_annual_steps_would(toy):
    """A route growing 50% a year from a seed of 1 Mt/yr: annual steps build 1, 1.5, 2.25, 3.375,
    5.0625 over 2025-2029 (13.1875 in all); one 5-year period allows the same 13.1875, not 5 x seed."""
    sector = widget_sector(
        old={"inputs": {"coal": 10}, "stock": [{"capacity": 100, "retire": 2041}], "available_from": 2100},
        clean={"capex": 1, "build_limit": {"growth": 0.5, "seed": 1.0}})
    sector["demand"]["widget"]["variants"]["flat"]["values"] = 100.0
    toy.sector(sector).scenario(scenario())
    annual = table(toy.solve(), "capacity", technology="clean")
    toy.scenario(scenario(name="five", horizon={"start": 2025, "end": 2040, "step": 5, "history": False}))
    five = table(toy.solve(name="five"), "capacity", technology="clean")
    assert annual[2029] == pytest.approx(13.1875)
    assert five[2025] == pytest.approx(13.1875)
