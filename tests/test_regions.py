"""Regions (planner/regions.py): a region set splits a sector into instances that trade.

Toy: widgets made from coal (10 GJ/t, 0.1 tCO2/GJ: 1 tCO2/t) by a plant with no capital cost, demand
10 Mt/yr split 50/50 between regions A and B; coal costs 2 USD/GJ in A and 3 in B, so a widget costs
20 USD/t to make in A and 30 in B.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import scenario, table, widget_sector

from planner.errors import InputError, SolveFailed
from planner.results.extract import by_region


def regional(out, name: str):
    """A result table with `sector` and `region` columns, as written."""
    return by_region(out.data, out.results[name])


def region_set(cost: float = 5.0, **extra) -> dict:
    data = {
        "name": "two regions",
        "sources": {"toy": "hand-made toy data"},
        "regions": {"RA": {"name": "Region A"}, "RB": {"name": "Region B"}},
        "sectors": {"widgets": {"demand": {"default": {"RA": 0.5, "RB": 0.5}}, "sources": ["toy"]}},
        "commodities": {"coal": {"price": {"RA": 2.0, "RB": 3.0}, "sources": ["toy"]}},
        "trade": {"widget": {"sector": "widgets", "cost": cost, "sources": ["toy"]}},
    }
    data.update(extra)
    return data


def widgets() -> dict:
    return widget_sector(plant={"inputs": {"coal": 10}, "capex": 0.0})


def flows(out, origin: str, destination: str) -> float:
    t = out.results["trade"]
    t = t[(t.origin == origin) & (t.destination == destination) & (t.year == 2030)]
    return float(t["value"].sum())


def made(out, region: str) -> float:
    p = regional(out, "production")
    return float(p[(p.region == region) & (p.year == 2030)]["value"].sum())


@pytest.mark.parametrize(("cost", "exported"), [(5.0, 5.0), (15.0, 0.0)])
def test_trade_follows_transport_cost(toy, cost, exported):
    """Made in A and shipped to B costs 20 + cost against 30 in B: B imports all it needs while
    the route costs less than 10 USD/t, nothing above."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(cost))
    toy.scenario(scenario(regions="two"))
    out = toy.solve()
    assert flows(out, "RA", "RB") == pytest.approx(exported)
    assert flows(out, "RB", "RA") == pytest.approx(0.0)
    assert made(out, "RA") == pytest.approx(5.0 + exported)
    years = 2040 - 2025 + 1   # no discounting in the toys
    assert out.cost == pytest.approx(years * (20 * (5 + exported) + 30 * (5 - exported) + cost * exported))


