"""Layers talk in one direction: files -> schema -> data tables -> Pyomo model -> solver -> results ->
writers. Importing anything outside the model and solver layers loads neither Pyomo nor HiGHS."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import planner

MODEL_AND_SOLVER = {"planner.formulation", "planner.solve", "planner.sparse", "planner.decompose", "planner.reuse",
                    "planner.history", "planner.run", "planner.replan", "planner.__main__"}
"""The modules that build or solve the LP (and `run` and `replan`, which drive them)."""


def outside_the_solver() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(planner.__path__, "planner.")]
    return sorted(n for n in names if not any(n == s or n.startswith(s + ".") for s in MODEL_AND_SOLVER))


def test_results_explanations_schema_cli_and_api_import_without_pyomo_or_highspy():
    modules = outside_the_solver()
    assert {"planner.results.extract", "planner.explain", "planner.milestones", "planner.cli", "planner.api",
            "planner.solution", "planner.index"} <= set(modules)
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(k for k in ('pyomo', 'highspy') if k in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"loaded by importing {len(modules)} modules: {done.stdout}"
