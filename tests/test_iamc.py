"""The IAMC export: the codelist covers the shipped models, the file passes its own check,
aggregates add up, pyam reads it (csv and xlsx), and a broken table is caught."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import scenario, widget_sector

from planner.paths import project_paths
from planner.results.iamc import Codelist, check_iamc, iamc_table
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
        for c, spec in sf.get("commodities", {}).items():
            kind = spec.get("kind", "purchased")
            if kind in ("product", "intermediate") and f"{s}.{c}" not in CODELIST.products:
                missing.append(f"product {s}.{c}")
            if kind == "purchased" and spec["unit"] == "PJ" and c not in CODELIST.carriers \
                    and c not in CODELIST.not_energy:
                missing.append(f"carrier {c}")
        missing += [f"technology {s}.{k}" for k in sf["technologies"] if f"{s}.{k}" not in CODELIST.technologies]
    shared = yaml.safe_load(PATHS.commodities_file.read_text(encoding="utf-8"))
    missing += [f"carrier {c}" for c, spec in shared["commodities"].items()
                if spec["unit"] == "PJ" and c not in CODELIST.carriers]
    assert missing == []


def test_shipped_run_passes_its_codelist_and_pyam_reads_it(cement_run):
    table = pd.read_csv(cement_run / "iamc.csv")
    assert check_iamc(table, CODELIST) == []
    assert list(table.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
    assert table.unit.notna().all() and (table.unit != "").all()
    em = table.set_index("variable")["2030"]
    assert em["Emissions|CO2"] == pytest.approx(em["Emissions|CO2|Industry"])
    assert em["Emissions|CO2|Industry"] == pytest.approx(em["Emissions|CO2|Industry|Cement"])
    produced = table[table.variable.str.startswith("Production|Cement|")]["2030"].sum()
    assert em["Production|Cement"] == pytest.approx(produced)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyam

        for source in ("iamc.csv", "iamc.xlsx"):
            df = pyam.IamDataFrame(cement_run / source)
            assert df.model == ["planner"] and df.region == ["World"]
            for var, (_unit, aggregate) in CODELIST.expand().items():
                if aggregate and var in df.variable:
                    assert df.check_aggregate(var) is None, var


def test_sectors_sum_to_the_total_across_two_sectors(toy):
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
    parts = em.loc[["Emissions|CO2|Other|Widgets", "Emissions|CO2|Other|Gadgets"], years].sum()
    assert (em.loc["Emissions|CO2", years] - parts).abs().max() < 1e-9
    problems = check_iamc(table, CODELIST)
    assert problems and all("not in the codelist" in p for p in problems)   # derived labels are flagged


def test_check_catches_broken_aggregates_units_and_names(cement_run):
    table = pd.read_csv(cement_run / "iamc.csv")
    bad = table.copy()
    bad.loc[bad.variable == "Emissions|CO2", "2030"] += 5.0
    bad.loc[bad.variable == "Price|Carbon", "unit"] = "EUR/MWh"
    bad = pd.concat([bad, bad.iloc[[0]].assign(variable="Emissions|CO3"),
                     bad.iloc[[0]].assign(variable="Production|Cement|BF-BOF, best available technology")],
                    ignore_index=True)
    problems = check_iamc(bad, CODELIST)
    assert any("aggregate 'Emissions|CO2' is" in p and "2030" in p for p in problems)
    assert any("'Price|Carbon' has unit 'EUR/MWh'" in p for p in problems)
    assert any("'Emissions|CO3' is not in the codelist" in p for p in problems)
    assert any("'Production|Cement|BF-BOF" in p and "not in the codelist" in p for p in problems)  # a steel route


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
