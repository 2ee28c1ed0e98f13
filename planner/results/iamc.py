"""The IAMC table: one row per variable, one column per year (the community's exchange format).

Variables (units on every row):
  Emissions|CO2|<Sector>                      MtCO2/yr, scope 1 net of capture
  Carbon Capture|<Sector>                     MtCO2/yr
  Production|<Sector>                         sector unit per year (sum of technologies)
  Production|<Sector>|<technology>            sector unit per year
  Capacity|<Sector>|<technology>              sector unit per year
  Final Energy|<Sector>|<commodity>           PJ/yr (or Mt/yr for material commodities)
  Price|Carbon                                USD/tCO2
Sectors add up: Emissions|CO2 is the sum over sectors of the run.
"""

from __future__ import annotations

import pandas as pd

from planner.data import ModelData
from planner.results.extract import Results

MODEL = "planner"


def iamc_table(d: ModelData, res: Results, names: dict[str, str]) -> pd.DataFrame:
    """The run's key variables in IAMC wide format."""
    label = {s: names.get(s, s.title()) for s in d.sectors}
    parts = []
    em = res["emissions"]
    parts.append(em.assign(variable="Emissions|CO2|" + em.sector.map(label), unit="Mt CO2/yr"))
    parts.append(em.groupby("year", as_index=False)["value"].sum().assign(variable="Emissions|CO2", unit="Mt CO2/yr"))
    parts.append(em.assign(variable="Carbon Capture|" + em.sector.map(label), value=em.captured, unit="Mt CO2/yr"))
    prod = res["production"]
    parts.append(prod.groupby(["sector", "year", "unit"], as_index=False)["value"].sum().pipe(
        lambda p: p.assign(variable="Production|" + p.sector.map(label), unit=p.unit + "/yr")))
    parts.append(prod.assign(variable="Production|" + prod.sector.map(label) + "|" + prod.technology,
                             unit=prod.unit + "/yr"))
    cap = res["capacity"]
    parts.append(cap.assign(variable="Capacity|" + cap.sector.map(label) + "|" + cap.technology))
    use = res["commodity_use"]
    parts.append(use.assign(variable="Final Energy|" + use.sector.map(label) + "|" + use.commodity,
                            unit=use.unit + "/yr"))
    prices = res["prices"]
    cp = prices[prices.name == "carbon_price"]
    parts.append(cp.assign(variable="Price|Carbon"))
    long = pd.concat([p[["variable", "unit", "year", "value"]] for p in parts], ignore_index=True)
    wide = long.pivot_table(index=["variable", "unit"], columns="year", values="value", aggfunc="sum", fill_value=0.0)
    wide = wide.reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "region", "World")
    wide.insert(0, "scenario", d.scenario)
    wide.insert(0, "model", MODEL)
    return wide
