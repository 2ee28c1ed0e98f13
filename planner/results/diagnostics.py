"""The plan's self-check: artefacts a sector expert would dismiss a plan for, found in its tables.

Every run writes ``diagnostics.csv`` (kind, sector, technology, years, figure, threshold,
severity, unit, message; one row per finding, empty when the plan is clean). Thresholds come from
the scenario's `diagnostics` (schema.scenario.Diagnostics; scenarios/base.yaml states them):

- emissions_drop: ``(E[s,y-1] - E[s,y]) / E[s,y-1] > threshold`` for a sector s and a year
  y <= `before` (scope 1 net of capture, MtCO2, per year of the step), where the fall is at
  least `min_fall` MtCO2 a year;
- churn: for a technology k, capacity built in the horizon and retired early before
  ``life_share * lifetime`` years, over all capacity of k built in the horizon; the message
  gives the capacity and its undepreciated (straight-line) value at retirement;
- idle_new: years in which k has capacity built in the horizon and younger than half its life,
  yet runs below ``threshold`` x its utilisation (production / (capacity x utilisation)), for
  at least `years` years in a row;
- overcapacity: ``CAP[k,y] > threshold * ACT[k,y] / u[k,y]`` with the excess
  ``CAP - ACT/u >= min_excess`` (a capacity nothing needs: the LP is indifferent to it);
- sales_jump: the share of k in the new build of a group (the makers of one output, or a
  sector group with limits) rises from below `low` to above `threshold` within `years` years;
- cost_swing: ``|P[p,y] - P[p,y-1]| / P[p,y-1] > threshold`` for a product's marginal cost P
  (prices.csv, money of the year), where P[p,y-1] > 0; with steps of n years between model years the
  change per year, ``|(P[p,y] / P[p,y-n])^(1/n) - 1|`` (or ``|P[p,y] / P[p,y-n] - 1| / n`` where the
  cost turns negative). A first model year fixed by history (planner/history.py) has no marginal
  cost in prices.csv (its duals price no decision), so the change into the second is not counted.
"""

from __future__ import annotations

import math

import pandas as pd

from planner.data import ModelData

COLUMNS = ["kind", "sector", "technology", "years", "figure", "threshold", "severity", "unit", "message"]
TOL = 1e-6
REL = 1e-9
"""Relative tolerance of a ratio test: a plant held exactly at a floor of utilisation / threshold is
not above the threshold (solver round-off)."""


