"""HiGHS's methods on planner's LPs: dual simplex, interior point with crossover, PDLP.

    python benchmarks/methods.py                           # cement, all seven, synthetic x10
    python benchmarks/methods.py --cases cement --methods simplex ipm --time-limit 60

Cases: `cement` and `all` are the shipped sectors under the default scenario (first year fixed as
history, as a run solves them); `synthetic-x10` is benchmarks/synthetic.py at ten times the
seven-sector size (70 sectors; not real data). Each method solves a fresh copy of the same arrays
(no basis to start from), so the times compare like with like. Printed per case: the LP's size,
then per method its seconds, status and objective relative to the first optimal one, and the method
`solver.method: choose` takes for a fresh solve of that size (planner/solve.py IPM_COLUMNS), all
from this one run on this machine. PDLP is a first-order method: it stops at a looser tolerance
and yields no basis, so a planner run uses it only when the scenario asks (`solver.method: pdlp`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import write_project  # noqa: E402

from planner.data import build_data  # noqa: E402
from planner.formulation import build_model  # noqa: E402
from planner.history import with_history  # noqa: E402
from planner.paths import ProjectPaths, project_paths  # noqa: E402
from planner.schema.load import load_run  # noqa: E402
from planner.schema.scenario import SolverOptions  # noqa: E402
from planner.solve import IPM_COLUMNS, CompiledLP, compile_lp, pass_to_highs  # noqa: E402

METHODS = ("simplex", "ipm", "pdlp")


def case_lp(case: str, tmp: Path) -> CompiledLP:
    """The compiled LP of a case, as a run would solve it."""
    if case == "synthetic-x10":
        names = write_project(tmp / "synthetic", sectors=70, techs=12)
        inputs = load_run(names, "synthetic", ProjectPaths(tmp / "synthetic"))
    else:
        paths = project_paths()
        inputs = load_run(paths.sector_names() if case == "all" else [case], "default", paths)
    d = build_data(inputs)
    if inputs.scenario.horizon.history:
        d = with_history(d, inputs.scenario.solver)
    return compile_lp(build_model(d)[0])


def solve_with(lp: CompiledLP, method: str, time_limit: float) -> tuple[float, str, float | None]:
    h = pass_to_highs(lp, SolverOptions(time_limit=time_limit))
    h.setOptionValue("solver", method)
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    objective = h.getInfo().objective_function_value if status == "Optimal" else None
    return seconds, status, objective


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["cement", "all", "synthetic-x10"],
                        choices=["cement", "all", "synthetic-x10"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            lp = case_lp(case, Path(tmp))
            chosen = "ipm" if len(lp.cost) >= IPM_COLUMNS else "simplex"
            print(f"{case}: {len(lp.cost):,} columns, {len(lp.row_lower):,} rows, {len(lp.a_value):,} nonzeros; "
                  f"choose takes {chosen} for a fresh solve")
            first = None
            for method in args.methods:
                seconds, status, objective = solve_with(lp, method, args.time_limit)
                first = first if first is not None else objective
                rel = (f"{objective / first - 1:+.1e}" if objective is not None and first else "-")
                print(f"  {method:<8}{seconds:>9.2f} s  {status:<22} objective vs first optimal {rel}")


if __name__ == "__main__":
    main()
