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
