"""Inputs by vintage: a technology whose inputs follow the build year of its capacity (hand-solvable
toys). Coal costs 2 USD/GJ and emits 0.1 tCO2/GJ (conftest), so coal in PJ x 0.1 = MtCO2."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector

from planner.errors import InputError

GROWING = {"default": "step", "variants": {"step": {
    "values": {2025: 10.0, 2029: 10.0, 2030: 15.0, 2034: 15.0, 2035: 12.0}, "sources": ["toy"]}}}
"""10 Mt/yr until 2029, 15 in 2030-2034, 12 from 2035."""


def kiln(**extra):
    """Existing 10 Mt/yr burning 12 GJ/t; new kilns burn 10 GJ/t if built in 2025, 5 GJ/t if built in
    2030 or later. Capex 1000 USD per t/yr: no kiln is built before it is needed."""
    spec = {"vintage_inputs": True, "inputs": {"coal": {2025: 10.0, 2030: 5.0}}, "capex": 1000,
            "stock": [{"capacity": 10, "retire": 2041, "inputs": {"coal": 12.0}}],
            "build_limit": {"none": "toy"}}
    spec.update(extra)
    return spec


def growing(**techs):
    sector = widget_sector(**techs)
    sector["demand"]["widget"] = GROWING
    return sector


def cohort(out, year, technology="kiln"):
    t = out.results["activity_by_cohort"]
    t = t[(t.technology == technology) & (t.year == year)]
    return dict(zip(t.cohort, t.value))


def test_each_cohort_burns_the_fuel_of_its_vintage(toy):
    toy.sector(growing(kiln=kiln())).scenario(scenario())
    out = toy.solve()
    assert table(out, "new_capacity", technology="kiln").to_dict() == pytest.approx({2030: 5.0})
    coal = table(out, "commodity_use", commodity="coal")
    assert coal[2025] == pytest.approx(10 * 12)              # the stock's own 12 GJ/t
    assert coal[2030] == pytest.approx(10 * 12 + 5 * 5)      # stock + the 2030 kiln at 5 GJ/t
    assert coal[2034] == pytest.approx(145)                  # the 2030 kiln keeps its 5 GJ/t
    em = table(out, "emissions")
    assert em[2030] == pytest.approx(14.5)
    assert table(out, "emissions_by_technology", technology="kiln")[2030] == pytest.approx(14.5)
    assert cohort(out, 2030) == pytest.approx({"stock-2041": 10.0, "2030": 5.0})
    costs = out.results["costs"]
    fuel = costs[(costs.component == "commodity|coal") & (costs.year == 2030)].value.sum()
    assert fuel == pytest.approx(145 * 2)


def test_the_efficient_vintage_runs_first(toy):
    # 2035: demand falls to 12 Mt with 15 Mt of kilns: the 2030 kiln (5 GJ/t) runs at full capacity,
    # the old stock (12 GJ/t) makes the rest.
    toy.sector(growing(kiln=kiln())).scenario(scenario())
    out = toy.solve()
    assert cohort(out, 2035) == pytest.approx({"stock-2041": 7.0, "2030": 5.0})
    assert table(out, "commodity_use", commodity="coal")[2035] == pytest.approx(7 * 12 + 5 * 5)
    assert table(out, "emissions")[2035] == pytest.approx(10.9)


def test_a_cohort_built_earlier_keeps_its_worse_inputs(toy):
    # Without stock, 10 Mt are built in 2025 at 10 GJ/t and 5 more in 2030 at 5 GJ/t.
    toy.sector(growing(kiln=kiln(stock=[]))).scenario(scenario())
    out = toy.solve()
    assert table(out, "new_capacity", technology="kiln").to_dict() == pytest.approx({2025: 10.0, 2030: 5.0})
    coal = table(out, "commodity_use", commodity="coal")
    assert coal[2029] == pytest.approx(100)
    assert coal[2030] == pytest.approx(10 * 10 + 5 * 5)
    assert coal[2035] == pytest.approx(7 * 10 + 5 * 5)       # the 2030 kiln first again


def test_stock_vintage_reads_the_inputs_of_that_build_year(toy):
    # vintage 2021 reads the trajectory at 2021 (14 GJ/t); without `vintage` or `inputs` the stock
    # reads the year before the first model year, 2024 (here 14 - 3 x 1 = 11 GJ/t).
    traj = {"coal": {2021: 14.0, 2030: 5.0}}
    toy.sector(widget_sector(kiln=kiln(inputs=traj, stock=[{"capacity": 6, "retire": 2041, "vintage": 2021},
                                                            {"capacity": 4, "retire": 2041}])))
    toy.scenario(scenario())
    out = toy.solve()
    assert table(out, "commodity_use", commodity="coal")[2025] == pytest.approx(6 * 14 + 4 * 11)
    assert cohort(out, 2025) == pytest.approx({"stock-2041": 6.0, "stock-2041-2": 4.0})


def test_a_stock_entry_s_own_inputs_follow_the_operating_year(toy):
    own = [{"capacity": 10, "retire": 2041, "inputs": {"coal": {2025: 12.0, 2035: 7.0}}}]
    toy.sector(widget_sector(kiln=kiln(stock=own))).scenario(scenario())
    coal = table(toy.solve(), "commodity_use", commodity="coal")
    assert coal[2025] == pytest.approx(120)
    assert coal[2030] == pytest.approx(95)                   # 9.5 GJ/t in 2030
    assert coal[2040] == pytest.approx(70)


def test_capture_and_scope2_follow_the_cohort(toy):
    spec = kiln(capture_rate=0.5, inputs={"coal": {2025: 10.0, 2030: 5.0}, "electricity": 1.0},
                stock=[{"capacity": 10, "retire": 2041, "inputs": {"coal": 12.0, "electricity": 2.0}}])
    toy.sector(growing(kiln=spec)).scenario(scenario())
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em.loc[2030, "value"] == pytest.approx(0.5 * 14.5)
    assert em.loc[2030, "captured"] == pytest.approx(0.5 * 14.5)
    assert em.loc[2030, "scope2"] == pytest.approx((10 * 2 + 5 * 1) * 0.05)
    assert table(out, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(7.25)
    assert table(out, "commodity_use", commodity="electricity")[2030] == pytest.approx(25)


def test_retrofitted_capacity_keeps_its_vintage(toy):
    # The stock (vintage 2021) converts at no cost to biomass kilns under a carbon price; a converted
    # kiln burns the biomass kiln's inputs of 2021, 8 GJ/t, not those of the year it is converted.
    dirty = kiln(inputs={"coal": {2021: 12.0, 2030: 5.0}}, stock=[{"capacity": 10, "retire": 2041, "vintage": 2021}],
                 available_from=2100)
    bio = {"vintage_inputs": True, "inputs": {"biomass": {2021: 8.0, 2030: 4.0}}, "capex": 1000,
           "available_from": 2100}
    sector = widget_sector(kiln=dirty, bio=bio)
    sector["retrofits"] = {"switch": {"from": "kiln", "to": "bio", "capex": 0, "available_from": 2030,
                                      "sources": ["toy"]}}
    toy.sector(sector).scenario(scenario(carbon_price=100))
    out = toy.solve()
    assert table(out, "commodity_use", commodity="coal")[2029] == pytest.approx(120)
    assert table(out, "commodity_use", commodity="biomass")[2030] == pytest.approx(80)
    assert cohort(out, 2030, "bio") == pytest.approx({"switch:stock-2041": 10.0})


def test_utilisation_floor_holds_per_cohort(toy):
    # Floor 0.9: in 2035 the old stock may not idle behind the 2030 kiln; it runs 7 Mt, so at most
    # 7 / 0.9 Mt of it stays and the rest is retired.
    toy.sector(growing(kiln=kiln(min_utilisation=0.9))).scenario(scenario())
    out = toy.solve()
    cap = out.results["capacity_by_cohort"]
    stock_cap = cap[(cap.cohort == "stock-2041") & (cap.year == 2035)].value.sum()
    act = cohort(out, 2035)
    assert act["2030"] == pytest.approx(5.0)
    assert act["stock-2041"] == pytest.approx(7.0)
    assert act["stock-2041"] >= 0.9 * stock_cap - 1e-6
    assert stock_cap <= 7 / 0.9 + 1e-6


def test_milestones_measure_inputs_per_cohort(toy):
    toy.sector(growing(kiln=kiln())).scenario(scenario(milestones={
        "coal": {"sector": "widgets", "year": 2030, "metric": "commodity_use", "commodities": ["coal"],
                 "max": 1000},
        "clean": {"sector": "widgets", "year": 2030, "metric": "input_share", "commodities": ["coal"],
                  "max": 1.0}}))
    ms = toy.solve().results["milestones"].set_index("name")
    assert ms.loc["coal", "value"] == pytest.approx(145)
    assert ms.loc["clean", "value"] == pytest.approx(1.0)


def test_a_coal_cap_binds_on_the_cohorts_sum(toy):
    # At most 140 PJ of coal in 2030: the stock must burn 5 PJ less (5 GJ/t x 1 Mt made by an extra
    # 2030 kiln instead): 1 Mt more of the 2030 kiln (at 5 GJ/t) replaces 1 Mt of stock (12 GJ/t), -7 PJ.
    toy.sector(growing(kiln=kiln())).scenario(scenario(milestones={
        "coal": {"sector": "widgets", "year": 2030, "metric": "commodity_use", "commodities": ["coal"],
                 "max": 140}}))
    out = toy.solve()
    assert table(out, "commodity_use", commodity="coal")[2030] == pytest.approx(140)
    act = cohort(out, 2030)
    assert act["2030"] == pytest.approx(5 + 5 / 7)
    assert act["stock-2041"] == pytest.approx(10 - 5 / 7)


@pytest.mark.parametrize("spec, key, words", [
    ({"inputs": {"coal": 10}, "capex": 1, "stock": [{"capacity": 10, "retire": 2041, "inputs": {"coal": 12}}]},
     "technologies.kiln.stock.0.inputs", "vintage_inputs: true"),
    ({"inputs": {"coal": 10}, "capex": 1, "stock": [{"capacity": 10, "retire": 2041, "vintage": 2020}]},
     "technologies.kiln.stock.0.vintage", "vintage_inputs: true"),
    (kiln(stock=[{"capacity": 10, "retire": 2041, "inputs": {"cole": 12}}]),
     "technologies.kiln.stock.0.inputs.cole", "unknown commodity 'cole' (did you mean 'coal'?)"),
    (kiln(stock=[{"capacity": 10, "retire": 2041, "vintage": 2025}]),
     "technologies.kiln.stock.0.vintage", "before the first model year 2025"),
    (kiln(capex=0, stock=[]), "technologies.kiln.vintage_inputs", "free capacity"),
])
def test_bad_vintage_keys_name_file_line_and_key(toy, spec, key, words):
    toy.sector(widget_sector(kiln=spec)).scenario(scenario())
    with pytest.raises(InputError) as exc:
        toy.solve()
    hits = [p for p in exc.value.problems if p.path == key]
    assert hits, exc.value.problems
    assert words in hits[0].message
    assert hits[0].file.endswith("widgets.yaml") and hits[0].line


def test_vintage_and_own_inputs_together_are_refused(toy):
    both = kiln(stock=[{"capacity": 10, "retire": 2041, "vintage": 2020, "inputs": {"coal": 12}}])
    toy.sector(widget_sector(kiln=both)).scenario(scenario())
    with pytest.raises(InputError) as exc:
        toy.solve()
    p = exc.value.problems[0]
    assert p.path.startswith("technologies.kiln.stock.0") and "not both" in p.message and p.line


def test_operating_factor_reaches_every_vintage(toy):
    # Inputs x 0.5 by 2035 (linear from 1 in 2025) for the stock and the 2030 kiln alike; the
    # methane slip of the stock (its own) and of new kilns follows the same rule.
    spec = kiln(operating_factor={2025: 1.0, 2035: 0.5}, other_emissions={"CH4": {2025: 0.02, 2030: 0.01}},
                stock=[{"capacity": 10, "retire": 2041, "inputs": {"coal": 12.0}, "other_emissions": {"CH4": 0.03}}])
    toy.sector(growing(kiln=spec)).scenario(scenario())
    out = toy.solve()
    coal = table(out, "commodity_use", commodity="coal")
    assert coal[2025] == pytest.approx(120)
    assert coal[2030] == pytest.approx(0.75 * (10 * 12 + 5 * 5))
    assert coal[2035] == pytest.approx(0.5 * (7 * 12 + 5 * 5))
    ch4 = table(out, "other_emissions", gas="CH4")
    assert ch4[2030] == pytest.approx(0.75 * (10 * 0.03 + 5 * 0.01))


def test_a_retrofit_may_be_limited_to_the_existing_stock(toy):
    # Only the stock may switch to 'bio'; the 2030 kiln may not, though the carbon price would pay.
    dirty = kiln(inputs={"coal": {2021: 12.0, 2030: 5.0}}, stock=[{"capacity": 10, "retire": 2041, "vintage": 2021}])
    bio = {"vintage_inputs": True, "inputs": {"biomass": {2021: 8.0, 2030: 4.0}}, "capex": 1000,
           "available_from": 2100}
    sector = growing(kiln=dirty, bio=bio)
    sector["retrofits"] = {"switch": {"from": "kiln", "to": "bio", "capex": 0, "available_from": 2031,
                                      "cohorts": "existing", "sources": ["toy"]}}
    toy.sector(sector).scenario(scenario(carbon_price=100))
    out = toy.solve()
    moved = out.results["retrofits"]
    assert set(moved.cohort) == {"stock-2041"}
    assert moved.value.sum() == pytest.approx(10)
    assert cohort(out, 2032) == pytest.approx({"2030": 5.0})


def test_operating_factor_needs_vintage_inputs(toy):
    toy.sector(widget_sector(kiln={"inputs": {"coal": 10}, "capex": 1, "operating_factor": 0.9,
                                   "build_limit": {"none": "toy"}})).scenario(scenario())
    with pytest.raises(InputError) as exc:
        toy.solve()
    p = exc.value.problems[0]
    assert p.path == "technologies.kiln.operating_factor" and "vintage_inputs" in p.message and p.line


def test_shipped_fleets_keep_their_coefficients():
    # The shipped 2025 fleets are stock of the technology built today, with their own coefficients.
    from planner.data import build_data
    from planner.paths import project_paths
    from planner.schema.load import load_run

    d = build_data(load_run(["trucking", "shipping"], "base", project_paths()))
    vf = d.vintage_flows.set_index(["sector", "tech", "cohort", "commodity", "year"])["coef"]
    # A diesel truck of the 2025 fleet burns DEA's 2021 figure; one bought in 2026 keeps the 2026
    # figure (0.7754 - 5/9 x 0.0741) in 2035 instead of improving with the year.
    assert vf["trucking", "diesel", "stock-2030", "truck_diesel", 2025] == pytest.approx(0.7754)
    assert vf["trucking", "diesel", "2026", "truck_diesel", 2035] == pytest.approx(0.7754 - 5 / 9 * 0.0741)
    # A 2025 conventional ship in 2040: fleet average 0.1194 x the operational factor of 2040.
    factor = 1 - 15 / 25 * (1 - 0.7798)
    fuel = "ship_conventional_fuel"
    assert vf["shipping", "conventional", "stock-2045", fuel, 2040] == pytest.approx(0.1194 * factor)
    # A ship built in 2030 meets EEDI phase 3 (0.1015 x 0.70 / 0.80 = 0.0888) and keeps it; so does
    # an ammonia ship (0.1057 x 0.875 = 0.0925).
    assert vf["shipping", "conventional", "2030", "ship_conventional_fuel", 2040] == pytest.approx(0.0888 * factor)
    assert vf["shipping", "ammonia_new", "2030", "ship_ammonia_fuel", 2040] == pytest.approx(0.0925 * factor)


def test_cohorts_with_the_same_coefficients_share_one_activity(toy):
    # Two stock entries with the same own inputs pool into one LP activity; results split it by
    # capacity (6 : 4), which meets each cohort's capacity and its 0.5 floor.
    from planner.data import build_data
    from planner.formulation import build_model
    from planner.schema.load import load_run

    same = [{"capacity": 6, "retire": 2031, "inputs": {"coal": 12.0}},
            {"capacity": 4, "retire": 2041, "inputs": {"coal": 12.0}}]
    sector = widget_sector(kiln=kiln(stock=same, min_utilisation=0.5))
    sector["demand"]["widget"] = {"default": "d", "variants": {"d": {"values": 8.0, "sources": ["toy"]}}}
    toy.sector(sector).scenario(scenario())
    out = toy.solve()
    assert cohort(out, 2025) == pytest.approx({"stock-2031": 4.8, "stock-2041": 3.2})
    assert table(out, "commodity_use", commodity="coal")[2025] == pytest.approx(8 * 12)
    m, ix = build_model(build_data(load_run(["widgets"], "toy", toy.paths)))
    stock_groups = [k for k in ix.actc if k[3] == 2025 and k[2].startswith("stock")]
    assert stock_groups == [("widgets", "kiln", "stock-2031", 2025)]
    assert ix.members[("widgets", "kiln", "stock-2031", 2025)] == ["stock-2031", "stock-2041"]
