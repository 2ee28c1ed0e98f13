"""Milestones as linear rows: each metric of a scenario's milestone, in a year, written over the LP's
variables (plain Python: the formulation turns the rows into constraints, the results evaluate
them with the solution). Variables: ACT[s,k,y] activity (= output of the technology's product),
ACTC[s,k,c,y] activity by cohort (technologies with vintage inputs),
CAP[s,k,c,y] capacity by cohort (new capacity built in y is cohort str(y)), EM[s,y] emissions,
USE[c,y] purchases of all sectors.

For a milestone (sector s, year y) the metric is N / D with a numerator N and a denominator D:
  emissions       N = EM[s,y] (or the sum over sectors for `all`)            D = 1        MtCO2/yr
  intensity       N = EM[s,y]                     D = demand of `product` in y (or its output)  tCO2/unit
  output_share    N = sum_{k in group} ACT        D = sum of ACT of `of` (or of the technologies
                                                      making what the group makes)            fraction
  sales_share     N = sum_{k in group} NEW        D = the same over new capacity               fraction
  input_share     N = sum_{k in T, c in C} a[k,c] ACT   D = sum over the inputs of T with the unit
                      of C (T = `of` or every technology of the sector)                        fraction
                  (a technology with vintage inputs counts per cohort: a[k,v,c] ACTC[k,v], v its cohorts;
                  likewise in commodity_use)
  capacity        N = sum_{k in group} CAP                                       D = 1        unit/yr
  production      N = sum_{k in group} ACT                                       D = 1        unit/yr
  commodity_use   N = sum_{k, c in C} a[k,c] ACT (sector) or sum_c USE[c,y] (all)  D = 1      commodity unit
A bound b becomes ``N - b * B >= 0`` (min) or ``<= 0`` (max), with B = D; with `base_value` v,
B = v * D; with `relative_to` a model year t, B = (D_y / D_t) * N_t (the metric in t; D must then be
a constant, i.e. a demand). Soft milestones add a shortfall variable priced at the penalty.
The dual of a row, times B, is what one unit of b costs (d objective / d b).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.data import ModelData
from planner.index import ModelIndex, build_index
from planner.schema.scenario import INTENSITY_UNITS

Term = tuple[str, Any]  # (variable, index)
UNITS = {"emissions": "MtCO2/yr", "intensity": "tCO2/{unit}", "output_share": "fraction",
         "sales_share": "fraction", "input_share": "fraction", "capacity": "{unit}/yr",
         "production": "{unit}/yr", "commodity_use": "{unit}/yr"}


@dataclass
class MilestoneRow:
    """One milestone in one year, as linear terms."""

    name: str
    sector: str
    year: int
    metric: str
    sense: str
    """'min' or 'max'"""
    bound: float
    unit: str
    num: dict[Term, float] = field(default_factory=dict)
    den: dict[Term, float] = field(default_factory=dict)
    den_const: float = 0.0
    base: dict[Term, float] = field(default_factory=dict)
    """B = sum base * x + base_const (what the bound multiplies)"""
    base_const: float = 0.0
    penalty: float | None = None
    num_unit: str = ""
    """unit of the numerator N (what a soft milestone's shortfall and penalty are counted in)"""

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.name, self.sense, self.year)


def _common_unit(made: set[str], units: dict[str, str], sector_unit: str) -> str:
    """The unit the products `made` share (e.g. PJ for several fuels of one sector), else the
    sector's unit."""
    found = {units.get(c, sector_unit) for c in made}
    return found.pop() if len(found) == 1 else sector_unit


def _add(target: dict[Term, float], term: Term, coef: float) -> None:
    if coef:
        target[term] = target.get(term, 0.0) + coef


