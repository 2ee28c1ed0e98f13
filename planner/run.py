"""One run end to end: files -> schema -> tables -> model -> HiGHS -> results -> folder.

A failed solve is explained in the scenario's terms (planner/explain.py). When the LP is
infeasible, the explanation names the irreducible set of limits that collide (small LPs, or with
`solver.explain: iis`), and the run is solved again with the budget, annual caps, supply limits,
pools and milestones made elastic (violations priced at a high penalty; cumulative limits stay
hard): if that solve is feasible, the message lists what cannot be met and by how much; if not,
the physical side (demand, stock, build limits) is at fault.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from planner import progress
from planner.data import ModelData, blocks, build_data, restrict
from planner.decompose import DecompositionFailed, solve_decomposed
from planner.errors import InputError, SolveFailed, display_path
from planner.explain import bullets, elastic_violations, explain_failure
from planner.families import FAMILIES
from planner.formulation import build_model
from planner.history import with_history
from planner.paths import ProjectPaths, project_paths
from planner.results.assumptions import assumptions_table, cited, sources_table
from planner.results.diagnostics import diagnostics_table
from planner.results.drivers import drivers_table
from planner.results.extract import Results, by_region, extract, summary_numbers
from planner.results.iamc import Codelist, check_files, iamc_tables, write_xlsx
from planner.results.metrics import compute_metrics
from planner.results.published import lp_specs, published_table, table_metric_unit
from planner.results.realism import realism_table
from planner.results.sharing import budget_shares, sector_costs_pv
from planner.results.write import check_target, write_run
from planner.reuse import LPCache
from planner.schema.actuals import as_milestones, load_actuals
from planner.schema.load import RunInputs, load_run
from planner.schema.scenario import SolverOptions
from planner.solve import Solution, Status, WarmCache, solve, solve_lp


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
    cost: float = 0.0
    """the plan's total discounted cost: the objective without the penalties of soft rows"""


def results_folder(out: Path, scenario: str, sectors: list[str], all_sectors: list[str]) -> Path:
    """``<out>/<scenario>/<sector | all | a+b>``."""
    label = "all" if sorted(sectors) == sorted(all_sectors) and len(sectors) > 1 else "+".join(sectors)
    return out / scenario / label


