"""Carbon accounting: non-CO2 gases as CO2e under the budget (scenario `emissions.gases`).

Hand-solvable toys; the toy commodity file carries the AR6 GWP100 of methane (29.8).
"""

from __future__ import annotations

import copy

import pytest
from conftest import COMMODITIES, scenario, table, widget_sector

from planner.errors import InputError
from planner.schema.load import load_run

GWP_CH4 = 29.8


def with_gases(toy, **extra) -> None:
    """The toy commodity file (methane at GWP100 29.8) with any extra commodities."""
    data = copy.deepcopy(COMMODITIES)
    assert data["gases"]["CH4"]["gwp100"] == GWP_CH4
    data["commodities"].update(extra)
    toy.write("models/commodities.yaml", data)


# Both serve the 10 Mt demand from existing stock (nothing can be built); per t of widget:
#   lng: 5 GJ coal = 10 USD and 0.5 tCO2, plus 0.01 t CH4 (slip) = 0.298 tCO2e
#   oil: 7 GJ coal = 14 USD and 0.7 tCO2
# Under a carbon price P counting CO2 only, lng costs 10 + 0.5 P < 14 + 0.7 P: always chosen.
# Counting CH4 too, lng costs 10 + 0.798 P, cheaper only while 0.098 P < 4: P < 40.82 USD/t.
SLIP = widget_sector(
    lng={"inputs": {"coal": 5}, "other_emissions": {"CH4": 0.01}, "stock": [{"capacity": 10, "retire": 2041}],
         "available_from": 2100},
    oil={"inputs": {"coal": 7}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
)
SWITCH = 4 / (0.5 + 0.01 * GWP_CH4 - 0.7)


def made_by(out, tech: str, year: int = 2030) -> float:
    return float(table(out, "production", technology=tech).get(year, 0.0))


def test_methane_slip_decides_the_choice_only_when_counted(toy):
    with_gases(toy)
    toy.sector(SLIP)
    assert SWITCH == pytest.approx(40.816, abs=1e-3)
    toy.scenario(scenario(carbon_price=42))
    assert made_by(toy.solve(), "lng") == pytest.approx(10)          # CO2 only: slip is not priced
    toy.scenario(scenario(carbon_price=42, emissions={"gases": ["CO2", "CH4"]}))
    out = toy.solve()
    assert made_by(out, "oil") == pytest.approx(10)                  # 42 > 40.8: the slip tips it
    toy.scenario(scenario(carbon_price=40, emissions={"gases": ["CO2", "CH4"]}))
    assert made_by(toy.solve(), "lng") == pytest.approx(10)          # 40 < 40.8: lng still wins


def test_priced_slip_costs_the_price_times_co2e(toy):
    with_gases(toy)
    toy.sector(SLIP).scenario(scenario(carbon_price=30))
    co2 = toy.solve()
    toy.scenario(scenario(carbon_price=30, emissions={"gases": ["CO2", "CH4"]}))
    co2e = toy.solve()
    # lng stays cheapest at 30 USD/t; counting CH4 adds 30 x 0.298 t x 10 Mt x 16 years
    assert co2e.results.objective - co2.results.objective == pytest.approx(30 * 0.298 * 10 * 16)
    carbon = co2e.results["costs"].query("component == 'carbon_price'").set_index("year")["value"]
    assert carbon[2030] == pytest.approx(30 * 0.798 * 10)


def test_binding_budget_equals_its_limit_in_co2e(toy):
    with_gases(toy)
    sector = widget_sector(
        lng={"inputs": {"coal": 5}, "other_emissions": {"CH4": 0.01}, "stock": [{"capacity": 10, "retire": 2041}],
             "available_from": 2100},
        clean={"inputs": {"electricity": 5}, "capex": 100},
    )
    toy.sector(sector).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 60}},
                                         emissions={"gases": ["CO2", "CH4"]}))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em["counted"].sum() == pytest.approx(60, rel=1e-7)       # the budget, in MtCO2e, binds
    lng = table(out, "production", technology="lng").reindex(em.index, fill_value=0.0)
    assert em["value"].to_numpy() == pytest.approx(0.5 * lng.to_numpy(), abs=1e-9)           # CO2 alone
    assert em["other_co2e"].to_numpy() == pytest.approx(0.298 * lng.to_numpy(), abs=1e-9)
    assert lng.sum() == pytest.approx(60 / 0.798)                   # so fewer widgets from lng than on CO2
    shares = out.results["budget_shares"].query("sector == 'total' and quantity == 'cumulative_emissions'")
    assert shares["value"].iloc[0] == pytest.approx(60, rel=1e-7)
    other = out.results["other_emissions"].query("year == 2025").iloc[0]
    assert other["co2e"] == pytest.approx(GWP_CH4 * other["value"]) and bool(other["counted"])
    assert out.headline["counted_gases"] == ["CO2", "CH4"]
    assert out.headline["cumulative_emissions"] == pytest.approx(60, rel=1e-7)


