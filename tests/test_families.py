"""The family registry (planner/families.py) is the LP: every Var and Constraint the formulation builds
for the shipped scenarios is declared there with its index, and every declared family is built."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from planner.data import build_data
from planner.explain import ROW_WORDS, SCENARIO_ROWS
from planner.families import FAMILIES, LIMITS, ROWS, SHARED, SLACKS, VARIABLES
from planner.formulation import build_model
from planner.paths import project_paths
from planner.results.drivers import SUBJECTS
from planner.schema.load import load_run


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[str, int | None]]:
    """Every component of the seven sectors' models: joint default, elastic, fixed shares (a budget row
    per sector): name -> (kind, index length)."""
    paths = project_paths()
    seen: dict[str, tuple[str, int | None]] = {}
    for scenario, elastic in (("default", False), ("default", True), ("fixed-shares", False)):
        model, _ = build_model(build_data(load_run(paths.sector_names(), scenario, paths)), elastic=elastic)
        for c in model.component_objects((pyo.Var, pyo.Constraint), descend_into=True):
            kind = "variable" if c.ctype is pyo.Var else "row"
            first = next(iter(c.keys()), None) if c.is_indexed() else None
            size = None if first is None else (len(first) if isinstance(first, tuple) else 1)
            if c.name not in seen or seen[c.name][1] is None:
                seen[c.name] = (kind, size)
    return seen


def test_every_built_family_is_declared_with_its_kind_and_index(built):
    undeclared = sorted(set(built) - set(FAMILIES))
    assert not undeclared, f"built but not in planner/families.py: {undeclared}"
    for name, (kind, size) in built.items():
        f = FAMILIES[name]
        assert f.kind == kind, name
        if size is not None:
            assert len(f.index) == size, f"{name}: index {f.index} against {size} positions built"


def test_every_declared_family_is_built(built):
    assert not sorted(set(FAMILIES) - set(built)), "declared in planner/families.py but never built"


def test_the_readers_of_the_registry_cover_it():
    assert set(VARIABLES) | set(ROWS) == set(FAMILIES)
    assert set(SUBJECTS) == set(LIMITS)                 # drivers.csv names every limit
    assert SCENARIO_ROWS == LIMITS                      # explanations call exactly these the scenario's
    described = set(ROW_WORDS) | {"budget", "cumulative_supply_limit", "pool_cumulative_limit", "service_life",
                                  "milestone"}         # the last five have their own words in explain.py
    assert set(LIMITS) <= described
    assert set(SLACKS) <= set(VARIABLES) and set(SHARED) <= set(ROWS)
    for f in FAMILIES.values():
        if f.soft:
            assert FAMILIES[f.soft].kind == "variable", f.name
        if f.words:
            assert f.words.format(*f.index), f.name     # formats with an index of its length
