"""Price decomposition: the sectors of a run solved as separate LPs, coordinated by prices.

The joint LP of a run is

    min  sum_s c_s x_s   s.t.  x_s in X_s (each sector's own rows),   sum_s (A_s x_s + k_s) <= b

where k_s is the part of sector s's use that its fixed first year (planner/history.py) makes
constant, and the shared rows r are those that several sectors' models hold: the budget over all
sectors, annual caps on 'all', commodity and pool supply limits. Pricing them with pi >= 0 splits
the run into one LP per sector (the Lagrangian relaxation):

    v_s(pi) = min_{x in X_s} (c_s + pi A_s) x + pi k_s,      L(pi) = sum_s v_s(pi) - pi b  <=  optimum.

L is concave and piecewise linear in pi. The coordinator maximises it by Kelley's cutting-plane
method, whose dual is Dantzig-Wolfe decomposition: a master LP mixes the proposals x_s^j the
sectors have returned so far,

    min  sum_{s,j} C_sj w_sj + M sum_r a_r
    s.t. sum_j w_sj = 1                              (one mix per sector)
         sum_{s,j} U_sjr w_sj - a_r <= b_r           (dual -pi_r: the next prices)
         w, a >= 0

with C_sj = c_s x_s^j (the proposal's own cost), U_sjr = (A_s x_s^j + k_s)_r (its use of row r) and a_r
an excess priced at M (`ELASTIC_PENALTY`), so the master is always feasible. Its objective is an
upper bound and L(pi) a lower bound on the optimum; the loop stops when they meet within the
relative `gap`. The run's solution is the master's mix x_s = sum_j w_sj x_s^j, and the carbon
price is pi of the budget row. Each round every sector re-solves from its previous basis with only
its costs changed (warm start), in parallel worker processes. With one price (the budget alone)
the method converges in a handful of rounds; it never needs a step size. With a shared limit binding
year by year (the CO2 storage ceiling: about 20 priced rows in default) it needs 60-90 rounds, even
for two sectors (measured: cement and aluminium, gap 1e-3 to 1e-5). Leftover excess a_r > 0
at convergence means the shared row cannot be met (the run is infeasible by that amount).

With a region set a sector s stands for its instances in every region (data.blocks): the routes
its products trade on, its world build and growth rows and its trade rules couple its regions row
by row and stay inside its LP; budgets and caps over a region, like the run's budget, are shared
rows of the sectors with instances there and are priced, as are regional CO2 storage limits.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner import progress
from planner.data import ModelData, blocks, restrict
from planner.families import SHARED
from planner.formulation import build_model
from planner.formulation.emissions import ELASTIC_PENALTY
from planner.schema.scenario import SolverOptions
from planner.solve import CompiledLP, ResolvableLP, Solution, Status, compile_lp, named_values, row_levels, solve_arrays
from planner.sparse import sparse as sp

SHARED_ROWS = SHARED
"""Row families that may couple sectors (families.SHARED: `<=` rows with a right-hand side shared by the run)."""
FIRST_PENALTY = 1.0e3
"""Price of excess on a shared row in the first rounds (USD per unit of the row, present value);
raised tenfold, up to `ELASTIC_PENALTY`, whenever the rounds converge with excess left. Starting
low keeps the first price steps near plausible prices."""
SMOOTHING = 0.5
"""Weight of the best-bounding prices in the prices sent to the sectors (Wentges smoothing)."""
RowKey = tuple[str, Any]


@dataclass
class Proposal:
    """A sector's answer to one set of prices."""

    sector: str
    status: Status
    value: float = float("nan")
    """min of (c + pi A) x: the sector's Lagrangian value, million USD (present value)"""
    own: float = float("nan")
    """c x: the sector's own cost of this proposal"""
    usage: dict[RowKey, float] = field(default_factory=dict)
    seconds: float = 0.0


