"""Benchmark: a sweep of the all-sector model (global budget x hydrogen price), runs per minute
with 1 and 2 worker processes, with and without reusing the solver state between runs.

    python benchmarks/batch.py                    # 100 runs (10 budgets x 10 hydrogen prices), 4 configurations
    python benchmarks/batch.py --runs 8 --sectors cement steel     # a quick subset

Each configuration starts from an empty results folder, so every run is solved. Printed: wall
time, runs per minute, solved and failed runs, and the speed against 1 worker without reuse,
all from this one run on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.batch.execute import LocalExecutor, run_batch  # noqa: E402
from planner.batch.spec import BatchSpec, expand  # noqa: E402
from planner.paths import project_paths  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs (the first N of the 10 x 10 grid)")
    parser.add_argument("--sectors", nargs="+", default=["all"])
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()
    paths = project_paths()
    # 10 global budgets between 1.5 °C at 67% and at 50% (AR6 less 2020-24 emissions, GtCO2) and
    # 10 flat clean-hydrogen prices spanning the MPP H2 Model's regional 2050 and 2030 values (USD/GJ),
    # bought at that price: the hydrogen supply sector is left out (`supply: []`), else it sets the price.
    grid = {"budget.global_remaining": [round(float(v), 1) for v in np.linspace(200.2, 300.2, 10)],
            "commodities.hydrogen.price": [round(float(v), 2) for v in np.linspace(6.0, 24.0, 10)],
            "supply": [[]]}
    spec = BatchSpec(name="bench-batch", base="default", sectors=args.sectors, grid=grid)
    runs = expand(spec, paths)[: args.runs]
    print(f"{len(runs)} runs of {', '.join(args.sectors)} (budget x hydrogen price)")
    print(f"{'configuration':<28}{'wall s':>9}{'runs/min':>10}{'solved':>8}{'failed':>8}{'x base':>8}")
    base = None
    for jobs in args.jobs:
        for reuse in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                _table, counts = run_batch(runs, paths, Path(tmp), spec.name, LocalExecutor(jobs), reuse=reuse)
                wall = time.perf_counter() - t0
            rate = len(runs) / wall * 60
            base = base or rate
            label = f"{jobs} worker{'s' if jobs > 1 else ''}, {'reuse' if reuse else 'rebuild'}"
            print(f"{label:<28}{wall:>9.1f}{rate:>10.2f}{counts['solved']:>8}{counts['failed']:>8}"
                  f"{rate / base:>8.2f}")


if __name__ == "__main__":
    main()
