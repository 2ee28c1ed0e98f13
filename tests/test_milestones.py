"""Milestones family: each metric on a toy whose answer is known, duals, soft milestones, input errors.

The widget toy: demand 10 Mt/yr 2025-2040, no discounting. `dirty` (stock 10 Mt/yr to 2041) burns
10 GJ coal per t (1 tCO2/t, 20 USD/t); `clean` burns 10 GJ biomass (50 USD/t), new capacity at a
tiny capex. Left alone the plan stays dirty, so every milestone below binds exactly.
"""

from __future__ import annotations

import pytest
from conftest import scenario, widget_sector

from planner.errors import InputError


def widgets(toy, **extra) -> None:
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100,
               "groups": ["fossil"]},
        clean={"capex": 1e-3, "inputs": {"biomass": 10}, "near_zero": True, "groups": ["bio"]},
        **extra,
    ) | {"groups": {"fossil": "coal", "bio": "biomass"}})


def solve(toy, **milestones):
    toy.scenario(scenario(milestones=milestones))
    return toy.solve()


def row(out, name: str, year: int):
    t = out.results["milestones"]
    return t[(t.name == name) & (t.year == year)].iloc[0]


@pytest.mark.parametrize("metric, extra, bound, expected_clean", [
    ("emissions", {}, {"max": 4.0}, 6.0),                                  # 10 - 6 = 4 MtCO2
    ("intensity", {"product": "widget"}, {"max": 0.3}, 7.0),               # 3 / 10 tCO2/t
    ("output_share", {"group": "near_zero"}, {"min": 0.25}, 2.5),
    ("production", {"group": "bio"}, {"min": 3.0}, 3.0),
    ("input_share", {"commodities": ["biomass"]}, {"min": 0.4}, 4.0),      # 40 of 100 PJ
    ("commodity_use", {"commodities": ["coal"]}, {"max": 80.0}, 2.0),      # 80 PJ coal = 8 Mt dirty
])
def test_each_metric_binds_at_the_known_answer(toy, metric, extra, bound, expected_clean):
    widgets(toy)
    out = solve(toy, m={"sector": "widgets", "metric": metric, "year": 2030, **extra, **bound})
    prod = out.results["production"]
    clean = prod[(prod.technology == "clean") & (prod.year == 2030)]["value"].sum()
    assert clean == pytest.approx(expected_clean, rel=1e-6)
    r = row(out, "m", 2030)
    assert r.status == "binding"
    assert r.value == pytest.approx(r.bound, rel=1e-6)
    assert prod[(prod.technology == "clean") & (prod.year == 2029)]["value"].sum() == pytest.approx(0, abs=1e-6)


def test_sales_share_counts_new_capacity_of_the_year(toy):
    # 6 Mt/yr of the dirty stock retires in 2030 and new dirty plants can only be built from then,
    # so 6 Mt/yr are built in 2030; half of it must be clean. Clean plants are dear to build
    # (1,000 USD per t/yr) but cheap to run (10 vs 20 USD/t), so once built they run.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "capex": 1, "stock": [{"capacity": 6, "retire": 2030},
                                                              {"capacity": 4, "retire": 2041}], "available_from": 2030},
        clean={"capex": 1000, "inputs": {"electricity": 1}, "near_zero": True},
    ))  # dirty has a (small) capex: capacity without any is sized to its output, never built
    out = solve(toy, zev={"sector": "widgets", "metric": "sales_share", "group": "near_zero", "year": 2030,
                          "min": 0.5})
    new = out.results["new_capacity"].query("year == 2030").set_index("technology")["value"]
    assert new["clean"] == pytest.approx(3.0, rel=1e-6)
    assert new["dirty"] == pytest.approx(3.0, rel=1e-6)
    assert row(out, "zev", 2030).status == "binding"


def test_capacity_metric_and_every_year_from(toy):
    widgets(toy)
    out = solve(toy, cap={"sector": "widgets", "metric": "capacity", "group": "bio", "from": 2035, "min": 5.0})
    t = out.results["milestones"]
    assert sorted(t.year) == list(range(2035, 2041))
    cap = out.results["capacity"].query("technology == 'clean'").set_index("year")["value"]
    assert cap[2035] == pytest.approx(5.0, rel=1e-6)
    assert cap.get(2034, 0.0) == pytest.approx(0.0, abs=1e-6)


