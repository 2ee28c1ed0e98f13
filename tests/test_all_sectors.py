"""Shipped sectors under one shared budget: joint LP against the price decomposition."""

from __future__ import annotations

import json

import pytest
from conftest import shipped

from planner.paths import project_paths


def _compare(sectors: list[str], tmp_path, gap: float | None = None) -> tuple:
    """The joint LP and the decomposition (at the solver's default gap unless given)."""
    joint = shipped(sectors, "default")
    solver = {"decompose": True, "jobs": 2} | ({"gap": gap} if gap is not None else {})
    split = shipped(sectors, "default", tmp_path, solver=solver)
    return joint, split


def _price(out) -> float:
    p = out.results["prices"]
    return float(p[p.name == "carbon_price_pv"]["value"].iloc[0])


def _total(out) -> float:
    """The LP objective both solves minimise: cost plus the soft budget's penalty on its overshoot.
    When the budget binds at its penalty the split between the two is degenerate (a tonne abated
    costs what a tonne over costs), so cost alone may differ between equally optimal plans."""
    return out.results.objective + (out.data.budget_penalty or 0.0) * sum(out.results.overshoot.values())


def _agree(joint, split) -> None:
    """The issue's test of the decomposition: cost and emissions within 0.5%, price within 1%."""
    assert _total(split) == pytest.approx(_total(joint), rel=5e-3)
    em_j, em_s = joint.results["emissions"]["value"].sum(), split.results["emissions"]["value"].sum()
    assert em_s == pytest.approx(em_j, rel=5e-3)
    assert _price(split) == pytest.approx(_price(joint), rel=1e-2)
    assert _price(joint) > 0


@pytest.mark.slow   # about 40 s: 60-90 rounds, the CO2 storage and captured-CO2 rows priced year by year
def test_two_shipped_sectors_decomposed_match_the_joint_solve(tmp_path):
    joint, split = _compare(["cement", "aluminium"], tmp_path)
    _agree(joint, split)
    assert split.solution.info["workers"] == 2
    assert "budget[all]" in split.solution.info["coupled_rows"]


@pytest.mark.slow
def test_all_sectors_share_one_budget(tmp_path):
    names = project_paths().sector_names()
    # gap 1e-3: the issue asks the decomposition to agree with the joint LP within 0.5% in cost and
    # emissions; with the CO2 storage ceiling binding in every year from 2030 (26 more priced rows)
    # the cutting plane needs about 100 rounds to 1e-3 and 180 to 1e-4 (measured, 2 vCPU)
    joint, split = _compare(names, tmp_path, gap=1e-3)
    assert sorted(names) == sorted(["aluminium", "aviation", "cement", "chemicals", "shipping", "steel", "trucking"])
    assert joint.data.sectors == [*names, "hydrogen"] and joint.data.supply == ["hydrogen"]  # called in by buyers
    em = joint.results["emissions"]
    # the soft budget binds: what it counts equals the budget plus the overshoot it reports (none
    # when it is met, at a price at most its penalty), and every sector meets net zero in 2050
    over = joint.results.overshoot.get("all", 0.0)   # only a positive overshoot is listed
    assert over >= 0
    assert em["counted"].sum() == pytest.approx(joint.data.budget_mt + over, rel=1e-6)
    assert _price(joint) <= joint.data.budget_penalty * (1 + 1e-6)
    ms = joint.results["milestones"].set_index("name")
    for s in names:
        row = ms.loc[f"net-zero-2050-{s}"]
        assert row.status in ("met", "binding") and row.value <= row.bound * (1 + 1e-6), row
    # default accounting: CO2, with the carbon held in products (methanol, urea) released downstream
    assert em["counted"].sum() == pytest.approx((em["value"] + em["downstream"]).sum(), rel=1e-9)
    assert em.query("sector == 'chemicals'")["downstream"].sum() > 0
    price = joint.results["prices"].query("name == 'carbon_price'")["value"]
    assert (price > 0).all()
    assert set(em.sector) == set(joint.data.sectors)
    # the plan beside published pathways: at least 30 outcomes over all seven sectors (issue 14)
    pub = joint.results["published"]
    assert len(pub) >= 30 and set(pub.sector) == set(names)
    assert pub.plan.notna().all() and set(pub.status) <= {"within", "explained", "outside"}
    # the joint plan passes its self-check (issue 13): no high finding in any sector (no HEFA plant
    # held at its floor while trucks' HVO takes the lipids, no sales jump of a new aircraft
    # generation, no route's build stopping dead when the storage or biomass ceiling binds)
    diag = joint.results["diagnostics"]
    assert diag.query("severity == 'high'").empty, diag.query("severity == 'high'").to_string()
    steel = em.query("sector == 'steel' and year == 2050")["captured"].sum()
    assert pub.set_index("name").loc["iea-nzr23-steel-co2-captured-2050", "plan"] == pytest.approx(steel)
    _agree(joint, split)


@pytest.mark.slow
def test_all_sectors_report_and_iamc(tmp_path):
    import pandas as pd
    from conftest import COMMON_DEFINITIONS as DEFINITIONS

    from planner.results.iamc import Codelist, check_files
    from planner.results.report import make_report
    from planner.run import run

    paths = project_paths()
    folder = run(paths.sector_names(), "default", tmp_path, paths).folder
    common, planner = pd.read_csv(folder / "iamc.csv"), pd.read_csv(folder / "iamc_planner.csv")
    table = pd.concat([common, planner], ignore_index=True)
    assert check_files(common, planner, Codelist.load(paths.iamc_codelist)) == []
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nomenclature
        import pyam

        df = pyam.IamDataFrame(folder / "iamc.csv")
        nomenclature.DataStructureDefinition(DEFINITIONS).validate(df)   # the joint run of all seven
        assert all(df.check_aggregate(v) is None for v in df.variable)
    rep = make_report(folder)
    head = json.loads((folder / "run.json").read_text(encoding="utf-8"))["headline"]
    # the soft budget binds: used = (budget + overshoot) / budget, 100% when it is met
    assert head["budget_overshoot"] >= 0
    assert rep.headline["budget_used"] == pytest.approx(1 + head["budget_overshoot"] / head["budget"], rel=1e-6)
    assert len(rep.charts) == 9
    md = rep.markdown.read_text(encoding="utf-8")
    codelist = Codelist.load(paths.iamc_codelist)
    in_run = paths.sector_names() + paths.supply_names()   # the supply sector has its own section too
    for s in in_run:
        assert f"Emissions|CO2|{codelist.sectors[s]['path']}" in set(table.variable)
        assert md.count("| Emissions (MtCO2/yr; change from 2025)") == len(in_run)
    assert "## Published pathways" in md and "iea-nzr23-2050-steel-near-zero-iron" in md
