"""Index sets of the LP, derived once from the model tables (plain Python, no Pyomo).

Names used throughout the formulation: s sector, k technology, c cohort (a vintage: existing
stock by retirement year, a build year, or retrofitted capacity that keeps its vintage), y model
year, r retrofit, p product or intermediate, m purchased commodity.

A technology with vintage inputs (data.vintage_flows) also has activity by cohort group,
ACTC[s,k,g,y]: g pools the cohorts that run with the same coefficients in y (data.vintage_groups,
named after its first cohort). Its inputs enter balances and purchases per group (`cohort_makers`,
`cohort_users`), every other flow per technology (`makers`, `users`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from planner.data import ModelData

SK = tuple[str, str]
SKY = tuple[str, str, int]
SKCY = tuple[str, str, str, int]
Move = tuple[str, str, str, int]  # (sector, retrofit, source cohort, year)


@dataclass
class ModelIndex:
    years: list[int]
    prev: dict[int, int]
    cap: list[SKCY] = field(default_factory=list)
    cohorts_in_service: dict[SKY, list[str]] = field(default_factory=lambda: defaultdict(list))
    existing: dict[SKCY, float] = field(default_factory=dict)
    new: dict[SKY, str] = field(default_factory=dict)
    free: dict[SK, str] = field(default_factory=dict)
    """technology -> its one 'free' cohort (free capacity: sized each year, not carried)"""
    free_stock: dict[SK, float] = field(default_factory=dict)
    """free capacity's stock in the first year (the data's stock: not an addition)"""
    stock: dict[SK, float] = field(default_factory=dict)
    """technology -> capacity in service in the first year that was not built in the horizon
    (existing cohorts plus free capacity's stock): the base of first-year growth and share limits"""
    act: list[SKY] = field(default_factory=list)
    active: set[SKY] = field(default_factory=set)
    """the set of `act`"""
    moves: list[Move] = field(default_factory=list)
    move_out: dict[SKCY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    move_in: dict[SKCY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    outside_turnover: set[Move] = field(default_factory=set)
    """moves of retrofits with `turnover: false` (not counted by the group turnover rows)"""
    additions_in: dict[SKY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    coef: dict[SKY, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    makers: dict[tuple[str, str, int], list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))
    users: dict[tuple[str, int], list[tuple[str, str, float]]] = field(default_factory=lambda: defaultdict(list))
    same_output: dict[SKY, list[str]] = field(default_factory=dict)
    vintage: set[SK] = field(default_factory=set)
    """technologies whose inputs follow the vintage: they have activity by cohort"""
    actc: list[SKCY] = field(default_factory=list)
    """(s, k, g, y) of ACTC: every cohort group in service of a technology in `vintage`"""
    members: dict[SKCY, list[str]] = field(default_factory=dict)
    """(s, k, g, y) -> the cohorts of group g in service in y"""
    cohort_coef: dict[SKCY, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    """inputs per unit of a cohort group's activity (vintage technologies)"""
    cohort_makers: dict[tuple[str, str, int], list[tuple[str, str, float]]] = field(
        default_factory=lambda: defaultdict(list))
    """(s, p, y) -> (k, g, -a): cohort groups that use the sector's own commodity p as a vintage input"""
    cohort_users: dict[tuple[str, int], list[tuple[str, str, str, float]]] = field(
        default_factory=lambda: defaultdict(list))
    """(m, y) -> (s, k, g, a): cohort groups that buy m as a vintage input"""


_CACHED = "_model_index"
"""attribute of a ModelData holding its index: not a dataclass field, so `dataclasses.replace` (e.g.
data.restrict) makes data without it, whose index is built afresh"""


def build_index(d: ModelData) -> ModelIndex:
    """Every index tuple the LP needs, from the tables of `d`; built once per ModelData (the model,
    the milestone rows and the published comparison of a run share it; nothing mutates it)."""
    cached = d.__dict__.get(_CACHED)
    if cached is not None:
        return cached
    ix = _build_index(d)
    d.__dict__[_CACHED] = ix
    return ix


def share_index(d: ModelData, ix: ModelIndex) -> None:
    """Give `d` the index of another ModelData of the same structure (planner/reuse.py)."""
    d.__dict__[_CACHED] = ix


def _build_index(d: ModelData) -> ModelIndex:
    years = d.years
    ix = ModelIndex(years=years, prev={y: p for p, y in zip(years, years[1:])})
    coh = d.cohorts.reset_index()
    for s, k, c, start, end, kind, initial in zip(coh.sector, coh.tech, coh.cohort, coh.start, coh.end,
                                                  coh.kind, coh.initial):
        for y in years:
            if start <= y < end:
                ix.cap.append((s, k, c, y))
                ix.cohorts_in_service[(s, k, y)].append(c)
        if kind == "existing":
            ix.existing[(s, k, c, years[0])] = float(initial)
        elif kind == "new":
            ix.new[(s, k, int(start))] = c
        elif kind == "free":
            ix.free[(s, k)] = c
            ix.free_stock[(s, k)] = float(initial) if initial == initial else 0.0
    for (s, k, _c, _y), v in ix.existing.items():
        ix.stock[s, k] = ix.stock.get((s, k), 0.0) + v
    for key, v in ix.free_stock.items():
        ix.stock[key] = ix.stock.get(key, 0.0) + v
    ix.act = [(s, k, y) for (s, k) in d.techs.index for y in years if ix.cohorts_in_service.get((s, k, y))]
    ix.active = set(ix.act)
    mv = d.retrofit_moves
    for s, r, frm, to, c, target, y, counted in zip(mv.sector, mv.retrofit, mv.from_tech, mv.to_tech, mv.cohort,
                                                    mv.target_cohort, mv.year, mv.turnover):
        key = (s, r, c, int(y))
        ix.moves.append(key)
        if not counted:
            ix.outside_turnover.add(key)
        ix.move_out[(s, frm, c, int(y))].append(key)
        ix.move_in[(s, to, target, int(y))].append(key)
        ix.additions_in[(s, to, int(y))].append(key)
    active = ix.active
    purchased = set(d.commodities.index)
    balanced = set(d.balances.index)
    f = d.flows
    by_vintage = f["by_vintage"] if "by_vintage" in f.columns else [False] * len(f)
    for s, k, com, y, a, vin in zip(f.sector, f.tech, f.commodity, f.year, f.coef, by_vintage):
        y = int(y)
        key = (s, k, y)
        if key not in active or vin:
            continue
        ix.coef[key][com] = a
        if (s, com) in balanced:
            ix.makers[(s, com, y)].append((k, -a))
        elif com in purchased:
            ix.users[(com, y)].append((s, k, a))
    vf = d.vintage_flows
    flag = d.techs["vintage_inputs"] if "vintage_inputs" in d.techs.columns else {}
    ix.vintage = {key for key, v in flag.items() if v}
    vg = d.vintage_groups
    in_service = {key for key in ix.cap if key[:2] in ix.vintage}
    for s, k, c, y, g in zip(vg.sector, vg.tech, vg.cohort, vg.year, vg.group):
        if (s, k, c, int(y)) in in_service:
            ix.members.setdefault((s, k, g, int(y)), []).append(c)
    ix.actc = list(ix.members)
    groups = set(ix.actc)
    for s, k, c, com, y, a in zip(vf.sector, vf.tech, vf.cohort, vf.commodity, vf.year, vf.coef):
        key4 = (s, k, c, int(y))
        if key4 not in groups:  # the group's own cohort carries the group's coefficients
            continue
        ix.cohort_coef[key4][com] = a
        if (s, com) in balanced:
            ix.cohort_makers[(s, com, int(y))].append((k, c, -a))
        elif com in purchased:
            ix.cohort_users[(com, int(y))].append((s, k, c, a))
    by_output: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    outputs = d.techs["output"].to_dict()
    for s, k, y in ix.act:
        by_output[(s, outputs[(s, k)], y)].append(k)
    for s, k, y in ix.act:
        ix.same_output[(s, k, y)] = by_output[(s, outputs[(s, k)], y)]
    return ix
