"""The only module that talks to HiGHS.

Route (the fastest measured, see benchmarks/):
Pyomo model -> LinearStandardFormCompiler (mixed form: rows keep their sense) -> arrays ->
highspy `passModel` -> `run`. The solution comes back as plain dictionaries keyed by component
name and index, so no Pyomo object leaves this module.

Dual sign convention (minimisation): a row's dual is d(objective)/d(right-hand side). A binding
`<=` row (budget, supply limit) has a dual <= 0: its price is the negated dual. A binding `>=`
row (demand) has a dual >= 0: its marginal cost.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner import progress
from planner.schema.scenario import SolverOptions
from planner.solution import Solution, Status
from planner.sparse import sparse  # noqa: F401  (loaded here so its time is not counted as transfer)

_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: Status.TIME_LIMIT,
}


@dataclass
class CompiledLP:
    """The LP as arrays, with the names of its columns and rows."""

    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    columns: list[tuple[str, Any]]
    rows: list[tuple[str, Any]]
    fixed: dict[tuple[str, Any], float]
    structure: str = ""
    """digest of the columns, rows and sparsity (WarmCache.structure fills it once; an LP updated
    in its numbers, planner/reuse.py, keeps it)"""


def compile_lp(model: pyo.ConcreteModel) -> CompiledLP:
    """Pyomo model -> column-wise sparse arrays with row bounds (mixed-sense rows)."""
    repn = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    inf = highspy.kHighsInf
    cols = repn.columns
    lower = np.array([(-inf if v.lb is None else v.lb) for v in cols], dtype=float)
    upper = np.array([(inf if v.ub is None else v.ub) for v in cols], dtype=float)
    sense = np.array([s for _c, s in repn.rows], dtype=int)
    rhs = np.asarray(repn.rhs, dtype=float)
    row_lower = np.where(sense <= 0, rhs, -inf)
    row_upper = np.where(sense >= 0, rhs, inf)
    row_name = names(model, pyo.Constraint)
    a = repn.A.tocsc()
    cost = np.asarray(repn.c.toarray()).ravel() if repn.c.shape[0] else np.zeros(len(cols))
    offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    name = names(model, pyo.Var)
    fixed = {name[id(v)]: float(expr if isinstance(expr, (int, float)) else pyo.value(expr))
             for v, expr in repn.eliminated_vars}
    fixed.update(getattr(model, "fixed_values", {}))  # variables held by the model (formulation.fix_history)
    return CompiledLP(
        cost=cost, offset=offset, col_lower=lower, col_upper=upper, row_lower=row_lower, row_upper=row_upper,
        a_start=a.indptr.astype(np.int32), a_index=a.indices.astype(np.int32), a_value=a.data.astype(float),
        columns=[name[id(v)] for v in cols],
        rows=[row_name[id(c)] for c, _s in repn.rows],
        fixed=fixed,
    )


def names(model: pyo.ConcreteModel, ctype: type) -> dict[int, tuple[str, Any]]:
    """id of each component data object of `ctype` -> (component name, index): one pass over the
    components (asking each object for its index re-validates the index, several times slower)."""
    return {id(data): (comp.local_name, idx) for comp in model.component_objects(ctype, active=True)
            for idx, data in comp.items()}


def pass_to_highs(lp: CompiledLP, options: SolverOptions) -> highspy.Highs:
    """A HiGHS instance holding the LP, with the scenario's options set."""
    with _quiet_stdout():  # HiGHS prints a banner when created
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if options.time_limit:
        h.setOptionValue("time_limit", float(options.time_limit))
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    if options.method != "choose":
        h.setOptionValue("solver", options.method)
    model = highspy.HighsLp()
    model.num_col_ = len(lp.cost)
    model.num_row_ = len(lp.row_lower)
    model.offset_ = lp.offset
    model.col_cost_ = lp.cost
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = lp.a_start
    model.a_matrix_.index_ = lp.a_index
    model.a_matrix_.value_ = lp.a_value
    if h.passModel(model) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    return h


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence C-level writes to standard output (not Python's own prints)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class WarmCache:
    """HiGHS instances kept between solves of LPs with the same structure (same columns, rows and
    sparsity), so a run that differs only in numbers (prices, budgets, bounds) updates the values
    in place and re-solves from the previous optimal basis instead of passing a new model and
    solving from scratch. Holds the last `size` structures.

    After a change of column costs alone the old optimal basis is still primal feasible, so the
    re-solve runs the primal simplex (`primal`; measured on the seven sectors after a 15% hydrogen
    price step: 0.3 s against 6.4 s by the dual simplex, which HiGHS runs otherwise and which suits
    a change of bounds, after which the basis stays dual feasible).

    A warm re-solve is not always faster: when the numbers move far, the simplex from the old basis
    can take longer than a fresh interior-point solve. A structure whose warm re-solve took longer
    than its last fresh solve is solved fresh for its next `backoff` runs, `backoff` doubling (up to
    `MAX_BACKOFF`) each time warm loses again and back to 1 when it wins (`observe`)."""

    MAX_BACKOFF = 16

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.entries: dict[str, tuple[highspy.Highs, CompiledLP]] = {}
        self.hits = 0
        self.fresh_seconds: dict[str, float] = {}
        self.backoff: dict[str, int] = {}
        self.skip: dict[str, int] = {}
        self.last: str | None = None
        self.primal = False
        """whether the last `highs_for` changed only column costs of a cached instance"""

    def observe(self, warm: bool, seconds: float) -> None:
        """Record how long the last solve took, warm (from the cached basis) or fresh."""
        key = self.last
        if key is None:
            return
        if not warm:
            self.fresh_seconds[key] = seconds
        elif seconds > self.fresh_seconds.get(key, float("inf")):
            self.backoff[key] = min(2 * self.backoff[key], self.MAX_BACKOFF) if key in self.backoff else 1
            self.skip[key] = self.backoff[key]
        else:
            self.backoff.pop(key, None)

    @staticmethod
    def structure(lp: CompiledLP) -> str:
        """The digest of the LP's columns, rows and sparsity (0.1 s for the seven sectors: kept on
        the LP)."""
        if not lp.structure:
            import hashlib

            h = hashlib.sha256()
            h.update(repr((lp.columns, lp.rows)).encode())
            h.update(lp.a_start.tobytes())
            h.update(lp.a_index.tobytes())
            lp.structure = h.hexdigest()
        return lp.structure

    def highs_for(self, lp: CompiledLP, options: SolverOptions) -> highspy.Highs:
        """A HiGHS instance holding `lp`: a cached one updated to its values, or a new one."""
        key = self.structure(lp)
        self.last = key
        if self.skip.get(key, 0) > 0:   # warm lost last time: solve this one fresh
            self.skip[key] -= 1
            self.entries.pop(key, None)
        self.primal = False
        if key in self.entries:
            h, old = self.entries.pop(key)
            n, m = len(lp.cost), len(lp.row_lower)
            cols = np.arange(n, dtype=np.int32)
            costs = not np.array_equal(old.cost, lp.cost)
            if costs:
                h.changeColsCost(n, cols, lp.cost)
            others = False
            if not (np.array_equal(old.col_lower, lp.col_lower) and np.array_equal(old.col_upper, lp.col_upper)):
                h.changeColsBounds(n, cols, lp.col_lower, lp.col_upper)
                others = True
            if not (np.array_equal(old.row_lower, lp.row_lower) and np.array_equal(old.row_upper, lp.row_upper)):
                h.changeRowsBounds(m, np.arange(m, dtype=np.int32), lp.row_lower, lp.row_upper)
                others = True
            changed = np.flatnonzero(old.a_value != lp.a_value)
            if len(changed):
                col_of = np.repeat(np.arange(n), np.diff(lp.a_start))
                for k in changed:
                    h.changeCoeff(int(lp.a_index[k]), int(col_of[k]), float(lp.a_value[k]))
                others = True
            if lp.offset != old.offset:
                h.changeObjectiveOffset(lp.offset)
            self.primal = costs and not others
            self.hits += 1
        else:
            h = pass_to_highs(lp, options)
        self.entries[key] = (h, lp)
        while len(self.entries) > self.size:
            self.entries.pop(next(iter(self.entries)))
        return h


IPM_COLUMNS = 5000
"""From this many columns a fresh solve (no basis to start from) uses the interior point method with
crossover rather than the dual simplex: measured by benchmarks/methods.py (December 2026, 2 vCPU), it
solves cement (15,574 columns) in 1.2 s against 2.2 s and the seven sectors (81,648) in 21 s against
91 s, and proves a sector's infeasible budget in seconds where the dual simplex can wander for
minutes; small LPs (the toys) solve faster by simplex. Re-solves from a basis (batches
with reuse, the decomposition) stay on the simplex."""


PRIMAL_SIMPLEX, DUAL_SIMPLEX = 4, 1
"""HiGHS `simplex_strategy` values (1, serial dual, is HiGHS's default)."""


IIS_MAX_ROWS = 5000
"""Largest LP (rows) whose irreducible infeasible set `explain: auto` computes: HiGHS's deletion
filter re-solves the LP once per candidate row, measured at about 6 minutes for cement alone (15,000
rows, 2 vCPU) against well under a second for a toy."""


def run_choosing(h: highspy.Highs, columns: int, fresh: bool, choose: bool, primal: bool = False) -> bool:
    """Run HiGHS with the method policy of `solver.method: choose`: a fresh solve (no basis to start
    from) of an LP of at least IPM_COLUMNS columns by the interior point method with crossover
    (which leaves a basis for later re-solves), anything else by HiGHS's own choice; when that
    stops without a status - the dual simplex can lose its way on a (nearly) infeasible LP - once
    more by the interior point method. With `primal` (a warm start after a change of costs alone)
    the simplex runs as primal simplex. Returns whether it fell back."""
    interior = choose and fresh and columns >= IPM_COLUMNS
    if primal and choose and not fresh:
        h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        try:
            _run(h, "simplex")
        finally:
            h.setOptionValue("simplex_strategy", DUAL_SIMPLEX)
    else:
        _run(h, "ipm" if interior else None)
    if interior or not choose or _STATUS.get(h.getModelStatus(), Status.ERROR) != Status.ERROR:
        return False
    _run(h, "ipm")
    return True


def _run(h: highspy.Highs, method: str | None) -> None:
    """One HiGHS run, with `method` for this run only (None: the instance's setting). Ctrl-C stops
    it at HiGHS's next interrupt check (highspy's KeyboardInterrupt handling: the solve runs in a
    thread the main thread waits on) and raises KeyboardInterrupt here."""
    if method is not None:
        h.setOptionValue("solver", method)
    try:
        _interruptible(h)
    finally:
        if method is not None:
            h.setOptionValue("solver", "choose")


def _interruptible(h: highspy.Highs) -> None:
    # Ctrl-C reaches only the main thread, and a small LP returns (and the interrupt is raised) within
    # moments; the interrupt checks cost about 5% of a sector's solve time
    with _watched(h):
        if threading.current_thread() is not threading.main_thread() or h.getNumCol() < IPM_COLUMNS:
            h.run()
            return
        h.HandleKeyboardInterrupt = True
        with _quiet_stdout():   # highspy prints its own note on each Ctrl-C
            h.solve()
    if h.getModelStatus() == highspy.HighsModelStatus.kInterrupt:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _watched(h: highspy.Highs) -> Iterator[None]:
    """While a progress watcher is installed (planner.progress) and the LP is large enough for a
    solve to take a while, HiGHS's log lines go to it (not to the console): phase, iteration,
    objective."""
    if not progress.active() or h.getNumCol() < IPM_COLUMNS:
        yield
        return

    def line(event: Any) -> None:
        for part in str(event.message).splitlines():
            progress.feed(part)

    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.cbLogging += line
    try:
        yield
    finally:
        h.cbLogging -= line
        h.setOptionValue("output_flag", False)


def solve(model: pyo.ConcreteModel, options: SolverOptions | None = None, cache: WarmCache | None = None) -> Solution:
    """Compile, pass to HiGHS (or update a cached instance of the same structure), solve; return
    values and duals keyed by (component, index)."""
    t0 = time.perf_counter()
    return solve_lp(compile_lp(model), options, cache, t0)


def solve_lp(lp: CompiledLP, options: SolverOptions | None = None, cache: WarmCache | None = None,
             t0: float | None = None) -> Solution:
    """`solve` of an LP already compiled (`t0`: when its compilation started, counted as transfer)."""
    options = options or SolverOptions()
    t0 = time.perf_counter() if t0 is None else t0
    hits = cache.hits if cache is not None else 0
    h = cache.highs_for(lp, options) if cache is not None else pass_to_highs(lp, options)
    warm = cache is not None and cache.hits > hits
    t1 = time.perf_counter()
    progress.stage("solving")
    fallback = run_choosing(h, len(lp.cost), fresh=not warm, choose=options.method == "choose",
                            primal=warm and cache is not None and cache.primal)
    t2 = time.perf_counter()
    if cache is not None:
        cache.observe(warm, t2 - t1)
    sol = read_solution(h, lp, {"transfer": t1 - t0, "solve": t2 - t1})
    if fallback:
        sol.info["fallback"] = "ipm"
    if cache is not None:
        sol.info["warm_start"] = warm
        if warm and cache.primal:
            sol.info["primal_simplex"] = True
    if sol.status == Status.INFEASIBLE:
        if options.explain == "iis" or (options.explain == "auto" and len(lp.row_lower) <= IIS_MAX_ROWS):
            sol.info["iis"] = irreducible_set(h, lp)
        elif options.explain == "auto":
            sol.info["iis_skipped"] = len(lp.row_lower)
    return sol


def irreducible_set(h: highspy.Highs, lp: CompiledLP) -> dict[str, list]:
    """An irreducible infeasible subset (IIS) of an infeasible LP: the rows and column bounds that
    cannot all hold together, though any one of them can be dropped to make the rest feasible.
    Empty if HiGHS cannot find one."""
    strategy = int(highspy.IisStrategy.kIisStrategyFromLp) | int(highspy.IisStrategy.kIisStrategyIrreducible)
    h.setOptionValue("iis_strategy", strategy)
    try:
        status, iis = h.getIis()
    except Exception:  # an IIS is a diagnosis; its failure must not hide the infeasibility
        return {}
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return {}
    return {"rows": [lp.rows[i] for i in iis.row_index_], "columns": [lp.columns[j] for j in iis.col_index_]}


def read_solution(h: highspy.Highs, lp: CompiledLP, timings: dict[str, float]) -> Solution:
    """A solved HiGHS instance's outcome as a `Solution` (values and duals by component and index)."""
    status = _STATUS.get(h.getModelStatus(), Status.ERROR)
    size = {"columns": len(lp.cost), "rows": len(lp.row_lower), "nonzeros": len(lp.a_value)}
    message = h.modelStatusToString(h.getModelStatus())
    if status != Status.OPTIMAL:
        return Solution(status, None, timings, size=size, message=message)
    sol = h.getSolution()
    values = named_values(lp, np.asarray(sol.col_value))
    duals: dict[str, dict[Any, float]] = {}
    for (name, idx), y in zip(lp.rows, sol.row_dual):
        duals.setdefault(name, {})[idx] = y
    objective = h.getInfo().objective_function_value
    levels = row_levels(lp, np.asarray(sol.col_value), np.asarray(sol.row_dual))
    return Solution(status, objective, timings, values, duals, size, message, levels=levels)


def row_levels(lp: CompiledLP, x: np.ndarray, row_dual: np.ndarray, tol: float = 1e-9
               ) -> dict[str, dict[Any, float]]:
    """The size L_i of the limit each row with a nonzero dual holds, in the row's own unit.

    L_i = max(|b_i|, sum_j max(a_ij x_j, 0), sum_j max(-a_ij x_j, 0)), b_i the bound the row sits
    at (the lower for a dual > 0, the upper for a dual < 0). For a limit with a right-hand side
    (budget: sum of emissions <= B) that is B; for a limit between variables (new build <= 10% of
    last year's capacity, right-hand side 0) it is what either side holds. `|dual_i| * 0.01 * L_i`
    is then, to first order, what loosening the limit by 1% would save (objective units).
    """
    rows = np.flatnonzero(np.abs(row_dual) > tol)
    if rows.size == 0:
        return {}
    # a_ij x_j for every nonzero, summed per row by sign (the arrays are column-major)
    terms = lp.a_value * np.repeat(x, np.diff(lp.a_start))
    m = len(lp.row_lower)
    pos = np.bincount(lp.a_index, weights=np.maximum(terms, 0.0), minlength=m)[rows]
    neg = np.bincount(lp.a_index, weights=np.maximum(-terms, 0.0), minlength=m)[rows]
    bound = np.where(row_dual[rows] > 0, lp.row_lower[rows], lp.row_upper[rows])
    bound = np.where(np.isfinite(bound), np.abs(bound), 0.0)
    level = np.maximum(bound, np.maximum(pos, neg))
    out: dict[str, dict[Any, float]] = {}
    for i, v in zip(rows.tolist(), level.tolist()):
        name, idx = lp.rows[i]
        out.setdefault(name, {})[idx] = v
    return out


def named_values(lp: CompiledLP, x: np.ndarray) -> dict[str, dict[Any, float]]:
    """Column values keyed by component and index, with the variables the compiler fixed."""
    values: dict[str, dict[Any, float]] = {}
    for (name, idx), v in zip(lp.columns, x.tolist()):
        values.setdefault(name, {})[idx] = v
    for (name, idx), v in lp.fixed.items():
        values.setdefault(name, {})[idx] = v
    return values


class ResolvableLP:
    """One compiled LP kept in HiGHS and solved again with other column costs (warm start).

    Used by the price decomposition: a sector's LP is built and passed once; each round changes
    the costs of the columns that shared rows touch and re-solves from the previous basis.
    """

    def __init__(self, lp: CompiledLP, options: SolverOptions) -> None:
        self.lp = lp
        self.highs = pass_to_highs(lp, options)
        self._all = np.arange(len(lp.cost), dtype=np.int32)
        self._choose = options.method == "choose"
        self._fresh = True   # no basis yet: the first solve starts from nothing

    def free_rows(self, rows: np.ndarray) -> None:
        """Drop the bounds of these rows (they are priced instead of enforced)."""
        n = len(rows)
        inf = highspy.kHighsInf
        self.highs.changeRowsBounds(n, rows.astype(np.int32), np.full(n, -inf), np.full(n, inf))

    def solve_with_costs(self, cost: np.ndarray) -> tuple[Status, np.ndarray | None, float]:
        """Re-solve with column costs `cost`; returns status, column values and objective."""
        self.highs.changeColsCost(len(cost), self._all, cost.astype(float))
        # The first solve goes by the same policy as a fresh `solve`: without it the dual simplex
        # proved a steel LP with a hard budget share and a hard net-zero row infeasible only after
        # more than 20 minutes (mpp-shares, measured 2026-12).
        # after the first solve only costs change: the old basis stays primal feasible
        run_choosing(self.highs, len(self.lp.cost), fresh=self._fresh, choose=self._choose, primal=not self._fresh)
        self._fresh = False
        status = _STATUS.get(self.highs.getModelStatus(), Status.ERROR)
        if status != Status.OPTIMAL:
            return status, None, float("nan")
        x = np.asarray(self.highs.getSolution().col_value)
        return status, x, float(cost @ x + self.lp.offset)

    def row_duals(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().row_dual)


def solve_arrays(lp: CompiledLP, options: SolverOptions | None = None
                 ) -> tuple[Status, np.ndarray, np.ndarray, float]:
    """Solve a small LP given as arrays (the decomposition's master, the history year): values,
    row duals, objective; with the scenario's `options` (time limit, threads, method) if given."""
    h = pass_to_highs(lp, options or SolverOptions())
    _interruptible(h)
    status = _STATUS.get(h.getModelStatus(), Status.ERROR)
    if status != Status.OPTIMAL:
        return status, np.array([]), np.array([]), float("nan")
    sol = h.getSolution()
    return status, np.asarray(sol.col_value), np.asarray(sol.row_dual), h.getInfo().objective_function_value
