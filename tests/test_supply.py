"""Supply sectors (models/supply/): shared commodities made for the run's sectors, not bought."""

from __future__ import annotations

import pytest
from conftest import COMMODITIES, scenario, shipped, table, widget_sector

from planner.errors import InputError

H2 = {"unit": "PJ", "price": 100.0, "limit": 1000.0, "sources": ["toy"]}


def supply_sector(**technologies: dict) -> dict:
    """A supply sector 'h2' making the shared commodity `hydrogen`."""
    techs = {k: {"name": k.title(), "lifetime": 20, "sources": ["toy"], "output": "hydrogen", **spec}
             for k, spec in technologies.items()}
    return {"sector": "h2", "name": "Hydrogen supply", "unit": "PJ", "supplies": ["hydrogen"],
            "sources": {"toy": "hand-made toy data"}, "technologies": techs}


def widgets_on_hydrogen() -> dict:
    # 'coal' route: 10 PJ coal (0.1 t/GJ) per t, 1 tCO2/t; 'green' route: 2 PJ hydrogen per t.
    return widget_sector(
        coal={"inputs": {"coal": 10}, "build_limit": {"none": "toy"}},
        green={"inputs": {"hydrogen": 2}, "build_limit": {"none": "toy"}},
    )


@pytest.fixture
def h2toy(toy):
    toy.write("models/commodities.yaml", {**COMMODITIES, "commodities": {**COMMODITIES["commodities"], "hydrogen": H2}})
    toy.sector(widgets_on_hydrogen())
    return toy


def test_supply_sector_makes_what_the_run_buys_at_its_own_cost(h2toy):
    # The electrolyser: 1.5 PJ power (10 USD/GJ) + 3 USD/GJ per PJ of hydrogen, no capex: 18 USD/GJ.
    # Green widgets: 2 x 18 = 36 USD/t against coal's 10 x 2 + 1 t x 30 USD/t = 50 USD/t.
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={
        "inputs": {"electricity": 1.5}, "variable_om": 3.0, "build_limit": {"none": "toy"}}))
    h2toy.scenario(scenario(carbon_price=30))
    out = h2toy.solve()
    assert out.data.sectors == ["widgets", "h2"] and out.data.supply == ["h2"]
    made = table(out, "production", technology="electrolyser")
    assert made[2030] == pytest.approx(20.0)                       # 10 Mt widgets x 2 PJ/t
    assert table(out, "production", technology="green")[2030] == pytest.approx(10.0)
    prices = out.results["prices"]
    h2 = prices[prices["name"] == "scarcity|hydrogen"].set_index("year")["value"]
    assert h2[2030] == pytest.approx(18.0)                         # its marginal cost, not 100
    # the commodity's price of 100 USD/GJ is not paid: total cost is coal-free, 16 years x 10 Mt x 36
    assert out.solution.objective == pytest.approx(16 * 10 * 36.0)


def test_without_the_supply_sector_the_commodity_price_applies(h2toy):
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={
        "inputs": {"electricity": 1.5}, "variable_om": 3.0, "build_limit": {"none": "toy"}}))
    h2toy.scenario(scenario(carbon_price=30, supply=[]))
    out = h2toy.solve()
    assert out.data.sectors == ["widgets"]
    # hydrogen at 100 USD/GJ: green widgets cost 200 USD/t, so coal (50 USD/t) makes them all
    assert table(out, "production", technology="coal")[2030] == pytest.approx(10.0)


def test_supply_build_limit_makes_hydrogen_scarce(h2toy):
    # Electrolysers cost 10 USD per GJ/yr, 20-year life, no discounting; at most 5 PJ/yr added a
    # year, so hydrogen for green widgets grows by 5 PJ a year and coal makes the rest.
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={
        "capex": 10.0, "inputs": {"electricity": 1.5}, "build_limit": {"absolute": 5.0}}))
    h2toy.scenario(scenario(carbon_price=30))
    out = h2toy.solve()
    cap = table(out, "capacity", technology="electrolyser")
    assert cap[2026] == pytest.approx(10.0)
    assert table(out, "production", technology="green")[2026] == pytest.approx(5.0)
    assert table(out, "production", technology="coal")[2026] == pytest.approx(5.0)
    prices = out.results["prices"]
    h2 = prices[prices["name"] == "scarcity|hydrogen"].set_index("year")["value"]
    # while supply is short, hydrogen is worth what it saves: (50 - 0) / 2 PJ per t, less nothing
    # else (green widgets have no other cost) = 25 USD/GJ, above its 15 USD/GJ of power
    assert h2[2026] == pytest.approx(25.0)


