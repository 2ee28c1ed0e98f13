"""What drives the result: the limits that bind, ranked by what loosening each would save.

Every binding row of a limit family (an assumption the scenario or a sector file states: the
budget, caps, supply limits, build and turnover limits, adoption, utilisation floors, service
lives, milestones) has a dual y_i = d(objective)/d(bound), in million currency units of present
value per unit of the row, and a level L_i, the size of the limit it holds (solve.row_levels).
The value of loosening a limit by 1% is, to first order,

    V = sum over its binding years i of |y_i| * 0.01 * L_i      (million currency, present value)

A limit is one family and one subject (a group, a technology, a commodity, a milestone) over all
its years (and, for service lives, all its cohorts). Rows that define quantities rather than
limit them (balances, emission and purchase definitions, capacity carried over, activity within
capacity) are not drivers: their duals are prices (prices.csv), not assumptions to question.
First-order values: loosening a limit by more than a little may change which limits bind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from planner.data import ModelData
from planner.families import FAMILIES, LIMITS

DRIVER_COLUMNS = ["rank", "limit", "sector", "subject", "what", "years_binding", "first_year", "last_year",
                  "peak_year", "value_1pct", "share", "unit"]
TOL = 1e-6
"""|dual| * L below this (million currency) is not binding enough to list."""


def _tech(d: ModelData, s: str, k: str) -> str:
    """A technology's name (`s` an instance, or a sector whose world row spans its instances)."""
    for inst in d.instances(s) or [s]:
        if (inst, k) in d.techs.index:
            return str(d.techs.loc[(inst, k), "name"])
    return k


def _com(d: ModelData, c: str) -> str:
    return str(d.commodities["name"].get(c, c)) if "name" in d.commodities else c


Describe = Callable[[ModelData, tuple], tuple[str, str, str]]
"""(sector, subject, text) of a row index without its year."""

SUBJECTS: dict[str, Describe] = {
    "budget": lambda d, i: ("" if i[0] == "all" else i[0], "all sectors" if i[0] == "all" else i[0],
                            "cumulative CO2 budget"),
    "annual_cap": lambda d, i: ("" if i[0] == "all" else i[0], i[0], "annual CO2 cap"),
    "supply_limit": lambda d, i: ("", _com(d, i[0]), "annual supply"),
    "cumulative_supply_limit": lambda d, i: ("", _com(d, i[0]), "supply over the horizon"),
    "pool_limit": lambda d, i: ("", i[0], f"annual limit of the resource pool {i[0]}"),
    "pool_cumulative_limit": lambda d, i: ("", i[0], f"cumulative limit of the pool {i[0]}"),
    "storage_limit": lambda d, i: (i[0], f"{_com(d, d.capture_sink or '')} ({d.region_names.get(i[0], i[0])})",
                                   "CO2 stored a year from the region's captures"),
    "build_limit": lambda d, i: (i[0], _tech(d, *i[:2]), "new capacity a year (absolute)"),
    "regional_growth_limit": lambda d, i: (i[0], _tech(d, *i[:2]), "new capacity a year in one region, relative to "
                                           "its stock (growth, with its share of the seed)"),
    "growth_limit": lambda d, i: (i[0], _tech(d, *i[:2]), "new capacity a year, relative to the stock (growth)"),
    "decline_limit": lambda d, i: (i[0], _tech(d, *i[:2]), "how fast building may fall"),
    "group_build": lambda d, i: (i[0], i[1], "new capacity a year of the group (builders)"),
    "group_build_share": lambda d, i: (i[0], i[1], "new capacity a year, share of the group"),
    "turnover": lambda d, i: (i[0], i[1], "conversions and early retirements a year"),
    "member_turnover": lambda d, i: (i[0], _tech(d, i[0], i[2]) if len(i) > 2 else i[1],
                                     "conversions and early retirements a year"),
    "adoption": lambda d, i: (i[0], _tech(d, i[0], i[2]), f"rise of its share of group {i[1]}'s new build"),
    "max_share": lambda d, i: (i[0], _tech(d, *i[:2]), "share of its output"),
    "utilisation_floor": lambda d, i: (i[0], _tech(d, *i[:2]), "minimum utilisation"),
    "cohort_utilisation_floor": lambda d, i: (i[0], _tech(d, *i[:2]), "minimum utilisation of the existing stock"),
    "commissioning": lambda d, i: (i[0], _tech(d, *i[:2]), "minimum utilisation of new capacity"),
    "service_life": lambda d, i: (i[0], _tech(d, *i[:2]), "capacity kept for a share of its life"),
    "import_share": lambda d, i: (i[0], _com(d, i[1]), "imports, share of its use"),
    "local_share": lambda d, i: (i[0], _com(d, i[1]), "own production, share of its use"),
    "build_share": lambda d, i: (i[0], _com(d, i[1]), "new plants, share of the world's since the first year"),
    "local_minimum": lambda d, i: (i[0], _com(d, i[1]), "own production from existing plants, up to demand"),
    "milestone": lambda d, i: (str(d.milestones.get(i[0], {}).get("sector", "") or ""), i[0],
                               f"{i[1]} bound of the scenario's milestone"),
}
"""How the index of a limit family (families.LIMITS) names its sector and subject, and what it limits;
the label a reader sees is the family's `text` (planner/families.py)."""


