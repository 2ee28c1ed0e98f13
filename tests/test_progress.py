"""Progress while a run works (planner/progress.py): stages, HiGHS's phase, iteration and objective."""

from __future__ import annotations

import io

import pytest
from conftest import scenario, widget_sector

from planner import progress, solve

IPM_LINE = "  42    3.17263114e+06   3.11742203e+06   2.04e-12   7.60e-11  1.76e-02       1.1"
SIMPLEX_LINE = "      13989     3.1275491108e+06 Pr: 0(0); Du: 0(1.27309e-12) 2.8s"
PRESOLVE_LINE = "11282 rows, 15110 cols, 96231 nonzeros 0s"


class Recorder:
    def __init__(self) -> None:
        self.states: list[tuple[str, str, int | None, float | None]] = []

    def update(self, state: progress.State) -> None:
        self.states.append((state.stage, state.phase, state.iteration, state.objective))

    def close(self) -> None:
        pass


def test_highs_log_lines_give_phase_iteration_and_objective():
    rec = Recorder()
    with progress.watching(rec):
        progress.stage("solving")
        progress.feed("Presolving model")
        progress.feed(PRESOLVE_LINE)                       # sizes, not an iteration
        progress.feed(" Iter    primal obj       dual obj    pinf      dinf      mu       time")
        progress.feed(IPM_LINE)
        progress.feed("Running crossover as requested")
        progress.feed("Using dual simplex solver")
        progress.feed(SIMPLEX_LINE)
    assert rec.states[1] == ("solving", "presolve", None, None)
    assert rec.states[2] == ("solving", "presolve", None, None)
    assert rec.states[4] == ("solving", "interior point", 42, pytest.approx(3.17263114e6))
    assert rec.states[5][1] == "crossover"
    assert rec.states[7] == ("solving", "dual simplex", 13989, pytest.approx(3.1275491108e6))
    assert not progress.active()


def test_without_a_watcher_nothing_is_recorded():
    progress.stage("solving")
    progress.feed(IPM_LINE)   # no watcher: no error, nothing kept
    assert not progress.active()


def test_a_line_watcher_writes_each_stage_and_throttles_within_one():
    out = io.StringIO()
    with progress.watching(progress.LineWatcher(out, every=60.0)):
        progress.stage("loading")
        progress.stage("solving")
        for _ in range(50):
            progress.feed(IPM_LINE)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "loading" in lines[0]
    assert lines[1].endswith("s") and " solving" in lines[1]


def test_a_watched_solve_feeds_highs_log_to_the_watcher(toy, monkeypatch):
    monkeypatch.setattr(solve, "IPM_COLUMNS", 0)   # watch even a toy's LP
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"inputs": {"electricity": 5}, "capex": 100})).scenario(scenario(carbon_price=100))
    rec = Recorder()
    with progress.watching(rec):
        out = toy.solve()
    stages = [s[0] for s in rec.states]
    assert stages[0] == "loading" and "building the LP" in stages and "solving" in stages
    solving = [s for s in rec.states if s[0] == "solving"]
    assert any(s[2] is not None for s in solving)                     # iterations seen
    assert out.results.objective > 0 and not progress.active()


def test_a_decomposition_round_is_a_step_with_its_bound():
    rec = Recorder()
    with progress.watching(rec):
        progress.stage("solving by decomposition")
        progress.step("price decomposition, gap 1.0e-02", 7, 123.0)
    assert rec.states[-1] == ("solving by decomposition", "price decomposition, gap 1.0e-02", 7, 123.0)
