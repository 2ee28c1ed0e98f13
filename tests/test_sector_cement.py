"""Cement end to end on the shipped data: calibration to published 2025 figures, the default
1.5 °C scenario's budget binding with a positive carbon price, and a near-zero 2050 mix."""

from __future__ import annotations

import pytest
from conftest import shipped


@pytest.fixture(scope="module")
def base():
    return shipped(["cement"])


@pytest.fixture(scope="module")
def default():
    return shipped(["cement"], "default")


def test_2025_reproduces_published_production_and_co2(base):
    cal = base.results["calibration"].set_index("quantity")
    assert set(cal.index) == {"production|cement", "production|clinker", "emissions"}
    assert cal["within"].all(), cal[["model", "published", "deviation"]]
    assert cal.at["emissions", "published"] == pytest.approx(2600)  # GCP-CEM 2022, MtCO2


def test_default_budget_is_overshot_at_its_penalty_when_cement_alone_cannot_reach_it(default):
    # With the realistic dynamics cement alone cannot reach its 25.2 Gt share (about 25.5 at any
    # cost): the soft budget is overshot where abating costs more than the penalty, which is then
    # the carbon price, and the overshoot is reported.
    d = default.data
    assert d.budget_mt == pytest.approx(0.084 * 300.2 * 1000)
    cumulative = default.results["emissions"]["value"].sum()
    over = default.results.overshoot["all"]
    assert over > 0.3e3 and cumulative == pytest.approx(d.budget_mt + over, rel=1e-6)
    shares = default.results["budget_shares"].set_index(["sector", "quantity"])["value"]
    assert shares[("total", "overshoot")] == pytest.approx(over)
    pv = default.results["prices"].query("name == 'carbon_price_pv'")["value"].iloc[0]
    assert pv == pytest.approx(d.budget_penalty)
    price = default.results["prices"].query("name == 'carbon_price'").set_index("year")["value"]
    assert price[2050] > price[2025]  # the present-value price carried forward rises with the discount rate


def test_default_2050_clinker_is_near_zero_and_stays_calibrated(default):
    prod = default.results["production"]
    near_zero = set(default.data.groups["cement"]["near_zero"])
    clinker_2050 = prod[(prod.year == 2050) & (prod.output == "clinker")]
    share = clinker_2050[clinker_2050.technology.isin(near_zero)].value.sum() / clinker_2050.value.sum()
    assert share > 0.9
    em = default.results["emissions"].query("sector == 'cement'").set_index("year")["value"]
    assert em[2050] < 0.1 * em[2025]
    assert default.results["calibration"]["within"].all()  # 2025 is history under any scenario


# Published cost of CO2 avoided on a cement kiln, without CO2 transport and storage, EUR per
# tCO2: CEMCAP (Gardarsdottir et al. 2019, Energies 12:542; Roussanaly et al. 2017, Energy
# Procedia 114:6229) oxyfuel 42, MEA with steam from a gas boiler 83.2 (CEMCAP's MEA reference
# sits at about the 84 of membrane-assisted liquefaction). Ranges held: MEA 60-110, oxyfuel
# 30-65 EUR/t (the published figures +-30%: electricity and gas prices differ from CEMCAP's),
# at the model's 1.1396 USD/EUR (PyPSA technology-data rate, as in models/cement.yaml).
EUR = 1.1396
PUBLISHED_AVOIDED_EUR = {"pcc": (60.0, 110.0), "oxy": (30.0, 65.0)}


def cost_per_tco2_avoided(outcome, route: str, kiln: str, year: int) -> float:
    """(levelised cost of clinker with capture - without, less transport and storage of the
    captured CO2) / (scope 1 without - with), USD per tCO2, from the run's lcop and its data."""
    d = outcome.data
    lcop = outcome.results["lcop"].query("component == 'total' and year == @year").set_index("technology")["value"]
    ty = d.tech_year.xs("cement", level="sector")
    capture, ref = f"kiln_{kiln}_{route}", f"kiln_{kiln}"
    storage = d.commodity_year.at[(d.capture_sink, year), "price"] * ty.at[(capture, year), "captured"]
    avoided = ty.at[(ref, year), "scope1"] - ty.at[(capture, year), "scope1"]
    return (lcop[capture] - lcop[ref] - storage) / avoided


@pytest.mark.parametrize("route", ["pcc", "oxy"])
@pytest.mark.parametrize("kiln", ["coal", "gas"])
def test_capture_costs_what_cemcap_publishes_per_tonne_avoided(base, route, kiln):
    # 2030 prices, new kilns: DEA's costs, energy and capture rates (models/cement.yaml) give
    # about 91 USD (80 EUR) for MEA and 50 USD (44 EUR) for oxyfuel; with MPP's old capture opex
    # (no energy penalty) oxyfuel came to 16-18 EUR and coal MEA to 56 EUR.
    low, high = PUBLISHED_AVOIDED_EUR[route]
    cost = cost_per_tco2_avoided(base, route, kiln, 2030) / EUR
    assert low < cost < high


def test_capture_kilns_burn_and_draw_power_for_capture(base):
    # The amine kiln raises its regeneration steam from natural gas and both routes draw power for
    # capture, air separation and compression on top of the kiln's own 0.24 GJ/t (models/cement.yaml).
    f = base.data.flows.query("sector == 'cement' and year == 2030").set_index(["tech", "commodity"])["coef"]
    assert f[("kiln_coal_pcc", "natural_gas")] > 1.5       # GJ gas per t clinker for the steam
    assert f[("kiln_coal_pcc", "electricity")] > 0.24 + 0.2
    assert f[("kiln_coal_oxy", "electricity")] > 0.24 + 0.5  # ASU + CO2 purification unit
    # the boiler's CO2 is not captured: the amine kiln emits more than 10% of the coal kiln's CO2
    ty = base.data.tech_year.xs("cement", level="sector")
    assert ty.at[("kiln_coal_pcc", 2030), "scope1"] > 0.1 * ty.at[("kiln_coal", 2030), "scope1"] + 0.1


def test_no_capture_kiln_is_built_without_a_climate_policy(base):
    prod = base.results["production"]
    capture = set(base.data.groups["cement"]["capture"])
    assert prod[prod.technology.isin(capture)]["value"].sum() < 1e-6
    assert base.results["emissions"]["captured"].sum() < 1e-6
