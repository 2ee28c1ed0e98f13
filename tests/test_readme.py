"""The README's YAML examples are valid and the scenario example solves on the shipped data
(keeps the README true)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from planner.paths import project_paths
from planner.run import run
from planner.validate import validate_files

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_scenario_example_runs(tmp_path):
    block = next((b for b in _blocks() if "name: tight" in b), None)
    assert block, "README lost its scenario example"
    path = tmp_path / "tight.yaml"
    path.write_text(block, encoding="utf-8")
    out = run(["cement"], str(path), None, project_paths())
    assert out.data.budget_mt == 23000
    em = out.results["emissions"].query("sector == 'cement'").set_index("year")["value"]
    assert em[2040] <= 1000 + 1e-6


def test_readme_milestone_example_is_valid(tmp_path):
    block = next((b for b in _blocks() if b.startswith("milestones:")), None)
    assert block, "README lost its milestone example"
    data = {"name": "readme-milestones", "extends": "default", **yaml.safe_load(block)}
    path = tmp_path / "readme-milestones.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    problems, checked = validate_files([path], project_paths())
    assert checked == 1 and not problems, [str(p) for p in problems]
    assert len(data["milestones"]) == 3


def test_readme_batch_example_is_a_valid_spec(tmp_path):
    from planner.batch.spec import expand, load_spec

    block = next((b for b in _blocks() if "grid:" in b), None)
    assert block, "README lost its batch example"
    path = tmp_path / "sweep.yaml"
    path.write_text(block, encoding="utf-8")
    spec = load_spec(str(path), project_paths())
    runs = expand(spec, project_paths())
    assert len(runs) == 2 * 3 * 20
    problems, _ = validate_files([path], project_paths())
    assert not problems, [str(p) for p in problems]


def test_readme_published_example_is_valid(tmp_path):
    block = next((b for b in _blocks() if "outcomes:" in b), None)
    assert block, "README lost its published-outcome example"
    path = tmp_path / "steel.yaml"  # a published file is named after its sector
    path.write_text(block, encoding="utf-8")
    problems, checked = validate_files([path], project_paths())
    assert checked == 1 and not problems, [str(p) for p in problems]
