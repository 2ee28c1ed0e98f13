"""Benchmark: 5-year periods (`horizon.step: 5`) as the fast option, against annual steps.

    python benchmarks/steps.py                                  # all seven sectors, default scenario
    python benchmarks/steps.py --sectors cement --scenario 1p5c-67 --steps 1 2 5
    python benchmarks/steps.py --sectors steel --regions r10    # the regional LP (models/regions/r10.yaml)

Each run is the scenario with `horizon.step` set (a child scenario in a temporary folder; with
steps of n years a model year stands for the n years from it, its flows weighted by n). It prints
the LP's size and the time to load, build, transfer and solve for each step, and the error of the
coarser steps against annual steps on what a roadmap reads: total cost, cumulative emissions over
the budget years, emissions in 2030 and 2050, the carbon price (present value), and the near-zero
share of each sector's output in 2030 and 2050 (percentage points); with `--regions`, also each
region's emissions and output in 2030 and 2050. Times are from this one run on this machine; the
ratios against the annual run are what carries over.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.paths import project_paths  # noqa: E402
from planner.run import RunOutcome, run  # noqa: E402


def _figures(out: RunOutcome) -> dict[str, float]:
    """What a roadmap reads, as numbers."""
    h, t = out.headline, out.results.tables
    p = t["prices"]
    pv = p[p.name == "carbon_price_pv"]["value"]
    fig = {"cost (bn, PV)": out.cost / 1000,
           "cumulative emissions (Gt)": h["cumulative_emissions"] / 1000,
           "emissions 2030 (Mt/yr)": h["emissions"].get("2030", float("nan")),
           "emissions 2050 (Mt/yr)": h["emissions"].get("2050", float("nan")),
           "carbon price PV (USD/t)": float(pv.iloc[0]) if len(pv) else float("nan")}
    prod, tech = t["production"], t["technologies"]
    clean = set(zip(tech.sector[tech.near_zero], tech.technology[tech.near_zero]))
    prod = prod.assign(clean=[(s, k) in clean for s, k in zip(prod.sector, prod.technology)])
    with_clean = prod[prod.clean].groupby(["sector", "output"]).size().index   # outputs near-zero routes make
    for y in (2030, 2050):
        for (s, o), rows in prod[prod.year == y].groupby(["sector", "output"]):
            total = rows["value"].sum()
            if (s, o) in with_clean and total > 0:
                fig[f"near-zero share {s}/{o} {y} (%)"] = 100 * rows.loc[rows.clean, "value"].sum() / total
    region = out.data.region_of
    if region:
        em = t["emissions"].assign(region=lambda e: e.sector.map(lambda s: region.get(s, "World")))
        made = prod.assign(region=prod.sector.map(lambda s: region.get(s, "World")),
                           base=prod.sector.map(out.data.base))
        for y in (2030, 2050):
            for r, v in em[em.year == y].groupby("region")["value"].sum().items():
                fig[f"emissions {r} {y} (Mt/yr)"] = float(v)
            for (r, b, o), v in made[made.year == y].groupby(["region", "base", "output"])["value"].sum().items():
                fig[f"{b}/{o} made in {r} {y}"] = float(v)
    return fig


def _run(sectors: list[str], scenario: str, step: int, folder: Path,
         regions: str | None = None) -> tuple[RunOutcome, float]:
    child = folder / f"step{step}.yaml"
    spec = {"name": f"{Path(scenario).stem}-step{step}",
            "extends": str(project_paths().scenario_file(scenario).resolve()), "horizon": {"step": step}}
    if regions:
        spec["regions"] = regions
    child.write_text(yaml.safe_dump(spec), encoding="utf-8")
    t0 = time.perf_counter()
    out = run(sectors, str(child), None, project_paths())
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sectors", nargs="+", default=None, help="sectors (default: all)")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--steps", nargs="+", type=int, default=[1, 5], help="steps in years (the first is "
                        "the reference)")
    parser.add_argument("--regions", default=None, help="a region set of models/regions/ (default: the world)")
    args = parser.parse_args()
    sectors = args.sectors or project_paths().sector_names()
    results: dict[int, tuple[dict[str, float], RunOutcome, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for step in args.steps:
            out, wall = _run(sectors, args.scenario, step, Path(tmp), args.regions)
            results[step] = (_figures(out), out, wall)
    ref_step = args.steps[0]
    ref = results[ref_step][0]
    where = f" with regions '{args.regions}'" if args.regions else ""
    print(f"{', '.join(sectors)} under '{args.scenario}'{where}: steps of {', '.join(map(str, args.steps))} years\n")
    print(f"{'step':>5} {'columns':>9} {'rows':>9} {'load':>6} {'build':>6} {'transfer':>8} {'solve':>7} "
          f"{'run (s)':>8} {'solve ratio':>11}")
    ref_solve = results[ref_step][1].timings.get("solve", float("nan"))
    for step, (_fig, out, wall) in results.items():
        t, size = out.timings, out.solution.size
        print(f"{step:>5} {size.get('columns', 0):>9,} {size.get('rows', 0):>9,} {t.get('load', 0):>6.2f} "
              f"{t.get('build', 0):>6.2f} {t.get('transfer', 0):>8.2f} {t.get('solve', 0):>7.2f} {wall:>8.1f} "
              f"{t.get('solve', 0) / ref_solve:>11.3f}")
    print(f"\n{'figure':<40}" + "".join(f"{'step ' + str(s):>12}" for s in args.steps)
          + "".join(f"{'err ' + str(s):>10}" for s in args.steps[1:]))
    for key in ref:
        vals = [results[s][0].get(key, float("nan")) for s in args.steps]
        errs = []
        for v in vals[1:]:
            if key.endswith("(%)"):
                errs.append(f"{v - vals[0]:+9.1f}p")
            elif abs(vals[0]) > 1e-9:
                errs.append(f"{(v - vals[0]) / abs(vals[0]):+10.1%}")
            else:
                errs.append(f"{'':>10}")
        print(f"{key:<40}" + "".join(f"{v:>12,.3g}" for v in vals) + "".join(errs))


if __name__ == "__main__":
    main()