def milestone_rows(d: ModelData, ix: ModelIndex | None = None, specs: dict[str, dict] | None = None
                   ) -> list[MilestoneRow]:
    """The rows of every milestone of the run (milestones of sectors outside the run are skipped);
    with `specs`, of those metric specs instead (e.g. the published outcomes, d.published, whose
    bound is the published value)."""
    specs = d.milestones if specs is None else specs
    if not specs:
        return []
    ix = ix or build_index(d)
    inputs = input_terms(d, ix)
    units = {**d.commodities["unit"].to_dict(), **{c: u for (_s, c), u in d.balances["unit"].items()}}
    outputs = d.techs["output"].to_dict()
    rows = []
    for name, m in specs.items():
        if not d.instances(m["sector"]):
            continue
        for y in m["years"]:
            for sense in ("min", "max"):
                if m[sense] is None:
                    continue
                row = MilestoneRow(name, m["sector"], y, m["metric"], sense, float(m["bounds"][sense][y]), "",
                                   penalty=m["penalty"])
                _fill(row, m, y, d, ix, inputs, units, outputs)
                _bound(row, m, y, d, ix, inputs, units, outputs)
                rows.append(row)
    return rows


def input_terms(d: ModelData, ix: ModelIndex) -> dict[tuple[str, str, int], list[tuple[str, Term, float]]]:
    """(s, k, y) -> (commodity, term, a): the inputs of technology k in year y as terms of the LP,
    a * ACT[s,k,y], or a * ACTC[s,k,c,y] per cohort c for a technology with vintage inputs."""
    out: dict[tuple[str, str, int], list[tuple[str, Term, float]]] = {}
    f = d.flows
    by_vintage = f["by_vintage"] if "by_vintage" in f.columns else [False] * len(f)
    for s, k, c, y, a, vin in zip(f.sector, f.tech, f.commodity, f.year, f.coef, by_vintage):
        if a > 0 and not vin:
            out.setdefault((s, k, int(y)), []).append((c, ("ACT", (s, k, int(y))), float(a)))
    for (s, k, co, y), coefs in ix.cohort_coef.items():
        for c, a in coefs.items():
            if a > 0:
                out.setdefault((s, k, y), []).append((c, ("ACTC", (s, k, co, y)), float(a)))
    return out