def test_uncounted_gas_is_reported_in_co2e_but_not_budgeted(toy):
    with_gases(toy)
    toy.sector(SLIP).scenario(scenario())
    em = toy.solve().results["emissions"].set_index("year")
    assert em.at[2030, "other_co2e"] == pytest.approx(10 * 0.298)
    assert em.at[2030, "counted"] == pytest.approx(em.at[2030, "value"]) == pytest.approx(5.0)


def test_unknown_gases_are_input_errors(toy):
    with_gases(toy)
    sector = copy.deepcopy(SLIP)
    sector["technologies"]["lng"]["other_emissions"] = {"CH5": 0.01}
    toy.sector(sector).scenario(scenario(emissions={"gases": ["CO2", "N2O"]}))
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    problems = {p.path: p for p in info.value.problems}
    assert "technologies.lng.other_emissions.CH5" in problems
    assert problems["technologies.lng.other_emissions.CH5"].file.endswith("models/widgets.yaml")
    assert "did you mean 'CH4'" in problems["technologies.lng.other_emissions.CH5"].message
    toy.sector(SLIP)
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    (p,) = info.value.problems
    assert p.path == "emissions.gases.1" and "N2O" in p.message and p.file.endswith("scenarios/toy.yaml")
    toy.scenario(scenario(emissions={"gases": ["CH4"]}))
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    assert "must include CO2" in str(info.value)


# ---------------------------------------------------------------- carbon held in products

# 10 Mt of widgets from existing stock that must all run: per t, 20 GJ coal = 2.0 tCO2 fed, of
# which 1.5 t leave in the widget (product_carbon). 'plain' releases the other 0.5 t at the site;
# 'captured' captures 90% of the 0.5 t formed (0.45 t) and releases 0.05 t.
#   site = 6 x 0.5 + 4 x 0.05 = 3.2, captured = 4 x 0.45 = 1.8, product carbon = 10 x 1.5 = 15,
#   site + product carbon = 20 fed - 1.8 captured = 18.2 MtCO2 a year under either switch.
HELD = widget_sector(
    plain={"inputs": {"coal": 20}, "product_carbon": 1.5, "stock": [{"capacity": 6, "retire": 2041}],
           "available_from": 2100},
    captured={"inputs": {"coal": 20}, "product_carbon": 1.5, "capture_rate": 0.9,
              "stock": [{"capacity": 4, "retire": 2041}], "available_from": 2100},
)


