"""Running a batch: each run in a worker (local processes, or a Dask cluster), resumable, with a
manifest of every run.

Layout under ``<out>/<batch name>/``:
  runs/<id>/         one results folder per finished run (the run contract but iamc.xlsx, whose rows
                     iamc.csv holds; written atomically)
  failures/<id>.json why a run failed (bad input, infeasible with its explanation, worker crash)
  scenarios/<id>.yaml the run's scenario: its base scenario extended by the overrides
  logs/<id>.log      the run's progress: a line at each stage (loading, building the LP, solving,
                     writing results) and every 5 s of a solve (HiGHS phase, iteration, objective)
  manifest.csv, manifest.parquet  one row per run: inputs, status, key outputs, timings
A rerun skips runs whose folder holds a finished run.json, and runs that failed for a reason that
would repeat (bad input, infeasible); a crashed worker's run is tried again. An interrupt loses no
finished run and leaves no half-written folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from planner.batch.spec import RunSpec, nest
from planner.paths import ProjectPaths
from planner.results.write import atomic_text, atomic_write

REPEATING = ("bad_input", "infeasible", "unbounded")
"""Failure kinds that a rerun would only repeat (the inputs are the same)."""


def batch_dir(out: Path, name: str) -> Path:
    return Path(out) / name


def read_record(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """A run's run.json or failure record; None if absent, or unreadable (truncated, not JSON,
    without `keys`): such a run counts as not run, and is run again."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return rec if isinstance(rec, dict) and all(k in rec for k in keys) else None


RUN_KEYS = ("status", "objective")
FAILURE_KEYS = ("status", "reason", "seconds")


def status_of(spec: RunSpec, folder: Path) -> str | None:
    """'done', 'failed' (for a reason that would repeat), or None (to run)."""
    if read_record(folder / "runs" / spec.key / "run.json", RUN_KEYS) is not None:
        return "done"
    failure = read_record(folder / "failures" / f"{spec.key}.json", FAILURE_KEYS)
    if failure is not None and failure["status"] in REPEATING:
        return "failed"
    return None


def unreadable(specs: list[RunSpec], folder: Path) -> list[Path]:
    """Records in a batch folder that exist but cannot be read (their runs are run again)."""
    out = []
    for spec in specs:
        for path, keys in ((folder / "runs" / spec.key / "run.json", RUN_KEYS),
                           (folder / "failures" / f"{spec.key}.json", FAILURE_KEYS)):
            if path.exists() and read_record(path, keys) is None:
                out.append(path)
    return out