def test_regional_cap_turns_the_flow_around(toy):
    """A's emissions capped at zero: A makes nothing and buys its 5 Mt from B (30 + 5 USD/t)."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", annual_caps={"RA": 0.0}))
    out = toy.solve()
    assert flows(out, "RB", "RA") == pytest.approx(5.0)
    assert flows(out, "RA", "RB") == pytest.approx(0.0)
    assert made(out, "RA") == pytest.approx(0.0)
    em = regional(out, "emissions")
    assert float(em[(em.region == "RA") & (em.year == 2030)]["value"].sum()) == pytest.approx(0.0)


def test_cap_on_a_sector_outside_the_run_does_not_apply(toy):
    """As without regions: a cap naming a sector of models/ that the run leaves out is skipped."""
    other = widgets()
    other["sector"] = "gadgets"
    toy.sector(widgets()).sector(other).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", annual_caps={"gadgets": 0.0}))
    out = toy.solve()
    assert flows(out, "RA", "RB") == pytest.approx(5.0)
    assert not out.data.caps


@pytest.mark.parametrize(("key", "share"), [("max_import_share", 0.4), ("min_local_share", 0.6)])
def test_import_share_and_local_floor_keep_production_in_the_region(toy, key, share):
    """At most 40% of B's use imported, or B makes at least 60% of its own use: either way B makes
    3 of its 5 Mt and imports 2 from the cheaper A."""
    rs = region_set(5.0)
    rs["trade"]["widget"][key] = share
    toy.sector(widgets()).write("models/regions/two.yaml", rs)
    toy.scenario(scenario(regions="two"))
    out = toy.solve()
    assert flows(out, "RA", "RB") == pytest.approx(2.0)
    assert made(out, "RB") == pytest.approx(3.0)


def test_one_region_set_reproduces_the_world_run(toy):
    """A set with one region holding every share gives the plan of the run without regions."""
    sector = widget_sector(
        old={"inputs": {"coal": 10}, "stock": [{"capacity": 12, "retire": 2033}], "available_from": 2100},
        new={"inputs": {"electricity": 3}, "capex": 400, "build_limit": {"growth": 0.3, "seed": 1.0}},
    )
    toy.sector(sector).scenario(scenario(annual_caps={"all": {2025: 10, 2040: 2}}))
    world = toy.solve()
    toy.write("models/regions/one.yaml", {
        "name": "one", "sources": {"toy": "toy"}, "regions": {"ONLY": {"name": "Only"}},
        "sectors": {"widgets": {"demand": {"default": {"ONLY": 1.0}}}}})
    toy.scenario(scenario(name="one", regions="one", annual_caps={"all": {2025: 10, 2040: 2}}))
    regional = toy.solve(name="one")
    assert regional.cost == pytest.approx(world.cost, rel=1e-9)
    a = world.results["production"].groupby(["technology", "year"])["value"].sum()
    b = regional.results["production"].groupby(["technology", "year"])["value"].sum()
    assert b.to_dict() == pytest.approx(a.to_dict())


def test_world_build_limit_spans_the_regions(toy):
    """A growth limit with seed 1 Mt/yr is a world limit: A and B together add at most 1 Mt of the
    new route in its first year, not 1 Mt each."""
    sector = widget_sector(
        old={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        new={"inputs": {"electricity": 1}, "capex": 1, "build_limit": {"growth": 0.0, "seed": 1.0}},
    )
    toy.sector(sector).write("models/regions/two.yaml", region_set(5.0, commodities={}))
    toy.scenario(scenario(regions="two"))
    out = toy.solve()
    new = out.results["new_capacity"]
    first = new[(new.technology == "new") & (new.year == 2025)]
    assert first["value"].sum() == pytest.approx(1.0)
    assert set(regional(out, "production").region) == {"RA", "RB"}


def test_each_region_grows_from_its_own_base_and_share_of_the_seed(toy):
    """Beside the world row, a region adds at most growth x its own capacity in use plus its share of
    the seed (its share of demand): with A holding 80% of demand, A adds 0.8 and B 0.2 of the new
    route in its first year; without the regional rows one region could take the world's whole seed."""
    sector = widget_sector(
        old={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        new={"inputs": {"electricity": 1}, "capex": 1, "build_limit": {"growth": 0.0, "seed": 1.0}},
    )
    rs = region_set(5.0, commodities={})
    rs["sectors"]["widgets"]["demand"]["default"] = {"RA": 0.8, "RB": 0.2}
    toy.sector(sector).write("models/regions/two.yaml", rs)
    toy.scenario(scenario(regions="two"))
    new = regional(toy.solve(), "new_capacity")
    first = new[(new.technology == "new") & (new.year == 2025)].set_index("region")["value"]
    assert first["RA"] == pytest.approx(0.8)
    assert first["RB"] == pytest.approx(0.2)


def test_shares_that_do_not_sum_to_one_name_file_line_and_key(toy):
    rs = region_set()
    rs["sectors"]["widgets"]["demand"]["default"] = {"RA": 0.5, "RB": 0.4}
    toy.sector(widgets()).write("models/regions/two.yaml", rs)
    toy.scenario(scenario(regions="two"))
    with pytest.raises(InputError) as err:
        toy.solve()
    text = str(err.value)
    assert "two.yaml" in text and "sectors.widgets.demand.default" in text and "0.9000" in text


def test_unknown_region_set_is_named(toy):
    toy.sector(widgets()).scenario(scenario(regions="nowhere"))
    with pytest.raises(InputError, match="no region set 'nowhere'"):
        toy.solve()


def test_shipped_region_set_is_valid():
    from planner.paths import project_paths
    from planner.validate import validate_files

    paths = project_paths()
    problems, n = validate_files([paths.region_file("r10")], paths)
    assert n == 1 and problems == []


@pytest.mark.slow
def test_steel_with_the_r10_regions(tmp_path):
    """The shipped steel sector split into the R10 regions: every region's demand is met (made
    there or imported), the world's production equals world demand, and steel is traded."""
    import yaml

    from planner.paths import project_paths
    from planner.run import run

    path = tmp_path / "r10.yaml"
    path.write_text(yaml.safe_dump({"name": "r10", "extends": "default", "regions": "r10"}), encoding="utf-8")
    out = run(["steel"], str(path), None, project_paths())
    d = out.data
    assert len(d.instances("steel")) == 10
    p = regional(out, "production")
    made = p[p.output == "crude_steel"].groupby("year")["value"].sum()
    world = d.demand.groupby(level=2).sum()
    assert made.to_dict() == pytest.approx(world.to_dict(), rel=1e-6)
    assert out.results["trade"]["value"].sum() > 0
    # its iamc.csv names the regions as common-definitions does and validates there
    import warnings

    from conftest import COMMON_DEFINITIONS as DEFINITIONS

    from planner.results.iamc import Codelist, iamc_tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nomenclature
        import pyam

        common, _ = iamc_tables(out.data, out.results.tables, Codelist.load(project_paths().iamc_codelist))
        df = pyam.IamDataFrame(common)
        assert "Europe (R10)" in df.region and "World" in df.region
        nomenclature.DataStructureDefinition(DEFINITIONS).validate(df)
        assert df.check_aggregate_region("Production|Iron and Steel|Steel") is None


def test_iamc_table_has_a_block_per_region_that_adds_up_to_world(toy):
    """The IAMC export of a regional run: one block per region (named as the set names it) and World,
    regional emissions and production summing to World's, and aggregates that add up in each."""
    from planner.results.iamc import Codelist, check_iamc, iamc_table

    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two"))
    out = toy.solve()
    table = iamc_table(out.data, out.results.tables, Codelist())
    assert set(table.region) == {"World", "Region A", "Region B"}
    em = table[table.variable == "Emissions|CO2|Other|Widgets"].set_index("region")["2030"]
    assert em["Region A"] == pytest.approx(10.0) and em["Region B"] == pytest.approx(0.0)   # A makes all 10 Mt
    assert em["World"] == pytest.approx(em["Region A"] + em["Region B"])
    problems = check_iamc(table, Codelist(), regions={"World", "Region A", "Region B"})
    assert problems and all("not in the codelist" in p for p in problems)   # toy labels only
    wrong = check_iamc(table.assign(region="Atlantis"), Codelist(), regions={"World"})
    assert "region 'Atlantis' is not World or a region of the run's region set" in wrong


def test_compare_across_region_sets_and_periods(toy):
    """A world run at annual steps against the two-region run at 5-year steps: sectors compare as
    wholes (the regional instances summed), cumulative emissions count every year of each period,
    and the regional rows are the regional run's alone."""
    from planner.results.compare import compare_table
    from planner.results.folder import read_run

    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario())
    world = read_run(toy.solve(out=toy.root / "results").folder)
    toy.scenario(scenario(name="two", regions="two", horizon={"start": 2025, "end": 2040, "step": 5,
                                                                 "history": False}))
    two = read_run(toy.solve(name="two", out=toy.root / "results").folder)
    table = compare_table(world, two).set_index("quantity")
    years = 2040 - 2025 + 1   # 10 Mt/yr of widgets at 1 tCO2/t in every year of both runs
    assert table.loc["cumulative emissions", "A"] == pytest.approx(10 * years / 1000)
    assert table.loc["cumulative emissions", "B"] == pytest.approx(10 * years / 1000)
    assert table.loc["Widgets: emissions 2030", "B"] == pytest.approx(10.0)
    assert table.loc["Region A: cumulative emissions", "B"] == pytest.approx(10 * years / 1000)   # A makes all
    assert table.loc["Region B: emissions 2030", "B"] == pytest.approx(0.0)
    assert pd.isna(table.loc["Region A: emissions 2030", "A"])   # the world run has no regions


