"""The command line as a user runs it: exit codes, messages, the results folder contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import scenario, widget_sector

CONTRACT = {
    "emissions.csv": ["sector", "year", "value", "unit"],
    "production.csv": ["sector", "technology", "year", "value", "unit"],
    "capacity.csv": ["sector", "technology", "year", "value", "unit"],
    "new_capacity.csv": ["sector", "technology", "year", "value", "unit"],
    "retired_capacity.csv": ["sector", "technology", "year", "value", "unit"],
    "commodity_use.csv": ["sector", "commodity", "year", "value", "unit"],
    "costs.csv": ["sector", "component", "year", "value", "unit"],
    "prices.csv": ["name", "year", "value", "unit"],
    "milestones.csv": ["name", "sector", "year", "metric", "bound", "value", "status", "dual"],
    "iamc.csv": ["model", "scenario", "region", "variable", "unit"],
    "iamc_planner.csv": ["model", "scenario", "region", "variable", "unit"],
}


def planner(toy, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLANNER_ROOT": str(toy.root), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=toy.root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"inputs": {"electricity": 5}, "capex": 100, "build_limit": {"growth": 0.3, "seed": 0.5}},
    ))
    toy.scenario(scenario(name="default", budget={"unit": "MtCO2", "sectors": {"widgets": 100}}))
    return toy


def test_run_prints_summary_and_writes_the_contract(project):
    res = planner(project, "run", "widgets")
    assert res.returncode == 0, res.stderr
    for text in ("optimal", "Total discounted cost", "Cumulative emissions", "Carbon price", "Timings"):
        assert text in res.stdout
    folder = project.root / "results" / "default" / "widgets"
    for name, columns in CONTRACT.items():
        table = pd.read_csv(folder / name)
        assert set(columns) <= set(table.columns), name
    record = json.loads((folder / "run.json").read_text())
    assert record["status"] == "optimal"
    assert set(record["timings"]) >= {"build", "transfer", "solve", "write"}
    assert record["input_hash"] and record["versions"]["pyomo"]
    assert (folder / "scenario.yaml").exists()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_bad_input_exits_1_and_writes_nothing(project):
    project.write("models/widgets.yaml", (project.root / "models/widgets.yaml").read_text().replace(
        "lifetime: 20", "lifetime: 20\n    colour: green", 1))
    res = planner(project, "run", "widgets")
    assert res.returncode == 1
    assert "widgets.yaml:" in res.stderr and "unknown key 'colour'" in res.stderr
    assert not (project.root / "results").exists()


def test_a_usage_error_exits_1_not_the_infeasible_code(project):
    res = planner(project, "run")    # no sector
    assert res.returncode == 1 and "Missing argument" in res.stderr
    assert planner(project, "run", "widgets", "--no-such-option").returncode == 1


def test_infeasible_budget_exits_2_with_an_explanation(project):
    project.scenario(scenario(name="tight", budget={"unit": "MtCO2", "sectors": {"widgets": 20}}))
    res = planner(project, "run", "widgets", "--scenario", "tight")
    assert res.returncode == 2
    assert "carbon budget of 0.02 GtCO2" in res.stderr and "is missed by 0.02 GtCO2" in res.stderr
    assert "lowest cumulative emissions" in res.stderr
    assert "\n  - " in res.stderr   # what collides or is violated: one item a line
    assert not (project.root / "results").exists()


def test_validate_and_list(project):
    ok = planner(project, "validate")
    assert ok.returncode == 0 and "valid" in ok.stdout
    listing = planner(project, "list")
    assert listing.returncode == 0
    assert "Widgets" in listing.stdout and "default" in listing.stdout


def test_every_shipped_file_is_valid():
    # the shipped models/ and scenarios/ (a YAML error in one scenario once went unnoticed)
    res = subprocess.run([sys.executable, "-m", "planner", "validate"], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "files valid" in res.stdout


def test_help_version_and_list_say_what_a_user_needs(project):
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    env = {"PLANNER_ROOT": str(project.root), "COLUMNS": "200"}
    version = runner.invoke(app, ["--version"], env=env)
    assert version.exit_code == 0 and version.output.startswith("planner ")
    helptext = planner(project, "run", "--help").stdout
    assert "<bool>" not in helptext and "-q, --quiet" in helptext
    assert "(widgets)" in helptext                           # the sectors there are to run
    listing = runner.invoke(app, ["list"], env=env)
    assert listing.exit_code == 0 and "groups" in listing.output


@pytest.mark.slow
def test_ctrl_c_stops_a_long_solve_within_two_seconds_and_writes_nothing(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "planner", "run", "all", "-q", "-o", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(14)   # the seven sectors load, build and compile in about 10 s, then solve for about 20
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    t0 = time.perf_counter()
    _out, err = proc.communicate(timeout=30)
    assert time.perf_counter() - t0 < 2.0
    assert proc.returncode == 130 and "interrupted; nothing written" in err
    assert not (tmp_path / "out").exists()


def test_a_narrow_or_piped_console_shows_every_cell_in_full(project):
    env = {**os.environ, "PLANNER_ROOT": str(project.root), "COLUMNS": "50"}
    res = subprocess.run([sys.executable, "-m", "planner", "run", "widgets"], cwd=project.root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "…" not in res.stdout                          # cells wrap; nothing is cut
    assert "Mt/yr" in res.stdout                         # the production mix says its unit