class SectorLP:
    """One sector's LP (its instances in every region of a region set) held in HiGHS, with its
    shared rows kept as coefficient vectors."""

    def __init__(self, name: str, d: ModelData, options: SolverOptions) -> None:
        t0 = time.perf_counter()
        model, _ix = build_model(d)
        t1 = time.perf_counter()
        self.lp: CompiledLP = compile_lp(model)
        self.solver = ResolvableLP(self.lp, options)
        self.timings = {"build": t1 - t0, "transfer": time.perf_counter() - t1}
        self.sector = name
        lp = self.lp
        self._rows = sp.csc_matrix((lp.a_value, lp.a_index, lp.a_start),
                                   shape=(len(lp.row_lower), len(lp.cost))).tocsr()
        self.shared = {key: i for i, key in enumerate(lp.rows) if key[0] in SHARED_ROWS}
        # b_r as the model states it, and k_r: the constant part of the row's body in this sector (its
        # fixed first year's terms, e.g. 2025 tonnes counted downstream) that the compiler moved into
        # the bound, b_r - k_r
        self.bound = {key: _bound(model, key) for key in self.shared}
        self.constant = {key: self.bound[key] - float(lp.row_upper[i]) for key, i in self.shared.items()}
        self.coupled: dict[RowKey, tuple[np.ndarray, np.ndarray]] = {}
        self.proposals: list[np.ndarray] = []

    def describe(self) -> dict[str, Any]:
        """Shared rows with their right-hand sides (as written, before the sector's constants move
        into them), timings and size, for the coordinator."""
        size = {"columns": len(self.lp.cost), "rows": len(self.lp.row_lower), "nonzeros": len(self.lp.a_value)}
        return {"rows": self.bound, "timings": self.timings, "size": size}

    def couple(self, keys: list[RowKey]) -> None:
        """Take these shared rows out of the LP; they are priced from now on."""
        rows = np.array([self.shared[k] for k in keys], dtype=np.int32)
        for k, i in zip(keys, rows):
            r = self._rows.getrow(int(i))
            self.coupled[k] = (r.indices.copy(), r.data.copy())
        if len(rows):
            self.solver.free_rows(rows)

    def price(self, prices: dict[RowKey, float]) -> Proposal:
        """Solve with the shared rows priced at `prices` (present-value USD per unit of the row)."""
        t0 = time.perf_counter()
        cost = self.lp.cost.copy()
        for k, (idx, val) in self.coupled.items():
            p = prices.get(k, 0.0)
            if p:
                cost[idx] += p * val
        status, x, value = self.solver.solve_with_costs(cost)
        if x is None:
            return Proposal(self.sector, status, seconds=time.perf_counter() - t0)
        self.proposals.append(x)
        own = float(self.lp.cost @ x + self.lp.offset)
        usage = {k: float(val @ x[idx]) + self.constant[k] for k, (idx, val) in self.coupled.items()}
        value += sum(prices.get(k, 0.0) * self.constant[k] for k in self.coupled)
        return Proposal(self.sector, status, value, own, usage, time.perf_counter() - t0)

    def mix(self, weights: list[float]) -> tuple[dict, dict, dict]:
        """Values of the mix sum_j w_j x^j, the duals of the sector's own rows at the last prices and
        the levels of those with a nonzero dual at the mix (solve.row_levels)."""
        x = np.zeros(len(self.lp.cost))
        for w, xj in zip(weights, self.proposals):
            if w > 0:
                x += w * xj
        row_dual = self.solver.row_duals()
        own = np.array([(name, idx) not in self.coupled for name, idx in self.lp.rows], dtype=bool)
        duals: dict[str, dict[Any, float]] = {}
        for (name, idx), y, keep in zip(self.lp.rows, row_dual.tolist(), own.tolist()):
            if keep:
                duals.setdefault(name, {})[idx] = y
        return named_values(self.lp, x), duals, row_levels(self.lp, x, np.where(own, row_dual, 0.0))


class _Handler:
    """The commands a worker serves, for the sectors it holds."""

    def __init__(self, datas: dict[str, ModelData], options: SolverOptions) -> None:
        self.lps = {name: SectorLP(name, d, options) for name, d in datas.items()}

    def __call__(self, cmd: str, arg: Any) -> Any:
        if cmd == "describe":
            return {s: lp.describe() for s, lp in self.lps.items()}
        if cmd == "couple":
            for s, keys in arg.items():
                if s in self.lps:
                    self.lps[s].couple(keys)
            return None
        if cmd == "price":
            return [lp.price(arg) for lp in self.lps.values()]
        if cmd == "mix":
            return {s: lp.mix(arg[s]) for s, lp in self.lps.items()}
        raise ValueError(f"unknown command {cmd!r}")


def _serve(conn: Any, options: SolverOptions) -> None:
    """Worker process: say it started, receive its sectors' data, build their LPs, then answer
    commands until told to stop."""
    try:
        conn.send(("ok", None))
        handler = _Handler(conn.recv(), options)
        conn.send(("ok", None))
        while True:
            cmd, arg = conn.recv()
            if cmd == "stop":
                return
            conn.send(("ok", handler(cmd, arg)))
    except Exception:  # the coordinator reports it with the worker's traceback
        conn.send(("error", traceback.format_exc()))


