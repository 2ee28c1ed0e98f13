"""Tracking: a finished plan against what was actually built, produced and emitted.

For each actual (planner/schema/actuals.py) the plan's value of the same metric, sector and year is
read from the run's tables (as planner/milestones.py defines the metric):

| metric | plan value |
| --- | --- |
| emissions | emissions.csv: scope 1 net of capture, MtCO2/yr |
| intensity | emissions / output of `product` (tCO2 per unit; kgCO2/tkm, kgCO2/RPK) |
| output_share | output of the group (or technology) / output of every technology making what it makes |
| sales_share | the same over new capacity |
| input_share | use of the commodities / use of every commodity of the sector in their unit |
| capacity, production | capacity or output of the group, technology (or product), unit/yr |
| commodity_use | use of the commodities, their unit per year |

Status, with a relative tolerance t (default 5%) and the gap g = actual - plan:
``on track`` if |g| <= t * max(|plan|, |actual|), else ``ahead`` or ``behind``. Which way is ahead:
the milestone's sense where the actual measures a milestone of the run (max: lower is ahead);
else lower for emissions and intensity; else the way the plan itself moves over the five years after
the actual's year (to its last year if sooner): a route the plan is growing then is ahead when above
plan, one it is winding down, when below.

What closing a gap costs at the plan's prices (a first-order estimate; a re-plan gives the exact
cost), for a row behind plan: |g| times the milestone's dual per unit of its bound (million money per
unit, money of the milestone's year) where the row measures a milestone (a milestone row, or an
actual of a milestone's metric in its year), else |g| times the carbon price of the year for
emissions (MtCO2 x USD/tCO2 = million USD); other metrics have no price of their own. Milestone
rows: each milestone of the run with an actual of its metric on or before its year, judged by the
latest such actual against the plan in that actual's year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.errors import InputError, Problem, display_path
from planner.results.folder import RunFolder
from planner.schema.actuals import Actual
from planner.schema.scenario import INTENSITY_UNITS

TOLERANCE = 0.05
"""Default relative tolerance of `on track`."""
AHEAD_YEARS = 5
"""Without a milestone or an emissions metric, ahead is where the plan goes in this many years."""
COLUMNS = ["kind", "name", "sector", "metric", "selector", "year", "actual", "plan", "unit", "gap", "relative_gap",
           "ahead_when", "status", "milestone_year", "milestone_bound", "price", "price_unit", "cost_to_close",
           "cost_unit", "source", "line"]


@dataclass
class Tracking:
    """tracking.csv's rows and the file the actuals came from."""

    table: pd.DataFrame
    actuals_file: str
    tolerance: float
    skipped: list[str]
    """sectors of the actuals file that the run does not hold (their rows are left out)"""


def track(actuals: list[Actual], run: RunFolder, actuals_file: str, tolerance: float = TOLERANCE) -> Tracking:
    """Each actual against the plan, then each milestone against its latest actual. InputError
    (naming the actuals file's line and column) for an actual the run cannot answer: a sector,
    group, technology, product or commodity the run does not have, or a unit other than the plan's."""
    if not 0 <= tolerance < 1:
        raise InputError([Problem("--tolerance", None, "", f"a relative tolerance in [0, 1) (got {tolerance})")])
    world = run.by_sector()
    held = set(world.sectors)
    skipped = sorted({a.sector for a in actuals if a.sector.partition("@")[0] not in held})
    actuals = [a for a in actuals if a.sector.partition("@")[0] in held]
    if not actuals:
        raise InputError([Problem(actuals_file, None, "sector", f"no actual of a sector of this run "
                                  f"({', '.join(sorted(held))}); the file has {', '.join(skipped)}")])
    problems: list[Problem] = []
    plans = []
    for a in actuals:
        tables = run if "@" in a.sector else world
        try:
            series, unit = _plan(tables, a)
        except _Mismatch as exc:
            problems.append(Problem(actuals_file, a.line, exc.key, exc.message))
            continue
        if a.unit != unit:
            problems.append(Problem(actuals_file, a.line, "unit", f"{a.unit!r} is not the plan's unit for "
                                                                   f"{a.metric} of {a.sector} ({unit})"))
        plans.append((series, unit))
    if problems:
        raise InputError(problems)
    milestones = _milestone_specs(run)
    prices = run["prices"]
    rows = []
    for a, (series, unit) in zip(actuals, plans):
        plan = series.get(a.year)
        mine = [m for m in milestones if _measures(a, m)]
        ahead = _ahead_when(a, series, mine)
        m = next((m for m in mine if m["year"] == a.year), None)
        row = _judge("actual", "", a, plan, unit, ahead, tolerance)
        if m is not None:
            row.update(name=m["name"], milestone_year=m["year"], milestone_bound=m["bound"])
        _price(row, a, m, prices, run.currency)
        rows.append(row)
    for m in milestones:
        measured = [(a, p) for a, p in zip(actuals, plans) if _measures(a, m) and a.year <= m["year"]]
        if not measured:
            continue
        a, (series, unit) = max(measured, key=lambda ap: ap[0].year)
        row = _judge("milestone", m["name"], a, series.get(a.year), unit, "lower" if m["sense"] == "max" else "higher",
                     tolerance)
        row.update(milestone_year=m["year"], milestone_bound=m["bound"])
        _price(row, a, m, prices, run.currency)
        rows.append(row)
    return Tracking(pd.DataFrame(rows, columns=COLUMNS), actuals_file, tolerance, skipped)


