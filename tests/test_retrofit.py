"""Retrofits: capacity moves between technologies and keeps its vintage."""

from __future__ import annotations

import pytest
from conftest import scenario, table, widget_sector


def test_retrofit_moves_capacity_and_keeps_its_vintage(toy):
    sector = widget_sector(
        kiln={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2036}], "available_from": 2100},
        kiln_ccs={"inputs": {"coal": 11}, "capture_rate": 0.9, "capex": 500, "lifetime": 25,
                  "available_from": 2100},
        other={"inputs": {"electricity": 5}, "capex": 200, "lifetime": 25},
    )
    sector["retrofits"] = {"add_capture": {"from": "kiln", "to": "kiln_ccs", "capex": 20,
                                           "available_from": 2030, "sources": ["toy"]}}
    toy.sector(sector).scenario(scenario(carbon_price={2029: 0, 2030: 100}))
    out = toy.solve()
    retro = out.results["retrofits"]
    assert list(retro.year) == [2030]
    assert retro.value.iloc[0] == pytest.approx(10)
    assert table(out, "capacity", technology="kiln").get(2030, 0.0) == pytest.approx(0)
    ccs = table(out, "capacity", technology="kiln_ccs")
    assert ccs[2030] == pytest.approx(10) and ccs[2035] == pytest.approx(10)
    # the retrofitted capacity leaves with its vintage (2036), not 25 years after the retrofit
    assert ccs.get(2036, 0.0) == pytest.approx(0)
    assert table(out, "production", technology="other")[2036] == pytest.approx(10)
    cohorts = out.data.cohorts.xs("kiln_ccs", level="tech")
    assert cohorts.loc[("widgets", "add_capture:stock-2036"), "end"] == 2036
    costs = out.results["costs"].set_index("component")["value"]
    assert costs["retrofit_capex"] == pytest.approx(200)


def test_retrofit_not_before_its_year(toy):
    sector = widget_sector(
        kiln={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2036}], "available_from": 2100},
        kiln_ccs={"inputs": {"coal": 11}, "capture_rate": 0.9, "lifetime": 25, "available_from": 2100},
        other={"inputs": {"electricity": 5}, "capex": 200, "lifetime": 25},
    )
    sector["retrofits"] = {"add_capture": {"from": "kiln", "to": "kiln_ccs", "capex": 1,
                                           "available_from": 2033, "sources": ["toy"]}}
    toy.sector(sector).scenario(scenario(carbon_price=100))
    out = toy.solve()
    assert out.results["retrofits"].year.min() == 2033
