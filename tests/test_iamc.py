"""The IAMC export: the codelist covers the shipped models, the two files pass their own check,
aggregates add up across them, pyam reads them (csv and xlsx), and a broken table is caught.
tests/test_iamc_common.py validates iamc.csv against the IAMC common-definitions."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import scenario, widget_sector

from planner.paths import project_paths
from planner.results.iamc import Codelist, check_files, check_iamc, iamc_table
from planner.run import run

PATHS = project_paths()
CODELIST = Codelist.load(PATHS.iamc_codelist)


@pytest.fixture(scope="module")
def cement_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("results")
    return run(["cement"], "default", out, PATHS).folder


def test_codelist_names_every_sector_product_carrier_and_technology():
    missing = []
    for s in PATHS.sector_names() + PATHS.supply_names():
        sf = yaml.safe_load(PATHS.sector_file(s).read_text(encoding="utf-8"))
        if s not in CODELIST.sectors:
            missing.append(f"sector {s}")
        commodities = sf.get("commodities", {})
        for c, spec in commodities.items():
            kind = spec.get("kind", "purchased")
            if kind in ("product", "intermediate") and f"{s}.{c}" not in CODELIST.products:
                missing.append(f"product {s}.{c}")
            if kind == "purchased" and spec["unit"] == "PJ" and c not in CODELIST.carriers \
                    and c not in CODELIST.not_energy:
                missing.append(f"carrier {c}")
        missing += [f"technology {s}.{k}" for k in sf["technologies"] if f"{s}.{k}" not in CODELIST.technologies]
        # a plant making its transport sector's vehicle fuel from bought energy names the fuel's carrier
        # (Final Energy counts the fuel it makes, not its inputs)
        if "final_energy" in CODELIST.sectors.get(s, {}):
            for k, t in sf["technologies"].items():
                out = commodities.get(t.get("output"), {})
                bought = [c for c in (t.get("inputs") or {}) if c in CODELIST.carriers]
                if out.get("kind") == "intermediate" and out.get("unit") == "PJ" and bought and not t.get("saving"):
                    if f"{s}.{k}" not in CODELIST.fuels:
                        missing.append(f"fuel carrier of {s}.{k}")
    shared = yaml.safe_load(PATHS.commodities_file.read_text(encoding="utf-8"))
    missing += [f"carrier {c}" for c, spec in shared["commodities"].items()
                if spec["unit"] == "PJ" and c not in CODELIST.carriers]
    assert missing == []


def test_shipped_run_passes_its_codelist_and_pyam_reads_it(cement_run):
    common, planner = pd.read_csv(cement_run / "iamc.csv"), pd.read_csv(cement_run / "iamc_planner.csv")
    assert check_files(common, planner, CODELIST) == []
    for table in (common, planner):
        assert list(table.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
        assert table.unit.notna().all() and (table.unit != "").all()
    both = pd.concat([common, planner], ignore_index=True).set_index("variable")["2030"]
    # the sector's scope 1 (planner file) is its energy and process CO2 (common-definitions names)
    energy = both["Emissions|CO2|Energy|Demand|Industry|Non-Metallic Minerals|Cement"]
    process = both["Emissions|CO2|Industrial Processes|Non-Metallic Minerals|Cement"]
    assert both["Emissions|CO2|Industry|Cement"] == pytest.approx(energy + process)
    assert process > energy > 0          # calcination is most of a kiln's CO2
    produced = both[both.index.str.startswith("Production|Non-Metallic Minerals|Cement|")].sum()
    assert both["Production|Non-Metallic Minerals|Cement"] == pytest.approx(produced)
    assert set(common.variable) & set(planner.variable) == set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyam

        for source in ("iamc.csv", "iamc.xlsx"):
            df = pyam.IamDataFrame(cement_run / source)
            assert df.model == ["planner"] and df.region == ["World"]
        df = pyam.IamDataFrame(pd.concat([common, planner], ignore_index=True))
        for var, (_unit, aggregate, _file) in CODELIST.expand().items():
            if aggregate and var in df.variable:
                assert df.check_aggregate(var) is None, var


def test_each_of_two_sectors_gets_its_rows(toy):
    # Two toy sectors (not in the codelist: labels derived) under one budget.
    a = widget_sector(dirty={"inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire": 2041}]},
                      clean={"inputs": {"electricity": 1}, "capex": 50})
    b = {**widget_sector(dirty={"inputs": {"coal": 2}, "stock": [{"capacity": 10, "retire": 2041}]},
                         clean={"inputs": {"electricity": 1}, "capex": 80}), "sector": "gadgets", "name": "Gadgets"}
    toy.sector(a).sector(b).scenario(scenario(budget={"unit": "MtCO2", "sectors": {"widgets": 60, "gadgets": 90}}))
    out = toy.solve(["widgets", "gadgets"])
    table = iamc_table(out.data, out.results.tables, CODELIST)
    em = table.set_index("variable")
    years = [c for c in table.columns if c.isdigit()]
    emissions = out.results["emissions"]
    for sector, label in (("widgets", "Widgets"), ("gadgets", "Gadgets")):
        mine = emissions[emissions.sector == sector].set_index("year")["value"]
        row = em.loc[f"Emissions|CO2|Other|{label}", years].astype(float)
        assert row.to_numpy() == pytest.approx(mine.loc[[int(y) for y in years]].to_numpy())
    assert "Emissions|CO2" not in em.index            # no total under the world's name
    problems = check_iamc(table, CODELIST)
    assert problems and all("not in the codelist" in p for p in problems)   # derived labels are flagged


def test_check_catches_broken_aggregates_units_names_and_files(cement_run):
    common, planner = pd.read_csv(cement_run / "iamc.csv"), pd.read_csv(cement_run / "iamc_planner.csv")
    bad = planner.copy()
    bad.loc[bad.variable == "Emissions|CO2|Industry|Cement", "2030"] += 5.0
    bad = pd.concat([bad, bad.iloc[[0]].assign(variable="Emissions|CO3"),
                     bad.iloc[[0]].assign(variable="Production|Non-Metallic Minerals|Cement|Secondary|Scrap EAF")],
                    ignore_index=True)
    wrong = common.copy()
    wrong.loc[wrong.variable == "Price|Carbon", "unit"] = "EUR/MWh"
    problems = check_files(wrong, bad, CODELIST)
    assert any("aggregate 'Emissions|CO2|Industry|Cement' is" in p and "2030" in p for p in problems)
    assert any("'Price|Carbon' has unit 'EUR/MWh'" in p for p in problems)
    assert any("'Emissions|CO3' is not in the codelist" in p for p in problems)
    assert any("'Production|Non-Metallic Minerals|Cement|Secondary" in p and "not in the codelist" in p
               for p in problems)                                          # a steel route
    row = planner.variable == "Emissions|CO2|Industry|Cement"
    moved = check_files(pd.concat([common, planner[row]], ignore_index=True), planner[~row], CODELIST)
    assert moved == ["variable 'Emissions|CO2|Industry|Cement' belongs in the planner file"]


def test_a_malformed_codelist_is_an_input_error_with_its_line(toy):
    from planner.errors import InputError

    toy.sector(widget_sector(dirty={"inputs": {"coal": 1}, "stock": [{"capacity": 10, "retire": 2041}]}))
    toy.scenario(scenario())
    toy.write("models/iamc/tags.yaml", "Sector:\n  widgets: {label: Widgets}\n")
    with pytest.raises(InputError) as err:
        toy.solve(out=toy.root / "results")
    problem = err.value.problems[0]
    assert problem.file.endswith("tags.yaml") and problem.line == 2 and problem.path == "Sector.widgets"
    assert "needs path" in problem.message
    assert not (toy.root / "results" / "toy").exists()                     # nothing half-written
