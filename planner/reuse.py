"""Runs that differ from an earlier one only in prices, costs, the carbon price, budgets or caps:
the earlier run's compiled LP is updated in place of a new build (batches with reuse).

A sweep moves a few numbers; building the Pyomo model and compiling it (2.5 s and 1.3 s for the
seven sectors) would repeat the same structure each run. Let d0 be the data of a run already
built (its model M0 and compiled arrays lp0 kept here) and d1 a new run's data. If d1 equals d0 in
every field the LP reads, except the values of PATCHED_COLUMNS and PATCHED_FIELDS, and those
values have the same zero pattern (so every term of the LP exists in both), then the LP of d1 is
lp0 with:

  objective   rebuilt from d1 (formulation/costs.py) on M0 and compiled alone: capex_counted,
              fixed_om, variable_om, commodity prices, retrofit capex and the carbon price only
              enter the objective; its constant (fixed history columns) is recomputed with it
  budget[b]   the finite bound moved by B1[b] - B0[b] (the row is  usage - slack <= B[b], its
              history constants unchanged); a soft budget's slack bound SLACK_BOUND * max(|B1[b]|, 1)
  annual_cap  the finite bound moved by cap1 - cap0

Any other difference (technologies, stock, flows, demand, limits, milestones, the history year,
the discount rate) builds the run from scratch, as does a change of a zero pattern. Demand is not
patched: intensity milestones divide by it (planner/milestones.py). tests/test_reuse.py checks the
patched arrays against a fresh build of d1.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import time
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.data import ModelData
from planner.formulation import build_model
from planner.formulation.costs import add_objective
from planner.formulation.emissions import SLACK_BOUND
from planner.index import ModelIndex, share_index
from planner.solve import CompiledLP, compile_lp, names

PATCHED_COLUMNS = {"tech_year": ("capex", "capex_counted", "fixed_om", "variable_om"),
                   "commodity_year": ("price",),
                   "retrofit_moves": ("capex", "capex_counted")}
"""Table columns whose values may differ between runs that share an LP structure (`capex` is not
read by the LP; it moves with capex_counted)."""

PATCHED_FIELDS = ("carbon_price", "budget_rows", "caps", "budget_mt")
"""ModelData fields (dicts or numbers) whose values may differ; the rest must be equal."""

NOT_IN_LP = ("scenario", "input_hash", "notes", "sector_budgets", "global_remaining_mt")
"""Fields the LP does not read, which differ between the runs of a batch: names, provenance and
the budget as the results report it (the LP reads `budget_rows`). The scenario name only labels
the model and its messages."""


def structure_key(d: ModelData) -> str:
    """A digest of everything in `d` the LP reads except the patched values, which enter only by
    their zero pattern (and NaN, for the table columns)."""
    h = hashlib.sha256()
    for f in fields(d):
        name = f.name
        if name in NOT_IN_LP:
            continue
        value = getattr(d, name)
        if name in PATCHED_COLUMNS:
            value = value.copy()
            for col in PATCHED_COLUMNS[name]:
                if col in value:
                    value[col] = _pattern(value[col].to_numpy(dtype=float))
        elif name in PATCHED_FIELDS:
            value = [(k, v != 0) for k, v in value.items()] if isinstance(value, dict) else value is None
        h.update(name.encode())
        _digest(h, value)
    return h.hexdigest()


def _digest(h: Any, value: object) -> None:
    """Feed `value` to the hash `h`: tables by index, column names and column values (a pickle of
    a DataFrame depends on how its blocks were built, not only on what it holds)."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        h.update(pickle.dumps((list(value.columns), value.index.tolist()), protocol=pickle.HIGHEST_PROTOCOL))
        for col in value.columns:
            arr = value[col].to_numpy()
            if arr.dtype.kind in "biuf":
                h.update(arr.dtype.str.encode())
                h.update(np.ascontiguousarray(arr).tobytes())
            else:
                h.update(pickle.dumps(arr.tolist(), protocol=pickle.HIGHEST_PROTOCOL))
        return
    h.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _pattern(values: np.ndarray) -> np.ndarray:
    """0 for zero, 1 for nonzero, 2 for NaN."""
    return np.where(np.isnan(values), 2, (values != 0).astype(int))


