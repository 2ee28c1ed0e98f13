"""Benchmark: the price decomposition against the joint LP, on shipped sectors and a scenario.

    python benchmarks/decomposition.py                         # all seven sectors, default scenario
    python benchmarks/decomposition.py --sectors cement steel --scenario 1p5c-67 --jobs 1 2
    python benchmarks/decomposition.py --regions r10 --step 5 --jobs 1 2 4   # the regional LP, by sector

For each way of solving (one joint LP; separate sector LPs in 1, 2, ... worker processes) it
prints wall time split into build / transfer / setup / solve, the number of price rounds, and
how close the decomposition comes to the joint optimum: total cost, cumulative emissions and
the carbon price (present value), as relative differences. Times are from this one run on this
machine; the ratios against the joint solve are what carries over. With `--regions` each sector's
LP holds its instances in every region (trade and world build limits stay inside it) and the
prices couple the budget, the regional budgets and the shared supply limits; `--step 5` solves
5-year periods (a child scenario in a temporary folder, as benchmarks/steps.py does). A worker
count above the machine's cores measures oversubscription, not scaling.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.paths import project_paths  # noqa: E402
from planner.run import RunOutcome, run  # noqa: E402


def _price(out: RunOutcome) -> float:
    p = out.results["prices"]
    rows = p[p.name == "carbon_price_pv"]["value"]
    return float(rows.iloc[0]) if len(rows) else float("nan")


def _child(scenario: str, folder: Path, regions: str | None, step: int | None) -> str:
    """The scenario, or a child of it with a region set and a step (written into `folder`)."""
    if regions is None and step is None:
        return scenario
    parent = str(project_paths().scenario_file(scenario).resolve())
    spec: dict = {"name": f"{Path(scenario).stem}-bench", "extends": parent}
    if regions:
        spec["regions"] = regions
    if step:
        spec["horizon"] = {"step": step}
    child = folder / "bench.yaml"
    child.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(child)


def _measure(sectors: list[str], scenario: str, solver: dict) -> tuple[RunOutcome, float]:
    t0 = time.perf_counter()
    out = run(sectors, scenario, None, project_paths(), solver)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sectors", nargs="+", default=None, help="sectors (default: all)")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--regions", default=None, help="a region set of models/regions/ (default: the world)")
    parser.add_argument("--step", type=int, default=None, help="years per model period (default: the scenario's)")
    args = parser.parse_args()
    sectors = args.sectors or project_paths().sector_names()
    with tempfile.TemporaryDirectory() as tmp:
        _compare(sectors, _child(args.scenario, Path(tmp), args.regions, args.step), args.jobs,
                 f"{args.scenario}" + (f", regions {args.regions}" if args.regions else "")
                 + (f", {args.step}-year steps" if args.step else ""))


def _compare(sectors: list[str], scenario: str, jobs_list: list[int], label: str) -> None:
    """Joint LP, then the decomposition with each worker count: a table of times and agreement."""
    joint, joint_wall = _measure(sectors, scenario, {"decompose": False})
    em_joint = joint.results["emissions"]["value"].sum()
    size = joint.solution.size
    print(f"{len(sectors)} sectors, scenario {label}: joint LP {size['columns']:,} columns, {size['rows']:,} rows; "
          f"{os.cpu_count()} cores")
    header = f"{'method':<22}{'wall s':>8}{'build':>7}{'transf':>7}{'setup':>7}{'solve':>7}{'rounds':>7}" \
             f"{'x joint':>8}{'d cost':>10}{'d emis':>10}{'d price':>10}"
    print(header)
    t = joint.timings
    print(f"{'joint LP':<22}{joint_wall:>8.2f}{t['build']:>7.2f}{t['transfer']:>7.2f}{'':>7}{t['solve']:>7.2f}"
          f"{'':>7}{1.0:>8.2f}{'':>10}{'':>10}{'':>10}  price {_price(joint):,.2f}")
    for jobs in jobs_list:
        out, wall = _measure(sectors, scenario, {"decompose": True, "jobs": jobs})
        t, info = out.timings, out.solution.info
        d_cost = out.results.objective / joint.results.objective - 1
        d_em = out.results["emissions"]["value"].sum() / em_joint - 1
        d_price = _price(out) / _price(joint) - 1
        print(f"{f'decomposed, {jobs} worker' + ('s' if jobs > 1 else ''):<22}{wall:>8.2f}{t['build']:>7.2f}"
              f"{t['transfer']:>7.2f}{t.get('setup', 0.0):>7.2f}{t['solve']:>7.2f}{info['iterations']:>7d}"
              f"{wall / joint_wall:>8.2f}{d_cost:>10.1e}{d_em:>10.1e}{d_price:>10.1e}")


if __name__ == "__main__":
    main()