def test_a_bound_given_as_a_path_holds_in_each_year_at_its_interpolated_value(toy):
    # clean output share at least 20% in 2030 rising in a straight line to 70% in 2040: 45% in 2035
    widgets(toy)
    out = solve(toy, line={"sector": "widgets", "metric": "output_share", "group": "near_zero", "from": 2030,
                           "min": {2030: 0.2, 2040: 0.7}})
    prod = out.results["production"].query("technology == 'clean'").set_index("year")["value"]
    for year, share in ((2030, 0.2), (2035, 0.45), (2038, 0.6), (2040, 0.7)):
        assert prod[year] == pytest.approx(10 * share, rel=1e-6)
        assert row(out, "line", year).status == "binding"
        assert row(out, "line", year).bound == pytest.approx(share, rel=1e-6)


def test_a_path_bound_needs_from(toy):
    widgets(toy)
    toy.scenario(scenario(milestones={"m": {"sector": "widgets", "metric": "emissions", "year": 2030,
                                            "max": {2030: 5.0, 2040: 1.0}}}))
    with pytest.raises(InputError) as exc:
        toy.solve()
    assert any("needs 'from'" in p.message and p.path.startswith("milestones.m") for p in exc.value.problems)


def test_relative_to_a_model_year(toy):
    # emissions in 2030 at most 75% of 2025's 10 Mt
    widgets(toy)
    out = solve(toy, down={"sector": "widgets", "metric": "emissions", "year": 2030, "max": 0.75,
                           "relative_to": 2025})
    em = out.results["emissions"].set_index("year")["value"]
    assert em[2030] == pytest.approx(7.5, rel=1e-6)
    assert row(out, "down", 2030).bound == pytest.approx(7.5, rel=1e-6)


def test_milestone_dual_matches_the_cost_of_moving_its_bound(toy):
    # each 1% of output share costs 0.1 Mt x 30 USD/t = 3 million USD: dual per unit share = 300
    widgets(toy)
    out = solve(toy, m={"sector": "widgets", "metric": "output_share", "group": "near_zero", "year": 2030,
                        "min": 0.25})
    toy.scenario(scenario(name="more", milestones={"m": {"sector": "widgets", "metric": "output_share",
                                                          "group": "near_zero", "year": 2030, "min": 0.26}}))
    more = toy.solve(name="more")
    dual = row(out, "m", 2030).dual
    assert dual == pytest.approx((more.results.objective - out.results.objective) / 0.01, rel=1e-4)
    assert dual == pytest.approx(300, rel=1e-3)


def test_soft_milestone_is_violated_when_its_penalty_is_cheaper(toy):
    # abating costs 30 USD/t; a penalty of 10 USD per t of clean output short is cheaper
    widgets(toy)
    out = solve(toy, m={"sector": "widgets", "metric": "production", "group": "bio", "year": 2030, "min": 3.0,
                        "soft": {"penalty": 10}})
    r = row(out, "m", 2030)
    assert r.status == "violated" and r.shortfall == pytest.approx(3.0, rel=1e-6)
    out = solve(toy, m={"sector": "widgets", "metric": "production", "group": "bio", "year": 2030, "min": 3.0,
                        "soft": {"penalty": 100}})
    assert row(out, "m", 2030).status == "binding"


@pytest.mark.parametrize("spec, key, words", [
    ({"sector": "widgets", "metric": "output_share", "group": "near_zeros", "year": 2030, "min": 0.1},
     "milestones.m.group", "unknown group"),
    ({"sector": "gizmos", "metric": "emissions", "year": 2030, "max": 1}, "milestones.m.sector", "unknown sector"),
    ({"sector": "widgets", "metric": "emissions", "year": 2060, "max": 1}, "milestones.m.year", "outside the horizon"),
    ({"sector": "widgets", "metric": "speed", "year": 2030, "max": 1}, "milestones.m.metric", ""),
    ({"sector": "widgets", "metric": "intensity", "product": "gadget", "year": 2030, "max": 1},
     "milestones.m.product", "unknown product"),
])
def test_bad_milestone_input_names_its_line(toy, spec, key, words):
    widgets(toy)
    toy.scenario(scenario(milestones={"m": spec}))
    with pytest.raises(InputError) as exc:
        toy.solve()
    problems = [p for p in exc.value.problems if p.path == key]
    assert problems, [str(p) for p in exc.value.problems]
    assert problems[0].line is not None and words in problems[0].message