def _split_year(idx: Any, year_at: int | None) -> tuple[tuple, int | None]:
    """A row index without its year (at `year_at`, the family's year position in families.py)."""
    t = idx if isinstance(idx, tuple) else (idx,)
    if year_at is None:
        return t, None
    return t[:year_at] + t[year_at + 1:], int(t[year_at])


def _level(d: ModelData, family: str, key: tuple, levels: dict[str, dict[Any, float]], idx: Any) -> float:
    """The row's level; a shared budget priced by the decomposition's master has none: its bound."""
    if idx in levels.get(family, {}):
        return levels[family][idx]
    if family == "budget":
        return abs(float(d.budget_rows.get(key[0], d.budget_mt or 0.0)))
    return 0.0


def drivers_table(d: ModelData, duals: dict[str, dict[Any, float]], levels: dict[str, dict[Any, float]],
                  currency: str) -> pd.DataFrame:
    """The binding limits ranked by the value of loosening each by 1% (module docstring)."""
    acc: dict[tuple[str, str, str, str], dict] = {}
    for family in LIMITS:
        label, describe = FAMILIES[family].text, SUBJECTS[family]
        named: dict[tuple, tuple[str, str, str]] = {}
        for idx, y in duals.get(family, {}).items():
            key, year = _split_year(idx, FAMILIES[family].year_at)
            value = abs(y) * 0.01 * _level(d, family, key, levels, idx)
            if value < TOL:
                continue
            if key not in named:
                named[key] = describe(d, key)
                if family == "budget" and d.budget_penalty and abs(y) >= 0.999 * d.budget_penalty:
                    named[key] = (*named[key][:2], named[key][2] + " (overshot: priced at its penalty)")
            a = acc.setdefault((label, *named[key]), {"value": 0.0, "by_year": {}})
            a["value"] += value
            if year is not None:
                a["by_year"][year] = a["by_year"].get(year, 0.0) + value
    rows = []
    for (label, sector, subject, what), a in acc.items():
        ys = sorted(a["by_year"])
        peak = max(a["by_year"], key=a["by_year"].get) if a["by_year"] else None
        rows.append({"limit": label, "sector": sector, "subject": subject, "what": what,
                     "years_binding": len(ys) or None, "first_year": ys[0] if ys else None,
                     "last_year": ys[-1] if ys else None, "peak_year": peak, "value_1pct": a["value"]})
    out = pd.DataFrame(rows, columns=[c for c in DRIVER_COLUMNS if c not in ("rank", "share", "unit")])
    if out.empty:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    out = out.sort_values("value_1pct", ascending=False, ignore_index=True)
    out["share"] = out["value_1pct"] / out["value_1pct"].sum()
    out["unit"] = f"million {currency} (present value {d.years[0]}) per 1% looser"
    out.insert(0, "rank", range(1, len(out) + 1))
    for c in ("years_binding", "first_year", "last_year", "peak_year"):
        out[c] = out[c].astype("Int64")
    return out[DRIVER_COLUMNS]
