"""The README's scenario example is valid and solves on the shipped data (keeps the README true)."""

from __future__ import annotations

import re
from pathlib import Path

from planner.paths import project_paths
from planner.run import run

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_scenario_example_runs(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README lost its scenario example"
    path = tmp_path / "tight.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    out = run(["cement"], str(path), None, project_paths())
    assert out.data.budget_mt == 23000
    em = out.results["emissions"].set_index("year")["value"]
    assert em[2040] <= 400 + 1e-6
