"""Results a reader would not expect, each explained from the run's own tables.

Within a run (`within_run`): a product's marginal cost falls between two report years while the
carbon price rises. The marginal cost is the dual of the product's demand row: what one more unit
costs in that year, i.e. the cost of the plant at the margin, its carbon cost (intensity x carbon
price) and the scarcity rent of every limit binding that year. It falls when the intensity at the
margin falls faster than the price rises, or when limits that bound stop binding; both are read
from intensity.csv and drivers.csv.

Between two runs (`between_runs`): a sector uses more fossil fuel in a year under the run with
less cumulative CO2 (the tighter budget). Fossil fuel burnt with capture, or turned into hydrogen
with capture, emits little: the explanation gives the difference in CO2 captured and the
technologies whose output grows most (production.csv).
"""

from __future__ import annotations

import pandas as pd

from planner.results.folder import RunFolder
from planner.results.roadmap import cumulative_gt, number

MIN_FALL = 0.10
"""A marginal cost falling by at least this share between report years is worth a word."""
MIN_RISE = 0.02
"""Fossil use higher by at least this share (and 0.01 EJ) under the tighter run is worth a word."""


def _steps(years: list[int]) -> list[int]:
    return sorted({years[-1], *(y for y in years if y % 5 == 0)})


def _carbon_price(run: RunFolder) -> pd.Series:
    p = run["prices"]
    return p[p.name == "carbon_price"].set_index("year")["value"]


def _released(run: RunFolder, sector: str, y0: int, y1: int) -> list[str]:
    """Limits (of the sector, or shared) binding in y0 that no longer bind by y1, largest first."""
    dr = run.tables.get("drivers")
    if dr is None or dr.empty:
        return []
    mine = dr[(dr.sector.fillna("").isin([sector, ""])) & (dr.first_year <= y0) & (dr.last_year >= y0)
              & (dr.last_year < y1)]
    return [f"the {r.limit} of {r.subject} (binding {int(r.first_year)}-{int(r.last_year)})"
            for r in mine.head(3).itertuples()]


NOTE = ("A marginal cost is what one more unit costs in its year (the dual of the product's demand row): the "
        "plant at the margin, its carbon cost and the scarcity of every limit binding then. In present value the "
        "carbon price of a shared budget is the same every year, so in each year's money it rises at the discount "
        "rate; a marginal cost can still fall.")


def within_run(run: RunFolder) -> list[str]:
    """One explanation per product whose marginal cost falls while the carbon price rises."""
    p = run["prices"]
    cp = _carbon_price(run)
    if cp.empty:
        return []
    inten = run.tables.get("intensity")
    out = []
    for name in sorted(n for n in p.name.unique() if n.startswith("marginal_cost|")):
        _, sector, product = name.split("|", 2)
        s = p[p.name == name].set_index("year")
        mc, unit = s["value"], str(s["unit"].iloc[0])
        steps = [y for y in _steps(sorted(mc.index)) if mc.get(y, 0.0) > 0]
        falls = [(y0, y1) for y0, y1 in zip(steps, steps[1:])
                 if mc[y1] < (1 - MIN_FALL) * mc[y0] and cp.get(y1, 0.0) > cp.get(y0, 0.0) + 1e-9]
        if not falls:
            continue
        y0, y1 = max(falls, key=lambda f: mc[f[0]] - mc[f[1]])
        why = []
        if inten is not None:
            i = inten[(inten.sector == sector) & (inten.commodity == product)].set_index("year")["value"]
            if y0 in i and y1 in i and i[y1] * cp[y1] < i[y0] * cp[y0]:
                why.append(f"its average emission intensity falls from {number(i[y0])} to {number(i[y1])} tCO2 per "
                           f"unit, so the carbon cost of an average unit falls from {number(i[y0] * cp[y0])} to "
                           f"{number(i[y1] * cp[y1])} although the price per tonne rises")
        released = _released(run, sector, y0, y1)
        if released:
            why.append("limits that made it scarce in " + str(y0) + " no longer bind by " + str(y1) + ": "
                       + "; ".join(released))
        if not why:
            why.append("the technology at the margin changes to one whose own cost (capital, fuel) is lower")
        out.append(f"{run.sector_name(sector)}, {product}: the marginal cost falls from {number(mc[y0])} to "
                   f"{number(mc[y1])} {unit} between {y0} and {y1} ({mc[y1] / mc[y0] - 1:+.0%}) while the carbon "
                   f"price rises from {number(cp[y0])} to {number(cp[y1])}: " + "; and ".join(why) + ".")
    return out


def between_runs(a: RunFolder, b: RunFolder) -> list[str]:
    """Sectors that burn more fossil fuel in some year under the run that emits less, explained."""
    out = []
    ra, rb = a["resources"], b["resources"]
    for sector in [s for s in a.sectors if s in b.sectors]:
        ea, eb = cumulative_gt(a, sector), cumulative_gt(b, sector)
        if abs(ea - eb) < 1e-9:
            continue
        tight, loose = (b, a) if eb < ea else (a, b)
        rt, rl = (rb, ra) if tight is b else (ra, rb)

        def series(r: pd.DataFrame, res: str, sector: str = sector) -> pd.Series:
            return r[(r.sector == sector) & (r.resource == res)].groupby("year")["value"].sum()

        ft, fl = series(rt, "fossil_fuels"), series(rl, "fossil_fuels")
        diff = ft.sub(fl, fill_value=0.0)
        rise = diff[(diff > 0.01) & (diff > MIN_RISE * fl.reindex(diff.index).fillna(0.0))]
        if rise.empty:
            continue
        y = int(rise.idxmax())
        unit = str(rt.loc[rt.resource == "fossil_fuels", "unit"].iloc[0])
        cap = series(rt, "co2_captured").get(y, 0.0) - series(rl, "co2_captured").get(y, 0.0)
        pt = tight["production"]
        pl = loose["production"]
        grow = (pt[(pt.sector == sector) & (pt.year == y)].groupby("technology")["value"].sum()
                .sub(pl[(pl.sector == sector) & (pl.year == y)].groupby("technology")["value"].sum(), fill_value=0.0))
        names = tight.tech_names()
        top = [f"{names.get((sector, k), k)} ({'+' if v > 0 else ''}{number(v)})"
               for k, v in grow.sort_values(ascending=False).head(3).items() if v > 0]
        text = (f"{tight.sector_name(sector)}: {tight.label} emits less over the budget's years ({number(min(ea, eb))} "
                f"against {number(max(ea, eb))} GtCO2) yet burns {number(rise[y])} {unit} more fossil fuel in "
                f"{y} than {loose.label}.")
        if cap > 0:
            text += (f" It captures {number(cap)} MtCO2 more that year: fossil fuel burnt with capture (and gas "
                     "turned into hydrogen with capture) emits little, and capture itself takes energy.")
        if top:
            text += " Output that grows most: " + ", ".join(top) + "."
        out.append(text)
    return out
