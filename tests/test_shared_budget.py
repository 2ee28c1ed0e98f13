"""One budget and shared limits across sectors: sharing modes, decomposition, pools (toys worked by hand).

Two sectors, no discounting, 2025-2040 (16 years), demand 10 Mt/yr each, both running on coal
stock (2 USD/GJ, 0.1 tCO2/GJ) unless they switch:
  widgets: coal 10 GJ/t (1 tCO2/t) or biomass 10 GJ/t (5 USD/GJ): 30 USD per tCO2 avoided;
  gadgets: coal 20 GJ/t (2 tCO2/t) or electricity 13 GJ/t (10 USD/GJ): 45 USD per tCO2 avoided.
Unabated: 160 + 320 = 480 MtCO2. Under a 300 Mt budget the optimum abates all 160 Mt of widgets
and 20 Mt of gadgets: price 45 USD/t, cost 160 x 30 + 20 x 45 = 5,700 million USD above the
unabated run. Fixed shares of 100 / 200 Mt make widgets abate 60 and gadgets 120: 7,200.
"""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import scenario, widget_sector

from planner.errors import InputError, SolveFailed


def two_sectors(toy, gadget_clean: dict | None = None, widget_clean: dict | None = None) -> None:
    widgets = widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean=widget_clean or {"capex": 1e-3, "inputs": {"biomass": 10}},
    )
    widgets["calibration"] = {"year": 2025, "emissions": {"value": 10, "unit": "MtCO2", "year": 2025,
                                                          "sources": ["toy"]}}
    gadgets = copy.deepcopy(widget_sector(
        dirty={"inputs": {"coal": 20}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean=gadget_clean or {"capex": 1e-3, "inputs": {"electricity": 13}},
    ))
    gadgets.update(sector="gadgets", name="Gadgets", commodities={"gadget": {"kind": "product", "unit": "Mt"}},
                   demand={"gadget": gadgets["demand"]["widget"]})
    gadgets["calibration"] = {"year": 2025, "emissions": {"value": 30, "unit": "MtCO2", "year": 2025,
                                                          "sources": ["toy"]}}
    toy.sector(widgets).sector(gadgets)


def budget(total: float = 300, **keys) -> dict:
    return {"unit": "MtCO2", "global_remaining": total, "shares": {"widgets": 1 / 3, "gadgets": 2 / 3}, **keys}


def cumulative(out, sector: str | None = None) -> float:
    em = out.results["emissions"]
    if sector:
        em = em[em.sector == sector]
    return float(em["value"].sum())


def shares(out) -> dict[tuple[str, str], float]:
    b = out.results["budget_shares"]
    return {(s, q): v for s, q, v in zip(b.sector, b.quantity, b.value)}


def scarcity(out, name: str):
    p = out.results["prices"]
    return p[p.name == name].set_index("year")["value"]


def price_pv(out, name: str = "carbon_price_pv") -> float:
    p = out.results["prices"]
    return float(p[p.name == name]["value"].iloc[0])


def test_binding_shared_budget_equals_its_limit_at_the_cheapest_abatement(toy):
    two_sectors(toy)
    toy.scenario(scenario(budget=budget()))
    out = toy.solve(["widgets", "gadgets"])
    assert cumulative(out) == pytest.approx(300, rel=1e-7)
    assert price_pv(out) == pytest.approx(45, rel=1e-4)
    assert cumulative(out, "widgets") == pytest.approx(0, abs=1e-6)     # the cheap abatement is all taken
    assert cumulative(out, "gadgets") == pytest.approx(300, rel=1e-7)
    got = shares(out)
    assert got[("widgets", "share_of_run_budget")] == pytest.approx(0, abs=1e-9)
    assert got[("total", "carbon_price_pv")] == pytest.approx(45, rel=1e-4)
    # sector costs (without carbon payments) add up to the objective
    assert got[("total", "cost_pv")] == pytest.approx(out.results.objective, rel=1e-9)


def test_relaxing_the_shared_budget_by_one_changes_cost_by_the_price(toy):
    two_sectors(toy)
    toy.scenario(scenario(budget=budget(300)))
    toy.scenario(scenario(name="looser", budget=budget(301)))
    tight, loose = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="looser")
    assert tight.results.objective - loose.results.objective == pytest.approx(price_pv(tight), rel=1e-6)


