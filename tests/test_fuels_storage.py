"""Fossil fuel prices of the shipped data and the CO2 storage limit (issue 14, items 1 and 2).

Each fossil fuel has its own sourced price: oil products at their 2025 market averages on one
crude-linked path (PyPSA technology-data 'oil', IEA 2022 APS), LNG at PyPSA's gas path, and the
storage open to the seven sectors is IEA NZE's industry capture line, which binds and is priced
when capture is worth more than the storage that exists.
"""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector

from planner.paths import project_paths
from planner.schema.common import interpolate
from planner.schema.load import load_commodities, load_sector

YEARS = [2025, 2030, 2035, 2040, 2045, 2050]
# PyPSA technology-data 'oil' (EUR/MWh, commit 634cdc1): the one path every oil product follows.
PYPSA_OIL = [43.0008, 43.6295, 42.938, 42.2464, 41.5549, 40.8634]
PYPSA_GAS = [42.9003, 28.4158, 27.0013, 25.5868, 24.1723, 22.7578]


def _prices() -> dict[str, list[float]]:
    """2025-2050 price path (USD/GJ) of every fossil fuel commodity that sectors buy."""
    paths = project_paths()
    commodities, _ = load_commodities(paths)
    found = {name: c.price for name, c in commodities.commodities.items()}
    for sector, names in {"shipping": ["ship_mgo"], "aviation": ["jet_kerosene"],
                          "trucking": ["truck_diesel", "truck_lng"]}.items():
        data, problems = load_sector(sector, paths, commodities)
        assert data is not None, problems
        for name in names:
            found[name] = data.commodities[name].price
    return {name: list(interpolate(price, YEARS)) for name, price in found.items()}


def test_each_fuel_2025_price_is_its_sourced_market_price():
    p = _prices()
    assert p["fuel_oil"][0] == pytest.approx(535 / 40.4, abs=0.01)      # VLSFO 535 USD/t, RFO 40.4 GJ/t
    assert p["ship_mgo"][0] == pytest.approx(754 / 43.0, abs=0.01)      # MGO 754 USD/t, gas oil 43.0 GJ/t
    assert p["truck_diesel"][0] == pytest.approx(754 / 43.0, abs=0.01)  # priced as MGO (assumption)
    assert p["jet_kerosene"][0] == pytest.approx(86 / 5.596, abs=0.05)  # IATA 86 USD/bbl, rounded to 15.4
    for lng in ("lng", "truck_lng"):                                    # PyPSA gas, EUR/MWh -> USD/GJ
        assert p[lng] == pytest.approx([v / 3.6 / 0.8775 for v in PYPSA_GAS], abs=0.01)


def test_fuel_oil_is_no_longer_priced_as_gas_and_oil_products_share_one_path():
    p = _prices()
    assert all(abs(o - g) > 1.0 for o, g in zip(p["fuel_oil"], p["natural_gas"]))
    index = [v / PYPSA_OIL[0] for v in PYPSA_OIL]
    for name in ("fuel_oil", "ship_mgo", "jet_kerosene", "truck_diesel"):
        assert [v / p[name][0] for v in p[name]] == pytest.approx(index, abs=0.002), name
    # the market's ordering per GJ: residual fuel below jet below gas oil
    assert p["fuel_oil"][0] < p["jet_kerosene"][0] < p["ship_mgo"][0]


def test_storage_limit_is_the_nze_industry_and_merchant_hydrogen_capture_lines():
    commodities, _ = load_commodities(project_paths())
    limit = commodities.commodities["co2_storage"].limit
    # IEA NZE 2023: industry fossil + process 4 / 247 / 769 / 2,152 plus industry bioenergy
    # 0 / 23 / 77 / 232 plus merchant hydrogen 0 / 161 / 285 / 756 Mt (2022/30/35/50), of the
    # total 45 / 1,024 / 2,421 / 6,040.
    assert list(interpolate(limit, [2022, 2030, 2035, 2050])) == pytest.approx([4, 431, 1131, 3140])


def test_storage_limit_binds_and_prices_storage(toy):
    # 'dirty' emits 1 t/t; 'ccs' emits the same and captures 0.9 t/t at 20 USD/t more. At 100
    # USD/tCO2 capture is worth 0.9 x (100 - 10 storage) - 20 = 61 USD per t widget, so both
    # fleets want to capture, but only 4.5 Mt/yr can be stored: ccs runs at 4.5 / 0.9 = 5 Mt.
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        ccs={"inputs": {"coal": 10}, "capture_rate": 0.9, "variable_om": 20,
             "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
    )).scenario(scenario(carbon_price=100, commodities={"co2_storage": {"limit": 4.5}}))
    out = toy.solve()
    assert table(out, "commodity_use", commodity="co2_storage")[2030] == pytest.approx(4.5)
    assert table(out, "production", technology="ccs")[2030] == pytest.approx(5.0)
    scarcity = out.results["prices"].query("name == 'scarcity|co2_storage'").set_index("year")["value"]
    # one more t stored moves 1/0.9 t widget to ccs: 61 / 0.9 = 67.8 USD/tCO2
    assert scarcity[2030] == pytest.approx(61 / 0.9, rel=1e-6)
    # with room to spare, storage is free (no scarcity) and every widget is captured
    toy.scenario(scenario(carbon_price=100, commodities={"co2_storage": {"limit": 20}}))
    free = toy.solve()
    assert table(free, "production", technology="ccs")[2030] == pytest.approx(10.0)
    storage_price = free.results["prices"].query("name == 'scarcity|co2_storage'")["value"]
    assert storage_price.abs().max() == pytest.approx(0, abs=1e-9)
