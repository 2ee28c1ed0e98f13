"""Steel's residual streams on the shipped data: the scrap EAF's natural gas and charge carbon
can be abated (eaf_scrap_lowc: hydrogen-fired heating, biocarbon; retrofit eaf_to_lowc), only
under a carbon price, and the 2025 calibration holds.

Hand numbers (models/steel.yaml): eaf_scrap emits 1.483 GJ x 0.0561 + 0.0816 = 0.1648 tCO2/t,
eaf_scrap_lowc 0.0357 (its electrodes and fluxes), 0.129 t/t avoided. Extra cost in 2050 per t:
biocarbon 0.01392 t x 523 = 7.28 USD, hydrogen for gas 1.483 x (7.5 - 8.53) = -1.53 USD, and the
conversion 35.6 USD per t/yr x CRF(5%, 40 yr) 0.0583 / 0.8 utilisation = 2.59 USD: 8.34 USD/t, or
about 65 USD/tCO2 avoided; in 2030 (hydrogen 13.3 USD/GJ) about 130 USD/tCO2.
"""

from __future__ import annotations

import pytest
from conftest import shipped, table

LOWC = "eaf_scrap_lowc"


@pytest.fixture(scope="module")
def base():
    return shipped(["steel"])


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    # hydrogen bought at the commodity's price (supply: []), as in tests/test_sector_steel.py
    return shipped(["steel"], folder=tmp_path_factory.mktemp("steel_res"), supply=[],
                   carbon_price={2025: 0, 2050: 300})


def test_without_a_carbon_price_scrap_eafs_keep_gas_and_fossil_carbon(base):
    assert table(base, "production", technology=LOWC).abs().sum() < 1e-6
    assert table(base, "commodity_use", commodity="steel_biocarbon").abs().sum() < 1e-6
    retro = base.results["retrofits"]
    assert retro[retro.to == LOWC].value.sum() < 1e-6
    assert base.results["calibration"]["within"].all()


def test_under_a_carbon_price_scrap_eafs_convert_and_emit_only_electrode_co2(priced):
    prod = table(priced, "production", technology=LOWC)
    scrap_eaf = table(priced, "production", technology="eaf_scrap")
    assert prod[2050] > 0.5 * (prod[2050] + scrap_eaf[2050])  # most scrap steel, at ~65 USD/t < price
    retro = priced.results["retrofits"]
    assert retro[retro.to == LOWC].value.sum() > 1.0  # existing plants are converted, not only new build
    em = table(priced, "emissions_by_technology", technology=LOWC)
    assert em[2050] / prod[2050] == pytest.approx(0.0357, rel=1e-6)  # no gas, no fossil charge carbon
    bio = table(priced, "commodity_use", commodity="steel_biocarbon")
    assert bio[2050] == pytest.approx(0.01392 * prod[2050], rel=1e-6)
    assert priced.results["calibration"]["within"].all()  # 2025 is history under any scenario
