"""Roadmap metrics on toys worked out by hand: levelized cost, green premium, abatement cost,
intermediates, investment, stranded assets, plant counts, resources and intensity."""

from __future__ import annotations

import pytest
from conftest import COMMODITIES, scenario, widget_sector

# CRF(5%, 20) = 0.05 / (1 - 1.05^-20) = 0.0802426; CRF(5%, 25) = 0.0709525
FOSSIL = {"inputs": {"coal": 1}, "capex": 100, "fixed_om": 4, "variable_om": 1, "utilisation": 0.8,
          "stock": [{"capacity": 10, "retire": 2041}], "plant_size": 2.0}
CLEAN = {"inputs": {"electricity": 0.5}, "capex": 300, "fixed_om": 6, "variable_om": 2, "utilisation": 0.9,
         "lifetime": 25, "near_zero": True, "plant_size": 2.0}


def lcop(out, tech: str, year: int) -> dict[str, float]:
    t = out.results["lcop"]
    t = t[(t.technology == tech) & (t.year == year)]
    return dict(zip(t.component, t.value))


def test_levelized_cost_premium_and_abatement_cost_by_hand(toy):
    toy.sector(widget_sector(fossil=FOSSIL, clean=CLEAN))
    toy.scenario(scenario(discount_rate=0.05, carbon_price=50))
    out = toy.solve()
    f = lcop(out, "fossil", 2030)
    # capex 100 x 0.0802426 / 0.8 = 10.0303; fixed O&M 4 / 0.8 = 5; variable 1; coal 1 GJ x 2 = 2
    assert f["capex"] == pytest.approx(10.0303, abs=1e-4)
    assert f["fixed_om"] == pytest.approx(5.0)
    assert f["variable_om"] == pytest.approx(1.0)
    assert f["energy_and_materials"] == pytest.approx(2.0)
    assert f["carbon"] == pytest.approx(50 * 0.1)            # 0.1 tCO2/t at 50 USD/t
    assert f["total"] == pytest.approx(18.0303 + 5.0, abs=1e-4)
    c = lcop(out, "clean", 2030)
    # 300 x 0.0709525 / 0.9 = 23.6508; 6 / 0.9 = 6.6667; 2; electricity 0.5 GJ x 10 = 5; no carbon
    assert c["capex"] == pytest.approx(23.6508, abs=1e-4)
    assert c["total"] == pytest.approx(23.6508 + 6.6667 + 2 + 5, abs=1e-3)
    assert c["carbon"] == 0.0
    gp = out.results["green_premium"].set_index(["technology", "year"])
    row = gp.loc[("clean", 2030)]
    assert row.incumbent == "fossil"                          # the first-year maker
    assert row.premium == pytest.approx(37.3175 - 18.0303, abs=1e-3)
    assert row.premium_pct == pytest.approx(100 * 19.2872 / 18.0303, abs=1e-2)
    assert row.abatement == pytest.approx(0.1)
    assert row.abatement_cost == pytest.approx(192.872, abs=1e-2)  # USD per tCO2 avoided
    assert row.cost_unit == "USD2020/t" and row.intensity_unit == "tCO2/t"


def test_macc_bar_is_production_times_abatement_at_its_cost(toy):
    # A budget forces the clean route in; its bar = its output x 0.1 tCO2/t at 192.87 USD/t.
    toy.sector(widget_sector(fossil={**FOSSIL, "stock": [{"capacity": 10, "retire": 2030}]}, clean=CLEAN))
    toy.scenario(scenario(discount_rate=0.05, budget={"unit": "MtCO2", "sectors": {"widgets": 6}}))
    out = toy.solve()
    macc = out.results["macc"].set_index(["technology", "year"])
    made = out.results["production"].set_index(["technology", "year"])["value"]
    bar = macc.loc[("clean", 2035)]
    assert bar.abatement == pytest.approx(made[("clean", 2035)] * 0.1)
    assert bar.abatement_cost == pytest.approx(192.872, abs=1e-2)