def _fill(row: MilestoneRow, m: dict, y: int, d: ModelData, ix: ModelIndex, inputs: dict, units: dict,
          outputs: dict) -> None:
    """Numerator and denominator of the metric in year y."""
    s, metric = m["sector"], m["metric"]
    sectors = d.instances(s)     # a sector's instances in every region (planner/regions.py)
    s0 = sectors[0]              # groups, outputs and units are the same in each
    mine = set(sectors)
    group = set(d.groups[s0].get(m["group"], [])) if s != "all" and m["group"] else set()
    if s != "all" and m.get("technology"):
        group = {m["technology"]}
    techs = [(ss, k) for (ss, k, yy) in ix.act if ss in mine and yy == y]
    unit = d.units.get(s0, "")
    if metric == "emissions":
        for ss in sectors:
            _add(row.num, ("EM", (ss, y)), 1.0)
        row.den_const, row.unit, row.num_unit = 1.0, UNITS[metric], "MtCO2"
    elif metric == "intensity":
        for ss in sectors:
            _add(row.num, ("EM", (ss, y)), 1.0)
        demand = sum(float(d.demand.get((ss, m["product"], y), 0.0)) for ss in sectors)
        if demand > 0:
            row.den_const = demand
        else:
            for ss, k in techs:
                if outputs[(ss, k)] == m["product"]:
                    _add(row.den, ("ACT", (ss, k, y)), 1.0)
        per = units.get(m["product"], unit).removesuffix("/yr")
        row.unit = INTENSITY_UNITS.get(per, f"MtCO2/{per}")
        row.num_unit = "MtCO2"
    elif metric in ("output_share", "production"):
        made = {outputs[(s0, k)] for k in group}
        if m["product"]:
            made = {m["product"]}
        of = set(d.groups[s0].get(m["of"], [])) if m["of"] else None
        for ss, k in techs:
            if k in group and outputs[(ss, k)] in made:
                _add(row.num, ("ACT", (ss, k, y)), 1.0)
            if metric == "output_share" and ((k in of) if of is not None else outputs[(ss, k)] in made):
                _add(row.den, ("ACT", (ss, k, y)), 1.0)
        if metric == "production":
            row.den_const = 1.0
        row.num_unit = _common_unit(made, units, unit)
        row.unit = UNITS[metric].format(unit=row.num_unit)
    elif metric == "sales_share":
        made = {m["product"]} if m["product"] else {outputs[(s0, k)] for k in group}
        of = set(d.groups[s0].get(m["of"], [])) if m["of"] else None
        for (ss, k, yy), cohort in ix.new.items():
            if ss not in mine or yy != y:
                continue
            term = ("CAP", (ss, k, cohort, y))
            if k in group and outputs[(ss, k)] in made:
                _add(row.num, term, 1.0)
            if (k in of) if of is not None else outputs[(ss, k)] in made:
                _add(row.den, term, 1.0)
        row.unit = UNITS[metric]
        row.num_unit = f"{_common_unit(made, units, unit)}/yr of new capacity"
    elif metric == "capacity":
        for ss, k in techs:
            if k in group:
                for c in ix.cohorts_in_service.get((ss, k, y), []):
                    _add(row.num, ("CAP", (ss, k, c, y)), 1.0)
        row.den_const = 1.0
        made = {outputs[(s0, k)] for k in group}
        row.unit = UNITS[metric].format(unit=units.get(next(iter(made)), unit) if len(made) == 1 else unit)
        row.num_unit = row.unit
    elif metric == "input_share":
        wanted = _with_copies(m["commodities"], units)
        of = set(d.groups[s0].get(m["of"], [])) if m["of"] else None
        measure = {units.get(c) for c in wanted}
        for ss, k in techs:
            if of is not None and k not in of:
                continue
            for c, term, a in inputs.get((ss, k, y), []):
                if c in wanted:
                    _add(row.num, term, a)
                if units.get(c) in measure:
                    _add(row.den, term, a)
        row.unit = UNITS[metric]
        row.num_unit = "/".join(sorted(u for u in measure if u))
    elif metric == "commodity_use":
        wanted = _with_copies(m["commodities"], units)
        if s == "all":
            for c in wanted:
                _add(row.num, ("USE", (c, y)), 1.0)
        else:
            for ss, k in techs:
                for c, term, a in inputs.get((ss, k, y), []):
                    if c in wanted:
                        _add(row.num, term, a)
        row.den_const = 1.0
        row.unit = UNITS[metric].format(unit=units.get(m["commodities"][0], ""))
        row.num_unit = row.unit


def _with_copies(names: list[str], known: dict[str, str]) -> set[str]:
    """Commodities with their regional copies ('electricity' -> also 'electricity@R10EUROPE', ...)."""
    wanted = set(names)
    return wanted | {c for c in known if c.partition("@")[0] in wanted and "@" in c}


def _bound(row: MilestoneRow, m: dict, y: int, d: ModelData, ix: ModelIndex, inputs: dict, units: dict,
           outputs: dict) -> None:
    """What the bound multiplies: the denominator, scaled by a base value or the metric in a base year."""
    if m["relative_to"] is not None:
        base = MilestoneRow(row.name, row.sector, m["relative_to"], row.metric, row.sense, 0.0, "")
        _fill(base, m, m["relative_to"], d, ix, inputs, units, outputs)
        # metric in t = N_t / D_t with D a constant here (emissions, intensity per demand, capacity, ...)
        ratio = (row.den_const / base.den_const) if base.den_const else 0.0
        row.base = {t: c * ratio for t, c in base.num.items()}
        return
    scale = m["base_value"] if m["base_value"] is not None else 1.0
    row.base = {t: c * scale for t, c in row.den.items()}
    row.base_const = row.den_const * scale


def evaluate(row: MilestoneRow, values: dict[str, dict[Any, float]]) -> tuple[float, float, float]:
    """The metric's value N / D, the bound in the metric's unit (b * B / D) and B, at a solution."""
    def total(terms: dict[Term, float]) -> float:
        return sum(c * values.get(v, {}).get(i, 0.0) for (v, i), c in terms.items())

    num = total(row.num)
    den = total(row.den) + row.den_const
    base = total(row.base) + row.base_const
    if not den:
        return float("nan"), float("nan"), base
    return num / den, row.bound * base / den, base