COLLIDING = {
    "clean-share": {"sector": "widgets", "metric": "output_share", "group": "near_zero", "year": 2030, "min": 0.6},
    "biomass-cap": {"sector": "widgets", "metric": "commodity_use", "commodities": ["biomass"], "year": 2030,
                    "max": 30},
}
"""At least 60% clean output, but at most 30 PJ of biomass (= 3 Mt clean) in 2030."""


def test_two_milestones_that_cannot_both_hold_are_named_and_nothing_else(toy):
    # at least 60% clean output, but at most 30 PJ of biomass (= 3 Mt clean) in 2030; a third,
    # unrelated milestone (2035 emissions) must not be blamed
    from planner.errors import SolveFailed

    widgets(toy)
    toy.scenario(scenario(milestones={**COLLIDING, "later": {"sector": "widgets", "metric": "emissions",
                                                             "year": 2035, "max": 9}}))
    with pytest.raises(SolveFailed) as exc:
        toy.solve()
    text = exc.value.message
    assert "milestone 'clean-share'" in text and "milestone 'biomass-cap'" in text
    assert "'later'" not in text
    assert "made soft" in text.lower()


def test_elastic_mode_reports_violation_amounts(toy):
    from planner.errors import SolveFailed
    from planner.run import run

    widgets(toy)
    toy.scenario(scenario(milestones=COLLIDING))
    with pytest.raises(SolveFailed) as exc:
        run(["widgets"], "toy", None, toy.paths, elastic=True)
    text = exc.value.message
    # cheapest violation: 3 Mt of clean output short (6 needed, 3 allowed by the biomass cap), a share
    # missed by 30 points, or 30 PJ of biomass over the cap: the model reports whichever it chose
    assert ("clean-share" in text and "by 30.0 percentage points (30.0% reached against 60.0%)" in text) or \
        ("biomass-cap" in text and "by 30.00 PJ" in text)
    assert exc.value.status == "infeasible"


def test_the_elastic_plan_misses_the_budget_before_it_buys_resources_that_do_not_exist(toy):
    # dirty widgets emit 2 tCO2/t; clean ones take 1 PJ of biomass, of which 2 PJ/yr exist. The
    # budget of 50 MtCO2 cannot hold: at best 8 Mt/yr stay dirty, 16 MtCO2 a year over 16 years =
    # 256 Mt. Priced per unit alike, the elastic plan would buy 8 PJ/yr of biomass that does not exist
    # (each PJ spares 2 MtCO2) and name it among the violations; a resource is priced a hundred times higher.
    from planner.errors import SolveFailed

    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 20}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 1e-3, "inputs": {"biomass": 1}},
    ))
    toy.scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 50}}, commodities={"biomass": {"limit": 2}}))
    with pytest.raises(SolveFailed) as exc:
        toy.solve()
    soft = exc.value.message.split("Made soft")[1]  # before it: the conflicting set, biomass limit included
    assert "missed by 0.21 GtCO2" in soft and "lowest cumulative emissions reachable are 0.26 GtCO2" in soft
    assert "biomass" not in soft


def test_input_share_of_a_commodity_group_from_the_sector_file(toy):
    # the same as input_share of [biomass], with the commodity named through a group of the file
    sector = widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 1e-3, "inputs": {"biomass": 10}, "near_zero": True},
    )
    sector["commodity_groups"] = {"renewable_energy": {"description": "bio", "members": ["biomass"]}}
    toy.sector(sector)
    out = solve(toy, m={"sector": "widgets", "metric": "input_share", "commodities": ["renewable_energy"],
                        "year": 2030, "min": 0.4})
    assert row(out, "m", 2030).value == pytest.approx(0.4, rel=1e-6)
    assert row(out, "m", 2030).status == "binding"


def test_relative_bound_dual_per_unit_of_the_bound_as_shown(toy):
    # 2030 emissions at most 75% of 2025's 10 Mt: each MtCO2 tighter costs 30 million USD (30 USD/t
    # avoided), so per unit of the shown bound (MtCO2) the dual is 30; per unit of the fraction, 300.
    widgets(toy)
    out = solve(toy, down={"sector": "widgets", "metric": "emissions", "year": 2030, "max": 0.75,
                           "relative_to": 2025})
    r = row(out, "down", 2030)
    assert r.dual_per_unit == pytest.approx(30, rel=1e-4)
    assert r.dual == pytest.approx(300, rel=1e-4)
