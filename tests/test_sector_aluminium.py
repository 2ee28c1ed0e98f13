"""The shipped aluminium sector: calibration against published 2025 figures, and behaviour
under a rising carbon price (captive coal leaves, inert anodes take over, emissions fall)."""

from __future__ import annotations

import pytest
from conftest import shipped

SMELTERS_PREFIX = "smelter_"


def _production(outcome, year: int) -> dict[str, float]:
    p = outcome.results["production"]
    p = p[(p.sector == "aluminium") & (p.year == year)]
    return p.groupby("technology")["value"].sum().to_dict()


def _emissions(outcome, year: int) -> float:
    e = outcome.results["emissions"]
    return float(e[(e.sector == "aluminium") & (e.year == year)]["value"].sum())


@pytest.fixture(scope="module")
def base():
    return shipped(["aluminium"])


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    return shipped(["aluminium"], folder=tmp_path_factory.mktemp("aluminium"), carbon_price={2025: 0, 2050: 300})


def test_calibration_within_tolerance(base):
    cal = base.results["calibration"]
    cal = cal[cal.sector == "aluminium"]
    assert set(cal.quantity) == {"production|aluminium", "emissions"}
    for _, row in cal.iterrows():
        assert row.within, f"{row.quantity}: model {row.model:.1f} vs published {row.published:.1f}"


def test_2025_primary_output_and_power_mix(base):
    made = _production(base, 2025)
    primary = sum(v for k, v in made.items() if k.startswith(SMELTERS_PREFIX))
    assert primary == pytest.approx(72.76, rel=0.01)  # IAI 2024 primary production
    captive = made.get("smelter_carbon_coal", 0) + made.get("smelter_carbon_gas", 0)
    assert captive / primary == pytest.approx(0.49, abs=0.01)  # Tan et al. 2025
    assert made["secondary_gas"] == pytest.approx(40.5, rel=0.01)  # scrap-limited


def test_carbon_price_decarbonises(base, priced):
    e25, e50 = _emissions(priced, 2025), _emissions(priced, 2050)
    assert e25 == pytest.approx(_emissions(base, 2025), rel=1e-6)  # no price in 2025
    assert e50 < 0.15 * e25  # 11% left in 2050: smelters built in 2026-29 serve half their 40-year life
    assert _emissions(priced, 2040) < _emissions(base, 2040)
    made = _production(priced, 2050)
    total = sum(made.values()) - sum(v for k, v in made.items() if k.startswith("alumina_"))
    inert = made.get("smelter_inert_renewable", 0) + made.get("smelter_inert_grid", 0)
    assert inert / total > 0.4
    assert made.get("smelter_carbon_coal", 0) == pytest.approx(0, abs=1e-6)
    assert made.get("alumina_coal", 0) == pytest.approx(0, abs=1e-6)


# IAI's business as usual (Aluminium Sector GHG Pathways to 2050, 2021; models/aluminium.yaml
# `iai-bau-2021`): the sector's 1.1 GtCO2e grow to 1.6 Gt by 2050 "if nothing is done", x1.45,
# with the carbon intensity per tonne "relatively stable" (15.8 against 16.1 t). Without a
# climate policy the plan's 2050 site + grid emissions over 2025 must lie within the issue's
# 0.67-1.5 band of that factor. By hand, the old data (captive smelters retired with nothing
# like them to replace them): (242 + 0) / (753 + 146) = 0.27, 0.27 / 1.45 = 0.19, far below
# 0.67; with captive smelters rebuildable at MPP's bau capex: (1,404 + 0) / (753 + 146) = 1.56,
# 1.56 / 1.45 = 1.08.
IAI_BAU_GROWTH = 1.6 / 1.1


def _site_and_grid(outcome, year: int) -> float:
    e = outcome.results["emissions"]
    e = e[(e.sector == "aluminium") & (e.year == year)]
    return float(e["value"].sum() + e["scope2"].sum())


def test_base_does_not_decarbonise_for_free(base):
    growth = _site_and_grid(base, 2050) / _site_and_grid(base, 2025)
    assert 0.67 <= growth / IAI_BAU_GROWTH <= 1.5
    # the captive-coal fleet is rebuilt at the end of its life, as in MPP's bau pathway
    assert _production(base, 2050).get("smelter_carbon_coal", 0) > _production(base, 2025)["smelter_carbon_coal"]
