"""The assumptions a run rests on, each with its source: assumptions.csv and sources.csv.

assumptions.csv, one row per figure (columns ASSUMPTION_COLUMNS):

| kind | item | what |
| --- | --- | --- |
| general | discount rate, currency, horizon | the scenario's economics |
| demand | product (and its variant) | demand in the report years (every tenth year, first and last) |
| price | commodity | price of each commodity the run buys, in the report years |
| budget | the run's, each sector's, the global remaining | the carbon budget, how it is shared (`detail`) |
| budget | overshoot penalty | a soft budget's penalty |
| carbon price | carbon price | the scenario's exogenous carbon price, if any |
| limit | commodity, pool, group | annual and cumulative supply limits, resource pools; group build, |
|       |                        | turnover and adoption limits |
| override | a dotted key of the scenario | each value the scenario sets differently from the scenario its |
|          |                              | `extends` chain starts at (`detail`: "value (base: value)") |

`sources` holds the source keys; sources.csv resolves every key to its citation (key, citation,
file). `origin` says where the figure is set (file and key).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from planner.data import ModelData
from planner.results.units import cost_unit
from planner.schema.load import RunInputs

ASSUMPTION_COLUMNS = ["kind", "sector", "item", "year", "value", "unit", "detail", "sources", "origin"]
SOURCE_COLUMNS = ["key", "citation", "file"]
SKIP_KEYS = {"name", "description", "extends", "notes", "sources"}
"""Scenario keys that are not assumptions (their differences are not overrides)."""


def report_years(years: list[int]) -> list[int]:
    """The first and last model year and every tenth year between."""
    return sorted({years[0], years[-1], *(y for y in years if y % 10 == 0)})


def _row(kind: str, item: str, value: float | None = None, unit: str = "", *, sector: str = "",
         year: int | None = None, detail: str = "", sources: list[str] | None = None, origin: str = "") -> dict:
    return {"kind": kind, "sector": sector, "item": item, "year": year, "value": value, "unit": unit,
            "detail": detail, "sources": " ".join(sources or []), "origin": origin}


def _demand(inputs: RunInputs, d: ModelData, years: list[int]) -> list[dict]:
    rows = []
    for s, sf in inputs.sectors.items():
        for product, pd_ in sf.demand.items():
            variant = inputs.scenario.demand.get(s, pd_.default)
            v = pd_.variants.get(variant) or pd_.variants[pd_.default]
            unit = sf.commodities[product].unit if product in sf.commodities else d.units.get(s, "")
            for y in years:
                key = (s, product, y)
                if key in d.demand.index:
                    rows.append(_row("demand", product, float(d.demand[key]), f"{unit}/yr", sector=s, year=y,
                                     detail=f"variant '{variant}'", sources=v.sources,
                                     origin=f"models/{s}.yaml demand.{product}.variants.{variant}"))
    return rows


def _prices(inputs: RunInputs, d: ModelData, years: list[int], currency: str) -> list[dict]:
    used = set(d.flows.loc[d.flows["coef"] != 0, "commodity"]) if not d.flows.empty else set()
    shared = inputs.commodities.commodities
    rows = []
    for c, info in d.commodities.iterrows():
        if c not in used or info.get("supplied_by") or c not in shared:
            continue
        override = inputs.scenario.commodities.get(c)
        over = override is not None and override.price is not None
        srcs = _commodity_sources(inputs, c)
        origin = (f"scenario {inputs.scenario.name} commodities.{c}.price" if over
                  else f"models/commodities.yaml {c}.price")
        for y in years:
            if (c, y) in d.commodity_year.index:
                p = float(d.commodity_year.loc[(c, y), "price"])
                rows.append(_row("price", str(info.get("name", c)), p, cost_unit(str(info["unit"]), currency), year=y,
                                 detail=c, sources=srcs, origin=origin))
    return rows


def _commodity_sources(inputs: RunInputs, c: str) -> list[str]:
    """The sources of a commodity: the commodities file's, or those of the sector file that defines it."""
    if c in inputs.commodities.commodities:
        return list(inputs.commodities.commodities[c].sources)
    for sf in inputs.sectors.values():
        if c in sf.commodities:
            return list(sf.commodities[c].sources)
    return []


