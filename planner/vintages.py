"""Inputs and emissions by vintage (build year) of each cohort.

A technology with `vintage_inputs` has input coefficients per cohort (`vintage_flows`):
``use[k,c,m,y] = inputs[k,m](vintage(c))`` with vintage(c) the build year of a new cohort, the
`vintage` of an existing one (default: the year before the first model year) and, for capacity
retrofitted into k, the vintage of the cohort it came from; a stock entry's own `inputs` replace
the technology's (read at the operating year y). With an `operating_factor` f[k,y] every cohort's
inputs are multiplied by f[k,y]. Non-CO2 gases (`other_emissions`) follow the same rule
(`vintage_other`). Its emission factors follow per cohort (`vintage_year`: the columns
accounting.ACCOUNTING, product_carbon to counted) with the formulas of planner/accounting.py, the
commodities' factors, process CO2, product carbon and capture rates of the operating year y
(`accounting.add_accounting`, the same function for both tables). Its rows of `flows` and
`tech_year` hold a unit built in y (vintage y), the view of the levelized cost; `flows.by_vintage`
marks the input rows the LP takes per cohort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.accounting import ACCOUNTING, add_accounting
from planner.errors import Problem
from planner.schema.common import interpolate
from planner.schema.scenario import EmissionAccounting


def vintage_flows(techs: dict[tuple[str, str], object], cohorts: pd.DataFrame,
                   years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inputs and non-CO2 gases per unit of activity of every cohort of a technology with vintage
    inputs, per year in service: the technology's read at the cohort's vintage, or its stock entry's
    own read at the operating year; times the technology's operating factor of that year."""
    cols = ["sector", "tech", "cohort", "commodity", "year", "coef"]
    # rows gathered column by column (one DataFrame per table, not one per cohort and commodity)
    parts: dict[str, dict[str, list]] = {key: {c: [] for c in cols} for key in ("inputs", "other_emissions")}
    for (s, k, c), start, end, vintage, entry in zip(cohorts.index, cohorts.start, cohorts.end, cohorts.vintage,
                                                     cohorts.entry):
        t = techs.get((s, k))
        if t is None:
            continue
        served = [y for y in years if start <= y < end]
        if not served:
            continue
        factor = interpolate(t.operating_factor, served, 1.0)  # type: ignore[attr-defined]
        stock = t.stock[int(entry)] if entry >= 0 else None  # type: ignore[attr-defined]
        for key, out in parts.items():
            own = getattr(stock, key) if stock is not None else None
            spec = own if own is not None else getattr(t, key)
            for com, traj in spec.items():
                coef = interpolate(traj, served) if own is not None else np.full(
                    len(served), float(interpolate(traj, [int(vintage)])[0]))
                n = len(served)
                for col, value in (("sector", s), ("tech", k), ("cohort", c), ("commodity", com)):
                    out[col].extend([value] * n)
                out["year"].extend(served)
                out["coef"].extend((np.asarray(coef, dtype=float) * factor).tolist())

    def table(columns: dict[str, list], name: str) -> pd.DataFrame:
        if not columns["coef"]:
            return pd.DataFrame(columns=[*cols[:3], name, *cols[4:]])
        out = pd.DataFrame(columns)
        return out[out.coef != 0].reset_index(drop=True)[cols].rename(columns={"commodity": name})

    return table(parts["inputs"], "commodity"), table(parts["other_emissions"], "gas")


def vintage_groups(vintage_year: pd.DataFrame, vintage_flows: pd.DataFrame,
                    vintage_other: pd.DataFrame) -> pd.DataFrame:
    """Cohorts of a technology that run with the same coefficients in a year form one group.

    Their activity can be pooled without loss: with ACTG[g,y] <= u * sum_{c in g} CAP[c,y] (and the
    floor ACTG[g,y] >= f * sum_{c in g} CAP[c,y]) the split ACTC[c,y] = ACTG[g,y] * CAP[c,y] /
    sum_{c' in g} CAP[c',y] meets every cohort's own capacity and floor, at the same cost and
    emissions. So the LP has one activity per group (e.g. all stock of a kiln type, all new kilns of
    constant inputs), and results split it back over the cohorts in proportion to their capacity.
    """
    keys = ["sector", "tech", "cohort", "year"]
    cols = [*keys, "group"]
    if vintage_year.empty:
        return pd.DataFrame(columns=cols)
    base = vintage_year.reset_index()[keys]
    base["order"] = np.arange(len(base))
    sig = pd.Series("", index=pd.MultiIndex.from_frame(base[keys]))
    for table, name in ((vintage_flows, "commodity"), (vintage_other, "gas")):
        if table.empty:
            continue
        tok = table[name].astype(str) + "=" + table.coef.map(lambda v: f"{v:.12g}") + ";"
        part = tok.groupby([table[k] for k in keys]).agg(lambda x: "".join(sorted(x)))
        sig = sig.add(part.reindex(sig.index).fillna(""), fill_value="")
    base["sig"] = sig.to_numpy()
    ordered = base.sort_values("order")
    base["group"] = ordered.groupby(["sector", "tech", "year", "sig"], sort=False)["cohort"].transform("first")
    return base[cols].reset_index(drop=True)


def vintage_emissions(vintage: set[tuple[str, str]], vintage_flows: pd.DataFrame, vintage_other: pd.DataFrame,
                       cohorts: pd.DataFrame, tech_year: pd.DataFrame, commodity_year: pd.DataFrame,
                       acc: EmissionAccounting, problems: list[Problem] | None = None) -> pd.DataFrame:
    """The accounting columns (ACCOUNTING) per (sector, tech, cohort, year) of the cohorts of
    technologies with vintage inputs: their own inputs and non-CO2 gases, with the process CO2,
    product carbon and capture rates of the operating year."""
    keys = ["sector", "tech", "cohort", "year"]
    rows = [(s, k, c, y) for (s, k, c), start, end in zip(cohorts.index, cohorts.start, cohorts.end)
            if (s, k) in vintage for y in tech_year.year.unique() if start <= y < end]
    if not rows:
        return pd.DataFrame(columns=ACCOUNTING, index=pd.MultiIndex.from_tuples([], names=keys))
    base = pd.DataFrame(rows, columns=keys).merge(
        tech_year[["sector", "tech", "year", "process", "capture_rate", "process_capture_rate", "product_carbon",
                   "carbon_release"]],
        on=["sector", "tech", "year"])
    out = add_accounting(base, vintage_flows, vintage_other, commodity_year, acc, tuple(keys), problems)
    return out.set_index(keys)[ACCOUNTING]