def test_intermediate_enters_at_its_average_cost_and_intensity(toy):
    sector = widget_sector(
        kiln={"output": "paste", "inputs": {"coal": 2}, "capex": 50, "utilisation": 1.0,
              "stock": [{"capacity": 20, "retire": 2041}]},
        mill={"inputs": {"paste": 0.7, "electricity": 0.1}, "stock": [{"capacity": 20, "retire": 2041}]},
    )
    sector["commodities"]["paste"] = {"kind": "intermediate", "unit": "Mt"}
    toy.sector(sector).scenario(scenario())
    out = toy.solve()
    # discount rate 0: CRF(0, 20) = 1/20; kiln: 50 / 20 + coal 2 x 2 = 6.5 USD/t paste, 0.2 tCO2/t
    kiln = lcop(out, "kiln", 2030)
    assert kiln["total"] == pytest.approx(6.5)
    mill = lcop(out, "mill", 2030)
    assert mill["intermediates"] == pytest.approx(0.7 * 6.5)
    assert mill["energy_and_materials"] == pytest.approx(0.1 * 10)
    inten = out.results["intensity"].set_index(["commodity", "year"])["value"]
    assert inten[("paste", 2030)] == pytest.approx(0.2)
    assert inten[("widget", 2030)] == pytest.approx(0.7 * 0.2)


def test_investment_matches_capex_in_costs_and_plants_count(toy):
    toy.sector(widget_sector(fossil={**FOSSIL, "stock": [{"capacity": 10, "retire": 2030}]}, clean=CLEAN))
    toy.scenario(scenario(discount_rate=0.05, carbon_price=500))
    out = toy.solve()
    inv = out.results["investment"]
    costs = out.results["costs"]
    assert inv.value.sum() == pytest.approx(costs[costs.component == "capex"].value.sum())
    new = out.results["new_capacity"].set_index(["technology", "year"])["value"]
    assert inv.set_index(["technology", "year"]).loc[("clean", 2025), "value"] == pytest.approx(
        300 * new[("clean", 2025)])
    plants = out.results["plants"].set_index(["technology", "year"])
    cap = out.results["capacity"].set_index(["technology", "year"])["value"]
    assert plants.loc[("clean", 2035), "plants"] == pytest.approx(cap[("clean", 2035)] / 2.0)
    assert bool(plants.loc[("clean", 2035), "near_zero"]) and plants.loc[("clean", 2035), "plant_unit"] == "plants"


def test_stranded_capacity_and_undepreciated_value(toy):
    # A zero budget from 2026 retires the fossil stock (life to 2041) early; its value left is
    # capacity x capex 100 x (2041 - retirement year) / lifetime 20.
    toy.sector(widget_sector(fossil=FOSSIL, clean=CLEAN))
    toy.scenario(scenario(discount_rate=0.05, budget={"unit": "MtCO2", "start": 2026, "sectors": {"widgets": 0}}))
    out = toy.solve()
    st = out.results["stranded_assets"]
    assert st.capacity.sum() == pytest.approx(10.0)
    expected = sum(r.capacity * 100 * (2041 - r.year) / 20 for r in st.itertuples())
    assert st.undepreciated_value.sum() == pytest.approx(expected)
    assert expected > 0


def test_resources_in_their_units(toy):
    commodities = {**COMMODITIES, "resources": {
        "electricity": {"name": "Electricity", "unit": "TWh", "members": {"electricity": 0.277778}}}}
    toy.write("models/commodities.yaml", commodities)
    toy.sector(widget_sector(clean={**CLEAN, "capex": 0}))
    toy.scenario(scenario())
    out = toy.solve()
    res = out.results["resources"].set_index(["resource", "year"])["value"]
    assert res[("electricity", 2030)] == pytest.approx(10 * 0.5 * 0.277778)   # 10 Mt x 0.5 PJ/Mt in TWh