def _budget(inputs: RunInputs, d: ModelData) -> list[dict]:
    b = inputs.scenario.budget
    if b is None:
        return []
    span = f"{d.budget_years[0]}-{d.budget_years[-1]}" if d.budget_years else ""
    origin = f"scenario {inputs.scenario.name} budget"
    mode = f"mode {d.budget_mode or b.mode}" + (f", split {b.split}" if b.split != "given" else "")
    rows = []
    if d.budget_mt is not None:
        rows.append(_row("budget", f"budget of the run {span}", d.budget_mt, "MtCO2", detail=mode,
                         sources=b.sources, origin=origin))
    if d.global_remaining_mt:
        rows.append(_row("budget", "global remaining budget", d.global_remaining_mt, "MtCO2", sources=b.sources,
                         origin=f"{origin}.global_remaining"))
    for s, v in d.sector_budgets.items():
        share = b.shares.get(s)
        rows.append(_row("budget", "sector budget", v, "MtCO2", sector=s,
                         detail=f"share {share:g} of the global remaining budget" if share is not None else "",
                         sources=b.sources, origin=f"{origin}.shares.{s}" if share is not None else origin))
    if d.budget_penalty:
        rows.append(_row("budget", "overshoot penalty (soft budget)", d.budget_penalty,
                         f"{inputs.scenario.currency}/tCO2 (present value)", sources=b.sources,
                         origin=f"{origin}.soft.penalty"))
    return rows


def _carbon_price(inputs: RunInputs, d: ModelData, years: list[int]) -> list[dict]:
    if inputs.scenario.carbon_price is None or not any(d.carbon_price.values()):
        return []
    return [_row("carbon price", "exogenous carbon price", d.carbon_price.get(y, 0.0),
                 f"{inputs.scenario.currency}/tCO2", year=y, origin=f"scenario {inputs.scenario.name} carbon_price")
            for y in years]


def _limits(inputs: RunInputs, d: ModelData, years: list[int]) -> list[dict]:
    rows = []
    for c, info in d.commodities.iterrows():
        srcs = _commodity_sources(inputs, c)
        name = str(info.get("name", c))
        for y in years:
            lim = d.commodity_year["limit"].get((c, y))
            if lim is not None and pd.notna(lim) and not info.get("supplied_by"):
                rows.append(_row("limit", f"annual supply of {name}", float(lim), f"{info['unit']}/yr", year=y,
                                 detail=c, sources=srcs, origin=f"commodity {c}.limit"))
        if info.get("cumulative_limit") is not None and pd.notna(info["cumulative_limit"]):
            rows.append(_row("limit", f"cumulative supply of {name}", float(info["cumulative_limit"]), info["unit"],
                             detail=c, sources=srcs, origin=f"commodity {c}.cumulative_limit"))
    pools = inputs.commodities.pools
    for p in d.pools.index if not d.pools.empty else []:
        srcs = list(pools[p].sources) if p in pools else []
        for y in years:
            if (p, y) in d.pool_limit:
                rows.append(_row("limit", f"resource pool {d.pools.loc[p, 'name'] or p}", d.pool_limit[(p, y)],
                                 f"{d.pools.loc[p, 'unit']}/yr", year=y, detail=p, sources=srcs,
                                 origin=f"models/commodities.yaml pools.{p}"))
    for (s, g), gl in d.group_limits.items():
        group = inputs.sectors[s].groups.get(g) if s in inputs.sectors else None
        origin = f"models/{s}.yaml groups.{g}"
        bl = getattr(group, "build_limit", None)
        for y in years:
            if y in gl.build:
                rows.append(_row("limit", f"group {g}: new capacity a year", gl.build[y], f"{d.units.get(s, '')}/yr",
                                 sector=s, year=y, sources=bl.sources if bl else [], origin=f"{origin}.build_limit"))
        if gl.turnover:
            to = getattr(group, "turnover", None)
            rows.append(_row("limit", f"group {g}: conversions and early retirements a year",
                             max(gl.turnover.values()), "share of the group's capacity", sector=s,
                             sources=to.sources if to else [], origin=f"{origin}.turnover"))
        if gl.adoption is not None:
            ad = getattr(group, "adoption", None)
            rows.append(_row("limit", f"group {g}: rise of a member's share of new build a year", gl.adoption,
                             "share points", sector=s, sources=ad.sources if ad else [], origin=f"{origin}.adoption"))
    return rows


