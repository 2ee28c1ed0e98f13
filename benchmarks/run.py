"""Benchmark runner: build, transfer to HiGHS and solve, for cement and a seven-sector case.

    python benchmarks/run.py                 # all cases and routes, median of 3
    python benchmarks/run.py --repeat 1 --cases cement --routes compiler

Routes of a Pyomo model into HiGHS, each timed as transfer (Pyomo -> solver memory) and solve:
  compiler    Pyomo LinearStandardFormCompiler -> numpy arrays -> highspy passModel (planner's route)
  lp-file     Pyomo writes an LP file -> highspy readModel
  appsi       pyomo.contrib.appsi Highs persistent interface (set_instance, then solve)
  contrib     pyomo.contrib.solver Highs persistent interface (set_instance, then solve)
Every route must reach the same objective (checked). Printed: seconds per phase and the
ratio (build + transfer) / solve, and each route's total against the compiler route, all from
this one run on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import highspy
import pyomo.environ as pyo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import write_project  # noqa: E402

from planner.data import build_data  # noqa: E402
from planner.formulation import build_model  # noqa: E402
from planner.paths import ProjectPaths, project_paths  # noqa: E402
from planner.schema.load import load_run  # noqa: E402
from planner.schema.scenario import SolverOptions  # noqa: E402
from planner.solve import _quiet_stdout, compile_lp, pass_to_highs  # noqa: E402

ROUTES = ("compiler", "lp-file", "appsi", "contrib")


def route_compiler(m: pyo.ConcreteModel) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    h = pass_to_highs(compile_lp(m), SolverOptions())
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, h.getInfo().objective_function_value


def route_lp_file(m: pyo.ConcreteModel) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.lp"
        t0 = time.perf_counter()
        m.write(str(path), io_options={"symbolic_solver_labels": False})
        with _quiet_stdout():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(str(path))
        t1 = time.perf_counter()
        h.run()
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, h.getInfo().objective_function_value


def route_appsi(m: pyo.ConcreteModel) -> tuple[float, float, float]:
    from pyomo.contrib.appsi.solvers import Highs

    opt = Highs()
    t0 = time.perf_counter()
    with _quiet_stdout():
        opt.set_instance(m)
    t1 = time.perf_counter()
    res = opt.solve(m)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, res.best_feasible_objective


def route_contrib(m: pyo.ConcreteModel) -> tuple[float, float, float]:
    from pyomo.contrib.solver.solvers.highs import Highs

    opt = Highs()
    t0 = time.perf_counter()
    with _quiet_stdout():
        opt.set_instance(m)
    t1 = time.perf_counter()
    res = opt.solve(m, load_solutions=False)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, res.incumbent_objective


RUNNERS = {"compiler": route_compiler, "lp-file": route_lp_file, "appsi": route_appsi, "contrib": route_contrib}


def case_inputs(case: str, tmp: Path):
    if case == "cement":
        paths = project_paths()
        return load_run(["cement"], "default", paths)
    names = write_project(tmp / "seven", sectors=7, techs=12)
    return load_run(names, "synthetic", ProjectPaths(tmp / "seven"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=["cement", "seven-sector"], choices=["cement", "seven-sector"])
    ap.add_argument("--routes", nargs="+", default=list(ROUTES), choices=ROUTES)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from planner.run import versions

    v = versions()
    print(f"highspy {v['highspy']}, Pyomo {v['pyomo']}, Python {v['python']}; median of {args.repeat} per route")
    header = f"{'case':13} {'route':9} {'build':>7} {'transfer':>9} {'solve':>7} {'total':>7} " \
             f"{'(b+t)/solve':>11} {'vs compiler':>11}  size"
    print(header)
    with tempfile.TemporaryDirectory() as tmpdir:
        for case in args.cases:
            inputs = case_inputs(case, Path(tmpdir))
            data = build_data(inputs)
            base_total = None
            objectives = {}
            for route in args.routes:
                builds, transfers, solves = [], [], []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    model, _ = build_model(data)
                    builds.append(time.perf_counter() - t0)
                    transfer, solve, obj = RUNNERS[route](model)
                    transfers.append(transfer)
                    solves.append(solve)
                    objectives[route] = obj
                b, t, s = (statistics.median(x) for x in (builds, transfers, solves))
                total = b + t + s
                base_total = base_total or (total if route == "compiler" else None)
                vs = f"{total / base_total:.2f}x" if base_total else "-"
                size = ""
                if route == "compiler":
                    lp = compile_lp(model)
                    size = f"{len(lp.cost)} cols, {len(lp.row_lower)} rows, {len(lp.a_value)} nnz"
                print(f"{case:13} {route:9} {b:7.3f} {t:9.3f} {s:7.3f} {total:7.3f} {(b + t) / s:11.2f} "
                      f"{vs:>11}  {size}")
            ref = objectives.get("compiler", next(iter(objectives.values())))
            for route, obj in objectives.items():
                if abs(obj - ref) > 1e-6 * max(1.0, abs(ref)):
                    print(f"  WARNING: {route} objective {obj} differs from {ref}")


if __name__ == "__main__":
    main()