class _InProcess:
    """A worker that runs in the coordinator's own process (one job)."""

    def __init__(self, datas: dict[str, ModelData], options: SolverOptions) -> None:
        self.handler = _Handler(datas, options)
        self._answer: Any = None

    def send(self, cmd: str, arg: Any = None) -> None:
        self._answer = self.handler(cmd, arg)

    def receive(self) -> Any:
        return self._answer

    def close(self) -> None:
        pass


class _Process:
    """A worker process holding some sectors' LPs, driven over a pipe."""

    def __init__(self, ctx: Any, datas: dict[str, ModelData], options: SolverOptions) -> None:
        self.conn, child = ctx.Pipe()
        self.sectors = list(datas)
        self.proc = ctx.Process(target=_serve, args=(child, options), daemon=True)
        self.proc.start()
        child.close()
        try:
            self.receive()
        except RuntimeError:
            raise RuntimeError("a worker process could not start. A script that solves with several jobs must "
                               "keep its code under `if __name__ == '__main__':` (Python starts workers by "
                               "importing the main module); or set solver.jobs: 1") from None
        self.conn.send(datas)  # sent once the worker runs, so a failed start cannot block the pipe
        self.receive()

    def send(self, cmd: str, arg: Any = None) -> None:
        self.conn.send((cmd, arg))

    def receive(self) -> Any:
        try:
            while not self.conn.poll(0.5):
                if not self.proc.is_alive():
                    raise EOFError
            kind, value = self.conn.recv()
        except EOFError:
            raise RuntimeError(f"the worker solving {', '.join(self.sectors)} died "
                               f"(exit code {self.proc.exitcode})") from None
        if kind == "error":
            raise RuntimeError(f"the worker solving {', '.join(self.sectors)} failed:\n{value}")
        return value

    def close(self) -> None:
        try:
            self.conn.send(("stop", None))
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.terminate()


class DecompositionFailed(Exception):
    """The coordination could not finish: a sector is infeasible on its own, a shared row cannot
    be met, or the rounds ran out. Carries what run.py needs to explain it."""

    def __init__(self, status: Status, sector: str | None = None, excess: dict[RowKey, float] | None = None,
                 message: str = "") -> None:
        super().__init__(message or status.value)
        self.status, self.sector, self.excess, self.message = status, sector, excess or {}, message


def _bound(model: Any, key: RowKey) -> float:
    """The upper bound of a shared row as the model states it (a budget, a limit)."""
    name, idx = key
    return float(getattr(model, name)[idx].ub)


