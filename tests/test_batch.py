"""Batches: expansion, manifest, resuming, failures, Monte Carlo seeds, executors (on the widget toy)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import scenario, widget_sector

from planner.batch.execute import LocalExecutor, run_batch
from planner.batch.spec import expand, load_spec


@pytest.fixture
def project(toy):
    toy.sector(widget_sector(
        dirty={"inputs": {"coal": 10}, "stock": [{"capacity": 10, "retire": 2041}], "available_from": 2100},
        clean={"capex": 1e-3, "inputs": {"biomass": 10}, "near_zero": True},
    ))
    toy.scenario(scenario())
    return toy


def spec(project, **keys):
    data = {"name": "sweep", "base": "toy", "sectors": ["widgets"], **keys}
    path = project.write("scenarios/sweeps/sweep.yaml", data)
    return load_spec(str(path), project.paths)


def run(project, s, jobs=1, executor=None):
    runs = expand(s, project.paths)
    return run_batch(runs, project.paths, project.root / "results", s.name, executor or LocalExecutor(jobs))


def test_grid_sweep_gives_one_run_and_manifest_row_per_point(project):
    s = spec(project, grid={"carbon_price": [0, 20, 40], "commodities.biomass.price": [5.0, 6.0]})
    manifest, counts = run(project, s)
    assert len(manifest) == 6 and counts["solved"] == 6
    assert (manifest.status == "optimal").all()
    assert (manifest["seconds|total"] > 0).all()       # a finished run has its time, not NaN
    assert manifest.run.is_unique
    for key in manifest.run:
        assert (project.root / "results/sweep/runs" / key / "run.json").exists()
    # the switch to biomass happens only where the carbon price beats 30 (or 40) USD/t
    m = manifest.set_index(["input|carbon_price", "input|commodities.biomass.price"])
    assert m.loc[(40, 5.0), "emissions_2030 [MtCO2/yr]"] == pytest.approx(0, abs=1e-6)
    assert m.loc[(20, 5.0), "emissions_2030 [MtCO2/yr]"] == pytest.approx(10, rel=1e-6)
    for key, inv_total in zip(manifest.run, manifest["investment_total [million USD2020]"]):   # = the run's tables
        inv = pd.read_csv(project.root / "results/sweep/runs" / key / "investment.csv")
        assert inv_total == pytest.approx(inv.value.sum())
    # every output column carries its unit; inputs are the spec's own keys
    outputs = [c for c in manifest.columns if not c.startswith(("input|", "seconds|", "milestones_"))
               and c not in ("run", "status", "reason")]
    assert outputs and all("[" in c or "(" in c for c in outputs), outputs
    assert "total_cost [million USD2020, PV]" in manifest.columns
    for key in manifest.run:   # each run's progress log: its stages
        log = (project.root / "results/sweep/logs" / f"{key}.log").read_text()
        assert "loading" in log and "solving" in log and "writing results" in log
    parquet = pd.read_parquet(project.root / "results/sweep/manifest.parquet")
    assert list(parquet.run) == list(manifest.run)


def test_rerun_solves_nothing_new(project):
    s = spec(project, grid={"carbon_price": [0, 50]})
    run(project, s)
    manifest, counts = run(project, s)
    assert counts["skipped"] == 2 and counts["solved"] == 0 and counts["failed"] == 0
    assert (manifest.status == "optimal").all()


def test_a_failing_run_is_recorded_and_the_rest_complete(project):
    # a cap below zero cannot be met (nothing here removes CO2); the cap of 50 holds; a negative
    # discount rate is bad input
    s = spec(project, grid={"annual_caps.widgets": [{2025: 50}, {2025: -1}], "discount_rate": [0.0, -0.5]})
    manifest, counts = run(project, s)
    assert counts["solved"] == 1 and counts["failed"] == 3
    bad = manifest[manifest["input|discount_rate"] == -0.5]
    assert (bad.status == "bad_input").all()
    assert bad.reason.str.contains("discount_rate").all()
    infeasible = manifest[(manifest["input|discount_rate"] == 0.0) & (manifest.status != "optimal")]
    assert list(infeasible.status) == ["infeasible"]
    assert "annual emission cap" in infeasible.reason.iloc[0]
    # a rerun does not try the failed runs again: their failure would repeat
    _, again = run(project, s)
    assert again["skipped"] == 4 and again["solved"] == 0


def test_monte_carlo_with_the_same_seed_repeats_exactly(project):
    samples = {"n": 5, "seed": 7, "keys": {"carbon_price": {"distribution": "uniform", "low": 0, "high": 60},
                                           "commodities.biomass.price": {"distribution": "triangular", "low": 4,
                                                                         "mode": 5, "high": 7}}}
    a = expand(spec(project, samples=samples), project.paths)
    b = expand(spec(project, samples=samples), project.paths)
    assert [r.key for r in a] == [r.key for r in b]
    assert [r.overrides for r in a] == [r.overrides for r in b]
    other = expand(spec(project, samples={**samples, "seed": 8}), project.paths)
    assert [r.key for r in other] != [r.key for r in a]
    assert len({r.key for r in a}) == 5


def test_two_local_workers_give_the_same_manifest_as_one(project):
    s = spec(project, grid={"carbon_price": [0, 35, 70]})
    one, _ = run(project, s)
    for key in one.run:
        (project.root / "results/sweep/runs" / key / "run.json").unlink()
    two, counts = run(project, s, jobs=2)
    assert counts["solved"] == 3
    cols = ["run", "status", "total_cost [million USD2020, PV]", "cumulative_emissions [MtCO2]",
            "emissions_2030 [MtCO2/yr]"]
    pd.testing.assert_frame_equal(one[cols].reset_index(drop=True), two[cols].reset_index(drop=True))


def test_dask_executor_gives_the_same_manifest_as_the_local_one(project):
    distributed = pytest.importorskip("distributed")
    from planner.batch.execute import DaskExecutor

    s = spec(project, grid={"carbon_price": [0, 35, 70]})
    local, _ = run(project, s)
    for key in local.run:
        (project.root / "results/sweep/runs" / key / "run.json").unlink()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        dask_manifest, counts = run(project, s, executor=DaskExecutor(client=client))
    assert counts["solved"] == 3
    cols = ["run", "status", "total_cost [million USD2020, PV]", "cumulative_emissions [MtCO2]",
            "carbon_price_pv [USD2020/tCO2, PV]", "emissions_2030 [MtCO2/yr]"]
    pd.testing.assert_frame_equal(local[cols].reset_index(drop=True), dask_manifest[cols].reset_index(drop=True))


def test_bad_spec_names_its_line(project):
    from planner.errors import InputError

    with pytest.raises(InputError) as exc:
        spec(project, samples={"n": 3, "seed": 1, "keys": {"carbon_price": {"distribution": "uniform", "low": 1}}})
    problem = exc.value.problems[0]
    assert problem.line is not None and "high" in problem.message


def test_reused_solver_state_gives_the_same_optimum_as_a_fresh_solve(project, monkeypatch):
    # runs that differ in prices and in a limit update the kept HiGHS model in place; the LP itself
    # is updated for the price change (v1) and built again for the limit (v2)
    from planner.run import BUILT, WARM
    from planner.run import run as run_model

    variants = [{"carbon_price": 10, "commodities": {"biomass": {"limit": 100}}},
                {"carbon_price": 45, "commodities": {"biomass": {"price": 4.0, "limit": 100}}},
                {"carbon_price": 45, "commodities": {"biomass": {"price": 4.0, "limit": 60}}}]
    WARM.entries.clear()
    BUILT.entries.clear()
    monkeypatch.setattr(WARM, "observe", lambda warm, seconds: None)   # millisecond toy solves: no timing
    warm, updated = [], []
    for i, v in enumerate(variants):
        project.scenario(scenario(name=f"v{i}", **v))
        hits = BUILT.hits
        warm.append(run_model(["widgets"], f"v{i}", None, project.paths, reuse=True))
        updated.append(BUILT.hits > hits)
    assert [w.solution.info.get("warm_start") for w in warm] == [False, True, True]
    assert updated == [False, True, False]
    # v1 changes only costs: its old basis stays primal feasible and the primal simplex re-solves it
    assert [w.solution.info.get("primal_simplex", False) for w in warm] == [False, True, False]
    for i, w in enumerate(warm):
        fresh = run_model(["widgets"], f"v{i}", None, project.paths)
        assert w.results.objective == pytest.approx(fresh.results.objective, rel=1e-9)
        em_w = w.results["emissions"]["value"].sum()
        assert em_w == pytest.approx(fresh.results["emissions"]["value"].sum(), rel=1e-7, abs=1e-9)


def test_a_crashed_worker_is_recorded_and_the_batch_goes_on(project, monkeypatch):
    s = spec(project, grid={"carbon_price": [0, 35, 70]})
    runs = expand(s, project.paths)
    monkeypatch.setenv("PLANNER_TEST_CRASH", runs[1].key)
    manifest, counts = run(project, s, jobs=2)
    assert counts["solved"] == 2 and counts["failed"] == 1
    crashed = manifest[manifest.run == runs[1].key].iloc[0]
    assert crashed.status == "worker_crash" and "died" in crashed.reason
    # a crash is not a property of the inputs: a rerun tries that run again
    monkeypatch.delenv("PLANNER_TEST_CRASH")
    _, again = run(project, s)
    assert again["skipped"] == 2 and again["solved"] == 1


def test_a_warm_start_slower_than_a_fresh_solve_falls_back_to_fresh(project):
    from planner.run import WARM
    from planner.run import run as run_model

    WARM.entries.clear()
    outs = []
    for i, price in enumerate([10, 20, 30, 40]):
        project.scenario(scenario(name=f"w{i}", carbon_price=price))
        outs.append(run_model(["widgets"], f"w{i}", None, project.paths, reuse=True))
        if i == 0:
            WARM.fresh_seconds[WARM.last] = 0.0   # as if the fresh solve had been instant: warm loses
    # run 2 re-solves warm and loses, so run 3 solves fresh; run 4 tries warm again
    assert [o.solution.info.get("warm_start") for o in outs] == [False, True, False, True]
    for i, o in enumerate(outs):
        fresh = run_model(["widgets"], f"w{i}", None, project.paths)
        assert o.results.objective == pytest.approx(fresh.results.objective, rel=1e-9)


@pytest.mark.parametrize("keys, at, words", [
    ({"grid": {"budget.global_remainin": [1, 2]}}, "grid.budget.global_remainin", "unknown key"),
    ({"grid": {"carbon_price": ["lots"]}}, "grid.carbon_price", "run 1"),
    ({"grid": {"commodities.nonesuch.price": [3]}}, "grid.commodities.nonesuch.price", "unknown commodity"),
    ({"samples": {"n": 40, "seed": 3, "keys": {"commodities.biomass.price":
                                               {"distribution": "normal", "mean": 1, "sd": 2}}}},
     "samples.keys.commodities.biomass.price", "must not be negative"),
    ({"sectors": ["widgets", "gizmos"]}, "sectors.1", "unknown sector 'gizmos'"),
])
def test_a_bad_spec_is_named_at_its_line_and_nothing_is_written(project, keys, at, words):
    from typer.testing import CliRunner

    from planner.batch.spec import read_spec
    from planner.cli import app
    from planner.validate import check_batch

    path = project.write("scenarios/sweeps/sweep.yaml", {"name": "sweep", "base": "toy", "sectors": ["widgets"],
                                                          **keys})
    spec_, raw = read_spec(str(path), project.paths)
    problems = check_batch(spec_, raw, expand(spec_, project.paths), project.paths)
    assert problems and problems[0].file.endswith("scenarios/sweeps/sweep.yaml"), problems
    assert problems[0].line is not None and problems[0].path == at and words in problems[0].message
    # the command says the same and writes nothing (no folder, manifest or generated scenarios)
    result = CliRunner().invoke(app, ["batch", str(path), "-o", str(project.root / "out")],
                                env={"PLANNER_ROOT": str(project.root)})
    assert result.exit_code == 1 and "sweep.yaml" in result.output
    assert not (project.root / "out").exists()


def test_unreadable_records_in_a_batch_folder_are_run_again(project):
    from planner.batch.execute import unreadable

    s = spec(project, grid={"carbon_price": [0, 35, 70]})
    first, _ = run(project, s)
    runs = expand(s, project.paths)
    folder = project.root / "results/sweep"
    (folder / "runs" / runs[0].key / "run.json").write_text('{"status": "opt')   # truncated
    (folder / "runs" / runs[1].key / "run.json").write_text("")                  # empty
    (folder / "failures").mkdir(exist_ok=True)
    (folder / "failures" / f"{runs[2].key}.json").write_text("[]")              # not a record
    assert len(unreadable(runs, folder)) == 3
    manifest, counts = run(project, s)
    assert counts["solved"] == 2 and counts["skipped"] == 1 and (manifest.status == "optimal").all()
    # the two runs are whole again; the third was finished all along (its run.json counts)
    assert unreadable(runs, folder) == [folder / "failures" / f"{runs[2].key}.json"]


def test_an_interrupted_batch_drops_queued_runs_and_keeps_finished_ones(project):
    from planner.batch.execute import batch_dir

    s = spec(project, grid={"carbon_price": [0, 10, 20, 30, 40, 50, 60, 70]})
    runs = expand(s, project.paths)
    seen = []

    def progress(solved, failed):
        seen.append(solved)
        raise KeyboardInterrupt   # Ctrl-C after the first finished run

    with pytest.raises(KeyboardInterrupt):
        run_batch(runs, project.paths, project.root / "results", s.name, LocalExecutor(2), progress)
    folder = batch_dir(project.root / "results", s.name)
    finished = [r.key for r in runs if (folder / "runs" / r.key / "run.json").exists()]
    assert 1 <= len(finished) < len(runs)          # the queued runs were not run
    manifest = pd.read_csv(folder / "manifest.csv")
    done = manifest[manifest.run.isin(finished)]
    assert len(done) == len(finished) and (done.status == "optimal").all()   # none left 'pending'
    assert (manifest[~manifest.run.isin(finished)].status == "pending").all()


def test_an_interrupted_batch_says_what_it_kept_and_how_to_resume(project, monkeypatch):
    from typer.testing import CliRunner

    import planner.batch.execute as execute
    from planner.cli import app

    s = spec(project, grid={"carbon_price": [0, 10, 20]})
    real = execute.run_batch

    def one_then_ctrl_c(runs, *args, **kwargs):
        real(runs[:1], *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(execute, "run_batch", one_then_ctrl_c)
    result = CliRunner().invoke(app, ["batch", str(project.root / "scenarios/sweeps/sweep.yaml"), "--out",
                                      str(project.root / "results")], env={"PLANNER_ROOT": str(project.root)})
    assert result.exit_code == 130, result.output
    assert "interrupted: 1 of 3 runs finished and kept" in result.output
    assert "run the same command again to resume" in result.output
    assert s.name == "sweep"


def test_a_change_anywhere_under_models_gives_new_run_ids(project):
    s = spec(project, grid={"carbon_price": [0, 10]})
    before = [r.key for r in expand(s, project.paths)]
    assert before == [r.key for r in expand(s, project.paths)]       # stable
    project.write("models/published/widgets.yaml", {"sector": "widgets"})   # not a sector file
    after = [r.key for r in expand(s, project.paths)]
    assert not set(before) & set(after)