def test_optimal_sharing_never_costs_more_than_fixed_shares(toy):
    two_sectors(toy)
    toy.scenario(scenario(budget=budget(mode="shares")))
    toy.scenario(scenario(name="optimal", budget=budget()))
    fixed, optimal = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="optimal")
    assert cumulative(fixed, "widgets") == pytest.approx(100, rel=1e-6)
    assert cumulative(fixed, "gadgets") == pytest.approx(200, rel=1e-6)
    assert price_pv(fixed, "carbon_price_pv|widgets") == pytest.approx(30, rel=1e-4)
    assert price_pv(fixed, "carbon_price_pv|gadgets") == pytest.approx(45, rel=1e-4)
    assert fixed.results.objective - optimal.results.objective == pytest.approx(7200 - 5700, rel=1e-4)
    got = shares(fixed)
    assert got[("total", "cost_of_fixed_split")] == pytest.approx(1500, rel=1e-4)
    assert got[("total", "cost_pv_optimal")] == pytest.approx(optimal.results.objective, rel=1e-9)
    assert got[("widgets", "cumulative_emissions_optimal")] == pytest.approx(0, abs=1e-6)


def test_shares_split_by_current_emissions(toy):
    # published current emissions 10 and 30 Mt: the 300 Mt total splits 75 / 225
    two_sectors(toy)
    toy.scenario(scenario(budget=budget(mode="shares", split="current_emissions")))
    got = shares(toy.solve(["widgets", "gadgets"]))
    assert got[("widgets", "budget")] == pytest.approx(75)
    assert got[("gadgets", "budget")] == pytest.approx(225)
    assert got[("widgets", "cumulative_emissions")] == pytest.approx(75, rel=1e-6)


def test_price_mode_applies_the_path_and_reports_against_the_budget(toy):
    # at 40 USD/t widgets switch (30 < 40) and gadgets do not (45 > 40): 320 Mt, no cap
    two_sectors(toy)
    toy.scenario(scenario(carbon_price=40, budget=budget(mode="price")))
    out = toy.solve(["widgets", "gadgets"])
    assert cumulative(out) == pytest.approx(320, rel=1e-6)
    got = shares(out)
    assert got[("total", "share_of_run_budget")] == pytest.approx(320 / 300)
    assert got[("total", "carbon_payments_pv")] == pytest.approx(40 * 320, rel=1e-6)


def test_shared_biomass_limit_binds_across_two_sectors(toy):
    # Both switch to biomass at 100 USD/t: widgets gain 7 USD per GJ of biomass, gadgets
    # (13 GJ replacing 20 GJ coal, 2 tCO2) 13.5. With 150 PJ/yr, gadgets take 130 and widgets the
    # remaining 20; the scarcity price is widgets' 7 USD/GJ.
    two_sectors(toy, gadget_clean={"capex": 1e-3, "inputs": {"biomass": 13}})
    toy.scenario(scenario(carbon_price=100, commodities={"biomass": {"limit": 150}}))
    out = toy.solve(["widgets", "gadgets"])
    use = out.results["commodity_use"].query("commodity == 'biomass' and year == 2030")
    by_sector = use.set_index("sector")["value"]
    assert by_sector["gadgets"] == pytest.approx(130, rel=1e-6)
    assert by_sector["widgets"] == pytest.approx(20, rel=1e-6)
    assert scarcity(out, "scarcity|biomass")[2030] == pytest.approx(7.0, rel=1e-6)