def run_one(spec: RunSpec, root: str, folder: str, batch: str, reuse: bool = True) -> dict[str, Any]:
    """Solve one run of a batch and write its folder, or its failure record; returns its manifest row.

    Runs in a worker process (or on a Dask worker): everything it needs comes in its arguments.
    """
    from planner import progress
    from planner.errors import InputError, SolveFailed
    from planner.run import run

    if os.environ.get("PLANNER_TEST_CRASH") == spec.key:  # lets the tests kill a worker mid-run
        os._exit(3)
    paths = ProjectPaths(Path(root))
    out = Path(folder)
    scen = out / "scenarios" / f"{spec.key}.yaml"
    base = paths.scenario_file(spec.base, None).resolve()
    data = {"name": f"{batch}-{spec.key}", "extends": str(base), **nest(spec.overrides)}
    data.setdefault("solver", {}).setdefault("explain", "elastic")  # a failed run costs one more solve, not an IIS
    atomic_text(scen, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    t0 = time.perf_counter()
    log = out / "logs" / f"{spec.key}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        with progress.watching(progress.LineWatcher(log, every=5.0)):
            run(spec.sectors, str(scen), None, paths, folder=out / "runs" / spec.key, reuse=reuse, xlsx=False)
    except InputError as exc:
        return _failed(spec, out, "bad_input", str(exc), t0)
    except SolveFailed as exc:
        return _failed(spec, out, exc.status, exc.message, t0)
    except Exception as exc:  # recorded with its type; the batch goes on
        return _failed(spec, out, "error", f"{type(exc).__name__}: {exc}", t0)
    failure = out / "failures" / f"{spec.key}.json"
    if failure.exists():
        failure.unlink()
    return row_of(spec, out)


def _failed(spec: RunSpec, out: Path, status: str, reason: str, t0: float) -> dict[str, Any]:
    record = {"key": spec.key, "status": status, "reason": reason, "seconds": time.perf_counter() - t0,
              "spec": asdict(spec)}
    atomic_text(out / "failures" / f"{spec.key}.json", json.dumps(record, indent=2, default=str))
    return row_of(spec, out)


def _metric_columns(folder: Path) -> dict[str, float]:
    """Investment and stranded value over the horizon (million money) and last-year resource demand."""
    out: dict[str, float] = {}
    if (folder / "investment.csv").exists():
        out["investment_total"] = float(pd.read_csv(folder / "investment.csv").value.sum())
    if (folder / "stranded_assets.csv").exists():
        out["stranded_value"] = float(pd.read_csv(folder / "stranded_assets.csv").undepreciated_value.sum())
    if (folder / "resources.csv").exists():
        res = pd.read_csv(folder / "resources.csv")
        if len(res):
            year = int(res.year.max())
            last = res[res.year == year]
            for (key, unit), v in last.groupby(["resource", "unit"])["value"].sum().items():
                out[f"resource_{year}|{key} ({unit})"] = float(v)
    return out


UNITS = {"total_cost": "million {cur}, PV", "cumulative_emissions": "{co2}", "carbon_price_pv": "{cur}/tCO2, PV",
         "carbon_price_2030": "{cur}/tCO2", "carbon_price_2050": "{cur}/tCO2", "emissions_2030": "MtCO2/yr",
         "emissions_2050": "MtCO2/yr", "investment_total": "million {cur}", "stranded_value": "million {cur}"}
"""The unit each output column of the manifest carries in its name (`total_cost [million USD2020, PV]`);
resource columns carry theirs in parentheses, `seconds|...` and `milestones_...` (counts) in the name."""


def column(columns: Any, name: str) -> str | None:
    """The manifest column of an output (`total_cost` -> `total_cost [million USD2020, PV]`), or None."""
    return next((c for c in columns if c == name or str(c).startswith(f"{name} [")), None)


def row_of(spec: RunSpec, out: Path) -> dict[str, Any]:
    """The manifest row of a run, from its folder or failure record."""
    row: dict[str, Any] = {"run": spec.key, "index": spec.index, **{f"input|{k}": _cell(v) for k, v in
                                                                   spec.inputs.items()}}
    folder = out / "runs" / spec.key
    rec = read_record(folder / "run.json", RUN_KEYS)
    if rec is not None:
        head = rec.get("headline", {})
        prices = pd.read_csv(folder / "prices.csv")
        pv = prices[prices.name == "carbon_price_pv"]["value"]
        ms = pd.read_csv(folder / "milestones.csv")
        row.update({
            "status": rec["status"], "reason": "",
            "total_cost": rec.get("cost", rec["objective"]),
            "cumulative_emissions": head.get("cumulative_emissions"),
            "carbon_price_pv": float(pv.iloc[0]) if len(pv) else float("nan"),
            "carbon_price_2030": head.get("carbon_price", {}).get("2030"),
            "carbon_price_2050": head.get("carbon_price", {}).get("2050"),
            "emissions_2030": head.get("emissions", {}).get("2030"),
            "emissions_2050": head.get("emissions", {}).get("2050"),
            "milestones_met": int((ms.status == "met").sum()) if len(ms) else 0,
            "milestones_binding": int((ms.status == "binding").sum()) if len(ms) else 0,
            "milestones_violated": int((ms.status == "violated").sum()) if len(ms) else 0,
            **_metric_columns(folder),
            **{f"seconds|{k}": v for k, v in rec.get("timings", {}).items()},
        })
        timings = rec.get("timings", {})   # the run's time from loading to written, as a failure record has it
        row["seconds|total"] = timings.get("total", float("nan")) + timings.get("write", 0.0)
        co2 = "MtCO2e" if len(head.get("counted_gases") or ["CO2"]) > 1 else "MtCO2"
        return {f"{k} [{UNITS[k].format(cur=rec.get('currency', 'USD'), co2=co2)}]" if k in UNITS else k: v
                for k, v in row.items()}
    failure = read_record(out / "failures" / f"{spec.key}.json", FAILURE_KEYS)
    if failure is not None:
        row.update({"status": failure["status"], "reason": str(failure["reason"])[:500],
                    "seconds|total": failure["seconds"]})
    else:
        row.update({"status": "pending", "reason": ""})
    return row


def _cell(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool)) or value is None else json.dumps(value)


