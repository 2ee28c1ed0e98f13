"""The plan beside published pathways (published.csv): each published outcome's metric is computed
from the plan and compared; bad published files stop the run with file, line and key."""

from __future__ import annotations

import math

import pytest
from conftest import scenario, widget_sector

from planner.errors import InputError

SOURCES = {"pub": "a hand-made published pathway"}


def widgets(toy, **outcomes):
    """Demand 10 Mt/yr: 'dirty' (coal, 1 tCO2/t: 10 GJ x 0.1) runs its stock unless a carbon price
    makes 'clean' (near zero) cheaper; each outcome is written to models/published/widgets.yaml."""
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100,
               "groups": ["fossil"], "build_limit": {"none": "cannot be built"}},
        clean={"capex": 1, "variable_om": 50, "near_zero": True, "groups": ["clean"],
               "build_limit": {"none": "toy"}},
    ) | {"groups": {"fossil": "coal plants", "clean": "near-zero plants"}})
    toy.write("models/published/widgets.yaml", {"sources": SOURCES, "outcomes": outcomes})


def outcome(**spec):
    return {"sector": "widgets", "year": 2030, "pathway": "Toy NZE", "sources": ["pub"], **spec}


def test_each_outcome_is_computed_from_the_plan_and_rated(toy):
    # By hand: no carbon price, so dirty makes all 10 Mt and emits 10 MtCO2 (10 GJ x 0.1 t/GJ);
    # clean makes nothing. Emissions 8 -> ratio 1.25 (within 0.67-1.5); the near-zero share 0.5 ->
    # ratio 0 (outside); with a reason it is explained; production of clean published as 0 -> both 0.
    widgets(toy,
            em=outcome(metric="emissions", value=8.0, unit="MtCO2/yr"),
            share=outcome(metric="output_share", group="near_zero", value=0.5, unit="fraction"),
            told=outcome(metric="output_share", group="near_zero", value=0.5, unit="fraction",
                         reason="no carbon price in this scenario (assumption)", gap="below"),
            other_side=outcome(metric="output_share", group="near_zero", value=0.5, unit="fraction",
                               reason="a subsidy makes the plan run ahead (assumption)", gap="above"),
            none=outcome(metric="production", group="clean", value=0.0, unit="Mt/yr"),
            later=outcome(metric="emissions", year=2060, value=1.0, unit="MtCO2/yr"))
    toy.scenario(scenario())
    pub = toy.solve().results["published"].set_index("name")
    assert pub.loc["em", "plan"] == pytest.approx(10.0)
    assert pub.loc["em", "ratio"] == pytest.approx(1.25) and pub.loc["em", "status"] == "within"
    assert pub.loc["share", "plan"] == pytest.approx(0.0) and pub.loc["share", "status"] == "outside"
    assert pub.loc["told", "status"] == "explained" and "assumption" in pub.loc["told", "reason"]
    # a reason for a plan above the figure does not explain a plan below it
    assert pub.loc["other_side", "status"] == "outside" and pub.loc["other_side", "reason"] == ""
    assert math.isnan(pub.loc["none", "ratio"]) and pub.loc["none", "status"] == "within"
    assert "later" not in pub.index  # 2060 lies outside the 2025-2040 horizon
    assert set(pub.index[:2]) == {"share", "other_side"}  # unexplained gaps first


def test_the_band_is_the_scenarios(toy):
    widgets(toy, em=outcome(metric="emissions", value=8.0, unit="MtCO2/yr"))
    toy.scenario(scenario(diagnostics={"published": {"low": 0.9, "high": 1.1}}))
    pub = toy.solve().results["published"].set_index("name")
    assert pub.loc["em", "status"] == "outside"  # 1.25 > 1.1