def test_report_of_a_regional_run_has_regions_and_trade(toy):
    """The report's regional section: each region's emissions and output, the flow A -> B with the
    share of B's use it covers, net imports, and the regions chart."""
    from planner.results.report import make_report

    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two"))
    folder = toy.solve(out=toy.root / "results").folder
    report = make_report(folder)
    md = report.markdown.read_text(encoding="utf-8")
    section = md[md.index("## Regions and trade"):md.index("## Self-check")]
    assert "| Region A " in section and "| Region B " in section
    flow = next(line for line in section.splitlines() if "| Region A " in line and "| Region B " in line)
    assert "5.00 Mt/yr" in flow and "100%" in flow   # B makes none of its 5 Mt: all imported
    assert "regions" in report.charts


def test_local_minimum_runs_existing_plants_up_to_demand(toy):
    """MPP steel's rule: B makes at least min(its demand, 50% of its first-year capacity). B holds
    half of 10 Mt/yr of existing plants, so it makes min(5, 0.5 x 5) = 2.5 Mt and imports 2.5; with
    a 100% capacity share it makes all of its 5 Mt."""
    sector = widget_sector(plant={"inputs": {"coal": 10}, "capex": 0.0,
                                  "stock": [{"capacity": 10, "retire": 2041}]})
    for share, own in ((0.5, 2.5), (1.0, 5.0)):
        rs = region_set(5.0)
        rs["trade"]["widget"].update(min_local_share=1.0, local_capacity_share=share)
        toy.sector(sector).write("models/regions/two.yaml", rs)
        toy.scenario(scenario(regions="two"))
        out = toy.solve()
        assert made(out, "RB") == pytest.approx(own)
        assert flows(out, "RA", "RB") == pytest.approx(5.0 - own)