def test_a_pool_caps_the_weighted_sum_of_its_members(toy):
    # the same as above with gadgets burning pellets that draw 2 PJ of the biomass pool per PJ:
    # gadgets' value per PJ of pool halves to 6.7 < 7, so widgets take 100 PJ and gadgets 25 PJ of pellets.
    toy.write("models/commodities.yaml", {
        **toy_commodities(),
        "pools": {"bio": {"unit": "PJ", "members": {"biomass": 1.0, "pellets": 2.0}, "limit": 150,
                          "sources": ["toy"]}},
    })
    two_sectors(toy, gadget_clean={"capex": 1e-3, "inputs": {"pellets": 13}})
    toy.scenario(scenario(carbon_price=100))
    out = toy.solve(["widgets", "gadgets"])
    use = out.results["commodity_use"].query("year == 2030").set_index("commodity")["value"]
    assert use["biomass"] == pytest.approx(100, rel=1e-6)
    assert use["pellets"] == pytest.approx(25, rel=1e-6)
    assert scarcity(out, "scarcity|bio")[2030] == pytest.approx(175 / 26, rel=1e-6)


def toy_commodities() -> dict:
    from conftest import COMMODITIES

    data = copy.deepcopy(COMMODITIES)
    data["commodities"]["pellets"] = {"unit": "PJ", "price": 5.0, "biogenic_factor": 0.1, "sources": ["toy"]}
    return data


@pytest.mark.parametrize("jobs", [1, 2])
def test_decomposition_agrees_with_the_joint_solve(toy, jobs):
    # budget and a shared biomass limit both bind; gadgets can also burn biomass
    two_sectors(toy, gadget_clean={"capex": 1e-3, "inputs": {"electricity": 13}})
    gadgets = toy.root / "models/gadgets.yaml"
    import yaml

    data = yaml.safe_load(gadgets.read_text())
    data["technologies"]["bio"] = {"name": "Bio", "lifetime": 20, "sources": ["toy"], "capex": 1e-3,
                                   "inputs": {"biomass": 13}}
    gadgets.write_text(yaml.safe_dump(data))
    keys = {"budget": budget(150), "commodities": {"biomass": {"limit": {2025: 40, 2040: 160}}}}
    toy.scenario(scenario(**keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": jobs, "gap": 1e-7}, **keys))
    joint, split = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="split")
    assert split.solution.info["iterations"] > 1
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-5)
    assert cumulative(split) == pytest.approx(cumulative(joint), rel=1e-5)
    assert price_pv(split) == pytest.approx(price_pv(joint), rel=1e-3)
    js, ss = scarcity(joint, "scarcity|biomass"), scarcity(split, "scarcity|biomass")
    assert ss.max() == pytest.approx(js.max(), rel=1e-3)
    assert js.max() > 0


def test_decomposition_explains_a_shared_limit_it_cannot_meet(toy):
    # each sector holds its own budget (shares), and only 50 PJ/yr of biomass exist
    two_sectors(toy, gadget_clean={"capex": 1e-3, "inputs": {"biomass": 13}})
    toy.scenario(scenario(budget=budget(60, mode="shares"), commodities={"biomass": {"limit": 50}}))
    with pytest.raises(SolveFailed) as exc:
        toy.solve(["widgets", "gadgets"])
    assert exc.value.status == "infeasible"
    assert "supply limit of biomass is exceeded in" in exc.value.message
    assert "mode shares" in exc.value.message


def test_price_mode_needs_a_carbon_price(toy):
    two_sectors(toy)
    toy.scenario(scenario(budget=budget(mode="price")))
    with pytest.raises(InputError) as exc:
        toy.solve(["widgets", "gadgets"])
    problem = exc.value.problems[0]
    assert problem.path == "budget.mode" and problem.line is not None
    assert "carbon_price" in problem.message


def test_unknown_pool_member_is_reported_with_its_line(toy):
    two_sectors(toy)
    toy.scenario(scenario(pools={"bio": {"unit": "PJ", "members": {"biomas": 1.0}, "limit": 10}}))
    with pytest.raises(InputError) as exc:
        toy.solve(["widgets", "gadgets"])
    problem = exc.value.problems[0]
    assert problem.path == "pools.bio.members.biomas" and problem.line is not None