@pytest.mark.parametrize("spec, key, words", [
    (outcome(metric="output_share", group="clen", value=0.5, unit="fraction"), "outcomes.o.group",
     "unknown group 'clen' of the widgets sector (did you mean 'clean'?)"),
    (outcome(metric="emissions", value=8.0, unit="GtCO2/yr"), "outcomes.o.unit",
     "measured in 'MtCO2/yr', not 'GtCO2/yr'"),
    (outcome(metric="emissions", value=8.0, unit="MtCO2/yr", sources=["iea"]), "outcomes.o.sources.0",
     "unknown source 'iea'"),
    (outcome(metric="emissions", value=8.0, unit="MtCO2/yr", sector="gizmos"), "outcomes.o.sector",
     "of the widgets sector"),
    (outcome(metric="output_share", group="clean", value=1.5, unit="fraction"), "outcomes.o",
     "a share is a fraction"),
    (outcome(metric="emissions", value=8.0, unit="MtCO2/yr", colour="red"), "outcomes.o.colour", ""),
    (outcome(metric="emissions", value=float("nan"), unit="MtCO2/yr"), "outcomes.o.value", "finite"),
    (outcome(metric="emissions", value=8.0, unit="MtCO2/yr", reason="demand differs"), "outcomes.o",
     "give 'reason' with 'gap: above'"),
])
def test_a_bad_published_file_names_its_line_and_nothing_is_written(toy, tmp_path, spec, key, words):
    widgets(toy, o=spec)
    toy.scenario(scenario())
    with pytest.raises(InputError) as exc:
        toy.solve(out=tmp_path / "out")
    problems = [p for p in exc.value.problems if p.path == key]
    assert problems, [str(p) for p in exc.value.problems]
    assert problems[0].line is not None and words in problems[0].message
    assert problems[0].file.endswith("published/widgets.yaml")
    assert not (tmp_path / "out").exists()


def test_validate_checks_a_published_file(toy):
    from planner.validate import validate_files

    widgets(toy, o=outcome(metric="output_share", group="clen", value=0.5, unit="fraction"))
    problems, _ = validate_files([toy.root / "models/published/widgets.yaml"], toy.paths)
    assert [p.path for p in problems] == ["outcomes.o.group"]


def test_captured_co2_and_investment_are_read_from_the_plan(toy):
    # By hand: a carbon price of 1,000 USD/t makes 'ccs' (coal 10 GJ/t, 90% captured: 0.9 tCO2/t
    # captured, 0.1 emitted, storage 10 USD/t) take all 10 Mt from 2025: 9 MtCO2/yr captured. Its
    # 10 Mt/yr are built in 2025 at 100 USD per t/yr: 1,000 million USD = 1 bn USD2020.
    toy.sector(widget_sector(ccs={"inputs": {"coal": 10}, "capture_rate": 0.9, "capex": 100,
                                  "build_limit": {"none": "toy"}}))
    toy.write("models/published/widgets.yaml", {"sources": SOURCES, "outcomes": {
        "cap": outcome(metric="captured", value=9.0, unit="MtCO2/yr"),
        "inv": outcome(metric="investment", year=2025, value=2.0, unit="bn USD2020/yr")}})
    toy.scenario(scenario(carbon_price=1000))
    pub = toy.solve().results["published"].set_index("name")
    assert pub.loc["cap", "plan"] == pytest.approx(9.0) and pub.loc["cap", "status"] == "within"
    assert pub.loc["inv", "plan"] == pytest.approx(1.0) and pub.loc["inv", "ratio"] == pytest.approx(0.5)
    assert pub.loc["inv", "status"] == "outside"


def test_shipped_outcomes_cover_the_seven_sectors_in_their_metrics_units():
    from planner.data import build_data
    from planner.paths import project_paths
    from planner.run import check_published_units
    from planner.schema.load import load_run

    paths = project_paths()
    inputs = load_run(paths.sector_names(), "default", paths)
    data = build_data(inputs)
    data.notes["currency"] = inputs.scenario.currency
    check_published_units(data, inputs)  # raises InputError on a unit that is not the metric's
    assert len(data.published) >= 30
    assert {spec["sector"] for spec in data.published.values()} == set(paths.sector_names())


def test_a_shipped_sector_is_put_beside_its_published_pathways():
    from conftest import shipped

    out = shipped(["cement"], "default")
    pub = out.results["published"].set_index("name")
    assert set(pub.sector) == {"cement"} and pub.plan.notna().all()
    em = out.results["emissions"]
    captured = em[(em.sector == "cement") & (em.year == 2050)]["captured"].sum()
    assert pub.loc["gcca-2050-cement-co2-captured-2050", "plan"] == pytest.approx(captured)
    ms_like = em[(em.sector == "cement") & (em.year == 2030)]["value"].sum()
    assert pub.loc["iea-nze-2030-cement-emissions-wef", "plan"] == pytest.approx(ms_like)