def test_local_floor_that_follows_demand_holds_the_first_years_share(toy):
    """Demand doubles from 2025 to 2030 (B: 5 -> 10 Mt). B's first-year floor is min(5, 50% of its
    5 Mt of existing plants) = 2.5 Mt, half its demand. Held as a quantity, B makes 2.5 Mt in 2030
    and imports 7.5; held as a share of demand, it makes half of its 10 Mt and imports 5."""
    sector = widget_sector(plant={"inputs": {"coal": 10}, "capex": 0.0,
                                  "stock": [{"capacity": 10, "retire": 2041}]})
    sector["demand"]["widget"]["variants"]["flat"]["values"] = {2025: 10.0, 2030: 20.0}
    for follows, own in ((False, 2.5), (True, 5.0)):
        rs = region_set(5.0)
        rs["trade"]["widget"].update(min_local_share=1.0, local_capacity_share=0.5,
                                     local_floor_follows_demand=follows)
        toy.sector(sector).write("models/regions/two.yaml", rs)
        toy.scenario(scenario(regions="two"))
        out = toy.solve()
        assert made(out, "RB") == pytest.approx(own)
        assert flows(out, "RA", "RB") == pytest.approx(10.0 - own)


def test_milestone_on_a_region_sums_its_sectors(toy):
    """A milestone naming region A (emissions at most 2 Mt in 2030) binds A's instances: A makes
    2 Mt and B the other 8 in 2030 (B at 30 USD/t rather than A at 20 + 5 shipping)."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", milestones={"a-2030": {
        "sector": "RA", "metric": "emissions", "year": 2030, "max": 2.0}}))
    out = toy.solve()
    assert made(out, "RA") == pytest.approx(2.0)
    assert made(out, "RB") == pytest.approx(8.0)
    ms = out.results["milestones"].set_index("name")
    assert ms.at["a-2030", "status"] == "binding"


def test_milestone_on_a_sector_in_one_region_and_an_unknown_region(toy):
    """'widgets@RB' at least 4 Mt of emissions in 2030 keeps 4 Mt of B's own making; a region the
    set does not have is named with its line."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", milestones={"b-2030": {
        "sector": "widgets@RB", "metric": "emissions", "year": 2030, "min": 4.0}}))
    assert made(toy.solve(), "RB") == pytest.approx(4.0)
    toy.scenario(scenario(regions="two", milestones={"c-2030": {
        "sector": "widgets@RC", "metric": "emissions", "year": 2030, "max": 4.0}}))
    with pytest.raises(InputError) as err:
        toy.solve()
    problem = err.value.problems[0]
    assert problem.path == "milestones.c-2030.sector" and "unknown region 'RC'" in problem.message and problem.line