def run(sectors: list[str], scenario: str = "default", out: Path | None = Path("results"),
        paths: ProjectPaths | None = None, solver: dict | None = None, elastic: bool = False,
        folder: Path | None = None, reuse: bool = False, xlsx: bool = True,
        actuals: Path | None = None) -> RunOutcome:
    """Load, build, solve, extract and (unless `out` is None) write one run.

    `solver` overrides the scenario's solver options (e.g. ``{"decompose": True, "jobs": 2}``).
    `elastic` solves with the budget, caps, supply limits and hard milestones made soft at a high
    penalty: if any is violated the run fails (exit 2) listing each violation and its amount.
    `folder` writes the results there instead of ``<out>/<scenario>/<sectors>`` (batches).
    `reuse` keeps the solver between runs in this process (solve.WarmCache): a run whose LP has the
    same structure as an earlier one updates its numbers and re-solves from the last basis.
    `xlsx` writes iamc.xlsx beside iamc.csv (batches leave it out: the same rows, 0.2 s a run for all
    seven sectors).
    `actuals` (an actuals file, planner/schema/actuals.py) holds every figure of the run's sectors and
    horizon as a hard milestone min = max = value (a first year's in the history solve too): the plan
    re-optimised from what actually happened (planner/replan.py compares it with the plan without them).
    """
    paths = paths or project_paths()
    t0 = time.perf_counter()
    progress.stage("loading")
    inputs = load_run(sectors, scenario, paths)
    if solver:
        inputs.scenario.solver = inputs.scenario.solver.model_copy(update=solver)
    if actuals is not None:
        h = inputs.scenario.horizon
        held, _left = as_milestones(load_actuals(actuals), inputs.sectors, h.start, h.end, display_path(actuals))
        inputs.scenario.milestones = {**inputs.scenario.milestones, **held}
    data = build_data(inputs)
    data.notes["currency"] = inputs.scenario.currency
    published_rows = check_published_units(data, inputs)
    codelist = Codelist.load(paths.iamc_codelist) if out is not None or folder is not None else None
    if out is not None or folder is not None:   # a place the run cannot be written fails now, not after the solve
        owned = folder is not None
        folder = folder or results_folder(Path(out or "results"), data.scenario, sectors, paths.sector_names())
        check_target(folder, owned)
    t_load = time.perf_counter() - t0
    if inputs.scenario.horizon.history:
        data = with_history(data, inputs.scenario.solver)
    t_history = time.perf_counter() - t0 - t_load
    cache = WARM if reuse else None
    sol = solve_elastic(data, inputs.scenario.solver) if elastic else solve_data(data, inputs.scenario.solver, cache)
    timings = {"load": t_load, "history": t_history, **sol.timings}
    res = extract(data, sol)
    reference = None
    if data.budget_mode == "shares" and len(data.sectors) > 1:
        optimal = replace(data, budget_mode="optimal", budget_rows={"all": float(data.budget_mt or 0.0)})
        ref_sol = solve_data(optimal, inputs.scenario.solver)
        reference = extract(optimal, ref_sol)
        timings["reference_solve"] = sum(ref_sol.timings.values())
    res.tables["budget_shares"] = budget_shares(data, res, reference)
    res.tables.update(compute_metrics(data, res.tables))
    res.tables["diagnostics"] = diagnostics_table(data, res.tables)
    res.tables["drivers"] = drivers_table(data, sol.duals, sol.levels, inputs.scenario.currency)
    res.tables["assumptions"] = assumptions_table(inputs, data)
    res.tables["sources"] = sources_table(inputs, cited(res.tables["assumptions"]))
    res.tables["published"] = published_table(data, sol.values, res.tables, published_rows)
    if inputs.scenario.dynamics.reference and data.dynamics_limits:
        loose = replace(data, dynamics_limits=False)
        loose_sol = solve_data(loose, inputs.scenario.solver)
        loose_res = extract(loose, loose_sol)
        loose_res.tables["budget_shares"] = budget_shares(loose, loose_res)
        loose_res.tables.update(compute_metrics(loose, loose_res.tables))
        loose_res.tables["diagnostics"] = diagnostics_table(loose, loose_res.tables)
        res.tables["realism"] = realism_table(data, res, loose_res)
        timings["unconstrained_solve"] = sum(loose_sol.timings.values())
    outcome = RunOutcome(data, sol, res, timings, None, summary_numbers(data, res), data.sector_names,
                         float(sector_costs_pv(data, res).sum().sum()))
    if out is not None or folder is not None:
        assert folder is not None and codelist is not None
        record = run_record(data, inputs, sol, timings, outcome.headline)
        record["cost"] = outcome.cost
        record["penalties"] = float(sol.objective or 0.0) - outcome.cost
        iamc, iamc_planner = iamc_tables(data, res.tables, codelist)
        record["iamc_problems"] = check_files(iamc, iamc_planner, codelist, {"World", *data.region_names.values()})
        record["timings"]["total"] = time.perf_counter() - t0   # all but the write, which write_run adds
        progress.stage("writing results")
        resolved = inputs.scenario.model_dump(mode="json", by_alias=True, exclude={"extends"})  # already merged
        # the tables hold sector instances (planner/regions.py); written with sector and region columns
        written = {name: by_region(data, table) for name, table in res.tables.items()} if data.region_of else res.tables
        write_run(folder, written, record, resolved, {"iamc": iamc, "iamc_planner": iamc_planner},
                  {"iamc.xlsx": lambda p: write_xlsx(iamc, p)} if xlsx else {})
        outcome.folder = folder
    return outcome