def test_supply_sector_joins_only_runs_that_buy_its_commodity(toy):
    toy.write("models/commodities.yaml", {**COMMODITIES, "commodities": {**COMMODITIES["commodities"], "hydrogen": H2}})
    toy.sector(widget_sector(coal={"inputs": {"coal": 10}, "build_limit": {"none": "toy"}}))
    toy.write("models/supply/h2.yaml", supply_sector(electrolyser={
        "inputs": {"electricity": 1.5}, "build_limit": {"none": "toy"}}))
    toy.scenario(scenario())
    assert toy.solve().data.sectors == ["widgets"]


def test_unknown_supply_sector_in_the_scenario_is_an_input_error(h2toy):
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={"build_limit": {"none": "toy"}}))
    h2toy.scenario(scenario(supply=["h3"]))
    with pytest.raises(InputError) as err:
        h2toy.solve()
    text = str(err.value)
    assert "toy.yaml:8" in text and "supply.0" in text and "known: h2" in text


def test_price_of_a_commodity_the_run_makes_is_an_input_error(h2toy):
    # the scenario's price would silently not apply: refused, naming the key and the way out
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={"build_limit": {"none": "toy"}}))
    h2toy.scenario(scenario(commodities={"hydrogen": {"price": 5.0}}))
    with pytest.raises(InputError) as err:
        h2toy.solve()
    text = str(err.value)
    assert "toy.yaml" in text and "commodities.hydrogen.price" in text and "supply: []" in text
    h2toy.scenario(scenario(commodities={"hydrogen": {"price": 5.0}}, supply=[]))
    assert h2toy.solve().data.sectors == ["widgets"]


def test_supply_sector_output_must_be_a_supplied_commodity(h2toy):
    bad = supply_sector(electrolyser={"build_limit": {"none": "toy"}})
    bad["technologies"]["electrolyser"]["output"] = "coal"
    h2toy.write("models/supply/h2.yaml", bad)
    h2toy.scenario(scenario())
    with pytest.raises(InputError) as err:
        h2toy.solve()
    text = str(err.value)
    assert "h2.yaml" in text and "output" in text and "nor a commodity it supplies" in text


def test_shipped_hydrogen_supply_meets_steel_within_its_build_ramp(tmp_path):
    out = shipped(["steel"], folder=tmp_path, carbon_price={2025: 0, 2026: 300, 2050: 500})
    assert out.data.supply == ["hydrogen"]
    use = out.results["commodity_use"].query("commodity == 'hydrogen'")
    bought = use[use.sector == "steel"].groupby("year")["value"].sum()
    made = table(out, "production", sector="hydrogen")
    assert bought.sum() > 1000                                      # steel takes hydrogen under a price
    for y, v in bought.items():                                     # all of it made, none wasted
        assert made.get(y, 0.0) == pytest.approx(v, rel=1e-6, abs=1e-6)
    # electrolysers: additions <= 0.5 x capacity in use the year before + 107 PJ/yr, and <= the
    # absolute limit (107 PJ/yr in 2025 rising to 1,990 in 2030)
    util = 0.46
    prod = table(out, "production", technology="electrolysis_vre")
    add = table(out, "new_capacity", technology="electrolysis_vre")
    for y, a in add.items():
        assert a <= 0.5 * prod.get(y - 1, 0.0) / util + 107 + 1e-6
        assert a <= 107 + (1990 - 107) * min(max(y - 2025, 0), 5) / 5 + 1e-6
    diag = out.results["diagnostics"]
    assert diag[(diag.sector == "hydrogen") & (diag.severity == "high")].empty


def test_a_sector_without_a_budget_share_runs_with_its_supply_sector(h2toy):
    # the budget names only another sector; the supply sector that joins the run has no budget
    # either, so the run has none (not "no budget given for widgets while other sectors have one")
    h2toy.write("models/supply/h2.yaml", supply_sector(electrolyser={
        "inputs": {"electricity": 1.5}, "variable_om": 3.0, "build_limit": {"none": "toy"}}))
    h2toy.sector({**widget_sector(gadget={"capex": 1}), "sector": "gadgets", "name": "Gadgets"})
    h2toy.scenario(scenario(budget={"unit": "MtCO2", "sectors": {"gadgets": 50}}))
    out = h2toy.solve()
    assert out.data.sectors == ["widgets", "h2"] and out.data.budget_mt is None