@dataclass
class _Entry:
    """A built run: its data, Pyomo model, index sets and compiled LP, with the LP positions the
    updates touch (found once)."""

    data: ModelData
    model: pyo.ConcreteModel
    ix: ModelIndex
    lp: CompiledLP
    position: dict[int, int]
    """id of each variable of the model that is a column -> its column"""
    bound_rows: dict[tuple[str, Any], int]
    """budget and annual_cap rows -> their row"""
    slack: dict[str, int]
    """budget -> the column of its slack (soft budgets)"""

    @classmethod
    def built(cls, d: ModelData, model: pyo.ConcreteModel, ix: ModelIndex, lp: CompiledLP) -> _Entry:
        column = {c: j for j, c in enumerate(lp.columns)}
        position = {i: column[c] for i, c in names(model, pyo.Var).items() if c in column}
        bound_rows = {r: i for i, r in enumerate(lp.rows) if r[0] in ("budget", "annual_cap")}
        slack = {b: column[("budget_slack", b)] for b in d.budget_rows if ("budget_slack", b) in column}
        return cls(d, model, ix, lp, position, bound_rows, slack)


class LPCache:
    """The last `size` structures built in this process, with their Pyomo model and compiled LP."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.entries: dict[str, _Entry] = {}
        self.hits = 0

    def lp_for(self, d: ModelData) -> tuple[CompiledLP, dict[str, float]]:
        """The compiled LP of `d`: updated from a cached run of the same structure, else built and
        compiled (and cached). Returns it with the seconds of `build` and `compile`."""
        t0 = time.perf_counter()
        key = structure_key(d)
        entry = self.entries.pop(key, None)
        if entry is not None:
            share_index(d, entry.ix)   # the same structure has the same index sets (results use them)
            lp = patched(entry, d)
            self.hits += 1
            entry.data, entry.lp = d, lp
            self.entries[key] = entry
            return lp, {"build": time.perf_counter() - t0, "compile": 0.0}
        model, ix = build_model(d)
        t1 = time.perf_counter()
        lp = compile_lp(model)
        self.entries[key] = _Entry.built(d, model, ix, lp)
        while len(self.entries) > self.size:
            self.entries.pop(next(iter(self.entries)))
        return lp, {"build": t1 - t0, "compile": time.perf_counter() - t1}


def patched(entry: _Entry, d: ModelData) -> CompiledLP:
    """The LP of `d` from the cached run `entry` of the same structure (module docstring)."""
    old, lp = entry.data, entry.lp
    cost, offset = _objective(entry, d)
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    col_upper = lp.col_upper
    moves = {("budget", b): d.budget_rows[b] - old.budget_rows[b] for b in d.budget_rows}
    moves.update({("annual_cap", key): d.caps[key] - old.caps[key] for key in d.caps})
    for row, shift in moves.items():
        i = entry.bound_rows.get(row)
        if shift and i is not None:
            if math.isfinite(row_lower[i]):
                row_lower[i] += shift
            if math.isfinite(row_upper[i]):
                row_upper[i] += shift
    if entry.slack:
        col_upper = col_upper.copy()
        for b, j in entry.slack.items():
            col_upper[j] = SLACK_BOUND * max(abs(d.budget_rows[b]), 1.0)
    return replace(lp, cost=cost, offset=offset, row_lower=row_lower, row_upper=row_upper, col_upper=col_upper)


def _objective(entry: _Entry, d: ModelData) -> tuple[np.ndarray, float]:
    """The objective of `d` on the cached model: rebuilt, then compiled with every row deactivated
    (the columns it touches mapped to the cached LP's; fixed columns go to the constant)."""
    m = entry.model
    m.del_component(m.cost)
    add_objective(m, d, entry.ix)
    rows = list(m.component_objects(pyo.Constraint, active=True))
    for c in rows:
        c.deactivate()
    try:
        repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    finally:
        for c in rows:
            c.activate()
    cost = np.zeros(len(entry.lp.cost))
    if repn.c.shape[0]:
        where = [entry.position[id(v)] for v in repn.columns]
        cost[where] = np.asarray(repn.c.toarray()).ravel()
    offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    return cost, offset
