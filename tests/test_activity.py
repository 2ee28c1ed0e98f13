"""Activity family: demand met, intermediates balanced, marginal cost from the demand row."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector


def two_stage_sector() -> dict:
    """Widgets made from an intermediate 'part' (0.5 or 0.9 part per widget)."""
    sector = widget_sector(
        lean={"inputs": {"part": 0.5, "electricity": 0.1}, "capex": 10, "max_share": 0.4},
        full={"inputs": {"part": 0.9}, "capex": 10},
        parts={"output": "part", "inputs": {"coal": 4}, "capex": 20},
    )
    sector["commodities"]["part"] = {"kind": "intermediate", "unit": "Mt"}
    for key in ("lean", "full"):
        sector["technologies"][key]["output"] = "widget"
    return sector


def test_intermediate_balance_and_demand(toy):
    toy.sector(two_stage_sector()).scenario(scenario())
    out = toy.solve()
    widgets = table(out, "production", output="widget")
    parts = table(out, "production", technology="parts")
    assert widgets[2030] == pytest.approx(10)
    # lean is cheaper per widget (0.5 part) but capped at 40%: parts = 4 * 0.5 + 6 * 0.9
    assert parts[2030] == pytest.approx(4 * 0.5 + 6 * 0.9)
    coal = table(out, "commodity_use", commodity="coal")
    assert coal[2030] == pytest.approx(4 * parts[2030])


def test_marginal_cost_of_product(toy):
    toy.sector(widget_sector(
        plant={"inputs": {"coal": 10}, "variable_om": 3, "stock": [{"capacity": 20, "retire": 2041}],
               "available_from": 2100},
    )).scenario(scenario(discount_rate=0.05))
    out = toy.solve()
    mc = out.results["prices"].query("name == 'marginal_cost|widgets|widget'").set_index("year")["value"]
    assert mc[2030] == pytest.approx(10 * 2 + 3)  # coal at 2 USD/GJ plus variable O&M


def test_calibration_table_compares_first_year_with_published_figures(toy):
    sector = widget_sector(plant={"inputs": {"coal": 10}, "stock": [{"capacity": 20, "retire": 2041}],
                                  "available_from": 2100})
    sector["calibration"] = {
        "year": 2025, "tolerance": 0.1,
        "production": {"widget": {"value": 10.5, "unit": "Mt", "year": 2024, "sources": ["toy"]}},
        "emissions": {"value": 0.012, "unit": "GtCO2", "year": 2024, "sources": ["toy"]},
    }
    toy.sector(sector).scenario(scenario())
    cal = toy.solve().results["calibration"].set_index("quantity")
    assert cal.at["production|widget", "model"] == pytest.approx(10)
    assert cal.at["production|widget", "deviation"] == pytest.approx(10 / 10.5 - 1)
    assert bool(cal.at["production|widget", "within"])
    assert cal.at["emissions", "published"] == pytest.approx(12)
    assert not bool(cal.at["emissions", "within"])  # 10 MtCO2 against 12: 17% off


def test_calibration_of_process_emissions_counts_them_before_capture(toy):
    """Process CO2 as inventories report it (calcination): output x process factor, gross of capture.
    10 Mt at 0.5 tCO2/t process CO2, 90% of it captured: 5 MtCO2 against a published 5.5."""
    sector = widget_sector(plant={"inputs": {"coal": 1}, "process_emissions": 0.5, "process_capture_rate": 0.9,
                                  "stock": [{"capacity": 20, "retire": 2041}], "available_from": 2100})
    sector["calibration"] = {"year": 2025, "tolerance": 0.15, "process_emissions": {
        "value": 5.5, "unit": "MtCO2", "year": 2024, "sources": ["toy"]}}
    toy.sector(sector).scenario(scenario())
    cal = toy.solve().results["calibration"].set_index("quantity")
    assert cal.at["process_emissions", "model"] == pytest.approx(5.0)
    assert cal.at["process_emissions", "unit"] == "MtCO2"
    assert bool(cal.at["process_emissions", "within"])   # 9% off
