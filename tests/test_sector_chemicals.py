"""Chemicals (ammonia and methanol) end to end on the shipped data: calibration to published
figures in 2025, the 2025 route mix, and the response to a rising carbon price."""

from __future__ import annotations

import pytest
from conftest import shipped


@pytest.fixture(scope="module")
def base():
    return shipped(["chemicals"])


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    # the sector's own response to a carbon price, with hydrogen bought at the commodity's price
    # (supply: []); the hydrogen supply sector and its build ramps: tests/test_supply.py
    return shipped(["chemicals"], folder=tmp_path_factory.mktemp("chemicals"), supply=[], carbon_price={2025: 0, 2050: 300})


def _shares(outcome, product: str, year: int):
    prod = outcome.results["production"]
    rows = prod[(prod.year == year) & (prod.output == product)]
    return rows.groupby("technology")["value"].sum() / rows["value"].sum()


def test_2025_reproduces_published_production_and_co2(base):
    cal = base.results["calibration"].set_index("quantity")
    assert set(cal.index) == {"production|ammonia", "production|methanol", "emissions"}
    assert cal["within"].all(), cal[["model", "published", "deviation"]]
    assert cal.at["production|ammonia", "model"] == pytest.approx(185.2, rel=1e-6)
    assert cal.at["production|methanol", "model"] == pytest.approx(120.0, rel=1e-6)
    assert cal.at["emissions", "published"] == pytest.approx(676.15)  # IEA 2017, ammonia + methanol


def test_2025_route_mix_is_the_fleet(base):
    nh3 = _shares(base, "ammonia", 2025)
    assert set(nh3.index) == {"nh3_smr_fleet", "nh3_coal_fleet"}
    assert nh3["nh3_coal_fleet"] == pytest.approx(0.26, abs=0.03)  # WEF: coal 26% of ammonia
    meoh = _shares(base, "methanol", 2025)
    assert set(meoh.index) == {"meoh_gas_fleet", "meoh_coal_fleet"}
    assert 0.4 < meoh["meoh_coal_fleet"] < 0.55


def test_carbon_price_drives_out_unabated_fossil(base, priced):
    em_base = base.results["emissions"].query("sector == 'chemicals'").set_index("year")["value"]
    em = priced.results["emissions"].query("sector == 'chemicals'").set_index("year")["value"]
    assert em[2025] == pytest.approx(em_base[2025])  # 2025 is history: price starts at 0
    assert em[2050] < 0.05 * em[2025]
    assert em[2050] < 0.1 * em_base[2050]
    nh3 = _shares(priced, "ammonia", 2050)
    near_zero = set(priced.data.groups["chemicals"]["near_zero"])
    assert nh3[nh3.index.isin(near_zero)].sum() > 0.9
    unabated = {"nh3_smr", "nh3_coal", "nh3_smr_fleet", "nh3_coal_fleet",
                "meoh_gas", "meoh_coal", "meoh_gas_fleet", "meoh_coal_fleet"}
    prod = priced.results["production"]
    assert prod[(prod.year == 2050) & prod.technology.isin(unabated)]["value"].sum() == pytest.approx(0, abs=1e-6)
    assert priced.results["calibration"]["within"].all()