def diagnostics_table(d: ModelData, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every finding of the self-check, most severe first."""
    cfg = d.diagnostics
    rows: list[dict] = []
    rows += _emissions_drop(d, tables["emissions"], cfg["emissions_drop"])
    rows += _churn(d, tables["new_capacity"], tables["early_retirements"], cfg["churn"])
    rows += _idle_new(d, tables["capacity_by_cohort"], tables["production"], cfg["idle_new"])
    rows += _overcapacity(d, tables["capacity"], tables["production"], cfg["overcapacity"])
    rows += _sales_jump(d, tables["new_capacity"], tables["capacity"], cfg["sales_jump"])
    rows += _cost_swing(d, tables["prices"], cfg["cost_swing"])
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = {"high": 0, "medium": 1, "low": 2}
    return out.sort_values(["severity", "kind", "sector", "technology"], key=lambda c: c.map(order) if c.name ==
                           "severity" else c, kind="stable").reset_index(drop=True)


def _row(kind: str, sector: str, tech: str, years: str, figure: float, cfg: dict, unit: str,
         message: str) -> dict:
    return {"kind": kind, "sector": sector, "technology": tech, "years": years, "figure": figure,
            "threshold": cfg["threshold"], "severity": cfg["severity"], "unit": unit, "message": message}


def _span(years: list[int]) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def _emissions_drop(d: ModelData, em: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    for s, part in em.groupby("sector"):
        series = part.set_index("year")["value"].sort_index()
        for y0, y1 in zip(series.index[:-1], series.index[1:]):
            if y1 > cfg["before"] or series[y0] <= TOL:
                continue
            step = max(1, y1 - y0)
            per_year = 1 - (series[y1] / series[y0]) ** (1 / step) if series[y1] > 0 else 1.0
            if per_year > cfg["threshold"] and (series[y0] - series[y1]) / step >= cfg["min_fall"]:
                rows.append(_row("emissions_drop", s, "", f"{y0}-{y1}", per_year, cfg, "share per year",
                                 f"emissions fall {per_year:.0%} a year, {series[y0]:,.0f} -> {series[y1]:,.0f} MtCO2"))
    return rows


def _churn(d: ModelData, new: pd.DataFrame, early: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    if new.empty:
        return rows
    built = new.groupby(["sector", "technology"])["value"].sum()
    life = d.techs["lifetime"].to_dict()
    capex = d.tech_year["capex"].to_dict()
    e = early[early.cohort.astype(str).str.fullmatch(r"\d+")] if not early.empty else early
    for (s, k), total in built.items():
        if total <= TOL:
            continue
        mine = e[(e.sector == s) & (e.technology == k)] if not e.empty else e
        lifetime = life[(s, k)]
        gone, value, years = 0.0, 0.0, []
        for c, y, v in zip(mine.cohort, mine.year, mine.value):
            age = int(y) - int(c)
            if age < cfg["life_share"] * lifetime:
                gone += v
                value += v * capex.get((s, k, int(c)), 0.0) * (lifetime - age) / lifetime
                years.append(int(y))
        share = gone / total
        if share > cfg["threshold"]:
            rows.append(_row("churn", s, k, _span(sorted(years)), share, cfg, "share of built",
                             f"{gone:,.1f} of {total:,.1f} built retired before {cfg['life_share']:.0%} of its "
                             f"{lifetime}-year life; {value:,.0f} million undepreciated"))
    return rows


def _utilisation(d: ModelData) -> dict[tuple[str, str, int], float]:
    return d.tech_year["utilisation"].to_dict()


def _young_new_capacity(d: ModelData, cap: pd.DataFrame) -> pd.Series:
    """Capacity per (sector, technology, year) from cohorts built in the horizon, younger than half their life."""
    c = cap[cap.cohort.astype(str).str.fullmatch(r"\d+")]
    if c.empty:
        return pd.Series(dtype=float)
    life = d.techs["lifetime"].to_dict()
    kinds = d.cohorts["kind"].to_dict()
    keep = [kinds.get((s, k, co)) == "new" and y - int(co) < life[(s, k)] / 2
            for s, k, co, y in zip(c.sector, c.technology, c.cohort, c.year)]
    return c[keep].groupby(["sector", "technology", "year"])["value"].sum()


def _idle_new(d: ModelData, cap: pd.DataFrame, prod: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    young = _young_new_capacity(d, cap)
    if young.empty:
        return rows
    total = cap.groupby(["sector", "technology", "year"])["value"].sum()
    made = prod.groupby(["sector", "technology", "year"])["value"].sum()
    util = _utilisation(d)
    flagged: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for (s, k, y), v in young.items():
        if v <= TOL:
            continue
        need = made.get((s, k, y), 0.0) / util[(s, k, y)] if util[(s, k, y)] > 0 else 0.0
        ratio = need / total[(s, k, y)]
        if ratio < cfg["threshold"]:
            flagged.setdefault((s, k), []).append((y, ratio, v))
    for (s, k), hits in flagged.items():
        for run in _runs([h[0] for h in hits], d.years):
            if len(run) >= cfg["years"]:
                part = [h for h in hits if h[0] in run]
                low = min(h[1] for h in part)
                rows.append(_row("idle_new", s, k, _span(run), low, cfg, "output / capacity at utilisation",
                                 f"up to {max(h[2] for h in part):,.1f} of young capacity runs at {low:.0%} of "
                                 f"its utilisation for {len(run)} years"))
    return rows


def _runs(years: list[int], model_years: list[int]) -> list[list[int]]:
    """Consecutive model years of `years`, grouped."""
    pos = {y: i for i, y in enumerate(model_years)}
    out: list[list[int]] = []
    for y in sorted(years):
        if out and pos[y] == pos[out[-1][-1]] + 1:
            out[-1].append(y)
        else:
            out.append([y])
    return out


def _overcapacity(d: ModelData, cap: pd.DataFrame, prod: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    total = cap.groupby(["sector", "technology", "year"])["value"].sum()
    made = prod.groupby(["sector", "technology", "year"])["value"].sum()
    util = _utilisation(d)
    flagged: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for (s, k, y), c in total.items():
        need = made.get((s, k, y), 0.0) / util[(s, k, y)] if util[(s, k, y)] > 0 else 0.0
        if c - need >= cfg["min_excess"] and c > cfg["threshold"] * need * (1 + REL):
            flagged.setdefault((s, k), []).append((y, c / need if need > TOL else math.inf, c - need))
    unit = dict(zip(zip(cap.sector, cap.technology), cap.unit))
    for (s, k), hits in flagged.items():
        for run in _runs([h[0] for h in hits], d.years):
            part = [h for h in hits if h[0] in run]
            worst = max(part, key=lambda h: h[2])
            ratio = worst[1]
            rows.append(_row("overcapacity", s, k, _span(run), ratio, cfg, "capacity / capacity needed",
                             f"up to {worst[2]:,.1f} {unit.get((s, k), '')} of capacity beyond what its output needs "
                             f"({'idle' if math.isinf(ratio) else f'{ratio:.1f}x'} in {worst[0]})"))
    return rows


def sales_groups(d: ModelData) -> dict[tuple[str, str], list[str]]:
    """Groups whose sales shares are checked: the makers of each output (not the efficiency
    measures that save it), and every sector group that carries limits (data.group_limits)."""
    out: dict[tuple[str, str], list[str]] = {}
    for (s, k), o in d.techs["output"].items():
        if not d.techs.at[(s, k), "saving"]:
            out.setdefault((s, f"output:{o}"), []).append(k)
    for (s, g), gl in d.group_limits.items():
        same = next((key for key, ks in out.items() if key[0] == s and set(ks) == set(gl.members)), None)
        if same is not None:  # one check per set of members, under the group's name
            del out[same]
        out[(s, g)] = list(gl.members)
    return {key: ks for key, ks in out.items() if len(ks) > 1}


def _sales_jump(d: ModelData, new: pd.DataFrame, cap: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    if new.empty:
        return rows
    sold = new.groupby(["sector", "technology", "year"])["value"].sum()
    years = d.years
    for (s, g), members in sales_groups(d).items():
        per_year = {y: {k: sold.get((s, k, y), 0.0) for k in members} for y in years}
        totals = {y: sum(v.values()) for y, v in per_year.items()}
        shares = {y: {k: v / totals[y] for k, v in per_year[y].items()} for y in years if totals[y] > TOL}
        start = _start_shares(d, s, g, members)
        span = list(years)
        if start is not None and shares:
            before = years[0] - 1
            shares[before] = start
            span = [before, *years]
        for k in members:
            found = None
            for i, y0 in enumerate(span):
                if y0 not in shares or shares[y0][k] >= cfg["low"]:
                    continue
                for y1 in span[i + 1:]:
                    if y1 - y0 > cfg["years"]:
                        break
                    if y1 in shares and shares[y1][k] > cfg["threshold"]:
                        found = (y0, y1, shares[y0][k], shares[y1][k])
                        break
                if found:
                    break
            if found:
                y0, y1, a, b = found
                label = g.removeprefix("output:")
                rows.append(_row("sales_jump", s, k, f"{y0}-{y1}", b, cfg, "share of group sales",
                                 f"share of new build of {label} {a:.0%} in {y0} -> {b:.0%} in {y1}"))
    return rows


def _start_shares(d: ModelData, s: str, g: str, members: list[str]) -> dict[str, float] | None:
    """Sales shares of the year before the horizon: a group's declared adoption start shares (for
    the makers of an output, those of a limited group with exactly the same members, if any: start
    shares of a narrower group say nothing about the sales of the others)."""
    for (s2, name), gl in d.group_limits.items():
        if s2 == s and gl.start and (name == g or set(gl.members) == set(members)):
            return {k: gl.start.get(k, 0.0) for k in members}
    return None


def _cost_swing(d: ModelData, prices: pd.DataFrame, cfg: dict) -> list[dict]:
    rows = []
    products = {(s, p) for (s, p), kind in d.balances["kind"].items() if kind == "product"}
    mc = prices[prices.name.str.startswith("marginal_cost|")]
    for name, part in mc.groupby("name"):
        _, s, p = name.split("|", 2)
        if (s, p) not in products:
            continue
        series = part.set_index("year")["value"].sort_index()
        hits = []
        for y0, y1 in zip(series.index[:-1], series.index[1:]):
            if series[y0] > TOL:
                step = max(1, int(y1) - int(y0))   # 5-year periods: the change per year, compounded
                ratio = series[y1] / series[y0]
                change = abs(ratio ** (1 / step) - 1) if ratio > 0 else abs(ratio - 1) / step
                if change > cfg["threshold"]:
                    hits.append((y1, change, series[y0], series[y1]))
        if hits:
            worst = max(hits, key=lambda h: h[1])
            rows.append(_row("cost_swing", s, p, _span([h[0] for h in hits]), worst[1], cfg, "share per year",
                             f"marginal cost of {p} {worst[2]:,.1f} -> {worst[3]:,.1f} in {worst[0]} "
                             f"({len(hits)} such year{'s' if len(hits) > 1 else ''})"))
    return rows