def _flatten(data: Any, prefix: tuple = ()) -> dict[tuple, Any]:
    if isinstance(data, dict) and data:
        out: dict[tuple, Any] = {}
        for k, v in data.items():
            if not prefix and k in SKIP_KEYS or k in ("sources", "notes"):
                continue
            out.update(_flatten(v, (*prefix, k)))
        return out
    return {prefix: data}


def _text(v: Any) -> str:
    return "(not set)" if v is None else v if isinstance(v, str) else json.dumps(v, default=str)


def _has(data: Any, key: tuple) -> bool:
    for k in key:
        if not isinstance(data, dict) or k not in data:
            return False
        data = data[k]
    return True


def _get(data: Any, key: tuple) -> Any:
    for k in key:
        data = data[k]
    return data


def overrides(inputs: RunInputs, d: ModelData) -> list[dict]:
    """Each scenario value that differs from the root of its `extends` chain (the base). A block the
    base does not have at all is one row (its whole value); keys of sectors and milestones that are
    not part of the run are left out."""
    if inputs.scenario_root is None:
        return []
    sc = inputs.scenario
    named = set(sc.demand) | set(sc.annual_caps) | (set(sc.budget.shares) | set(sc.budget.sectors) if sc.budget
                                                     else set())
    others = (named | set(sc.milestones)) - set(d.sectors) - set(d.milestones)
    mine, base = _flatten(inputs.scenario_data), _flatten(inputs.scenario_root)
    rows, done = [], set()
    for key in sorted(set(mine) | set(base), key=lambda k: tuple(str(p) for p in k)):
        a, b = mine.get(key), base.get(key)
        if a == b or (isinstance(a, (dict, list)) and not a and b is None) or others & set(key):
            continue
        cut = next((n for n in range(1, len(key) + 1) if not _has(inputs.scenario_root, key[:n])), None)
        if cut is not None and (cut := max(cut, 2)) < len(key) and _has(inputs.scenario_data, key[:cut]):
            key, a = key[:cut], _get(inputs.scenario_data, key[:cut])
        if key in done:
            continue
        done.add(key)
        block = inputs.scenario_data.get(key[0]) if key else None
        srcs = block.get("sources", []) if isinstance(block, dict) else []
        if isinstance(a, dict):
            srcs = a.get("sources", srcs)
            a = {k: v for k, v in a.items() if k not in ("sources", "notes")}
        rows.append(_row("override", ".".join(str(p) for p in key), detail=f"{_text(a)} (base: {_text(b)})",
                         sources=[str(x) for x in srcs] if isinstance(srcs, list) else [],
                         origin=f"scenario {sc.name}"))
    return rows


def assumptions_table(inputs: RunInputs, d: ModelData) -> pd.DataFrame:
    """Every assumption row of the run (module docstring)."""
    years = report_years(d.years)
    cur = inputs.scenario.currency
    h = inputs.scenario.horizon
    rows = [_row("general", "discount rate", inputs.scenario.discount_rate, "1/yr (real)",
                 origin=f"scenario {inputs.scenario.name} discount_rate"),
            _row("general", "currency", detail=cur, origin=f"scenario {inputs.scenario.name} currency"),
            _row("general", "horizon", detail=f"{h.start}-{h.end}, step {h.step}",
                 origin=f"scenario {inputs.scenario.name} horizon")]
    rows += _demand(inputs, d, years) + _prices(inputs, d, years, cur) + _budget(inputs, d)
    rows += _carbon_price(inputs, d, years) + _limits(inputs, d, years) + overrides(inputs, d)
    out = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out


def sources_table(inputs: RunInputs, keys: set[str]) -> pd.DataFrame:
    """The citation of every source key in `keys`, from the file that defines it."""
    books: list[tuple[str, dict[str, str]]] = [(f"models/{s}.yaml", sf.sources) for s, sf in inputs.sectors.items()]
    books += [("models/commodities.yaml", inputs.commodities.sources),
              (f"scenario {inputs.scenario.name}", inputs.scenario.sources)]
    rows = []
    for key in sorted(keys):
        for file, book in books:
            if key in book:
                rows.append({"key": key, "citation": book[key], "file": file})
                break
        else:
            rows.append({"key": key, "citation": "", "file": ""})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def cited(table: pd.DataFrame) -> set[str]:
    """The source keys a table's `sources` column names."""
    return {k for v in table["sources"].dropna() for k in str(v).split()}