@pytest.mark.parametrize("switch, value, downstream, counted", [
    ({"product_carbon": "at_production"}, 18.2, 0.0, 18.2),
    ({"product_carbon": "downstream", "downstream_in_budget": True}, 3.2, 15.0, 18.2),
    ({"product_carbon": "downstream", "downstream_in_budget": False}, 3.2, 15.0, 3.2),
])
def test_product_carbon_is_counted_once_where_the_switch_says(toy, switch, value, downstream, counted):
    toy.sector(HELD).scenario(scenario(carbon_price=10, emissions=switch))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em.at[2030, "value"] == pytest.approx(value)
    assert em.at[2030, "downstream"] == pytest.approx(downstream)
    assert em.at[2030, "counted"] == pytest.approx(counted)
    assert em.at[2030, "captured"] == pytest.approx(1.8)          # capture acts on the CO2 formed only
    assert em.at[2030, "value"] + em.at[2030, "downstream"] == pytest.approx(20 - 1.8)   # nothing lost
    assert table(out, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(1.8)
    carbon = out.results["costs"].query("component == 'carbon_price'").set_index("year")["value"]
    assert carbon[2030] == pytest.approx(10 * counted)           # the price applies to what is counted
    by_tech = out.results["emissions_by_technology"].query("year == 2030").set_index("technology")
    assert by_tech.at["plain", "product_carbon"] == pytest.approx(6 * 1.5)


def test_counting_product_carbon_decides_the_route(toy):
    # 'held' (40 USD/t of coal, 0.5 t at the site + 1.5 t in the product) against 'green' (60 USD/t
    # of power, no carbon), both free to build. At 20 USD/t: counting the product carbon, held costs
    # 40 + 20 x 2.0 = 80 > 60; not counting it, 40 + 20 x 0.5 = 50 < 60.
    sector = widget_sector(held={"inputs": {"coal": 20}, "product_carbon": 1.5},
                           green={"inputs": {"electricity": 6}})
    toy.sector(sector).scenario(scenario(carbon_price=20, emissions={"downstream_in_budget": True}))
    assert made_by(toy.solve(), "green") == pytest.approx(10)
    toy.scenario(scenario(carbon_price=20, emissions={"product_carbon": "at_production"}))
    assert made_by(toy.solve(), "green") == pytest.approx(10)
    toy.scenario(scenario(carbon_price=20, emissions={"downstream_in_budget": False}))
    assert made_by(toy.solve(), "held") == pytest.approx(10)


def test_calibration_counts_the_product_carbon_the_published_figure_includes(toy):
    sector = copy.deepcopy(HELD)
    sector["calibration"] = {"year": 2025, "emissions": {"value": 18.2, "unit": "MtCO2", "year": 2025,
                                                         "product_carbon": ["widget"], "sources": ["toy"]}}
    toy.sector(sector)
    for switch in ("at_production", "downstream"):
        toy.scenario(scenario(emissions={"product_carbon": switch}))
        cal = toy.solve().results["calibration"].set_index("quantity")
        assert cal.at["emissions", "model"] == pytest.approx(18.2)     # site 3.2 + widget carbon 15
    sector["calibration"]["emissions"]["product_carbon"] = []
    toy.sector(sector).scenario(scenario(emissions={"product_carbon": "at_production"}))
    cal = toy.solve().results["calibration"].set_index("quantity")
    assert cal.at["emissions", "model"] == pytest.approx(3.2)          # the site alone


def test_product_carbon_above_the_fossil_carbon_fed_is_an_input_error(toy):
    sector = widget_sector(held={"inputs": {"coal": 20, "biomass": 10}, "product_carbon": 2.5})
    toy.sector(sector).scenario(scenario())
    with pytest.raises(InputError) as info:
        toy.solve()
    (p,) = info.value.problems
    assert p.path == "technologies.held.product_carbon" and p.file.endswith("widgets.yaml")
    assert "exceeds the fossil carbon" in p.message and "2.5" in p.message


# A quarter of the widgets' carbon is released downstream (carbon_release 0.25), the rest stays
# held (e.g. landfilled plastics): released 0.25 x 15 = 3.75, held 11.25 MtCO2 a year.
def held_share(release: object = 0.25) -> dict:
    sector = copy.deepcopy(HELD)
    sector["commodities"]["widget"]["carbon_release"] = release
    return sector


@pytest.mark.parametrize("switch, value, downstream, counted", [
    ({"product_carbon": "at_production"}, 3.2 + 3.75, 0.0, 6.95),
    ({"product_carbon": "downstream", "downstream_in_budget": True}, 3.2, 3.75, 6.95),
    ({"product_carbon": "downstream", "downstream_in_budget": False}, 3.2, 3.75, 3.2),
])
def test_only_the_released_share_of_product_carbon_is_counted(toy, switch, value, downstream, counted):
    toy.sector(held_share()).scenario(scenario(carbon_price=10, emissions=switch))
    out = toy.solve()
    em = out.results["emissions"].set_index("year")
    assert em.at[2030, "value"] == pytest.approx(value)
    assert em.at[2030, "downstream"] == pytest.approx(downstream)
    assert em.at[2030, "held"] == pytest.approx(11.25)
    assert em.at[2030, "counted"] == pytest.approx(counted)
    assert em.at[2030, "value"] + em.at[2030, "downstream"] + em.at[2030, "held"] == pytest.approx(20 - 1.8)
    carbon = out.results["costs"].query("component == 'carbon_price'").set_index("year")["value"]
    assert carbon[2030] == pytest.approx(10 * counted)
    by_tech = out.results["emissions_by_technology"].query("year == 2030").set_index("technology")
    assert by_tech.at["plain", "held"] == pytest.approx(6 * 1.5 * 0.75)


def test_the_release_share_decides_the_route(toy):
    # 'held' (40 USD/t of coal, 0.5 t at the site + 1.5 t in the product) against 'green' (60 USD/t
    # of power): at 20 USD/t with all the product carbon released, held costs 40 + 20 x 2.0 = 80 > 60;
    # with a quarter released, 40 + 20 x (0.5 + 0.375) = 57.5 < 60.
    sector = widget_sector(held={"inputs": {"coal": 20}, "product_carbon": 1.5},
                           green={"inputs": {"electricity": 6}})
    toy.sector(sector).scenario(scenario(carbon_price=20))
    assert made_by(toy.solve(), "green") == pytest.approx(10)
    sector["commodities"]["widget"]["carbon_release"] = {2025: 0.25, 2040: 0.25}
    toy.sector(sector)
    assert made_by(toy.solve(), "held") == pytest.approx(10)


@pytest.mark.parametrize("where, release, message", [
    ("widget", 1.5, "between 0 and 1"),
    ("coal", 0.5, "applies to a product or intermediate"),
])
def test_a_bad_release_share_is_an_input_error(toy, where, release, message):
    sector = held_share(release) if where == "widget" else copy.deepcopy(HELD)
    if where == "coal":
        sector["commodities"]["coal"] = {"unit": "PJ", "price": 2.0, "emission_factor": 0.1,
                                         "carbon_release": release, "sources": ["toy"]}
    toy.sector(sector).scenario(scenario())
    with pytest.raises(InputError) as info:
        toy.solve()
    (p,) = info.value.problems
    assert p.path.startswith(f"commodities.{where}") and p.file.endswith("widgets.yaml")
    assert message in p.message


# ---------------------------------------------------------------- captured CO2 stored or used

def capture_commodities(toy) -> None:
    """Toy commodities plus captured CO2 drawn at 1 USD/t (transport) and air-captured CO2 at 100 USD/t
    (no emission factor); storage costs 10 USD/t (conftest)."""
    with_gases(toy, captured_co2={"unit": "MtCO2", "price": 1.0, "draw_on_capture": True, "sources": ["toy"]},
               dac_co2={"unit": "MtCO2", "price": 100.0, "sources": ["toy"]})


def fuel_sector(name: str = "widgets", fuel: float | None = 4.0, plant: bool = True) -> dict:
    """`plant` makes 10 Mt of widgets from existing stock: 10 GJ coal = 1.0 tCO2/t, 90% captured
    (9 Mt a year captured, 1 Mt released). `efuel` makes `fuel` units a year of an e-fuel burnt in
    the sector, each taking 0.5 t of CO2 feedstock (`co2`): drawn from capture or bought from air."""
    tech = {"lifetime": 20, "sources": ["toy"]}
    techs, commodities, demand = {}, {}, {}
    if fuel is not None:
        techs = {
            "efuel": {**tech, "name": "E-fuel", "output": f"{name}_fuel", "inputs": {f"{name}_co2": 0.5}},
            "co2_captured": {**tech, "name": "Captured CO2", "output": f"{name}_co2",
                             "inputs": {"captured_co2": 1.0}},
            "co2_air": {**tech, "name": "Air-captured CO2", "output": f"{name}_co2", "inputs": {"dac_co2": 1.0}},
        }
        commodities = {f"{name}_fuel": {"kind": "product", "unit": "PJ"},
                       f"{name}_co2": {"kind": "intermediate", "unit": "MtCO2"}}
        demand = {f"{name}_fuel": {"default": "flat", "variants": {"flat": {"values": fuel, "sources": ["toy"]}}}}
    if plant:
        techs["plant"] = {**tech, "name": "Plant", "output": "widget", "inputs": {"coal": 10}, "capture_rate": 0.9,
                          "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100}
        commodities["widget"] = {"kind": "product", "unit": "Mt"}
        demand["widget"] = {"default": "flat", "variants": {"flat": {"values": 10.0, "sources": ["toy"]}}}
    return {"sector": name, "name": name.title(), "unit": "Mt", "sources": {"toy": "hand-made toy data"},
            "commodities": commodities, "demand": demand, "technologies": techs}


def balance(out, year: int = 2030):
    return out.results["captured_co2"].query("sector == 'total' and year == @year").iloc[0]


def test_captured_co2_is_stored_or_used_and_used_co2_counts_where_it_burns(toy):
    # Drawing a tonne costs 1 USD and spares 10 USD of storage; air capture costs 100: the 2 Mt of
    # CO2 the 4 units of e-fuel need are drawn. Emissions: the plant's 1 Mt plus the 2 Mt drawn,
    # released when the e-fuel burns = 3 Mt = 10 Mt fossil CO2 fed - 7 Mt stored.
    capture_commodities(toy)
    toy.sector(fuel_sector()).scenario(scenario())
    out = toy.solve()
    b = balance(out)
    assert (b.captured, b.used, b.stored) == pytest.approx((9.0, 2.0, 7.0))
    assert b.stored + b.used == pytest.approx(b.captured)
    assert table(out, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(7.0)
    assert table(out, "commodity_use", commodity="captured_co2")[2030] == pytest.approx(2.0)
    em = out.results["emissions"].set_index("year")
    assert em.at[2030, "value"] == pytest.approx(1.0 + 2.0)
    assert em.at[2030, "captured"] == pytest.approx(9.0)       # the capture itself is unchanged
    assert (out.results["prices"].query("name == 'scarcity|captured_co2'")["value"] == 0).all()


def test_priced_carbon_makes_air_capture_win_over_drawn_fossil_co2(toy):
    # At a carbon price P a drawn tonne costs 1 - 10 + P against 100 from air: drawn while P < 109.
    capture_commodities(toy)
    toy.sector(fuel_sector())
    toy.scenario(scenario(carbon_price=108))
    assert balance(toy.solve()).used == pytest.approx(2.0)
    toy.scenario(scenario(carbon_price=110))
    out = toy.solve()
    b = balance(out)
    assert (b.captured, b.used, b.stored) == pytest.approx((9.0, 0.0, 9.0))
    assert out.results["emissions"].set_index("year").at[2030, "value"] == pytest.approx(1.0)  # air CO2: neutral


def test_drawing_all_that_is_captured_binds_the_balance_at_its_price(toy):
    # 30 units of e-fuel need 15 Mt of CO2, 9 Mt are captured: all 9 are drawn, 6 come from air.
    # The balance's price: one more tonne drawable would save 100 (air) - 1 (transport) + 10 (its
    # storage, as storage = captured - drawn) = 109 USD/t.
    capture_commodities(toy)
    toy.sector(fuel_sector(fuel=30.0)).scenario(scenario())
    out = toy.solve()
    b = balance(out)
    assert (b.captured, b.used, b.stored) == pytest.approx((9.0, 9.0, 0.0), abs=1e-9)
    assert table(out, "production", technology="co2_air")[2030] == pytest.approx(6.0)
    price = out.results["prices"].query("name == 'scarcity|captured_co2'").set_index("year")["value"]
    assert price[2030] == pytest.approx(109)


@pytest.mark.parametrize("solver", [{"decompose": False}, {"decompose": True, "jobs": 1, "gap": 1e-7}])
def test_a_sector_draws_the_co2_another_captures(toy, solver):
    # widgets captures 9 Mt and needs none; gadgets makes 4 units of e-fuel (2 Mt of CO2) and
    # captures none. Joint or decomposed, gadgets draws 2 Mt from widgets' capture and counts them;
    # widgets stores the rest (7 Mt), its share of the run's storage.
    capture_commodities(toy)
    toy.sector(fuel_sector(fuel=None)).sector(fuel_sector("gadgets", plant=False))
    toy.scenario(scenario(solver=solver))
    out = toy.solve(["widgets", "gadgets"])
    cap = out.results["captured_co2"].query("year == 2030").set_index("sector")
    assert cap.at["widgets", "captured"] == pytest.approx(9.0)
    assert cap.at["gadgets", "used"] == pytest.approx(2.0, abs=1e-6)
    assert cap.at["total", "stored"] == pytest.approx(7.0, abs=1e-6)
    assert cap.at["widgets", "stored"] == pytest.approx(7.0, abs=1e-6)
    em = out.results["emissions"].query("year == 2030").set_index("sector")["value"]
    assert em["gadgets"] == pytest.approx(2.0, abs=1e-6) and em["widgets"] == pytest.approx(1.0, abs=1e-6)


def test_a_product_made_from_captured_co2_carries_it_downstream(toy):
    # The e-fuel leaves the sector (product carbon 1 t per t drawn): the 2 Mt drawn are released
    # downstream, not at the site, and count under the budget only when the scenario says so.
    capture_commodities(toy)
    sector = fuel_sector()
    sector["technologies"]["co2_captured"]["product_carbon"] = 1.0
    toy.sector(sector)
    for in_budget, counted in ((True, 3.0), (False, 1.0)):
        toy.scenario(scenario(emissions={"downstream_in_budget": in_budget}))
        em = toy.solve().results["emissions"].set_index("year")
        assert (em.at[2030, "value"], em.at[2030, "downstream"]) == pytest.approx((1.0, 2.0))
        assert em.at[2030, "counted"] == pytest.approx(counted)


def test_capture_flags_are_checked(toy):
    capture_commodities(toy)
    data = copy.deepcopy(COMMODITIES)
    data["commodities"]["captured_co2"] = {"unit": "MtCO2", "price": 1.0, "draw_on_capture": True,
                                           "emission_factor": 1.0, "sources": ["toy"]}
    toy.write("models/commodities.yaml", data)
    toy.sector(fuel_sector()).scenario(scenario())
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    (p,) = info.value.problems
    assert p.path == "commodities.captured_co2" and "no emission factors" in p.message
    data["commodities"]["captured_co2"].pop("emission_factor")
    data["commodities"]["co2_storage"]["store_captured_co2"] = False
    toy.write("models/commodities.yaml", data)
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    assert "needs a commodity with store_captured_co2" in str(info.value)
