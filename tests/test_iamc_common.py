"""iamc.csv against the IAMC common-definitions codelists (the copy in tests/data, no network):
nomenclature's DataStructureDefinition.validate accepts the shipped runs, pyam's check_aggregate
passes, no variable of iamc_planner.csv is a common-definitions name, and the splits the codelist
asks for (domestic and international transport, delivered fuel, USD_2010) keep planner's totals.

The runs are the session's shared solves (conftest.shipped): cement under the default scenario
(also used by the chart, history and published-pathway tests) and each sector alone under base
(the sector tests' run); the joint run of all seven is validated in tests/test_all_sectors.py
(slow)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import COMMON_DEFINITIONS as DEFINITIONS
from conftest import shipped

from planner.paths import project_paths
from planner.results.iamc import Codelist, check_files, iamc_tables

PATHS = project_paths()
CODELIST = Codelist.load(PATHS.iamc_codelist)


@pytest.fixture(scope="module")
def dsd():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nomenclature

        return nomenclature.DataStructureDefinition(DEFINITIONS)


def validate(dsd, table: pd.DataFrame) -> None:
    """Raises nomenclature's error (unknown variable, wrong unit, unknown region) if any."""
    import pyam

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dsd.validate(pyam.IamDataFrame(table))


def common_and_planner(out) -> tuple[pd.DataFrame, pd.DataFrame]:
    return iamc_tables(out.data, out.results.tables, CODELIST)


@pytest.mark.parametrize("sector, scenario", [("cement", "default")] + [
    (s, "base") for s in PATHS.sector_names()])
def test_nomenclature_validates_iamc_csv(dsd, sector, scenario):
    import pyam

    common, planner = common_and_planner(shipped([sector], scenario))
    assert check_files(common, planner, CODELIST) == []
    validate(dsd, common)
    # no planner detail under a common-definitions name (it would mean something else there)
    assert [v for v in planner.variable.unique() if v in dsd.variable] == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pyam.IamDataFrame(common)
        assert all(df.check_aggregate(v) is None for v in df.variable)
        assert dsd.check_aggregate(df).empty


def test_a_name_or_unit_outside_common_definitions_is_rejected(dsd):
    from nomenclature.exceptions import NomenclatureValidationError

    common, _ = common_and_planner(shipped(["cement"], "default"))
    for broken in (common.assign(unit=common.unit.replace("USD_2010/t CO2", "USD_2020/t CO2")),
                   common.assign(variable=common.variable.replace("Production|Non-Metallic Minerals|Cement",
                                                                  "Production|Cement"))):
        with pytest.raises(NomenclatureValidationError):
            validate(dsd, broken)


def test_carbon_price_is_in_usd_2010():
    out = shipped(["cement"], "default")
    common, _ = common_and_planner(out)
    price = common.set_index("variable").loc["Price|Carbon"]
    p = out.results["prices"].query("name == 'carbon_price'").set_index("year")["value"]
    assert price.unit == "USD_2010/t CO2" and p[2040] > 0
    assert float(price["2040"]) == pytest.approx(p[2040] * CODELIST.money["factor"])
    assert 0.8 < CODELIST.money["factor"] < 0.9          # US prices rose by 10-25% from 2010 to 2020


@pytest.mark.parametrize("sector", ["aviation", "shipping"])
def test_transport_splits_into_domestic_and_bunkers_and_counts_the_fuel_delivered(sector):
    out = shipped([sector])
    common, planner = common_and_planner(out)
    both = pd.concat([common, planner], ignore_index=True).set_index("variable")
    years = [c for c in common.columns if c.isdigit()]
    spec, bunker = CODELIST.sectors[sector], CODELIST.bunkers[sector]
    domestic = both.loc[f"Emissions|CO2|{spec['emissions']}", years].astype(float)
    abroad = both.loc[f"Emissions|CO2|Energy|Demand|Bunkers|{bunker['bunker']}", years].astype(float)
    total = both.loc[f"Emissions|CO2|{spec['path']}", years].astype(float)
    assert (domestic + abroad).to_numpy() == pytest.approx(total.to_numpy())
    assert (abroad / total).to_numpy() == pytest.approx(bunker["international_share"])
    # Final Energy is the fuel the sector's plants make for its vehicles (EJ), not what the plants buy
    fuel = both.loc[f"Final Energy|{spec['final_energy']}", years].astype(float) \
        + both.loc[f"Final Energy|Bunkers|{bunker['bunker']}", years].astype(float)
    made = tables_fuel(out)
    assert fuel.to_numpy() == pytest.approx(made.loc[[int(y) for y in years]].to_numpy(), rel=1e-9)
    bought = both.loc[f"Energy Input|{spec['path']}", years].astype(float)
    assert (bought >= fuel - 1e-9).all()              # conversion losses stay in Energy Input


def tables_fuel(out) -> pd.Series:
    """EJ/yr made by the plants that tags.yaml names as the sector's fuel plants."""
    p = out.results["production"]
    mine = [CODELIST.fuel(out.data, s, k) is not None for s, k in zip(p.sector, p.technology)]
    return p[mine].groupby("year")["value"].sum() * 0.001