def check_published_units(d: ModelData, inputs: RunInputs) -> list:
    """Each published outcome states its value in its metric's unit (the unit milestones.csv would
    show for it), or the run stops before solving with the file, line and key. Returns the metric
    rows of the outcomes the LP's variables measure (for published.csv after the solve)."""
    if not d.published:
        return []
    from planner.milestones import milestone_rows

    lp = lp_specs(d)
    rows = milestone_rows(d, specs=lp)
    units = [(r.name, r.metric, r.unit) for r in rows]
    units += [(n, s["metric"], table_metric_unit(s["metric"], d.notes.get("currency", "USD2020")))
              for n, s in d.published.items() if n not in lp]
    problems = []
    for name, metric, unit in units:
        stated = d.published[name]["unit"]
        if unit != stated:
            problems.append(inputs.published_raw[name].problem(
                ("outcomes", name, "unit"), f"the {metric} of this outcome is measured in {unit!r}, not {stated!r}"))
    if problems:
        raise InputError(problems)
    return rows


def separately(d: ModelData, options: SolverOptions) -> bool:
    """Whether a run is solved as separate sector LPs (decomposition) rather than one joint LP; with a
    region set a sector's LP holds its instances in every region (data.blocks), so a run of one
    sector is always joint."""
    several = len(blocks(d)) > 1
    if options.decompose is not None:
        return several and options.decompose
    return several and d.budget_mode in ("shares", "price")


WARM = WarmCache()
"""This process's solver cache for runs with `reuse` (batches)."""
BUILT = LPCache()
"""This process's compiled LPs for runs with `reuse`, updated when a run differs only in numbers."""


def solve_data(d: ModelData, options: SolverOptions, cache: WarmCache | None = None) -> Solution:
    """Solve a run's data, jointly or by decomposition; a failure raises SolveFailed, explained."""
    if separately(d, options):
        progress.stage("solving by decomposition")
        try:
            return solve_decomposed(d, options)
        except DecompositionFailed as exc:
            raise SolveFailed(exc.status.value, explain_decomposition(d, options, exc)) from None
    if cache is not None:   # a batch: a run that differs only in prices, costs or budgets updates the LP
        progress.stage("building the LP")
        lp, steps = BUILT.lp_for(d)
        sol = solve_lp(lp, options, cache)
        sol.timings = {"build": steps["build"], **sol.timings, "transfer": sol.timings["transfer"] + steps["compile"]}
    else:
        t1 = time.perf_counter()
        progress.stage("building the LP")
        model, _ix = build_model(d)
        t_build = time.perf_counter() - t1
        sol = solve(model, options, cache)
        sol.timings = {"build": t_build, **sol.timings}
    if sol.status != Status.OPTIMAL:
        raise SolveFailed(sol.status.value, explain_failure(d, options, sol))
    return sol


def solve_elastic(d: ModelData, options: SolverOptions) -> Solution:
    """The elastic model (one joint LP); fails with the list of violations if there are any."""
    t1 = time.perf_counter()
    model, _ix = build_model(d, elastic=True)
    t_build = time.perf_counter() - t1
    sol = solve(model, options)
    sol.timings = {"build": t_build, **sol.timings}
    over = elastic_violations(d, options, sol)
    if over is None:
        raise SolveFailed(sol.status.value, explain_failure(d, options, sol))
    if over:
        raise SolveFailed("infeasible", f"Scenario '{d.scenario}' ({', '.join(d.sectors)}), elastic mode: "
                          "with the budget, caps, supply limits and milestones made soft, the least-cost plan "
                          "still violates:" + bullets(over) + "\nNothing was written.")
    return sol


