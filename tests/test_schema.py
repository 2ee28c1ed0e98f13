"""Schema: strict files, every problem listed once with file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scenario, widget_sector

from planner.errors import InputError
from planner.paths import ProjectPaths
from planner.schema.load import load_run, load_scenario

SECTOR_TEXT = """\
sector: widgets
name: Widgets
unit: Mt
sources:
  toy: hand-made
commodities:
  widget: {kind: product, unit: Mt}
demand:
  widget:
    default: flat
    variants:
      flat: {values: 10, sources: [toy]}
technologies:
  plant:
    name: Plant
    capx: 10
    lifetime: twenty
    inputs: {cole: 3}
    capture_rate: 1.5
    sources: [toy, nowhere]
"""


def problems_of(toy, sectors=("widgets",), name="toy") -> list:
    with pytest.raises(InputError) as info:
        load_run(list(sectors), name, toy.paths)
    return info.value.problems


def find(problems, path: str):
    hits = [p for p in problems if p.path == path]
    assert hits, f"no problem at {path}: {[str(p) for p in problems]}"
    return hits[0]


def test_every_problem_with_file_line_and_key(toy):
    toy.write("models/widgets.yaml", SECTOR_TEXT)
    toy.scenario(scenario())
    problems = problems_of(toy)
    unknown = find(problems, "technologies.plant.capx")
    assert unknown.line == 16 and unknown.file.endswith("models/widgets.yaml")
    assert "unknown key 'capx'" in unknown.message and "capex" in unknown.message
    assert find(problems, "technologies.plant.lifetime").line == 17
    assert find(problems, "technologies.plant.capture_rate").line == 19
    assert "between 0 and 1" in find(problems, "technologies.plant.capture_rate").message
    # schema errors stop the check before cross-references; all three are listed together
    assert len(problems) == 3


def test_cross_references_are_checked_with_lines(toy):
    text = SECTOR_TEXT.replace("    capx: 10\n", "    capex: 10\n").replace("twenty", "20").replace(
        "capture_rate: 1.5", "capture_rate: 0.5")
    toy.write("models/widgets.yaml", text)
    toy.scenario(scenario())
    problems = problems_of(toy)
    cole = find(problems, "technologies.plant.inputs.cole")
    assert cole.line == 18 and "did you mean 'coal'" in cole.message
    assert find(problems, "technologies.plant.sources.1").line == 20


def test_duplicate_keys_and_syntax_errors(toy):
    toy.write("models/widgets.yaml", SECTOR_TEXT.replace("unit: Mt\nsources", "unit: Mt\nunit: kt\nsources"))
    toy.scenario(scenario())
    dup = find(problems_of(toy), "unit")
    assert dup.line == 4 and "duplicate key (first given on line 3)" in dup.message
    toy.write("models/widgets.yaml", "sector: widgets\nname: [unclosed\n")
    bad = problems_of(toy)[0]
    assert bad.line is not None and "YAML syntax error" in bad.message
    # a tag a safe loader will not construct is an input error on its line, not a traceback
    toy.write("models/widgets.yaml", "sector: widgets\nname: !!python/object:os.system x\n")
    tag = problems_of(toy)[0]
    assert tag.line == 2 and "constructor for the tag" in tag.message


def test_trajectory_errors_name_the_year(toy):
    sector = widget_sector(plant={"capex": {2030: "a lot"}})
    toy.sector(sector).scenario(scenario())
    p = find(problems_of(toy), "technologies.plant.capex")
    assert "2030" in p.message and p.line is not None


def test_scenario_errors_point_at_the_scenario_file(toy):
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/parent.yaml", "name: parent\ndiscount_rate: 0.05\n")
    toy.write("scenarios/toy.yaml", "name: toy\nextends: parent\nbudget:\n  unit: Gt\n"
                                    "overrides:\n  widgets:\n    technologies:\n      plant:\n        lifetime: -3\n"
                                    "demand: {widgets: nonesuch}\n")
    problems = problems_of(toy)
    unit = find(problems, "budget.unit")
    assert unit.file.endswith("scenarios/toy.yaml") and unit.line == 4
    toy.write("scenarios/toy.yaml", "name: toy\nextends: parent\n"
                                    "overrides:\n  widgets:\n    technologies:\n      plant:\n        lifetime: -3\n"
                                    "demand: {widgets: nonesuch}\n")
    problems = problems_of(toy)
    life = find(problems, "technologies.plant.lifetime")
    assert life.file.endswith("scenarios/toy.yaml") and life.line == 7
    toy.write("scenarios/toy.yaml", "name: toy\nextends: parent\ndemand: {widgets: nonesuch}\n")
    demand = find(problems_of(toy), "demand.widgets")
    assert demand.line == 3 and "unknown demand variant 'nonesuch'" in demand.message


def test_unknown_sector_and_scenario(toy):
    toy.sector(widget_sector(plant={"capex": 10})).scenario(scenario())
    assert "did you mean 'widgets'" in problems_of(toy, sectors=("widget",))[0].message
    assert "no scenario 'tyo'" in problems_of(toy, name="tyo")[0].message


def test_stock_must_be_in_service_in_the_first_year(toy):
    toy.sector(widget_sector(plant={"capex": 10, "stock": [{"capacity": 5, "retire": 2020}]}))
    toy.scenario(scenario())
    p = find(problems_of(toy), "technologies.plant.stock.0.retire")
    assert "not in service" in p.message


def test_error_message_lists_all_problems(toy):
    toy.write("models/widgets.yaml", SECTOR_TEXT)
    toy.scenario(scenario())
    with pytest.raises(InputError) as info:
        load_run(["widgets"], "toy", toy.paths)
    text = str(info.value)
    assert text.startswith("3 problems in the input:")
    assert "models/widgets.yaml:16: technologies.plant.capx: unknown key 'capx'" in text


def test_a_saving_technology_uses_nothing_and_has_a_cap(toy):
    # an efficiency measure supplies what it saves: inputs or a missing max_share are errors
    toy.sector(widget_sector(plant={"capex": 10, "saving": True, "inputs": {"coal": 1.0}}))
    toy.scenario(scenario())
    p = find(problems_of(toy), "technologies.plant")
    assert "saving technology" in p.message and "max_share" in p.message


def test_a_null_drops_an_inherited_milestone():
    """current-policies and wb2c extend default but are not held to net zero by 2050."""
    paths = ProjectPaths(Path(__file__).resolve().parents[1])
    net_zero = {name for name in load_scenario("default", paths)[0].milestones if name.startswith("net-zero-2050")}
    assert len(net_zero) == 7
    assert net_zero <= set(load_scenario("1p5c-67", paths)[0].milestones)
    for name in ("current-policies", "wb2c"):
        assert not net_zero & set(load_scenario(name, paths)[0].milestones), name


# --- input that used to give a wrong answer or a traceback (issue: bad input never gives a wrong answer)

def test_a_year_given_twice_as_number_and_as_text_is_a_duplicate(toy):
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/toy.yaml", "name: toy\ncarbon_price:\n  2030: 10\n  '2030': 500\n")
    dup = find(problems_of(toy), "carbon_price.2030")
    assert dup.line == 4 and "duplicate key (first given on line 3)" in dup.message


def test_an_empty_value_is_an_error_not_a_dropped_budget(toy):
    # `budget:` with nothing after it used to drop the parent's budget silently
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/parent.yaml", "name: parent\nbudget: {unit: MtCO2, sectors: {widgets: 100}}\n")
    toy.write("scenarios/toy.yaml", "name: toy\nextends: parent\nbudget:\ndiscount_rate: 0.05\n")
    empty = find(problems_of(toy), "budget")
    assert empty.line == 3 and empty.file.endswith("scenarios/toy.yaml") and "null" in empty.message
    # an explicit null still drops it, as documented
    toy.write("scenarios/toy.yaml", "name: toy\nextends: parent\nbudget: null\n")
    scen, _ = load_scenario("toy", toy.paths)
    assert scen.budget is None


@pytest.mark.parametrize("text, path, words", [
    ("budget: {unit: MtCO2, sectors: {widgets: .inf}}", "budget.sectors.widgets", "not a finite number"),
    ("carbon_price: {2030: .nan}", "carbon_price.2030", "not a finite number"),
    ("budget: {unit: GtCO2, global_remaining: 1.0e+300}", "budget.global_remaining", "largest magnitude"),
    ("horizon: {end: 99999999999999999999999}", "horizon.end", "largest magnitude"),
    ("horizon: {start: 2025, end: 2400}", "horizon.end", "less than or equal to 2100"),
    ("carbon_price: -5", "carbon_price", "must not be negative"),
    ("commodities: {coal: {price: -100}}", "commodities.coal.price", "must not be negative"),
    ("milestones: {m: {sector: widgets, metric: emissions, from: 2040, to: 2030, max: 1}}", "milestones.m",
     "comes before 'from'"),
    ("x: &a {b: 1}\ny:\n  <<: *a", "y", "merge keys"),
    ("x: &a [1, *a]", "x.1", "recursive alias"),
])
def test_numbers_and_yaml_features_that_cannot_mean_a_plan(toy, text, path, words):
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/toy.yaml", f"name: toy\n{text}\n")
    problem = find(problems_of(toy), path)
    assert words in problem.message and problem.line is not None and problem.file.endswith("scenarios/toy.yaml")


@pytest.mark.parametrize("plant, path, words", [
    ({"inputs": {"coal": -3.03}}, "technologies.plant.inputs.coal", "must not be negative"),
    ({"plant_size": 0}, "technologies.plant.plant_size", "greater than 0"),
    ({"capex": 1.0e300}, "technologies.plant.capex", "largest magnitude"),
    ({"lifetime": 10**23}, "technologies.plant.lifetime", "largest magnitude"),
])
def test_sector_numbers_out_of_bounds(toy, plant, path, words):
    toy.sector(widget_sector(plant={"capex": 10, **plant})).scenario(scenario())
    problem = find(problems_of(toy), path)
    assert words in problem.message and problem.file.endswith("models/widgets.yaml")


def test_negative_demand_is_an_error(toy):
    sector = widget_sector(plant={"capex": 10})
    sector["demand"]["widget"]["variants"]["flat"]["values"] = {2025: 10, 2030: -5}
    toy.sector(sector).scenario(scenario())
    problem = find(problems_of(toy), "demand.widget.variants.flat.values")
    assert "must not be negative" in problem.message


def test_a_billion_laughs_stops_at_the_expansion_limit(toy):
    from planner.schema.yaml_lines import MAX_NODES

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/toy.yaml", "name: toy\n" + "\n".join(lines) + "\n")
    problem = problems_of(toy)[0]
    assert f"more than {MAX_NODES:,} values" in problem.message and problem.line is not None


def test_extends_problems_point_at_the_extends_line(toy):
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("scenarios/toy.yaml", "name: toy\ndiscount_rate: 0.05\nextends: parnet\n")
    missing = problems_of(toy)[0]
    assert missing.file.endswith("scenarios/toy.yaml") and missing.line == 3 and missing.path == "extends"
    assert "no scenario 'parnet'" in missing.message
    toy.write("scenarios/a.yaml", "name: a\nextends: toy\n")
    toy.write("scenarios/toy.yaml", "name: toy\n\nextends: a\n")
    cycle = problems_of(toy)[0]
    assert cycle.line is not None and cycle.path == "extends" and "extends itself" in cycle.message


def test_a_broken_sector_file_is_reported_as_itself(toy):
    # the commodity check of another file used to swallow it and blame an 'unknown commodity'
    toy.sector(widget_sector(plant={"capex": 10}))
    toy.write("models/gadgets.yaml", "sector: gadgets\nname: [unclosed\n")
    toy.write("scenarios/toy.yaml", "name: toy\ncommodities: {gadget_fuel: {price: 3}}\n")
    problem = problems_of(toy)[0]
    assert problem.file.endswith("models/gadgets.yaml") and "YAML syntax error" in problem.message


def test_units_that_contradict_what_they_measure(toy):
    sector = widget_sector(plant={"capex": 10})
    sector["calibration"] = {"year": 2025, "emissions": {"value": 3, "unit": "Gtkm", "year": 2024, "sources": ["toy"]},
                             "production": {"widget": {"value": 10, "unit": "PJ", "year": 2024, "sources": ["toy"]}}}
    toy.sector(sector).scenario(scenario())
    problems = problems_of(toy)
    assert "not a unit of CO2" in find(problems, "calibration.emissions.unit").message
    assert "widget is in Mt" in find(problems, "calibration.production.widget.unit").message
    sector = widget_sector(plant={"capex": 10})
    sector["commodities"]["widget"]["unit"] = "GJ"
    toy.sector(sector)
    assert "not 'GJ'" in find(problems_of(toy), "commodities.widget").message


def test_a_file_larger_than_the_limit_is_refused_unread(toy, monkeypatch):
    from planner.schema import yaml_lines

    toy.sector(widget_sector(plant={"capex": 10})).scenario(scenario())
    monkeypatch.setattr(yaml_lines, "MAX_BYTES", 100)
    problem = problems_of(toy)[0]
    assert "larger than any input file may be" in problem.message


def test_validate_reads_the_iamc_codelist_as_a_codelist_not_a_scenario(toy):
    from planner.validate import validate_files

    toy.sector(widget_sector(plant={"capex": 1}))
    bad = toy.write("models/iamc/variables.yaml", "sources: {toy: toy}\nvariables: 3\n")
    tags = toy.write("models/iamc/tags.yaml", "Sector: {}\n")
    problems, checked = validate_files([bad, tags], toy.paths)
    assert checked == 2 and len(problems) == 1
    assert problems[0].file.endswith("variables.yaml") and problems[0].line == 2
    assert "variables" in problems[0].message and "allowed" not in problems[0].message  # not read as a scenario
