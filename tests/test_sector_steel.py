"""Steel end to end on the shipped data: calibration to published 2025 figures, blast-furnace
lock-in without a climate constraint, and a near-zero 2050 mix under a rising carbon price."""

from __future__ import annotations

import pytest
from conftest import shipped, table


@pytest.fixture(scope="module")
def base():
    return shipped(["steel"])


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    return shipped(["steel"], folder=tmp_path_factory.mktemp("steel"), carbon_price={2025: 0, 2050: 300})


def test_2025_reproduces_published_production_and_co2(base):
    cal = base.results["calibration"].set_index("quantity")
    assert set(cal.index) == {"production|crude_steel", "emissions"}
    assert cal["within"].all(), cal[["model", "published", "deviation"]]
    assert cal.at["production|crude_steel", "published"] == pytest.approx(1882.6)  # worldsteel 2024
    assert cal.at["emissions", "published"] == pytest.approx(2600)  # ETC 2021, direct CO2 2019


def test_without_climate_policy_blast_furnaces_are_relined(base):
    em = table(base, "emissions")
    assert em[2050] > 0.7 * em[2025]
    reline = table(base, "new_capacity", technology="bf_bof_reline")
    assert reline.max() <= 82.45 + 1e-6  # only furnaces at the end of a campaign
    assert reline.sum() > 1000
    scrap = table(base, "commodity_use", commodity="steel_scrap")
    assert scrap[2050] <= 1451.6 + 1e-6  # MPP BAU scrap availability


def test_carbon_price_moves_the_mix_to_near_zero_routes(priced):
    em = table(priced, "emissions")
    assert em[2050] < 0.2 * em[2025]
    prod = priced.results["production"]
    near_zero = set(priced.data.groups["steel"]["near_zero"])
    p2050 = prod[prod.year == 2050]
    assert p2050[p2050.technology.isin(near_zero)].value.sum() / p2050.value.sum() > 0.9
    bf = set(priced.data.groups["steel"]["bf_bof"])
    assert p2050[p2050.technology.isin(bf)].value.sum() < 1.0
    assert priced.results["calibration"]["within"].all()  # 2025 is history under any scenario
