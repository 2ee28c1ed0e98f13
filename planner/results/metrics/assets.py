"""Investment, stranded assets and plant counts.

  investment[s,k,y]   = NEW[s,k,y] * capex[s,k,y]  (kind new_capacity)
                      + sum over retrofits into k of RETRO * retrofit capex  (kind retrofit)
                        million USD spent in year y (undiscounted, before any salvage value)
  stranded capacity   = capacity of a cohort retired before its end of life in year y
  undepreciated value = stranded capacity * capex[k, max(build year, first year)]
                        * min(1, (end - y) / lifetime)      (straight-line depreciation)
    Cohorts built before the horizon are valued at the first model year's capex (replacement
    cost; an assumption, their actual cost is not in the data); an existing fleet without capex of
    its own at the capex of its new-build fossil reference (levelized.replacements).
  plants[s,k,y]       = capacity[s,k,y] / plant_size[s,k]; new plants likewise from new capacity
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.data import ModelData


def investment_table(d: ModelData, new_capacity: pd.DataFrame, retrofits: pd.DataFrame,
                     currency: str) -> pd.DataFrame:
    """sector, technology, year, kind (new_capacity | retrofit), value, unit (million USD)."""
    cols = ["sector", "technology", "year", "kind", "value", "unit"]
    capex = d.tech_year["capex"].rename("capex").reset_index().rename(columns={"tech": "technology"})
    new = new_capacity.merge(capex, on=["sector", "technology", "year"])
    parts = [new.assign(kind="new_capacity", value=new.value * new.capex)]
    if not retrofits.empty:
        mv = d.retrofit_moves[["sector", "retrofit", "cohort", "year", "capex"]]
        r = retrofits.merge(mv, on=["sector", "retrofit", "cohort", "year"])
        parts.append(r.assign(technology=r["to"], kind="retrofit", value=r.value * r.capex))
    out = pd.concat([p[["sector", "technology", "year", "kind", "value"]] for p in parts], ignore_index=True)
    out = out.groupby(["sector", "technology", "year", "kind"], as_index=False)["value"].sum()
    out = out[out.value.abs() > 1e-9].reset_index(drop=True)
    out["unit"] = f"million {currency}"
    return out[cols]


def stranded_table(d: ModelData, early: pd.DataFrame, replacements: dict[tuple[str, str], str],
                   currency: str) -> pd.DataFrame:
    """sector, technology, year, capacity, capacity_unit, undepreciated_value, value_unit."""
    cols = ["sector", "technology", "year", "capacity", "capacity_unit", "undepreciated_value", "value_unit"]
    if early.empty:
        return pd.DataFrame(columns=cols)
    coh = d.cohorts[["start", "end"]].reset_index().rename(columns={"tech": "technology"})
    life = d.techs["lifetime"].rename("lifetime").reset_index().rename(columns={"tech": "technology"})
    e = early.merge(coh, on=["sector", "technology", "cohort"], how="left").merge(life, on=["sector", "technology"])
    first = d.years[0]
    e["valued_in"] = np.maximum(e.start.fillna(first).astype(int), first)
    valued = [min((y for y in d.years if y <= v), default=first, key=lambda y: v - y) for v in e.valued_in]
    capex = d.tech_year["capex"].to_dict()

    def value_of(s: str, k: str, y: int) -> float:
        own = capex.get((s, k, y), 0.0)
        ref = replacements.get((s, k))
        return own if own > 0 or ref is None else capex.get((s, ref, first), 0.0)

    e["capex"] = [value_of(s, k, y) for s, k, y in zip(e.sector, e.technology, valued)]
    left = np.clip((e["end"] - e["year"]) / e["lifetime"], 0.0, 1.0)
    e["undepreciated_value"] = e.value * e.capex * left
    out = e.groupby(["sector", "technology", "year", "unit"], as_index=False)[["value", "undepreciated_value"]].sum()
    out = out.rename(columns={"value": "capacity", "unit": "capacity_unit"})
    out["value_unit"] = f"million {currency}"
    return out[cols]


def plants_table(d: ModelData, capacity: pd.DataFrame, new_capacity: pd.DataFrame) -> pd.DataFrame:
    """Capacity in typical plants: sector, technology, year, near_zero, capacity, plants, new_plants, plant_unit."""
    cols = ["sector", "technology", "year", "near_zero", "capacity", "plants", "new_plants", "plant_unit"]
    size = d.techs[["plant_size", "plant_unit", "near_zero"]].reset_index().rename(columns={"tech": "technology"})
    size = size[pd.to_numeric(size.plant_size, errors="coerce").fillna(0.0) > 0]
    cap = capacity[["sector", "technology", "year", "value"]].rename(columns={"value": "capacity"})
    new = new_capacity[["sector", "technology", "year", "value"]].rename(columns={"value": "new"})
    x = cap.merge(new, on=["sector", "technology", "year"], how="outer").fillna({"capacity": 0.0, "new": 0.0})
    x = x.merge(size, on=["sector", "technology"])
    if x.empty:
        return pd.DataFrame(columns=cols)
    x["plants"] = x.capacity / x.plant_size
    x["new_plants"] = x.new / x.plant_size
    x["near_zero"] = x.near_zero.astype(bool)
    return x[cols].sort_values(["sector", "technology", "year"]).reset_index(drop=True)
