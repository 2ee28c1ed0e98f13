"""Failed solves explained in the scenario's terms.

Infeasible: HiGHS's irreducible infeasible subset (IIS, solve.irreducible_set) is translated row by
row into what the user wrote (milestone names with their bound, the carbon budget, annual caps,
build-rate limits with technology and years, supply limits), with the physical rows that tie them
together (demand, stock) named after. Without an IIS, the elastic model (budget, caps, supply
limits and milestones made soft at a high penalty) says which of them are missed and by how much;
`--elastic` runs that model on purpose and reports its violations.
"""

from __future__ import annotations

from typing import Any

from planner.data import ModelData
from planner.families import FAMILIES, LIMITS
from planner.schema.scenario import SolverOptions
from planner.solution import Solution, Status

SCENARIO_ROWS = LIMITS
"""Rows that are the scenario's or the sector files' limits (families.LIMITS); the rest are physical."""
ROW_WORDS: dict[str, tuple[str, int]] = {f.name: (f.words, f.year_at) for f in FAMILIES.values()
                                         if f.kind == "row" and f.words and f.year_at is not None}
"""Row families described by their index alone: words (formatted with the index) and the position
of the year in the index (families.FAMILIES)."""


def _years(ys: list[int]) -> str:
    """' in 2025-2030, 2032, 2034-2050': runs of consecutive years as ranges."""
    ys = sorted(set(ys))
    if not ys:
        return ""
    runs: list[list[int]] = [[ys[0], ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return " in " + ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)


def _entity(d: ModelData, name: str, idx: Any) -> tuple[str, int | None]:
    """A row as (what it is, its year), in the scenario's words."""
    if name == "milestone":
        ms, sense, y = idx
        spec = d.milestones.get(ms, {})
        what = f"milestone '{ms}' ({spec.get('metric', '')} {sense} {spec.get(sense)}, {spec.get('sector', '')})"
        return what, y
    if name == "budget":
        return (f"the {d.budget_description()}" if idx == "all" else f"the {idx} budget"), None
    if name in ("cumulative_supply_limit", "pool_cumulative_limit"):
        return f"the cumulative limit of {idx}", None
    if name == "service_life":
        return f"the minimum service life of {idx[0]} {idx[1]} built in {idx[2].split(':')[-1]}", idx[3]
    if name in ROW_WORDS:
        words, year_at = ROW_WORDS[name]
        return words.format(*idx), idx[year_at]
    return "", None


def describe(d: ModelData, rows: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """IIS rows grouped into scenario items and the physical rows that connect them."""
    items: dict[str, list[int]] = {}
    physical: dict[str, list[int]] = {}
    structural = False
    for name, idx in rows:
        what, year = _entity(d, name, idx)
        if not what:
            structural = True
            continue
        target = items if name in SCENARIO_ROWS else physical
        target.setdefault(what, [])
        if year is not None:
            target[what].append(year)
    listed = [f"{what}{_years(ys)}" for what, ys in items.items()]
    links = [f"{what}{_years(ys)}" for what, ys in physical.items()]
    if structural:
        links.append("the existing stock and capacity accounting")
    return listed, links


def explain_failure(d: ModelData, options: SolverOptions, sol: Solution) -> str:
    """A failed solve in the scenario's terms (module docstring)."""
    who = f"Scenario '{d.scenario}' ({', '.join(d.sectors)})"
    if sol.status == Status.TIME_LIMIT:
        return (f"{who}: HiGHS stopped at the time limit ({options.time_limit} s) before "
                "proving an optimum. Raise solver.time_limit in the scenario.")
    if sol.status == Status.UNBOUNDED:
        return (f"{who}: the problem is unbounded: some activity earns money without limit. Look for a "
                "negative price or a by-product sold above the cost of making it.")
    if sol.status != Status.INFEASIBLE:
        return f"{who}: HiGHS failed ({sol.message})."
    iis = sol.info.get("iis") or {}
    listed, links = describe(d, iis.get("rows", []))
    if listed:
        text = (f"{who} is infeasible. These cannot all hold together (an irreducible conflicting set: drop or "
                f"loosen any one of them and the rest can hold):" + bullets(listed))
        if links:
            text += "\nThey collide through:" + bullets(links)
        over = elastic_violations(d, options)
        if over:
            text += "\nMade soft, the smallest violations are:" + bullets(over)
        return text
    over = elastic_violations(d, options)
    skipped = sol.info.get("iis_skipped")
    if over and skipped:
        return (f"{who} is infeasible. Made soft, the smallest violations are:" + bullets(over) +
                f"\n(The irreducible set of conflicting limits was not computed for an LP of {skipped:,} rows, "
                "which takes HiGHS minutes; set `solver: {explain: iis}` in the scenario to get it.)")
    if over is None:
        return (f"{who} is infeasible even with its budget, caps, supply limits and milestones made soft: demand "
                "cannot be met with the existing stock, the technologies' availability years, build-rate limits and "
                "the sector dynamics (group build, turnover, adoption and utilisation limits; "
                "`dynamics: {limits: false}` lifts these).")
    detail = (":" + bullets(over) + "\n") if over else \
        ": its budget, caps, limits and milestones conflict with each other. "
    return (f"{who} is infeasible{detail}With the scenario's technologies, availability years and "
            "build-rate limits, the plan cannot do better. Loosen these, or the build-rate limits.")


def bullets(items: list[str]) -> str:
    """Items one a line (an explanation lists them; one line of a thousand characters is unreadable)."""
    return "".join(f"\n  - {item}" for item in items)


def elastic_violations(d: ModelData, options: SolverOptions, esol: Solution | None = None) -> list[str] | None:
    """Solve (or read) the elastic model and list what it violates, by how much; None if even it fails."""
    if esol is None:
        from planner.formulation import build_model
        from planner.solve import solve

        model, _ = build_model(d, elastic=True)
        esol = solve(model, options)
    if esol.status != Status.OPTIMAL:
        return None
    out = []
    for b, over in esol.values.get(str(FAMILIES["budget"].soft), {}).items():
        if over > 1e-6 and d.budget_penalty is None:  # a soft budget's overshoot is allowed, not a conflict
            limit = d.budget_rows[b]
            what = d.budget_description() if b == "all" else f"{b} budget of {limit / 1000:.2f} GtCO2"
            out.append(f"the {what} is missed by {over / 1000:.2f} GtCO2 (the lowest cumulative emissions "
                       f"reachable are {(limit + over) / 1000:.2f} GtCO2)")
    groups: dict[tuple[str, str], dict[int, float]] = {}
    yearly = [f for f in FAMILIES.values() if f.soft and f.words and f.index[1:] == ("year",)]
    for f in yearly:   # annual caps, supply and pool limits: (what, year) rows with a slack
        for (what, y), v in esol.values.get(str(f.soft), {}).items():
            if v > 1e-6:
                groups.setdefault((f.name, what), {})[y] = v
    from planner.milestones import evaluate, milestone_rows
    from planner.schema.scenario import SHARE_METRICS

    rows = {r.key: r for r in milestone_rows(d)} if d.milestones else {}
    num_units = {key: r.num_unit for key, r in rows.items()}
    for (name, sense, y), v in esol.values.get(str(FAMILIES["milestone"].soft), {}).items():
        spec = d.milestones.get(name, {})
        if v > 1e-6 and spec.get("penalty") is None:
            groups.setdefault(("milestone", f"{name}|{sense}"), {})[y] = v
            num_units[(name, sense, -1)] = num_units.get((name, sense, y), "")
    for (family, what), by_year in groups.items():
        worst = max(by_year, key=lambda y: by_year[y])
        if family == "annual_cap":
            label, unit = FAMILIES[family].words.format(what), "MtCO2"
        elif family == "milestone":
            name, sense = what.split("|")
            spec = d.milestones[name]
            label = f"milestone '{name}' ({spec['metric']} {sense} {spec['bounds'][sense][worst]:g} in {worst})"
            unit = num_units.get((name, sense, -1), "")
        else:   # supply and pool limits, in the unit of the commodity or pool
            table = d.pools if FAMILIES[family].index[0] == "pool" else d.commodities
            label, unit = FAMILIES[family].words.format(what), str(table["unit"].get(what, ""))
        amount = f"by {by_year[worst]:,.2f} {unit}" if len(by_year) == 1 else \
            f"by up to {by_year[worst]:,.2f} {unit} (in {worst})"
        if family == "milestone" and spec["metric"] in SHARE_METRICS and (name, sense, worst) in rows:
            # a share is missed by a share: the shortfall row is in the numerator's unit (Mt)
            value, bound, _ = evaluate(rows[(name, sense, worst)], esol.values)
            gap = f"{abs(bound - value) * 100:.1f} percentage points ({value:.1%} reached against {bound:.1%})"
            amount = f"by {gap}" if len(by_year) == 1 else f"by up to {gap} in {worst}"
        out.append(f"{label} is missed{_years(list(by_year))} {amount}".rstrip())
    return out
