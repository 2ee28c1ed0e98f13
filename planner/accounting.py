"""Emission coefficients per unit of activity (tCO2 per unit; times activity in Mt gives MtCO2):
``fossil = sum_c use[c] * ef[c] + process``; ``biogenic = sum_c use[c] * bio[c]``;
``pc = product_carbon`` (fossil carbon leaving in the output, 0 <= pc <= fossil), of which the
share ``r = carbon_release`` of the output product is released downstream and ``held = (1 - r) * pc``
stays held in products (landfill, long-lived stock; reported, never counted);
``captured = capture_rate * (fossil - pc + biogenic) + process_capture_rate * process``
(capture acts on the CO2 formed at the site, not on carbon that leaves in the product);
``site = fossil - pc - captured`` (negative with captured biogenic CO2);
``scope1 = site + r * pc`` with `emissions.product_carbon: at_production`, else ``site``, and then
``downstream = r * pc`` (released downstream, in the year the product is made), else 0; so
``scope1 + downstream + held = fossil - captured`` under either switch: no carbon is lost or
counted twice. ``scope2 = sum_c use[c] * scope2_factor[c]``.

Non-CO2 gases (technology `other_emissions`, Mt of gas per unit) in CO2e at their GWP100 (the
`gases:` of the commodity file): ``other_co2e = sum_g gwp[g] * other[g]`` over every gas, and
``counted = scope1 + sum_{g in G} gwp[g] * other[g] + [downstream_in_budget] * downstream`` over
the gases G the scenario counts (`emissions.gases` besides CO2): `counted` is what the budget,
caps and carbon price apply to.
"""

from __future__ import annotations

import pandas as pd

from planner.errors import Problem
from planner.schema.scenario import EmissionAccounting

ACCOUNTING = ["product_carbon", "fossil", "site", "captured", "downstream", "held", "scope1", "scope2",
              "other_co2e", "counted"]
"""the emission accounting columns of tech_year and vintage_year (module docstring)"""


def add_accounting(table: pd.DataFrame, flows: pd.DataFrame, other: pd.DataFrame, commodity_year: pd.DataFrame,
                acc: EmissionAccounting, keys: tuple[str, ...] = ("sector", "tech", "year"),
                problems: list[Problem] | None = None) -> pd.DataFrame:
    """Add the accounting columns (ACCOUNTING, tCO2 or tCO2e per unit of activity; module docstring)
    to a table keyed by `keys`, (sector, tech, year) or (sector, tech, cohort, year), that holds
    process, capture_rate, process_capture_rate, product_carbon and carbon_release (the share of
    the product carbon released), from its input `flows` and
    non-CO2 gases `other` (columns coef and gwp100) keyed alike; the scenario's `emissions` says
    where product carbon counts and which gases count."""
    out = emission_coefficients(table, flows, commodity_year, acc.product_carbon, problems, keys)
    return co2e_coefficients(out, other, [g for g in acc.gases if g != "CO2"], acc.downstream_in_budget, keys)


def emission_coefficients(tech_year: pd.DataFrame, flows: pd.DataFrame, commodity_year: pd.DataFrame,
                           product_carbon: str = "downstream", problems: list[Problem] | None = None,
                           keys: tuple[str, ...] = ("sector", "tech", "year")) -> pd.DataFrame:
    """Add fossil, site, captured, downstream, held, scope1 and scope2 (tCO2 per unit of activity) to a
    table keyed by `keys` (module docstring); a product_carbon above the fossil carbon fed is a problem."""
    f = flows.merge(commodity_year[["emission_factor", "biogenic_factor", "scope2_factor"]],
                    left_on=["commodity", "year"], right_index=True, how="left").fillna(0.0)
    f["fossil"] = f["coef"] * f["emission_factor"]
    f["bio"] = f["coef"] * f["biogenic_factor"]
    f["scope2"] = f["coef"] * f["scope2_factor"]
    agg = f.groupby(list(keys))[["fossil", "bio", "scope2"]].sum()
    ty = tech_year.merge(agg, left_on=list(keys), right_index=True, how="left")
    ty[["fossil", "bio", "scope2"]] = ty[["fossil", "bio", "scope2"]].fillna(0.0)
    ty["fossil"] += ty["process"]
    pc = ty["product_carbon"]
    over = ty[pc > ty["fossil"].clip(lower=0.0) + 1e-9]
    for (sector, tech), rows in over.groupby(["sector", "tech"], sort=False):
        r = rows.iloc[0]
        when = f"cohort {r.cohort} in {r.year}" if "cohort" in keys else f"{r.year}"
        if problems is not None:
            problems.append(Problem(f"models/{sector}.yaml", None, f"technologies.{tech}.product_carbon",
                                    f"{r.product_carbon:g} tCO2 per unit in {when} exceeds the fossil carbon the "
                                    f"technology is fed ({max(r.fossil, 0.0):g} tCO2 per unit): product carbon is "
                                    "the fossil part of the carbon in the output"))
    gross = (ty["fossil"] - pc + ty["bio"]).clip(lower=0.0)
    ty["captured"] = ty["capture_rate"] * gross + ty["process_capture_rate"] * ty["process"].clip(lower=0.0)
    ty["site"] = ty["fossil"] - pc - ty["captured"]
    released = pc * ty["carbon_release"]
    ty["held"] = pc - released
    downstream = product_carbon == "downstream"
    ty["downstream"] = released if downstream else 0.0
    ty["scope1"] = ty["site"] + (0.0 if downstream else released)
    return ty


def co2e_coefficients(tech_year: pd.DataFrame, other: pd.DataFrame, counted: list[str],
                       downstream_in_budget: bool = True, keys: tuple[str, ...] = ("sector", "tech", "year")
                       ) -> pd.DataFrame:
    """Add other_co2e (all non-CO2 gases) and counted (scope 1 plus the gases the scenario counts
    plus, if counted, the carbon released downstream), tCO2e per unit of activity, to a table keyed
    by `keys` (module docstring)."""
    o = other.assign(co2e=other["coef"].astype(float) * other["gwp100"].astype(float))
    o["counted"] = o["co2e"].where(o["gas"].isin(counted), 0.0)
    agg = o.groupby(list(keys))[["co2e", "counted"]].sum()
    ty = tech_year.merge(agg, left_on=list(keys), right_index=True, how="left")
    ty[["co2e", "counted"]] = ty[["co2e", "counted"]].astype(float).fillna(0.0)
    ty["other_co2e"] = ty.pop("co2e")
    ty["counted"] = ty["scope1"] + ty["counted"] + (ty["downstream"] if downstream_in_budget else 0.0)
    return ty
