"""Property-based: a mutated input file (types, signs, magnitudes, missing, unknown and duplicate
keys, tags) either runs or is an InputError that names file and line; never a traceback.

The toy (widgets) is solved for every mutation: an input that passes the schema but cannot be
served fails with SolveFailed, explained. The shipped cement file and default scenario are
mutated too and loaded into model data (their solve takes seconds; the sector tests solve them).
By default 60 and 30 examples, fixed (derandomised) so the suite is reproducible; 500 of each,
drawn at random, found no traceback (December 2026).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import scenario, widget_sector
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import InputError, SolveFailed
from planner.schema import yaml_lines

VALUES = st.one_of(
    st.sampled_from([0, -1, -1e6, 1e8, 2.5e9, 0.5, 1, 3000, "", "x", None, True, [], {}, [1, 2], {"a": 1},
                     {2030: 1}, {"2030": -4}, ".inf"]),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(min_value=-10**12, max_value=10**12),
)


def nodes(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a YAML document (maps and lists)."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += nodes(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += nodes(v, (*prefix, i))
    return out


def mutate(text: str, draw: Any) -> str:
    """One mutation of a YAML text: a value replaced or removed, a key added or repeated, a tag."""
    data = yaml.safe_load(text)
    path = draw(st.sampled_from(nodes(data)))
    parent = data
    for p in path[:-1]:
        parent = parent[p]
    kind = draw(st.sampled_from(["value", "delete", "unknown", "duplicate", "tag"]))
    if kind == "value":
        parent[path[-1]] = draw(VALUES)
    elif kind == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif kind == "unknown" and isinstance(parent, dict):
        parent["colour"] = draw(VALUES)
    out = yaml.safe_dump(data, sort_keys=False)
    lines = out.splitlines()
    if kind == "duplicate" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif kind == "tag" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        tag = draw(st.sampled_from(["!!python/name:os.system", "!custom", "!!binary", "&a", "*a", "<<:"]))
        lines[i] = lines[i].replace(": ", f": {tag} ", 1) if ": " in lines[i] else f"{lines[i]} {tag}"
    return "\n".join(lines) + "\n"


def assert_located(exc: InputError) -> None:
    for problem in exc.problems:
        assert problem.file, str(problem)
        assert problem.line is not None or problem.path, str(problem)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                    derandomize=True)


@SETTINGS
@given(data=st.data())
def test_a_mutated_toy_runs_or_is_an_input_error_with_a_location(toy, data):
    sector = widget_sector(old={"inputs": {"coal": 3.0}, "stock": [{"capacity": 12, "retire": 2035}]},
                           new={"capex": 500.0, "inputs": {"biomass": 2.0}, "near_zero": True})
    sector_text = yaml.safe_dump(sector, sort_keys=False)
    scen_text = yaml.safe_dump(scenario(carbon_price={2025: 0, 2040: 80},
                                        budget={"unit": "MtCO2", "sectors": {"widgets": 300}}), sort_keys=False)
    if data.draw(st.booleans()):
        sector_text = mutate(sector_text, data.draw)
    else:
        scen_text = mutate(scen_text, data.draw)
    toy.write("models/widgets.yaml", sector_text)
    toy.write("scenarios/toy.yaml", scen_text)
    yaml_lines._PARSED.clear()   # rewritten within one clock tick, a file may keep its mtime and size
    try:
        toy.solve()
    except InputError as exc:
        assert_located(exc)
    except SolveFailed as exc:
        assert exc.message


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory):
    """A copy of the shipped models and scenarios, with the texts of the two files mutated."""
    import shutil

    from planner.paths import ProjectPaths, project_paths

    paths = project_paths()
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(paths.models, root / "models")
    shutil.copytree(paths.scenarios, root / "scenarios")
    copy = ProjectPaths(root)
    files = (copy.sector_file("cement"), copy.scenario_file("default", None))
    return copy, {f: f.read_text(encoding="utf-8") for f in files}


@settings(SETTINGS, max_examples=30)   # each loads the whole cement sector (about 0.12 s)
@given(data=st.data())
def test_a_mutated_shipped_file_loads_or_is_an_input_error_with_a_location(shipped_copy, data):
    from planner.data import build_data
    from planner.run import load_run

    paths, texts = shipped_copy
    for f, text in texts.items():
        f.write_text(text, encoding="utf-8")
    target = data.draw(st.sampled_from(sorted(texts)))
    target.write_text(mutate(texts[target], data.draw), encoding="utf-8")
    yaml_lines._PARSED.clear()
    try:
        build_data(load_run(["cement"], "default", paths))
    except InputError as exc:
        assert_located(exc)
