"""Benchmark: the price decomposition against the joint LP, on shipped sectors and a scenario.

    python benchmarks/decomposition.py                         # all seven sectors, default scenario
    python benchmarks/decomposition.py --sectors cement steel --scenario 1p5c-67 --jobs 1 2

For each way of solving (one joint LP; separate sector LPs in 1, 2, ... worker processes) it
prints wall time split into build / transfer / setup / solve, the number of price rounds, and
how close the decomposition comes to the joint optimum: total cost, cumulative emissions and
the carbon price (present value), as relative differences. Times are from this one run on this
machine; the ratios against the joint solve are what carries over.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.paths import project_paths  # noqa: E402
from planner.run import RunOutcome, run  # noqa: E402


def _price(out: RunOutcome) -> float:
    p = out.results["prices"]
    rows = p[p.name == "carbon_price_pv"]["value"]
    return float(rows.iloc[0]) if len(rows) else float("nan")


def _measure(sectors: list[str], scenario: str, solver: dict) -> tuple[RunOutcome, float]:
    t0 = time.perf_counter()
    out = run(sectors, scenario, None, project_paths(), solver)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sectors", nargs="+", default=None, help="sectors (default: all)")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()
    sectors = args.sectors or project_paths().sector_names()
    joint, joint_wall = _measure(sectors, args.scenario, {"decompose": False})
    em_joint = joint.results["emissions"]["value"].sum()
    print(f"{len(sectors)} sectors, scenario {args.scenario}: joint LP {joint.solution.size['columns']:,} columns")
    header = f"{'method':<22}{'wall s':>8}{'build':>7}{'transf':>7}{'setup':>7}{'solve':>7}{'rounds':>7}" \
             f"{'x joint':>8}{'d cost':>10}{'d emis':>10}{'d price':>10}"
    print(header)
    t = joint.timings
    print(f"{'joint LP':<22}{joint_wall:>8.2f}{t['build']:>7.2f}{t['transfer']:>7.2f}{'':>7}{t['solve']:>7.2f}"
          f"{'':>7}{1.0:>8.2f}{'':>10}{'':>10}{'':>10}  price {_price(joint):,.2f}")
    for jobs in args.jobs:
        out, wall = _measure(sectors, args.scenario, {"decompose": True, "jobs": jobs})
        t, info = out.timings, out.solution.info
        d_cost = out.results.objective / joint.results.objective - 1
        d_em = out.results["emissions"]["value"].sum() / em_joint - 1
        d_price = _price(out) / _price(joint) - 1
        print(f"{f'decomposed, {jobs} worker' + ('s' if jobs > 1 else ''):<22}{wall:>8.2f}{t['build']:>7.2f}"
              f"{t['transfer']:>7.2f}{t.get('setup', 0.0):>7.2f}{t['solve']:>7.2f}{info['iterations']:>7d}"
              f"{wall / joint_wall:>8.2f}{d_cost:>10.1e}{d_em:>10.1e}{d_price:>10.1e}")


if __name__ == "__main__":
    main()
