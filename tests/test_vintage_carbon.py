"""Carbon accounting for technologies with vintage inputs: per-cohort methane slip counted as CO2e
under the budget, per-cohort product carbon and capture (hand-solvable toys). Coal costs 2 USD/GJ
and emits 0.1 tCO2/GJ, methane has a GWP100 of 29.8 (conftest)."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector

from planner.errors import InputError

GWP_CH4 = 29.8

# 10 Mt/yr of widgets from stock only (nothing can be built), 2025-2040 (16 years, no discounting):
#   lng, vintage inputs: 5 GJ coal = 10 USD and 0.5 tCO2 per t; methane slip by vintage
#     cohort A (vintage 2021, 6 Mt): 0.02 t CH4 = 0.596 tCO2e  -> 1.096 tCO2e per t counted
#     cohort B (own slip, 4 Mt):     0.005 t CH4 = 0.149 tCO2e -> 0.649 tCO2e per t counted
#   oil: 7 GJ coal = 14 USD and 0.7 tCO2 per t (10 Mt of stock)
# Counting CH4, lng A + B emit 6 x 1.096 + 4 x 0.649 = 9.172 MtCO2e a year, 146.752 over 16 years.
# Under a budget of 140 MtCO2e the cheapest cut moves output from A to oil (4 USD/t more for
# 0.396 tCO2e less, 10.10 USD/tCO2e); B stays (0.649 < 0.7): 6.752 / 0.396 Mt of oil over the run.
# Counting CO2 only, lng emits 5 MtCO2 a year, 80 in all: the budget does not bind.
SLIP = widget_sector(
    lng={"vintage_inputs": True, "capex": 1000, "inputs": {"coal": 5},
         "other_emissions": {"CH4": {2021: 0.02, 2030: 0.01}},
         "stock": [{"capacity": 6, "retire": 2041, "vintage": 2021},
                   {"capacity": 4, "retire": 2041, "other_emissions": {"CH4": 0.005}}],
         "available_from": 2100},
    oil={"inputs": {"coal": 7}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
)
BUDGET = {"unit": "MtCO2", "sectors": {"widgets": 140}}


def test_methane_slip_by_vintage_counts_as_co2e_under_the_budget(toy):
    toy.sector(SLIP).scenario(scenario(budget=BUDGET, emissions={"gases": ["CO2", "CH4"]}))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em["counted"].sum() == pytest.approx(140, rel=1e-7)          # the budget binds in CO2e
    cut = (6 * 1.096 + 4 * 0.649) * 16 - 140
    assert cut == pytest.approx(6.752)
    oil = table(out, "production", technology="oil")
    assert oil.sum() == pytest.approx(cut / 0.396, rel=1e-6)             # output moved from cohort A
    t = out.results["activity_by_cohort"]
    b = t[(t.technology == "lng") & (t.cohort == "stock-2041-2")].set_index("year")["value"]
    assert b.to_numpy() == pytest.approx([4.0] * 16)                     # cohort B keeps running
    a = t[(t.technology == "lng") & (t.cohort == "stock-2041")].groupby("year")["value"].sum()
    a = a.reindex(b.index, fill_value=0.0)                               # idle where oil runs instead
    ch4 = 0.02 * a + 0.005 * b
    assert em["other_co2e"].to_numpy() == pytest.approx((GWP_CH4 * ch4).to_numpy())
    assert em["counted"].to_numpy() == pytest.approx((em["value"] + GWP_CH4 * ch4).to_numpy())
    other = out.results["other_emissions"].set_index("year")
    assert other.loc[2025, "value"] == pytest.approx(ch4[2025])
    assert other.loc[2025, "gwp100"] == GWP_CH4 and bool(other.loc[2025, "counted"])
    assert other["co2e"].sum() == pytest.approx(GWP_CH4 * ch4.sum())


def test_uncounted_slip_by_vintage_leaves_the_budget_slack(toy):
    toy.sector(SLIP).scenario(scenario(budget=BUDGET))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em["counted"].sum() == pytest.approx(80)                     # CO2 only: 5 Mt a year
    assert em.loc[2030, "other_co2e"] == pytest.approx(GWP_CH4 * (6 * 0.02 + 4 * 0.005))
    assert table(out, "production", technology="oil").sum() == pytest.approx(0, abs=1e-6)


def test_an_unknown_gas_of_a_stock_entry_is_an_input_error(toy):
    sector = widget_sector(lng={"vintage_inputs": True, "capex": 1000, "inputs": {"coal": 5},
                                "stock": [{"capacity": 10, "retire": 2041, "other_emissions": {"CH5": 0.01}}]})
    toy.sector(sector).scenario(scenario())
    with pytest.raises(InputError) as err:
        toy.solve()
    p = next(p for p in err.value.problems if "CH5" in p.message)
    assert p.path == "technologies.lng.stock.0.other_emissions.CH5" and "did you mean 'CH4'" in p.message


# 'held' (vintage inputs, 10 Mt of stock, capture 50 %) holds 1.5 tCO2 per t widget in its product:
#   cohort A (vintage 2021): 20 GJ coal = 2.0 tCO2 fed; captured 0.5 x (2.0 - 1.5) = 0.25; site 0.25
#   cohort B (own inputs):   18 GJ coal = 1.8 tCO2 fed; captured 0.5 x (1.8 - 1.5) = 0.15; site 0.15
# per year with 6 Mt of A and 4 of B: site 6 x 0.25 + 4 x 0.15 = 2.1, captured 2.1, product carbon 15.
HELD = widget_sector(held={
    "vintage_inputs": True, "capex": 1000, "inputs": {"coal": {2021: 20.0, 2030: 16.0}}, "product_carbon": 1.5,
    "capture_rate": 0.5, "available_from": 2100,
    "stock": [{"capacity": 6, "retire": 2041, "vintage": 2021},
              {"capacity": 4, "retire": 2041, "inputs": {"coal": 18.0}}]})


@pytest.mark.parametrize("switch, value, downstream, counted", [
    ({"product_carbon": "at_production"}, 17.1, 0.0, 17.1),
    ({"product_carbon": "downstream", "downstream_in_budget": True}, 2.1, 15.0, 17.1),
    ({"product_carbon": "downstream", "downstream_in_budget": False}, 2.1, 15.0, 2.1),
])
def test_product_carbon_of_a_vintage_technology_is_reported_downstream(toy, switch, value, downstream, counted):
    toy.sector(HELD).scenario(scenario(emissions=switch))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    for y in (2025, 2033, 2040):
        assert em.loc[y, "value"] == pytest.approx(value)
        assert em.loc[y, "downstream"] == pytest.approx(downstream)
        assert em.loc[y, "counted"] == pytest.approx(counted)
        assert em.loc[y, "captured"] == pytest.approx(2.1)
    by_tech = out.results["emissions_by_technology"].set_index("year")
    assert by_tech.loc[2030, "product_carbon"] == pytest.approx(15.0)
    assert by_tech.loc[2030, "downstream"] == pytest.approx(downstream)
    assert table(out, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(2.1)


def test_product_carbon_above_a_cohort_s_fossil_carbon_is_an_input_error(toy):
    sector = widget_sector(held={"vintage_inputs": True, "capex": 1000, "inputs": {"coal": 20.0}, "product_carbon": 1.5,
                                 "stock": [{"capacity": 10, "retire": 2041, "inputs": {"coal": 10.0}}]})
    toy.sector(sector).scenario(scenario())
    with pytest.raises(InputError) as err:
        toy.solve()
    p = next(p for p in err.value.problems if p.path == "technologies.held.product_carbon")
    assert "cohort stock-2041" in p.message and p.file.endswith("widgets.yaml")
