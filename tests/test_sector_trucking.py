"""Trucking end to end on the shipped data: the 2025 heavy-truck fleet reproduces published
tonne-km and tank-to-wheel CO2, and a rising carbon price empties the fleet of fossil trucks
with zero-emission trucks taking the sales."""

from __future__ import annotations

import pytest
from conftest import shipped


@pytest.fixture(scope="module")
def base():
    return shipped(["trucking"])


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    # the sector's own response to a carbon price, with hydrogen bought at the commodity's price
    # (supply: []); the hydrogen supply sector and its build ramps: tests/test_supply.py
    return shipped(["trucking"], folder=tmp_path_factory.mktemp("trucking"), supply=[],
                   carbon_price={2025: 0, 2050: 300})


def test_2025_reproduces_published_tkm_and_co2(base):
    cal = base.results["calibration"].set_index("quantity")
    assert set(cal.index) == {"production|truck_freight", "emissions"}
    assert cal["within"].all(), cal[["model", "published", "deviation"]]
    assert cal.at["emissions", "published"] == pytest.approx(1206)          # WEF 2024 x IEA TCEP share
    assert cal.at["production|truck_freight", "published"] == pytest.approx(21320)  # WEF 2024 x 65%


def test_2025_is_met_by_the_existing_fleet(base):
    new = base.results["new_capacity"]
    assert new[new.year == 2025].empty
    prod = base.results["production"].query("year == 2025").set_index("technology")["value"]
    assert prod["diesel"] / prod.sum() == pytest.approx(0.967, abs=0.001)


def test_carbon_price_decarbonises_with_zero_emission_sales(base, priced):
    em = priced.results["emissions"].query("sector == 'trucking'").set_index("year")["value"]
    em_base = base.results["emissions"].query("sector == 'trucking'").set_index("year")["value"]
    assert em[2050] < 0.05 * em[2025]
    assert em.sum() < em_base.sum()                       # the price buys earlier cuts
    shares = priced.results["group_shares"]
    zev_sales = shares.query("group == 'zev' and metric == 'new_capacity_share'").set_index("year")["value"]
    assert 0.05 < zev_sales[2030] < 0.6                   # ramping up, held back by the build limits
    assert zev_sales[2040] > 0.99                         # every new truck is zero-emission by 2040
    near_zero = shares.query("group == 'near_zero' and metric == 'output_share'").set_index("year")["value"]
    assert near_zero[2050] > 0.99
    # HVO supply is capped: the fuel switch of diesel trucks never exceeds the 1,000 PJ limit.
    use = priced.results["commodity_use"].query("commodity == 'truck_hvo'").groupby("year")["value"].sum()
    assert use.max() <= 1000 + 1e-6
