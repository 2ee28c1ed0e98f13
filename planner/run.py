"""One run end to end: files -> schema -> tables -> model -> HiGHS -> results -> folder.

A failed solve is explained in the scenario's terms. When the LP is infeasible, the run is
solved again with the carbon budget and annual caps made elastic (violations priced at a high
penalty): if that solve is feasible, the message says by how much the budget or which caps
cannot be met; if not, the physical side (demand, stock, build and supply limits) is at fault.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from planner.data import ModelData, build_data
from planner.errors import SolveFailed
from planner.formulation import build_model
from planner.paths import ProjectPaths, project_paths
from planner.results.extract import Results, extract, summary_numbers
from planner.results.iamc import iamc_table
from planner.results.write import write_run
from planner.schema.load import RunInputs, load_run
from planner.solve import Solution, Status, solve


@dataclass
class RunOutcome:
    """What a finished run returns to its caller (the CLI, a batch, a test)."""

    data: ModelData
    solution: Solution
    results: Results
    timings: dict[str, float]
    folder: Path | None
    headline: dict = field(default_factory=dict)
    sector_names: dict[str, str] = field(default_factory=dict)


def results_folder(out: Path, scenario: str, sectors: list[str], all_sectors: list[str]) -> Path:
    """``<out>/<scenario>/<sector | all | a+b>``."""
    label = "all" if sorted(sectors) == sorted(all_sectors) and len(sectors) > 1 else "+".join(sectors)
    return out / scenario / label


def run(sectors: list[str], scenario: str = "default", out: Path | None = Path("results"),
        paths: ProjectPaths | None = None) -> RunOutcome:
    """Load, build, solve, extract and (unless `out` is None) write one run."""
    paths = paths or project_paths()
    t0 = time.perf_counter()
    inputs = load_run(sectors, scenario, paths)
    data = build_data(inputs)
    data.notes["currency"] = inputs.scenario.currency
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    model, _ix = build_model(data)
    t_build = time.perf_counter() - t1
    sol = solve(model, inputs.scenario.solver)
    timings = {"load": t_load, "build": t_build, **sol.timings}
    if sol.status != Status.OPTIMAL:
        raise SolveFailed(sol.status.value, explain_failure(data, inputs, sol))
    res = extract(data, sol)
    names = {s: sf.name for s, sf in inputs.sectors.items()}
    outcome = RunOutcome(data, sol, res, timings, None, summary_numbers(data, res), names)
    if out is not None:
        folder = results_folder(Path(out), data.scenario, sectors, paths.sector_names())
        record = run_record(data, inputs, sol, timings, outcome.headline)
        extra = {"iamc": iamc_table(data, res, names)}
        write_run(folder, res.tables, record, inputs.scenario.model_dump(mode="json", by_alias=True), extra)
        outcome.folder = folder
    return outcome


def run_record(d: ModelData, inputs: RunInputs, sol: Solution, timings: dict[str, float], headline: dict) -> dict:
    """The `run.json` record of the results contract."""
    return {
        "status": sol.status.value,
        "objective": sol.objective,
        "objective_unit": f"million {inputs.scenario.currency} (discounted to {d.years[0]})",
        "scenario": d.scenario,
        "sectors": d.sectors,
        "timings": timings,
        "versions": versions(),
        "input_hash": d.input_hash,
        "inputs": [str(p) for p in inputs.files],
        "size": sol.size,
        "budget_mt": d.budget_mt,
        "headline": headline,
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("planner", "pyomo", "highspy", "pandas", "numpy", "pydantic"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def explain_failure(d: ModelData, inputs: RunInputs, sol: Solution) -> str:
    """A failed solve in the scenario's terms (see module docstring)."""
    who = f"Scenario '{d.scenario}' ({', '.join(d.sectors)})"
    if sol.status == Status.TIME_LIMIT:
        return (f"{who}: HiGHS stopped at the time limit ({inputs.scenario.solver.time_limit} s) before "
                "proving an optimum. Raise solver.time_limit in the scenario.")
    if sol.status == Status.UNBOUNDED:
        return (f"{who}: the problem is unbounded: some activity earns money without limit. Look for a "
                "negative price or a by-product sold above the cost of making it.")
    if sol.status != Status.INFEASIBLE:
        return f"{who}: HiGHS failed ({sol.message})."
    elastic, _ = build_model(d, elastic=True)
    esol = solve(elastic, inputs.scenario.solver)
    if esol.status != Status.OPTIMAL:
        return (f"{who} is infeasible even without its carbon budget and caps: demand cannot be met with "
                "the existing stock, the technologies' availability years, build-rate limits and supply limits.")
    parts = []
    over = esol.values.get("budget_slack", {}).get(None, 0.0)
    if over > 1e-6:
        parts.append(f"the {d.budget_description()} cannot be met: the lowest cumulative emissions reachable "
                     f"are {(d.budget_mt + over) / 1000:.2f} GtCO2, {over / 1000:.2f} GtCO2 over the budget")
    caps = {k: v for k, v in esol.values.get("cap_slack", {}).items() if v > 1e-6}
    if caps:
        listed = ", ".join(f"{who_} {y} (by {v:.1f} MtCO2)" for (who_, y), v in sorted(caps.items())[:6])
        parts.append(f"annual emission caps cannot be met: {listed}" + (" ..." if len(caps) > 6 else ""))
    detail = "; ".join(parts) or "the budget and caps conflict with each other"
    return (f"{who} is infeasible: {detail}. With the scenario's technologies, availability years and "
            "build-rate limits, emissions cannot fall faster. Loosen the budget or caps, or the build-rate limits.")
