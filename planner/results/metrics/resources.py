"""Energy and resource demand per sector and year, in the resources' own units.

  demand[s,r,y] = sum_c factor[r,c] * USE[s,c,y]   (commodity file `resources:`; e.g. TWh, Mt H2, EJ)
  CO2 captured[s,y] = sum_k captured[k,y] * ACT[k,y]   (MtCO2, from emissions.csv)
"""

from __future__ import annotations

import pandas as pd

from planner.data import ModelData

CAPTURED = ("co2_captured", "CO2 captured", "Mt CO2")


def resources_table(d: ModelData, commodity_use: pd.DataFrame, emissions: pd.DataFrame) -> pd.DataFrame:
    """sector, resource, name, year, value, unit."""
    cols = ["sector", "resource", "name", "year", "value", "unit"]
    u = commodity_use.merge(d.resources, on="commodity")
    u = u.assign(value=u.value * u.factor).groupby(["sector", "resource", "name", "year", "unit_y"],
                                                   as_index=False)["value"].sum()
    u = u.rename(columns={"unit_y": "unit"})
    key, name, unit = CAPTURED
    cap = emissions[emissions.captured.abs() > 1e-9][["sector", "year", "captured"]]
    cap = cap.rename(columns={"captured": "value"}).assign(resource=key, name=name, unit=unit)
    parts = [p[cols] for p in (u, cap) if not p.empty]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out[out.value.abs() > 1e-9].sort_values(["sector", "resource", "year"]).reset_index(drop=True)