def write_manifest(specs: list[RunSpec], out: Path, rows: dict[str, dict[str, Any]] | None = None) -> pd.DataFrame:
    """manifest.csv and manifest.parquet: one row per run of the spec (finished, failed or pending);
    `rows` holds rows already known by run id, so only the others are read from their folders."""
    rows = rows or {}
    table = pd.DataFrame([rows.get(s.key) or row_of(s, out) for s in specs]).sort_values("index").drop(columns="index")
    atomic_write(out / "manifest.csv", lambda p: table.to_csv(p, index=False))
    atomic_write(out / "manifest.parquet", lambda p: table.astype(
        {c: "string" for c in table.columns if table[c].dtype == object}).to_parquet(p, index=False))
    return table


Callback = Callable[[dict[str, Any]], None]


class LocalExecutor:
    """Worker processes on this machine (spawned, so each run starts clean); a crashed worker's
    runs are recorded and the pool is started again for the rest."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(self, specs: list[RunSpec], root: str, folder: str, batch: str, done: Callback,
            reuse: bool = True) -> None:
        if self.jobs == 1:
            for s in specs:
                done(run_one(s, root, folder, batch, reuse))
            return
        left: list[RunSpec] = []
        with ProcessPoolExecutor(self.jobs, mp_context=get_context("spawn")) as pool:
            futures: dict[Future, RunSpec] = {pool.submit(run_one, s, root, folder, batch, reuse): s for s in specs}
            try:
                for f in as_completed(futures):
                    done(f.result())
            except BrokenProcessPool:
                left = [s for f, s in futures.items() if not f.done() or f.exception() is not None]
            except KeyboardInterrupt:   # stop: drop the queued runs (leaving the pool would run them all)
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        for s in left:  # the pool broke: each unfinished run alone, so the one that crashes is known
            done(self._isolated(s, root, folder, batch))

    @staticmethod
    def _isolated(spec: RunSpec, root: str, folder: str, batch: str) -> dict[str, Any]:
        t0 = time.perf_counter()
        try:
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                return pool.submit(run_one, spec, root, folder, batch).result()
        except BrokenProcessPool:
            return _failed(spec, Path(folder), "worker_crash", "the worker process died while solving it", t0)


class DaskExecutor:
    """A Dask distributed cluster (``--executor dask --address HOST:PORT``); workers need the
    project installed and its files at the same path (or a shared file system)."""

    def __init__(self, address: str | None = None, client: Any = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # an optional extra
            raise RuntimeError("the Dask executor needs the 'dask' extra: pip install -e '.[dask]'") from exc
        self.client = client or Client(address)

    def map(self, specs: list[RunSpec], root: str, folder: str, batch: str, done: Callback,
            reuse: bool = True) -> None:
        from distributed import as_completed as dask_completed

        futures = [self.client.submit(run_one, s, root, folder, batch, reuse, key=f"planner-{batch}-{s.key}",
                                      pure=False) for s in specs]
        for f in dask_completed(futures):
            try:
                done(f.result())
            except Exception as exc:  # a lost worker: recorded, the batch goes on
                spec = specs[futures.index(f)]
                done(_failed(spec, Path(folder), "worker_crash", f"{type(exc).__name__}: {exc}", time.perf_counter()))


def run_batch(specs: list[RunSpec], paths: ProjectPaths, out: Path, batch: str, executor: Any,
              progress: Callable[[int, int], Any] | None = None,
              reuse: bool = True) -> tuple[pd.DataFrame, dict[str, int]]:
    """Run what is not finished yet; write the manifest (also after every few runs). Returns the
    manifest and counts of skipped, solved and failed runs."""
    folder = batch_dir(out, batch)
    folder.mkdir(parents=True, exist_ok=True)
    todo = [s for s in specs if status_of(s, folder) is None]
    counts = {"total": len(specs), "skipped": len(specs) - len(todo), "solved": 0, "failed": 0}
    last = [time.perf_counter()]
    rows = {s.key: row_of(s, folder) for s in specs}

    def done(row: dict[str, Any]) -> None:
        rows[row["run"]] = row
        counts["solved" if row.get("status") == "optimal" else "failed"] += 1
        if progress:
            progress(counts["solved"], counts["failed"])
        if time.perf_counter() - last[0] > 10:
            write_manifest(specs, folder, rows)
            last[0] = time.perf_counter()

    try:
        executor.map(todo, str(paths.root), str(folder), batch, done, reuse)
    finally:
        # runs that finished while the batch was being stopped are read from their folders
        table = write_manifest(specs, folder, {k: r for k, r in rows.items() if r.get("status") != "pending"})
    return table, counts