def plan_path(run: RunFolder, a: Actual) -> pd.Series:
    """The plan's value of an actual's metric in every model year (the report's tracking chart)."""
    return _plan(run if "@" in a.sector else run.by_sector(), a)[0]


class _Mismatch(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


def _plan(run: RunFolder, a: Actual) -> tuple[pd.Series, str]:
    """The plan's value of the actual's metric in every model year, and its unit."""
    if a.sector not in run.sectors:
        raise _Mismatch("sector", f"the run has no sector {a.sector!r} (it has {', '.join(run.sectors)})")
    tech = run["technologies"]
    tech = tech[tech.sector == a.sector]
    outputs = dict(zip(tech.technology, tech.output))
    units = {o: u.removesuffix("/yr") for o, u in zip(tech.output, tech.capacity_unit)}
    members = _members(tech, a)
    s = a.sector

    def total(name: str, where: pd.Series | None = None) -> pd.Series:
        t = run[name]
        t = t[t.sector == s]
        if where is not None:
            t = t[where.reindex(t.index, fill_value=False)]
        return t.groupby("year")["value"].sum()

    years = sorted(run["emissions"].year.unique())
    zero = pd.Series(0.0, index=years)
    if a.metric == "emissions":
        return total("emissions").reindex(years, fill_value=0.0), "MtCO2/yr"
    if a.metric == "intensity":
        if a.product not in units:
            raise _Mismatch("product", f"{s} makes no {a.product!r} (it makes {', '.join(sorted(units))})")
        prod = run["production"]
        made = total("production", prod.technology.map(outputs) == a.product)
        unit = INTENSITY_UNITS.get(units[a.product], f"MtCO2/{units[a.product]}")   # MtCO2/Gtkm = kgCO2/tkm
        return (total("emissions").reindex(years) / made.reindex(years)).dropna(), unit
    if a.metric in ("output_share", "sales_share"):
        name = "production" if a.metric == "output_share" else "new_capacity"
        made = {outputs[k] for k in members}
        t = run[name]
        part = total(name, t.technology.isin(members))
        whole = total(name, t.technology.map(outputs).isin(made))
        return (part.reindex(years, fill_value=0.0) / whole.reindex(years)).dropna(), "fraction"
    if a.metric in ("capacity", "production"):
        t = run[a.metric]
        chosen = t.technology.isin(members) if members else t.technology.map(outputs) == a.product
        made = {outputs[k] for k in members} if members else {a.product}
        if a.product and a.product not in units:
            raise _Mismatch("product", f"{s} makes no {a.product!r} (it makes {', '.join(sorted(units))})")
        unit = units[sorted(made)[0]] if len({units[o] for o in made}) == 1 else run.record.get("unit", "")
        return (zero + total(a.metric, chosen)).fillna(0.0), f"{unit}/yr"
    use = run["commodity_use"]
    use = use[use.sector == s]
    known = dict(zip(use.commodity, use.unit))
    missing = [c for c in a.commodities if c not in known]
    if missing:
        raise _Mismatch("commodity", f"the plan of {s} uses no {', '.join(missing)} "
                                     f"(it uses {', '.join(sorted(known))})")
    chosen_units = {known[c] for c in a.commodities}
    if len(chosen_units) > 1:
        raise _Mismatch("commodity", f"the commodities are in different units ({', '.join(sorted(chosen_units))})")
    unit = chosen_units.pop()
    part = use[use.commodity.isin(a.commodities)].groupby("year")["value"].sum()
    if a.metric == "commodity_use":
        return (zero + part).fillna(0.0), f"{unit}/yr"
    whole = use[use.unit == unit].groupby("year")["value"].sum()
    return (part.reindex(years, fill_value=0.0) / whole.reindex(years)).dropna(), "fraction"


def _members(tech: pd.DataFrame, a: Actual) -> list[str]:
    """The technologies an actual names (its technology, or its group's members)."""
    if a.technology:
        if a.technology not in set(tech.technology):
            raise _Mismatch("technology", f"{a.sector} has no technology {a.technology!r}")
        return [a.technology]
    if a.group == "near_zero":   # as in milestones: the technologies the sector file marks near-zero
        return [k for k, nz in zip(tech.technology, tech.near_zero) if str(nz) == "True"]
    if a.group:
        found = [k for k, g in zip(tech.technology, tech.groups.fillna("")) if a.group in str(g).split(";")]
        if not found and a.group in set(tech.technology):
            return [a.group]
        if not found:
            groups = sorted({g for gs in tech.groups.dropna() for g in str(gs).split(";") if g})
            raise _Mismatch("group", f"{a.sector} has no technology group {a.group!r} (groups: {', '.join(groups)})")
        return found
    return []


def _milestone_specs(run: RunFolder) -> list[dict]:
    """The run's milestones, one per row of milestones.csv, with their selectors from scenario.yaml."""
    specs = (run.scenario or {}).get("milestones") or {}
    out = []
    for r in run["milestones"].itertuples(index=False):
        spec = specs.get(r.name, {})
        out.append({"name": r.name, "sector": r.sector, "metric": r.metric, "year": int(r.year), "bound": r.bound,
                    "sense": r.sense, "per_unit": getattr(r, "dual_per_unit", 0.0), "group": spec.get("group"),
                    "product": spec.get("product"), "commodities": sorted(spec.get("commodities") or [])})
    return out


def _measures(a: Actual, m: dict) -> bool:
    """Whether an actual measures what a milestone bounds (same sector, metric and selector)."""
    if (a.sector, a.metric) != (m["sector"], m["metric"]):
        return False
    if a.metric in ("output_share", "sales_share", "capacity", "production"):
        return (a.group or a.technology) == m["group"]
    if a.metric in ("input_share", "commodity_use"):
        return sorted(a.commodities) == m["commodities"]
    if a.metric == "intensity":
        return a.product == m["product"]
    return True


def _ahead_when(a: Actual, series: pd.Series, milestones: list[dict]) -> str:
    """'lower' or 'higher': which side of the plan is ahead (module docstring)."""
    if milestones:
        return "lower" if milestones[0]["sense"] == "max" else "higher"
    if a.metric in ("emissions", "intensity"):
        return "lower"
    later = series[series.index >= a.year]
    if len(later) < 2:
        return "higher"
    ahead = later[later.index >= a.year + AHEAD_YEARS]
    end = ahead.iloc[0] if len(ahead) else later.iloc[-1]
    return "lower" if end < later.iloc[0] else "higher"


def _judge(kind: str, name: str, a: Actual, plan: float | None, unit: str, ahead: str, tolerance: float) -> dict:
    row = {"kind": kind, "name": name, "sector": a.sector, "metric": a.metric, "selector": a.selector,
           "year": a.year, "actual": a.value, "plan": plan, "unit": unit, "ahead_when": ahead, "source": a.source,
           "line": a.line}
    if plan is None or (isinstance(plan, float) and np.isnan(plan)):
        row["status"] = "no plan year"
        return row
    gap = a.value - plan
    scale = max(abs(plan), abs(a.value))
    row.update(gap=gap, relative_gap=gap / plan if plan else np.nan)
    if abs(gap) <= tolerance * scale or scale == 0:
        row["status"] = "on track"
    else:
        row["status"] = "ahead" if (gap < 0) == (ahead == "lower") else "behind"
    return row


def _price(row: dict, a: Actual, m: dict | None, prices: pd.DataFrame, currency: str) -> None:
    """The plan's price of the gap and what closing it costs, for an actual behind plan."""
    if m is not None and m.get("per_unit"):
        row.update(price=float(m["per_unit"]), price_unit=f"million {currency} per {row['unit']} (dual of "
                   f"{m['name']}, {m['year']})")
    elif a.metric == "emissions":
        cp = prices[(prices.name == f"carbon_price|{a.sector}") & (prices.year == a.year)]
        if cp.empty:
            cp = prices[(prices.name == "carbon_price") & (prices.year == a.year)]
        if not cp.empty:
            row.update(price=float(cp["value"].iloc[0]), price_unit=f"{currency}/tCO2 (carbon price, {a.year})")
    if row.get("status") == "behind" and row.get("price") is not None:
        row.update(cost_to_close=abs(row["gap"]) * row["price"], cost_unit=f"million {currency}")


def write_tracking(tr: Tracking, folder) -> str:
    """tracking.csv into `folder`; returns its path as shown to the user."""
    path = folder / "tracking.csv"
    tr.table.to_csv(path, index=False)
    return display_path(path)
