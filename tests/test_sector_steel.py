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
    # the sector's own response to a carbon price, with hydrogen bought at the commodity's price
    # (supply: []); the hydrogen supply sector and its build ramps: tests/test_supply.py
    return shipped(["steel"], folder=tmp_path_factory.mktemp("steel"), supply=[], carbon_price={2025: 0, 2050: 300})


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
    assert reline.max() <= 79.52 + 1e-6  # only furnaces at the end of a campaign: (1,155.1 + 435.3) / 20
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


# First year of commercial-scale production and first-plant size (Mt/yr of steel added a year
# from zero) of each near-zero route, as shipped in models/steel.yaml, with their sources:
#   MPP steel model Technology Availability.csv, final version (commit 9eca52d): BF-BOF+CCUS
#   2028, DRI-Melt-BOF+CCUS 2028, smelting reduction (+CCUS) 2030, electrolysis 2035;
#   Stegra Boden 2.5 Mt/yr and HYBRIT from 2026; thyssenkrupp Duisburg on hydrogen from end-2027,
#   over 2 Mt/yr; Al Reyadah DRI capture since 2016, 0.8 MtCO2/yr = 1.04 Mt/yr of steel; Tata's
#   1 Mt/yr HIsarna demonstration. Growth at most 25%/yr of the capacity in use (IEA NZE 2023).
FIRST_PLANTS = {
    "bf_bof_ccs": (2028, 2.5),
    "dri_eaf_ccs": (2026, 1.0),
    "dri_eaf_h2": (2026, 2.5),
    "dri_melt_bof_ccs": (2028, 1.0),
    "dri_melt_bof_h2": (2028, 2.0),
    "smelting_reduction_ccs": (2030, 1.0),
    "electrolysis_moe": (2035, 2.5),
    "electrowinning_eaf": (2035, 2.5),
}
GROWTH = 0.25


@pytest.fixture(scope="module")
def steep(tmp_path_factory):
    """A carbon price steep enough that every near-zero route is wanted as early as it may come."""
    return shipped(["steel"], folder=tmp_path_factory.mktemp("steel_steep"),
                   carbon_price={2025: 0, 2026: 300, 2050: 500})


@pytest.mark.parametrize("tech", sorted(FIRST_PLANTS))
def test_a_near_zero_route_starts_in_its_first_year_with_its_first_plants(steep, tech):
    first, seed = FIRST_PLANTS[tech]
    spec = steep.data.techs.loc[("steel", tech)]
    assert (spec["seed"], spec["growth"]) == pytest.approx((seed, GROWTH))
    cap = table(steep, "capacity", technology=tech)
    assert cap[cap.index < first].abs().sum() < 1e-6  # nothing before its first year
    # capacity n years after the first year is at most the seed-and-growth path from zero:
    # C[n] <= (1 + g) C[n-1] + seed, C[-1] = 0  =>  C[n] <= seed ((1 + g)^(n+1) - 1) / g
    for n in range(5):
        bound = seed * ((1 + GROWTH) ** (n + 1) - 1) / GROWTH
        assert cap.get(first + n, 0.0) <= bound + 1e-6, (first + n, cap.get(first + n), bound)


def test_the_ramp_binds_so_capture_starts_at_first_plant_scale(steep):
    # Under this price every capture route would be built at once; the first years follow the
    # first plants instead: smelting reduction with capture adds exactly its seed in 2030.
    cap = table(steep, "capacity", technology="smelting_reduction_ccs")
    assert cap[2030] == pytest.approx(1.0, abs=1e-6)
    captured = steep.results["captured_co2"].query("sector == 'steel'").groupby("year")["captured"].sum()
    assert captured.get(2027, 0.0) < 5.0  # 2026-27: only Al Reyadah-scale DRI capture plants
