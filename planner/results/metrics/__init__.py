"""Roadmap metrics of a run, as tidy tables written next to the results contract.

| table | what |
| --- | --- |
| `lcop` | levelized cost of product per technology and year, by component (levelized.py) |
| `green_premium` | each technology against the incumbent of its output: premium, abatement cost |
| `macc` | realised abatement and its cost per technology and year (marginal abatement cost curve) |
| `intensity` | average emission intensity of each product and intermediate |
| `investment` | capex spent per technology and year (new capacity and retrofits) |
| `stranded_assets` | capacity retired early and its undepreciated value |
| `plants` | capacity counted in typical plants (sector file `plant_size`) |
| `resources` | electricity, hydrogen, biomass, fossil fuels, CO2 captured and stored |
"""

from __future__ import annotations

import pandas as pd

from planner.data import ModelData
from planner.results.metrics.assets import investment_table, plants_table, stranded_table
from planner.results.metrics.levelized import (
    intensity_table,
    lcop_table,
    levelized,
    macc_table,
    premium_table,
    replacements,
)
from planner.results.metrics.resources import resources_table

METRIC_TABLES = ["lcop", "green_premium", "macc", "intensity", "investment", "stranded_assets", "plants",
                 "resources"]


def compute_metrics(d: ModelData, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All metric tables of a run from its data and result tables."""
    currency = d.notes.get("currency", "USD")
    production = tables["production"]
    per_tech, averages = levelized(d, production, tables["prices"], tables.get("activity_by_cohort"))
    premium = premium_table(d, per_tech, production, currency)
    return {
        "lcop": lcop_table(d, per_tech, currency),
        "green_premium": premium,
        "macc": macc_table(premium, production, currency),
        "intensity": intensity_table(d, averages, production),
        "investment": investment_table(d, tables["new_capacity"], tables["retrofits"], currency),
        "stranded_assets": stranded_table(d, tables["early_retirements"], replacements(d, per_tech), currency),
        "plants": plants_table(d, tables["capacity"], tables["new_capacity"]),
        "resources": resources_table(d, tables["commodity_use"], tables["emissions"]),
    }
