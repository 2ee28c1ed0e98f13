"""Steel's residual streams on the shipped data: the scrap EAF's natural gas and its fossil charge
carbon can be abated in two independent steps (eaf_scrap_h2: hydrogen-fired heating; eaf_scrap_lowc:
hydrogen heating and biocarbon; retrofits eaf_to_h2, h2_to_lowc, eaf_to_lowc), only under a carbon
price, and the 2025 calibration holds.

Hand numbers (models/steel.yaml): eaf_scrap emits 1.483 GJ x 0.0561 + 0.0816 = 0.1648 tCO2/t,
eaf_scrap_h2 0.0816 (no gas), eaf_scrap_lowc 0.0357 (its electrodes and fluxes).
- Hydrogen step, 0.0832 t/t avoided. In 2050: hydrogen for gas 1.483 x (7.5 - 8.53) = -1.53 USD/t,
  conversion 35.6 USD per t/yr x CRF(5%, 40 yr) 0.0583 / 0.8 utilisation = 2.59 USD/t: 1.06 USD/t,
  about 13 USD/tCO2 (2030, hydrogen 13.3 USD/GJ: 9.66 USD/t, about 116 USD/tCO2).
- Biocarbon step, 0.0459 t/t avoided for 0.01392 t x 523 = 7.28 USD/t (no capex): 159 USD/tCO2 in
  every year. Under 100 USD/tCO2 it is never worth it; under 300 it is, unless biomass is scarce.
"""

from __future__ import annotations

import pytest
from conftest import shipped, table

H2, LOWC = "eaf_scrap_h2", "eaf_scrap_lowc"
SCRAP_ROUTES = ("eaf_scrap", H2, LOWC)


@pytest.fixture(scope="module")
def base():
    return shipped(["steel"])


def priced(folder, price: dict[int, float], **child):
    # hydrogen bought at the commodity's price (supply: []), as in tests/test_sector_steel.py
    return shipped(["steel"], folder=folder, supply=[], carbon_price=price, **child)


@pytest.fixture(scope="module")
def moderate(tmp_path_factory):
    # 50 USD/tCO2 from 2030: above the hydrogen step's cost from about 2042, below the biocarbon
    # step's (159) and below both steps together (65 in 2050) in every year
    return priced(tmp_path_factory.mktemp("steel_res_50"), {2025: 0, 2030: 50, 2050: 50})


@pytest.fixture(scope="module")
def high(tmp_path_factory):
    return priced(tmp_path_factory.mktemp("steel_res_300"), {2025: 0, 2050: 300})


@pytest.fixture(scope="module")
def high_no_biomass(tmp_path_factory):
    # no sustainable biomass to spare: the pool that charcoal draws on is closed
    return priced(tmp_path_factory.mktemp("steel_res_300_nobio"), {2025: 0, 2050: 300},
                  pools={"sustainable_biomass": {"limit": 0.0}})


def scrap_steel_2050(outcome) -> float:
    return sum(made(outcome, k) for k in SCRAP_ROUTES)


def converted_to(outcome, tech: str) -> float:
    retro = outcome.results["retrofits"]
    return retro[retro.to == tech].value.sum()


def made(outcome, tech: str, year: int = 2050) -> float:
    return table(outcome, "production", technology=tech).get(year, 0.0)


def test_without_a_carbon_price_scrap_eafs_keep_gas_and_fossil_carbon(base):
    for tech in (H2, LOWC):
        assert table(base, "production", technology=tech).abs().sum() < 1e-6
        assert converted_to(base, tech) < 1e-6
    assert table(base, "commodity_use", commodity="steel_biocarbon").abs().sum() < 1e-6
    assert base.results["calibration"]["within"].all()


def test_a_moderate_carbon_price_takes_the_gas_out_without_biomass(moderate):
    assert made(moderate, H2) > 0.5 * scrap_steel_2050(moderate)
    assert converted_to(moderate, H2) > 1.0  # existing mills are converted, not only new build
    em = table(moderate, "emissions_by_technology", technology=H2)
    assert em[2050] / made(moderate, H2) == pytest.approx(0.0816, rel=1e-6)  # the gas is gone, the charge carbon stays
    assert table(moderate, "production", technology=LOWC).abs().sum() < 1e-6
    assert table(moderate, "commodity_use", commodity="steel_biocarbon").abs().sum() < 1e-6
    assert moderate.results["calibration"]["within"].all()


def test_a_high_carbon_price_adds_biocarbon_and_leaves_only_electrode_co2(high):
    assert made(high, LOWC) > 0.5 * scrap_steel_2050(high)  # 159 USD/tCO2 < 300
    assert converted_to(high, LOWC) > 1.0
    em = table(high, "emissions_by_technology", technology=LOWC)
    assert em[2050] / made(high, LOWC) == pytest.approx(0.0357, rel=1e-6)
    bio = table(high, "commodity_use", commodity="steel_biocarbon")
    assert bio[2050] == pytest.approx(0.01392 * made(high, LOWC), rel=1e-6)
    assert high.results["calibration"]["within"].all()  # 2025 is history under any scenario


def test_without_biomass_to_spare_the_same_price_stops_at_hydrogen_heating(high, high_no_biomass):
    assert table(high_no_biomass, "commodity_use", commodity="steel_biocarbon").abs().sum() < 1e-6
    assert made(high_no_biomass, LOWC) < 1e-6
    assert made(high_no_biomass, H2) > 0.5 * scrap_steel_2050(high_no_biomass)  # the gas still goes
    # the scrap route's 2050 intensity rises from biocarbon's toward hydrogen heating's 0.0816 t/t
    def intensity(o):
        emitted = sum(table(o, "emissions_by_technology", technology=k).get(2050, 0.0) for k in SCRAP_ROUTES)
        return emitted / scrap_steel_2050(o)
    assert intensity(high) < 0.06 < intensity(high_no_biomass)
