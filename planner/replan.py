"""Re-plan from actuals: the plan solved again with what actually happened held fixed, beside the plan.

`replan` solves the scenario twice: the plan as it stands, and the re-plan with every actual of the
run's sectors and horizon held as a hard milestone ``min = max = value`` (planner/run.py; the first
model year's actuals hold in its history solve, planner/history.py). Years with actuals are thereby
fixed to them (production by technology, capacity, emissions where given), their emissions count
under the budget, so what is left for the other years shrinks by what was actually emitted, and the
rest is re-optimised. replan.csv, written into the re-plan's folder (`<out>/<scenario>-replan/<sectors>`):

- total cost: discounted cost of each plan (run.json `cost`, penalties excluded); the difference is
  the cost of delay;
- emissions in the years with actuals: counted emissions, summed over those years;
- budget left after <year>: the budget less what each plan emits up to the last year with actuals;
- milestone <name> <year>: each milestone of the scenario, its value, its bound and its dual per
  unit of the bound (what meeting it now costs at the margin) in each plan.

If the actuals make a milestone or the budget unreachable, the re-plan's solve fails and the
explanation names the colliding rows, the actuals among them as ``actual <file>:<line> ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.errors import SolveFailed, display_path
from planner.paths import ProjectPaths
from planner.run import RunOutcome, results_folder, run
from planner.schema.actuals import ACTUAL


@dataclass
class Replan:
    """The plan, the re-plan and their comparison."""

    original: RunOutcome
    replanned: RunOutcome
    table: pd.DataFrame
    actual_years: list[int]


def replan(sectors: list[str], scenario: str, actuals: Path, out: Path | None, paths: ProjectPaths,
           solver: dict | None = None) -> Replan:
    """Solve the plan and the re-plan from `actuals`; write the re-plan and replan.csv under `out`."""
    original = run(sectors, scenario, None, paths, solver)
    folder = None
    if out is not None:
        folder = results_folder(out, f"{original.data.scenario}-replan", sectors, paths.sector_names())
    try:
        replanned = run(sectors, scenario, None if folder is None else out, paths, solver, folder=folder,
                        actuals=actuals)
    except SolveFailed as exc:
        raise SolveFailed(exc.status, f"with the actuals of {display_path(actuals)} held fixed: "
                                      f"{exc.message}") from None
    years = sorted({int(y) for k, m in replanned.data.milestones.items() if k.startswith(ACTUAL) for y in m["years"]})
    table = compare_plans(original, replanned, years)
    if replanned.folder is not None:
        table.to_csv(replanned.folder / "replan.csv", index=False)
    return Replan(original, replanned, table, years)


def compare_plans(a: RunOutcome, b: RunOutcome, actual_years: list[int]) -> pd.DataFrame:
    """replan.csv's rows (module docstring): quantity, unit, plan, re-plan, difference."""
    currency = a.data.notes.get("currency", "USD")
    rows = [("total cost (present value)", f"million {currency}", a.cost, b.cost)]

    def counted(o: RunOutcome, years: list[int]) -> float:
        em = o.results["emissions"]
        return float(sum(em[em.year == y]["counted"].sum() * o.data.length[y] for y in years))

    if actual_years:
        rows.append(("emissions in the years with actuals", "MtCO2", counted(a, actual_years),
                     counted(b, actual_years)))
    budget = a.data.budget_mt
    if budget is not None and actual_years:
        last = max(actual_years)
        through = [y for y in (a.data.budget_years or a.data.years) if y <= last]
        rows.append((f"budget left after {last}", "MtCO2", budget - counted(a, through), budget - counted(b, through)))
    ms_a = a.results["milestones"].set_index(["name", "year"])
    ms_b = b.results["milestones"].set_index(["name", "year"])
    for (name, year), r in ms_b.iterrows():
        if str(name).startswith(ACTUAL):
            continue
        before = ms_a.loc[(name, year)] if (name, year) in ms_a.index else None
        label = f"milestone {name} {year}"
        rows.append((f"{label}: value", r["unit"], None if before is None else float(before["value"]),
                     float(r["value"])))
        rows.append((f"{label}: bound ({r['sense']})", r["unit"], None if before is None else float(before["bound"]),
                     float(r["bound"])))
        rows.append((f"{label}: cost per unit of the bound", str(r["dual_unit"]),
                     None if before is None else float(before["dual_per_unit"]), float(r["dual_per_unit"])))
    out = pd.DataFrame(rows, columns=["quantity", "unit", "plan", "replan"])
    out["difference"] = out["replan"] - out["plan"]
    return out
