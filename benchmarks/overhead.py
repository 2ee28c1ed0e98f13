"""Per-run overhead: a whole `python -m planner run` process against its own HiGHS solve.

    python benchmarks/overhead.py                      # cement and all seven, median of 3
    python benchmarks/overhead.py --cases cement --repeat 5

Each repeat starts a fresh process (`python -m planner run CASE -q -o TMP`), times it from start to
exit, and reads the phase timings the run records in run.json (load, history, build, transfer,
solve, write). Printed per case, as medians: wall seconds, the solve, every phase, "other" (Python
start-up and imports, result tables, metrics, the printed summary: the wall time no phase
records), and the two ratios the speed goals are stated in: wall / solve and (wall - solve) /
solve, all from this one run on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("load", "history", "build", "transfer", "solve", "write")


def one_run(case: str, scenario: str) -> dict[str, float]:
    """Wall time of one fresh process and the phase timings it recorded."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "planner", "run", case, "-s", scenario, "-q", "-o", tmp],
                       cwd=ROOT, check=True, capture_output=True)
        wall = time.perf_counter() - t0
        record = json.loads(next(Path(tmp).rglob("run.json")).read_text(encoding="utf-8"))
    timings = {k: float(record["timings"].get(k, 0.0)) for k in PHASES}
    timings["other"] = wall - sum(timings.values())
    timings["wall"] = wall
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="cement,all", help="comma-separated: a sector, or all")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for case in args.cases.split(","):
        runs = [one_run(case, args.scenario) for _ in range(args.repeat)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        phases = " | ".join(f"{k} {med[k]:.2f}" for k in (*PHASES, "other"))
        print(f"{case} ({args.scenario}, median of {args.repeat}): wall {med['wall']:.2f} s = {phases}")
        print(f"  wall / solve {med['wall'] / med['solve']:.2f}   "
              f"(wall - solve) / solve {(med['wall'] - med['solve']) / med['solve']:.2f}")


if __name__ == "__main__":
    main()