def test_build_share_caps_a_regions_part_of_new_plants(toy):
    """The regions' 10 Mt/yr of plants retire in 2030 and A makes widgets cheaper, but A may hold at
    most 60% of the plants built in the horizon that are in service (MPP ammonia's cap on a region's
    share of the world's new plants). The plants run at least 90% of their capacity, as the shipped
    technologies do, so B cannot widen A's share with plants that stand idle; without the cap A
    builds all."""
    sector = widget_sector(plant={"inputs": {"coal": 10}, "capex": 50.0, "min_utilisation": 0.9,
                                  "stock": [{"capacity": 10, "retire": 2030}]})

    def new_in_service(out, region: str, year: int) -> float:
        c = regional(out, "capacity_by_cohort")
        c = c[(c.region == region) & (c.year == year) & ~c.cohort.astype(str).str.startswith("stock")]
        return float(c["value"].sum())

    rs = region_set(5.0)
    toy.sector(sector).write("models/regions/two.yaml", rs)
    toy.scenario(scenario(regions="two"))
    free = toy.solve()
    assert new_in_service(free, "RB", 2030) == pytest.approx(0.0, abs=1e-6)
    rs["trade"]["widget"]["max_build_share"] = 0.6
    toy.write("models/regions/two.yaml", rs)
    out = toy.solve()
    for y in range(2030, 2041):
        a, b = new_in_service(out, "RA", y), new_in_service(out, "RB", y)
        assert a <= 0.6 * (a + b) + 1e-6
    a, b = new_in_service(out, "RA", 2030), new_in_service(out, "RB", 2030)
    assert a == pytest.approx(0.6 * (a + b)) and b > 3.0