def _groups(d: ModelData, parts: dict[str, list[str]], jobs: int) -> list[list[str]]:
    """Sectors spread over `jobs` workers, largest first onto the least loaded (size = tech-years
    of its instances)."""
    per = d.tech_year.groupby(level="sector").size().to_dict()
    size = {name: sum(per.get(i, 0) for i in members) for name, members in parts.items()}
    bins: list[list[str]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for s in sorted(parts, key=lambda s: -size[s]):
        i = load.index(min(load))
        bins[i].append(s)
        load[i] += size[s]
    return [b for b in bins if b]


def solve_decomposed(d: ModelData, options: SolverOptions) -> Solution:
    """Solve a run of several sectors by price decomposition (module docstring); a joint-form Solution.
    With a region set each sector is solved with its instances in every region: trade, world build
    limits and trade rules stay inside it; budgets and caps over a region are priced like the rest."""
    parts = blocks(d)
    spanning = [name for name, m in d.milestones.items()
                if not any(set(d.instances(m["sector"])) <= set(members) for members in parts.values())]
    if spanning:
        raise DecompositionFailed(Status.ERROR, message=f"milestones on several sectors ({', '.join(spanning)}) tie "
                                  "the sectors together row by row; solve this run as one joint LP (--joint)")
    names = list(parts)
    jobs = max(1, min(options.jobs or (os.cpu_count() or 1), len(names)))
    t0 = time.perf_counter()
    groups = _groups(d, parts, jobs)
    workers: list[Any] = []
    try:
        if jobs == 1:
            workers = [_InProcess({s: restrict(d, parts[s]) for s in names}, options)]
        else:
            ctx = mp.get_context("spawn")
            workers = [_Process(ctx, {s: restrict(d, parts[s]) for s in g}, options) for g in groups]
        described: dict[str, dict] = {}
        for w in workers:
            w.send("describe")
        for w in workers:
            described.update(w.receive())
        setup = time.perf_counter() - t0
        counts: dict[RowKey, int] = {}
        rhs: dict[RowKey, float] = {}
        for info in described.values():
            for key, b in info["rows"].items():
                counts[key] = counts.get(key, 0) + 1
                if abs(rhs.setdefault(key, b) - b) > 1e-9 * max(1.0, abs(b)):
                    raise RuntimeError(f"shared row {_label(key)} has bounds {rhs[key]} and {b} in two sectors")
        coupled = sorted((k for k, n in counts.items() if n > 1), key=repr)
        for w in workers:
            w.send("couple", {s: [k for k in coupled if k in described[s]["rows"]] for s in described})
        for w in workers:
            w.receive()
        t1 = time.perf_counter()
        outcome = _coordinate(workers, names, coupled, rhs, options)
        t2 = time.perf_counter()
        mixes = {s: outcome["weights"][s] for s in names}
        for w in workers:
            w.send("mix", mixes)
        mixed: dict[str, tuple[dict, dict, dict]] = {}
        for w in workers:
            mixed.update(w.receive())
    finally:
        for w in workers:
            w.close()
    values, duals, levels = _merge(mixed)
    for i, key in enumerate(coupled):
        duals.setdefault(key[0], {})[key[1]] = -outcome["prices"][i]
    per_sector = {s: described[s]["timings"] for s in names}
    timings = {
        "build": max(sum(per_sector[s]["build"] for s in g) for g in groups),
        "transfer": max(sum(per_sector[s]["transfer"] for s in g) for g in groups),
        "setup": setup, "solve": t2 - t1, "mix": time.perf_counter() - t2,
    }
    size = {k: sum(described[s]["size"][k] for s in names) for k in ("columns", "rows", "nonzeros")}
    info = {"method": "price decomposition (Dantzig-Wolfe / cutting plane)", "workers": len(workers),
            "groups": groups, "coupled_rows": [_label(k) for k in coupled], **outcome["report"]}
    return Solution(Status.OPTIMAL, outcome["objective"], timings, values, duals, size,
                    message=f"converged in {outcome['report']['iterations']} rounds", info=info, levels=levels)


def _coordinate(workers: list[Any], sectors: list[str], coupled: list[RowKey], rhs: dict[RowKey, float],
                options: SolverOptions) -> dict[str, Any]:
    """The cutting-plane loop: price, collect proposals, re-solve the master, until the bounds meet.

    Prices are smoothed (Wentges): the sectors are priced at ``alpha * centre + (1 - alpha) *
    master`` where the centre is the best-bounding price so far. This damps the swings of plain
    Kelley steps when many rows are shared (each year of a shared limit is a row) and keeps its
    convergence: a round whose proposals do not cut the master raises the lower bound instead.
    """
    b = np.array([rhs[k] for k in coupled])
    pi_master = np.zeros(len(coupled))
    centre: np.ndarray | None = None
    proposals: dict[str, list[Proposal]] = {s: [] for s in sectors}
    best_lb, history = -np.inf, []
    master_seconds = 0.0
    gap = np.inf
    penalty = FIRST_PENALTY
    for it in range(1, options.max_iterations + 1):
        pi = pi_master if centre is None else SMOOTHING * centre + (1 - SMOOTHING) * pi_master
        prices = dict(zip(coupled, pi.tolist()))
        t_round = time.perf_counter()
        for w in workers:
            w.send("price", prices)
        answers: list[Proposal] = []
        for w in workers:
            answers.extend(w.receive())
        t_solved = time.perf_counter()
        for p in answers:
            if p.status != Status.OPTIMAL:
                raise DecompositionFailed(p.status, sector=p.sector)
            proposals[p.sector].append(p)
        lb = sum(p.value for p in answers) - float(pi @ b)
        if lb > best_lb:
            best_lb, centre = lb, pi
        weights, pi_master, ub, excess = _master(sectors, proposals, coupled, b, penalty)
        master_seconds += time.perf_counter() - t_solved
        history.append({"round": it, "lower_bound": lb, "upper_bound": ub, "prices": _named(coupled, pi),
                        "sector_seconds": round(t_solved - t_round, 4),
                        "by_sector": {p.sector: round(p.seconds, 4) for p in answers}})
        gap = (ub - best_lb) / max(1.0, abs(ub))
        progress.step(f"price decomposition, gap {max(gap, 0.0):.1e}", it, ub)
        exceeded = excess.max(initial=0.0) > 1e-6 * max(1.0, float(np.abs(b).max(initial=1.0)))
        if gap <= options.gap and exceeded and penalty < ELASTIC_PENALTY:
            penalty = min(10 * penalty, ELASTIC_PENALTY)  # excess left only because it was cheap
            continue
        if gap <= options.gap or not coupled:
            report = {"iterations": it, "gap": max(gap, 0.0), "lower_bound": best_lb, "upper_bound": ub,
                      "master_seconds": master_seconds, "history": history}
            if exceeded:
                raise DecompositionFailed(Status.INFEASIBLE, excess={
                    k: float(e) for k, e in zip(coupled, excess) if e > 1e-6})
            return {"weights": weights, "prices": pi_master, "objective": ub, "report": report}
    raise DecompositionFailed(Status.TIME_LIMIT, message=f"no convergence in {options.max_iterations} rounds "
                              f"(gap {gap:.2e}); raise solver.max_iterations or solver.gap")


def _master(sectors: list[str], proposals: dict[str, list[Proposal]], coupled: list[RowKey],
            b: np.ndarray, penalty: float) -> tuple[dict[str, list[float]], np.ndarray, float, np.ndarray]:
    """Solve the master LP over the proposals so far: weights, prices, objective, excess."""
    n_s, n_r = len(sectors), len(coupled)
    cost, starts, index, value, names = [], [0], [], [], []
    row_of = {k: n_s + i for i, k in enumerate(coupled)}
    for i, s in enumerate(sectors):
        for j, p in enumerate(proposals[s]):
            cost.append(p.own)
            index.append(i)
            value.append(1.0)
            for k, u in p.usage.items():
                if u:
                    index.append(row_of[k])
                    value.append(u)
            starts.append(len(index))
            names.append(("w", (s, j)))
    for i, k in enumerate(coupled):
        cost.append(penalty)
        index.append(n_s + i)
        value.append(-1.0)
        starts.append(len(index))
        names.append(("excess", k))
    inf = float("inf")
    n = len(cost)
    lp = CompiledLP(
        cost=np.array(cost), offset=0.0, col_lower=np.zeros(n), col_upper=np.full(n, inf),
        row_lower=np.concatenate([np.ones(n_s), np.full(n_r, -inf)]),
        row_upper=np.concatenate([np.ones(n_s), b]),
        a_start=np.array(starts, dtype=np.int32), a_index=np.array(index, dtype=np.int32),
        a_value=np.array(value), columns=names,
        rows=[("convexity", s) for s in sectors] + [("shared", k) for k in coupled], fixed={},
    )
    status, x, duals, objective = solve_arrays(lp)
    if status != Status.OPTIMAL:
        raise RuntimeError(f"the decomposition's master LP failed ({status.value})")
    weights, pos = {}, 0
    for s in sectors:
        weights[s] = x[pos:pos + len(proposals[s])].tolist()
        pos += len(proposals[s])
    pi = np.clip(-duals[n_s:], 0.0, None)
    return weights, pi, float(objective), x[pos:]


def _merge(mixed: dict[str, tuple[dict, dict, dict]]) -> tuple[dict, dict, dict]:
    """Joint-form values, duals and row levels from each sector's mix; commodity purchases add up
    across sectors."""
    values: dict[str, dict[Any, float]] = {}
    duals: dict[str, dict[Any, float]] = {}
    levels: dict[str, dict[Any, float]] = {}
    for vals, dls, lvl in mixed.values():
        for name, entries in vals.items():
            target = values.setdefault(name, {})
            for idx, v in entries.items():
                target[idx] = target.get(idx, 0.0) + v
        for name, entries in dls.items():
            duals.setdefault(name, {}).update(entries)
        for name, entries in lvl.items():
            levels.setdefault(name, {}).update(entries)
    return values, duals, levels


def _label(key: RowKey) -> str:
    name, idx = key
    if isinstance(idx, tuple):
        return f"{name}[{','.join(map(str, idx))}]"
    return f"{name}[{idx}]" if idx is not None else name


def _named(coupled: list[RowKey], pi: np.ndarray) -> dict[str, float]:
    """Nonzero prices by row label (for the history)."""
    return {_label(k): round(float(v), 6) for k, v in zip(coupled, pi) if v > 1e-9}