def run_record(d: ModelData, inputs: RunInputs, sol: Solution, timings: dict[str, float], headline: dict) -> dict:
    """The `run.json` record of the results contract."""
    return {
        "status": sol.status.value,
        "objective": sol.objective,
        "objective_unit": f"million {inputs.scenario.currency} (discounted to {d.years[0]}); `cost` is the plan's "
                          "cost, `penalties` what soft rows add to the objective",
        "scenario": d.scenario,
        "sectors": d.sectors,
        "timings": timings,
        "versions": versions(),
        "input_hash": d.input_hash,
        "inputs": [str(p) for p in inputs.files],
        "size": sol.size,
        "budget_mt": d.budget_mt,
        "budget_years": [d.budget_years[0], d.budget_years[-1] + d.length[d.budget_years[-1]] - 1]
        if d.budget_years else None,
        "period_lengths": {str(y): d.length[y] for y in d.years},
        "budget_mode": d.budget_mode,
        "global_remaining_mt": d.global_remaining_mt,
        "sector_budgets": d.sector_budgets,
        "emissions_accounting": d.accounting(),
        "currency": inputs.scenario.currency,
        "discount_rate": d.discount_rate,
        "description": inputs.scenario.description,
        "sector_names": d.sector_names,
        "solution_method": sol.info if "method" in sol.info else {"method": "one joint LP", **sol.info},
        "headline": headline,
        **({"regions": {"set": inputs.scenario.regions, "names": d.region_names,
                        "sectors": {s: inputs.sectors[s].name for s in dict.fromkeys(d.sector_of.values())}}}
           if d.region_of else {}),
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("planner", "pyomo", "highspy", "pandas", "numpy", "pydantic"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def explain_decomposition(d: ModelData, options: SolverOptions, exc: DecompositionFailed) -> str:
    """A failed decomposition in the scenario's terms."""
    who = f"Scenario '{d.scenario}' ({', '.join(blocks(d))}, solved sector by sector)"
    if exc.sector is not None:
        alone = restrict(d, d.instances(exc.sector))
        model, _ix = build_model(alone)
        sol = solve(model, options)
        if sol.status != Status.OPTIMAL:
            return explain_failure(alone, options, sol)
        return (f"{who}: the price coordination failed: the {exc.sector} LP was {exc.status.value} at the prices "
                f"of a round, though it solves on its own. Solve the run as one LP (--joint).")
    if exc.status in (Status.TIME_LIMIT, Status.ERROR):
        return f"{who}: {exc.message}"
    parts = []
    grouped: dict[tuple[str, str], dict[int | None, float]] = {}
    for (name, idx), over in exc.excess.items():
        if name == "budget":
            parts.append(f"the {d.budget_description()} cannot be met: the lowest cumulative emissions "
                         f"reachable are {(d.budget_rows[idx] + over) / 1000:.2f} GtCO2, {over / 1000:.2f} GtCO2 over")
        elif isinstance(idx, tuple):
            grouped.setdefault((name, str(idx[0])), {})[int(idx[1])] = over
        else:
            grouped.setdefault((name, str(idx)), {})[None] = over
    for (name, what), by_year in grouped.items():
        years = sorted(y for y in by_year if y is not None)
        worst = max(by_year, key=lambda y: by_year[y])
        unit = _row_unit(d, name, what)
        when = f" in {years[0]}" + (f"-{years[-1]}" if len(years) > 1 else "") if years else " over the horizon"
        words = FAMILIES[name].words   # cumulative limits have no yearly words
        thing = words.format(what) if words else f"the cumulative limit of {what}"
        parts.append(f"{thing} is exceeded{when} (by up to {by_year[worst]:,.1f} {unit}"
                     + (f", in {worst}" if worst is not None and len(years) > 1 else "") + ")")
    fixed = " with each sector held to its own budget (mode shares)" if d.budget_mode == "shares" else ""
    return (f"{who} is infeasible{fixed}: {'; '.join(parts)}. With the scenario's technologies, availability "
            "years and build-rate limits, the sectors together cannot do better. Loosen the budget, caps or "
            "limits" + (", or share the budget optimally (budget.mode: optimal)." if fixed else "."))


def _row_unit(d: ModelData, name: str, what: str) -> str:
    first = FAMILIES[name].index[0]
    if first == "who":   # an annual cap
        return "MtCO2"
    table = d.pools if first == "pool" else d.commodities
    unit = str(table["unit"].get(what, "")) if what in table.index else ""
    return f"{unit}/yr" if unit and not name.endswith("cumulative_limit") else unit


def _row_label(idx: object) -> str:
    return " in ".join(map(str, idx)) if isinstance(idx, tuple) else str(idx)