def test_regional_budget_caps_a_regions_cumulative_emissions(toy):
    """A budget of 40 MtCO2 for region A over 2025-2040 (a national pledge): A makes 40 Mt of
    widgets over the horizon (1 tCO2/t) instead of 240 and B the rest; the budget's shadow price is
    A's own carbon price."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", budget={"unit": "MtCO2", "sectors": {"widgets": 1000.0},
                                                  "regions": {"RA": 40.0}}))
    out = toy.solve()
    p = regional(out, "production")
    assert float(p[p.region == "RA"]["value"].sum()) == pytest.approx(40.0)
    assert float(p[p.region == "RB"]["value"].sum()) == pytest.approx(16 * 10 - 40.0)
    prices = out.results["prices"]
    assert float(prices[(prices.name == "carbon_price|RA") & (prices.year == 2030)]["value"].iloc[0]) > 0
    drivers = regional(out, "drivers")
    row = drivers[drivers.what == "cumulative CO2 budget"]
    assert list(row.region) == ["RA"] and list(row.sector) == [""]   # the region's own budget, named by region
    toy.scenario(scenario(regions="two", budget={"unit": "MtCO2", "sectors": {"widgets": 1000.0},
                                                  "regions": {"RC": 40.0}}))
    with pytest.raises(InputError) as err:
        toy.solve()
    assert err.value.problems[0].path == "budget.regions.RC"


def two_sectors_in_two_regions(toy) -> None:
    """Widgets (traded, 1 tCO2/t from coal or clean from electricity at 12 GJ/t) and gadgets (not
    traded, 2 tCO2/t from coal or clean at 13 GJ/t), each split 50/50 between A and B."""
    w = widget_sector(plant={"inputs": {"coal": 10}, "capex": 0.0}, clean={"inputs": {"electricity": 12}, "capex": 0.0})
    g = widget_sector(plant={"inputs": {"coal": 20}, "capex": 0.0}, clean={"inputs": {"electricity": 13}, "capex": 0.0})
    g.update(sector="gadgets", name="Gadgets", commodities={"gadget": {"kind": "product", "unit": "Mt"}},
             demand={"gadget": g["demand"]["widget"]})
    sectors = {"widgets": {"demand": {"default": {"RA": 0.5, "RB": 0.5}}, "sources": ["toy"]},
               "gadgets": {"demand": {"default": {"RA": 0.5, "RB": 0.5}}, "sources": ["toy"]}}
    toy.sector(w).sector(g).write("models/regions/two.yaml", region_set(5.0, sectors=sectors))


def test_a_regional_run_decomposes_by_sector_and_agrees_with_the_joint_lp(toy):
    """Two sectors in two regions under a shared budget (200 MtCO2 of the 480 they would emit) and
    a budget of 30 MtCO2 for region A. The decomposition solves each sector with both its regions
    (the widget trade stays inside it) and prices the two budgets: the same cost and regional
    emissions as one joint LP, with region A's budget binding."""
    two_sectors_in_two_regions(toy)
    keys = {"regions": "two", "budget": {"unit": "MtCO2", "sectors": {"widgets": 100.0, "gadgets": 100.0},
                                         "regions": {"RA": 30.0}}}
    toy.scenario(scenario(name="joint", solver={"decompose": False}, **keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": 1, "gap": 1e-7}, **keys))
    joint = toy.solve(["widgets", "gadgets"], name="joint")
    split = toy.solve(["widgets", "gadgets"], name="split")
    assert sorted(sum(split.solution.info["groups"], [])) == ["gadgets", "widgets"]
    assert split.solution.info["iterations"] > 1
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-6)
    for out in (joint, split):
        em = regional(out, "emissions")
        assert float(em["value"].sum()) == pytest.approx(200.0, rel=1e-6)
        assert float(em[em.region == "RA"]["value"].sum()) == pytest.approx(30.0, rel=1e-6)


def test_a_milestone_on_a_region_keeps_a_regional_run_joint(toy):
    """A milestone on region A sums both sectors' instances there: the decomposition cannot hold it
    row by row and says so in the scenario's terms."""
    two_sectors_in_two_regions(toy)
    toy.scenario(scenario(regions="two", solver={"decompose": True, "jobs": 1}, milestones={
        "a-2030": {"sector": "RA", "metric": "emissions", "year": 2030, "max": 5.0}}))
    with pytest.raises(SolveFailed) as exc:
        toy.solve(["widgets", "gadgets"])
    assert "a-2030" in exc.value.message and "--joint" in exc.value.message


def test_one_sector_in_regions_asked_to_decompose_is_one_lp(toy):
    """A sector with its regions is one block of the decomposition: asked to decompose, the run is
    one LP and the trade stays whole (the free-trade answer)."""
    toy.sector(widgets()).write("models/regions/two.yaml", region_set(5.0))
    toy.scenario(scenario(regions="two", solver={"decompose": True}))
    out = toy.solve()
    assert flows(out, "RA", "RB") == pytest.approx(5.0)
    assert "iterations" not in out.solution.info   # no price rounds: one LP


def ccs_sector(sector: str = "widgets", product: str = "widget") -> dict:
    """Existing fleets of 10 Mt/yr each: 'dirty' (1 tCO2/t) and 'ccs' (the same, capturing 0.9 t/t at
    20 USD/t more). At 100 USD/tCO2 a tonne captured is worth 100 - 10 (storage) and capture pays
    0.9 x 90 - 20 = 61 USD per t of output, so every region runs its ccs fleet as far as it can store."""
    s = widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        ccs={"inputs": {"coal": 10}, "capture_rate": 0.9, "variable_om": 20,
             "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100})
    if sector != "widgets":
        s.update(sector=sector, name=sector.title(), commodities={product: {"kind": "product", "unit": "Mt"}},
                 demand={product: s["demand"]["widget"]})
    return s


def storage_set(limit: dict, **extra) -> dict:
    """Two regions, no trade, a regional ceiling on the store of captured CO2."""
    rs = region_set(5.0, **extra)
    del rs["trade"]
    rs["commodities"]["co2_storage"] = {"limit": limit, "sources": ["toy"]}
    return rs


def test_regional_storage_limit_caps_what_a_regions_captures_store(toy):
    """Region A may store 1.8 MtCO2 a year: its ccs fleet runs at 1.8 / 0.9 = 2 of its 5 Mt, B's at all
    5. One more tonne of storage in A moves 1/0.9 t of widgets to ccs: A's storage scarcity is 61 / 0.9
    USD/tCO2. The store stays one world commodity (no regional copies); the world limit still holds."""
    toy.sector(ccs_sector()).write("models/regions/two.yaml", storage_set({"RA": 1.8}))
    toy.scenario(scenario(regions="two", carbon_price=100, commodities={"co2_storage": {"limit": 20}}))
    out = toy.solve()
    p = regional(out, "production")
    ccs = p[(p.technology == "ccs") & (p.year == 2030)].set_index("region")["value"]
    assert ccs["RA"] == pytest.approx(2.0) and ccs["RB"] == pytest.approx(5.0)
    stored = regional(out, "captured_co2")
    stored = stored[stored.year == 2030].groupby("region")["stored"].sum()
    assert stored["RA"] == pytest.approx(1.8) and stored["RB"] == pytest.approx(4.5)
    prices = out.results["prices"].set_index(["name", "year"])["value"]
    assert prices["scarcity|co2_storage@RA", 2030] == pytest.approx(61 / 0.9, rel=1e-6)
    assert prices["scarcity|co2_storage", 2030] == pytest.approx(0.0, abs=1e-9)
    assert not out.results["commodity_use"].commodity.str.startswith("co2_storage@").any()
    assert {k[0] for k in out.data.storage_limit} == {"RA"}
    # the world limit below what B alone would store binds the total
    toy.scenario(scenario(regions="two", carbon_price=100, commodities={"co2_storage": {"limit": 3.6}}))
    tight = toy.solve()
    assert table(tight, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(3.6)


def test_regional_storage_takes_a_limit_only(toy):
    rs = storage_set({"RA": 1.8})
    rs["commodities"]["co2_storage"]["price"] = {"RA": 5.0}
    toy.sector(ccs_sector()).write("models/regions/two.yaml", rs)
    toy.scenario(scenario(regions="two", carbon_price=100))
    with pytest.raises(InputError) as err:
        toy.solve()
    assert err.value.problems[0].path == "commodities.co2_storage.price"


def test_a_regional_storage_limit_is_shared_by_the_sectors_of_the_region(toy):
    """Widgets and gadgets both capture in region A, which may store 3 MtCO2 a year: together they run
    3 / 0.9 Mt of ccs there. The decomposition prices A's storage row like a budget and agrees with the
    joint LP."""
    sectors = {"widgets": {"demand": {"default": {"RA": 0.5, "RB": 0.5}}, "sources": ["toy"]},
               "gadgets": {"demand": {"default": {"RA": 0.5, "RB": 0.5}}, "sources": ["toy"]}}
    toy.sector(ccs_sector()).sector(ccs_sector("gadgets", "gadget"))
    toy.write("models/regions/two.yaml", storage_set({"RA": 3.0}, sectors=sectors))
    keys = {"regions": "two", "carbon_price": 100}
    toy.scenario(scenario(name="joint", solver={"decompose": False}, **keys))
    toy.scenario(scenario(name="split", solver={"decompose": True, "jobs": 1, "gap": 1e-7}, **keys))
    joint = toy.solve(["widgets", "gadgets"], name="joint")
    split = toy.solve(["widgets", "gadgets"], name="split")
    assert split.solution.info["iterations"] > 1
    assert split.results.objective == pytest.approx(joint.results.objective, rel=1e-6)
    for out in (joint, split):
        p = regional(out, "production")
        ra = p[(p.technology == "ccs") & (p.year == 2030) & (p.region == "RA")]["value"].sum()
        assert float(ra) == pytest.approx(3.0 / 0.9, rel=1e-5)