def test_decomposition_prices_an_annual_cap_on_all_sectors(toy):
    # a cap on the two sectors together in 2030-2040 couples them year by year
    two_sectors(toy)
    keys = {"annual_caps": {"all": {2025: 30, 2029: 30, 2030: 18, 2040: 18}}}
    toy.scenario(scenario(**keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": 1, "gap": 1e-7}, **keys))
    joint, split = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="split")
    assert "annual_cap[all,2035]" in split.solution.info["coupled_rows"]
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-6)
    em = split.results["emissions"].groupby("year")["value"].sum()
    assert em[2035] == pytest.approx(18, rel=1e-6)
    # 30 Mt unabated, 18 allowed: widgets abate all 10 (30 USD/t), gadgets the last 2 (45 USD/t)
    assert scarcity(split, "annual_cap|all")[2035] == pytest.approx(45, rel=1e-3)


def test_fixed_shares_as_one_joint_lp_match_the_separate_lps(toy):
    two_sectors(toy, gadget_clean={"capex": 1e-3, "inputs": {"biomass": 13}})
    keys = {"budget": budget(mode="shares"), "commodities": {"biomass": {"limit": 150}}}
    toy.scenario(scenario(**keys))
    toy.scenario(scenario(name="joint", solver={"decompose": False}, **keys))
    separate, joint = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="joint")
    assert separate.solution.info["iterations"] >= 1 and not joint.solution.info
    assert separate.results.objective == pytest.approx(joint.results.objective, rel=1e-5)
    for s in ("widgets", "gadgets"):
        assert price_pv(separate, f"carbon_price_pv|{s}") == pytest.approx(price_pv(joint, f"carbon_price_pv|{s}"),
                                                                           rel=1e-3)


def test_decomposition_keeps_each_sectors_milestones(toy):
    two_sectors(toy)
    keys = {"budget": budget(300), "milestones": {
        "gadgets-clean": {"sector": "gadgets", "metric": "production", "group": "near_zero", "year": 2030, "min": 4}}}
    data = yaml.safe_load((toy.root / "models/gadgets.yaml").read_text())
    data["technologies"]["clean"]["near_zero"] = True
    (toy.root / "models/gadgets.yaml").write_text(yaml.safe_dump(data))
    toy.scenario(scenario(**keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": 1, "gap": 1e-7}, **keys))
    joint, split = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="split")
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-6)
    ms = split.results["milestones"].set_index("name")
    assert ms.loc["gadgets-clean", "value"] >= 4 - 1e-6


def test_decomposition_counts_each_sectors_fixed_first_year_once(toy):
    # Both sectors buy grid electricity from the first year, which is history (fixed), so its scope 2
    # tonnes are constants in each sector's budget row: 1 Mt for widgets, 2 for gadgets (still cheaper
    # than switching in 2025). The decomposition must count both against the shared budget.
    two_sectors(toy)
    for name, gj in (("widgets", 2), ("gadgets", 4)):
        path = toy.root / f"models/{name}.yaml"
        data = yaml.safe_load(path.read_text())
        data["technologies"]["dirty"]["inputs"]["electricity"] = gj
        path.write_text(yaml.safe_dump(data))
    keys = {"budget": budget(300, include_scope2=True), "horizon": {"start": 2025, "end": 2040, "history": True}}
    toy.scenario(scenario(**keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": 1, "gap": 1e-7}, **keys))
    joint, split = toy.solve(["widgets", "gadgets"]), toy.solve(["widgets", "gadgets"], name="split")
    for out in (joint, split):
        em = out.results["emissions"]
        assert em.query("year == 2025")["scope2"].sum() == pytest.approx(3, rel=1e-9)
        assert (em["counted"] + em["scope2"]).sum() == pytest.approx(300, rel=1e-6)   # binding, not 301
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-5)
    assert price_pv(split) == pytest.approx(price_pv(joint), rel=1e-3)
