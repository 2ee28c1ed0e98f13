"""Index sets of the LP, derived once from the model tables (plain Python, no Pyomo).

Names used throughout the formulation: s sector, k technology, c cohort (a vintage: existing
stock by retirement year, a build year, or retrofitted capacity that keeps its vintage), y model
year, r retrofit, p product or intermediate, m purchased commodity.
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
    act: list[SKY] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    move_out: dict[SKCY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    move_in: dict[SKCY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    additions_in: dict[SKY, list[Move]] = field(default_factory=lambda: defaultdict(list))
    coef: dict[SKY, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    makers: dict[tuple[str, str, int], list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))
    users: dict[tuple[str, int], list[tuple[str, str, float]]] = field(default_factory=lambda: defaultdict(list))
    same_output: dict[SKY, list[str]] = field(default_factory=dict)


def build_index(d: ModelData) -> ModelIndex:
    """Every index tuple the LP needs, from the tables of `d`."""
    years = d.years
    ix = ModelIndex(years=years, prev={y: p for p, y in zip(years, years[1:])})
    for (s, k, c), row in d.cohorts.iterrows():
        for y in years:
            if row.start <= y < row.end:
                ix.cap.append((s, k, c, y))
                ix.cohorts_in_service[(s, k, y)].append(c)
        if row.kind == "existing":
            ix.existing[(s, k, c, years[0])] = float(row.initial)
        elif row.kind == "new":
            ix.new[(s, k, int(row.start))] = c
    ix.act = [(s, k, y) for (s, k) in d.techs.index for y in years if ix.cohorts_in_service.get((s, k, y))]
    for mv in d.retrofit_moves.itertuples(index=False):
        key = (mv.sector, mv.retrofit, mv.cohort, int(mv.year))
        ix.moves.append(key)
        ix.move_out[(mv.sector, mv.from_tech, mv.cohort, int(mv.year))].append(key)
        ix.move_in[(mv.sector, mv.to_tech, mv.target_cohort, int(mv.year))].append(key)
        ix.additions_in[(mv.sector, mv.to_tech, int(mv.year))].append(key)
    active = set(ix.act)
    purchased = set(d.commodities.index)
    for f in d.flows.itertuples(index=False):
        key = (f.sector, f.tech, int(f.year))
        if key not in active:
            continue
        ix.coef[key][f.commodity] = f.coef
        if (f.sector, f.commodity) in d.balances.index:
            ix.makers[(f.sector, f.commodity, int(f.year))].append((f.tech, -f.coef))
        elif f.commodity in purchased:
            ix.users[(f.commodity, int(f.year))].append((f.sector, f.tech, f.coef))
    by_output: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    outputs = d.techs["output"].to_dict()
    for s, k, y in ix.act:
        by_output[(s, outputs[(s, k)], y)].append(k)
    for s, k, y in ix.act:
        ix.same_output[(s, k, y)] = by_output[(s, outputs[(s, k)], y)]
    return ix
