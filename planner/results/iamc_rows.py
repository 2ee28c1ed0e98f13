"""The rows of the two IAMC files (planner/results/iamc.py) from a run's result tables.

Values: emissions, capture and storage in Mt CO2/yr; energy in EJ/yr (PJ x 0.001); products in
their tag's unit (Mt/yr, billion tkm/yr, billion pkm/yr, EJ/yr for fuels made inside a sector);
investment in billion USD_2010/yr and carbon prices in USD_2010/t CO2 (the scenario's money times
tags.yaml `Money` factor). Fuel saved by efficiency measures (`saving` technologies) is neither
production nor capacity, so it has no row.

Splits that common-definitions asks for and planner's tables do not hold directly:

- Energy against industrial processes, per technology and year: the process part is the gross
  process CO2 (`process_emissions` x output, where positive) less the capture acting on it
  ((capture_rate + process_capture_rate) x process CO2, at most the technology's capture); the
  energy part is the rest of scope 1. A negative process figure (methane pyrolysis keeping the
  gas carbon solid) lowers the energy part.
- Final Energy is the energy delivered to a sector: a consumer technology's purchased energy, and
  for a plant that makes its sector's vehicle fuel (tags.yaml Technology `carrier`) the fuel it
  makes, not its inputs; a technology making another energy intermediate of its sector (fuel
  routed to a ship type) adds nothing. Feedstocks (Carrier `non_energy`) are Non-Energy Use.
- Aviation and shipping: the scope 1 CO2 and delivered energy times the international share
  (tags.yaml `Bunkers`) are bunkers, the rest domestic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.data import ModelData
from planner.results.extract import use_by_technology
from planner.results.iamc import REGION, Codelist

TOL = 1e-9
KEYS = ["region", "variable", "unit", "year"]


class Rows:
    """Rows (region, variable, unit, year, value, file) collected per sector instance; `prices`
    are kept apart as they are not summed into World."""

    def __init__(self, d: ModelData) -> None:
        self.region = {s: d.region_of.get(s, REGION) for s in d.sectors}
        self.parts: list[pd.DataFrame] = []
        self.prices: list[pd.DataFrame] = []

    def add(self, df: pd.DataFrame, variable: pd.Series | str, unit: pd.Series | str, value: pd.Series,
            file: str, price: bool = False) -> None:
        """`df` has a year column and a sector (instance) or region column."""
        if df.empty:
            return
        where = df["sector"].map(self.region).to_numpy() if "sector" in df else df["region"].to_numpy()
        part = pd.DataFrame({"region": where, "variable": variable, "unit": unit, "year": df["year"].to_numpy(),
                             "value": pd.Series(value).to_numpy(), "file": file}, index=df.index)
        (self.prices if price else self.parts).append(part)

    def table(self) -> pd.DataFrame:
        cols = [*KEYS, "file"]
        out = pd.concat(self.parts, ignore_index=True) if self.parts else pd.DataFrame(columns=[*cols, "value"])
        world = out.groupby(cols[1:], as_index=False)["value"].sum().assign(region=REGION)
        regional = out[out.region != REGION].groupby(cols, as_index=False)["value"].sum()
        prices = (pd.concat(self.prices, ignore_index=True).groupby(cols, as_index=False)["value"].sum()
                  if self.prices else pd.DataFrame(columns=[*cols, "value"]))
        return pd.concat([world[[*cols, "value"]], regional, prices], ignore_index=True)


def iamc_long(d: ModelData, tables: dict[str, pd.DataFrame], cl: Codelist) -> pd.DataFrame:
    """region, variable, unit, year, value, file (iamc or planner): every variable the run fills.

    Rows are made per sector instance and summed within its region; the World block is the sum over
    every instance. Prices are not summed: the global carbon price is World's, a sector instance's
    own price its region's.
    """
    rows = Rows(d)
    path = {s: cl.sector(d, s) for s in d.sectors}
    outputs = d.techs["output"].to_dict()
    prod = tables["production"]
    savings = set(d.techs.index[d.techs["saving"].astype(bool)])
    made = prod[_mask([(s, k) not in savings for s, k in zip(prod.sector, prod.technology)])]
    _emissions(d, tables, cl, rows, path, outputs)
    _storage(d, tables, rows, path)
    _energy(d, tables, cl, rows, path, outputs)
    money, factor = cl.currency(d)
    inv = tables.get("investment")
    if inv is not None and not inv.empty:
        g = inv.groupby(["sector", "year"], as_index=False)["value"].sum()
        rows.add(g, "Investment|" + g.sector.map(path), f"billion {money}/yr", g.value * 0.001 * factor, "planner")
    prices = tables["prices"]
    cp = prices[prices.name == "carbon_price"].assign(region=REGION)
    rows.add(cp, "Price|Carbon", f"{money}/t CO2", cp.value * factor, "iamc", price=True)
    for s in d.sectors:
        own = prices[prices.name == f"carbon_price|{s}"].assign(sector=s)
        rows.add(own, "Price|Carbon|" + path[s], f"{money}/t CO2", own.value * factor, "planner", price=True)
    _products(d, cl, rows, made, outputs, None)
    for table, stem in (("capacity", "Capacity"), ("new_capacity", "Capacity Additions")):
        t = tables[table]
        _products(d, cl, rows, t[_mask([(s, k) not in savings for s, k in zip(t.sector, t.technology)])], outputs,
                  stem)
    out = rows.table()
    return out


def _mask(flags: list[bool]) -> np.ndarray:
    """A boolean row mask (an empty list would select no columns instead of no rows)."""
    return np.asarray(flags, dtype=bool)


def _products(d: ModelData, cl: Codelist, rows: Rows, t: pd.DataFrame, outputs: dict, stem: str | None) -> None:
    """Output (stem None) or capacity of each product: its total, its routes and its technologies.
    A product that common-definitions names has its total and routes in iamc.csv (output only)."""
    if t.empty:
        return
    prod = [cl.product(d, s, outputs[(s, k)]) for s, k in zip(t.sector, t.technology)]
    unit = pd.Series([p["unit"] for p in prod], index=t.index)
    value = t.value * [float(p["factor"]) for p in prod]
    base = pd.Series([p["variable"] if stem is None else f"{stem}|{p['label']}" for p in prod], index=t.index)
    top = pd.Series(["iamc" if stem is None and p["file"] == "iamc" else "planner" for p in prod], index=t.index)
    route = pd.Series([cl.route(d, s, k) for s, k in zip(t.sector, t.technology)], index=t.index)
    tech = pd.Series([cl.technology(d, s, k) for s, k in zip(t.sector, t.technology)], index=t.index)
    for file in ("iamc", "planner"):
        mine = top == file
        if mine.any():
            rows.add(t[mine], base[mine], unit[mine], value[mine], file)
            routed = mine & route.notna()
            if routed.any():
                rows.add(t[routed], base[routed] + "|" + route[routed], unit[routed], value[routed], file)
    rows.add(t, base + "|" + tech, unit, value, "planner")


def _emissions(d: ModelData, tables: dict[str, pd.DataFrame], cl: Codelist, rows: Rows, path: dict,
               outputs: dict) -> None:
    """Scope 1 CO2 and capture per sector, split into energy and industrial processes (module
    docstring); aviation and shipping split into domestic and bunkers; scope 2."""
    per = _split(d, tables)
    per["product"] = [outputs[(s, k)] for s, k in zip(per.sector, per.technology)]
    g = per.groupby(["sector", "product", "year"], as_index=False)[
        ["value", "energy", "process", "captured", "cap_energy", "cap_process"]].sum()
    em = tables["emissions"]
    parts = g.groupby(["sector", "year"], as_index=False)[["process", "cap_process"]].sum()
    by_sector = em[["sector", "year", "value", "captured"]].merge(parts, on=["sector", "year"], how="left")
    by_sector = by_sector.fillna({"process": 0.0, "cap_process": 0.0})
    by_sector["energy"] = by_sector.value - by_sector.process
    by_sector["cap_energy"] = by_sector.captured - by_sector.cap_process
    p = by_sector.sector.map(path)
    rows.add(by_sector, "Emissions|CO2|" + p, "Mt CO2/yr", by_sector.value, "planner")
    rows.add(by_sector, "Emissions|CO2|" + p + "|Energy", "Mt CO2/yr", by_sector.energy, "planner")
    has = _nonzero(by_sector, "process")
    rows.add(by_sector[has], "Emissions|CO2|" + p[has] + "|Industrial Processes", "Mt CO2/yr",
             by_sector.process[has], "planner")
    cap = _nonzero(by_sector, "captured")
    rows.add(by_sector[cap], "Carbon Capture|" + p[cap], "Mt CO2/yr", by_sector.captured[cap], "planner")
    rows.add(by_sector[cap], "Carbon Capture|" + p[cap] + "|Energy", "Mt CO2/yr", by_sector.cap_energy[cap], "planner")
    capp = _nonzero(by_sector, "cap_process")
    rows.add(by_sector[capp], "Carbon Capture|" + p[capp] + "|Industrial Processes", "Mt CO2/yr",
             by_sector.cap_process[capp], "planner")
    rows.add(em, "Emissions|CO2|Scope 2|" + em.sector.map(path), "Mt CO2/yr", em.scope2, "planner")
    # common-definitions names: per sector or per product sub-sector
    for (key, column) in (("emissions", "energy"), ("process_emissions", "process"), ("capture", "cap_energy"),
                          ("process_capture", "cap_process")):
        name = pd.Series([cl.common(d, s, c, key) for s, c in zip(g.sector, g["product"])], index=g.index)
        keep = name.notna() & _nonzero(g, column, by=name)
        if not keep.any():
            continue
        stem = "Emissions|CO2|" if "emissions" in key else "Carbon Capture|"
        sel = g[keep]
        share = _international(d, cl, sel.sector) if key == "emissions" else 0.0
        rows.add(sel, stem + name[keep], "Mt CO2/yr", sel[column] * (1 - share), "iamc")
        if key == "emissions":
            bunker = sel.sector.map(lambda s: cl.bunkers.get(d.base(s), {}).get("bunker"))
            b = bunker.notna()
            rows.add(sel[b], "Emissions|CO2|Energy|Demand|Bunkers|" + bunker[b], "Mt CO2/yr",
                     sel[column][b] * share[b], "iamc")


def _split(d: ModelData, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per sector, technology and year: scope 1 (`value`), its energy and process parts, captured CO2
    and its energy and process parts (Mt CO2/yr; module docstring)."""
    ebt = tables["emissions_by_technology"]
    keys = ["sector", "technology", "year"]
    cols = ["value", "energy", "process", "captured", "cap_energy", "cap_process"]
    if ebt.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("sector", "technology") else float)
                             for c in [*keys, *cols]})
    coef = d.tech_year[["process", "capture_rate", "process_capture_rate"]].reset_index().rename(
        columns={"tech": "technology"})
    act = tables["production"][keys + ["value"]].rename(columns={"value": "act"})
    x = ebt[keys + ["value", "captured"]].merge(act, on=keys, how="left").merge(coef, on=keys, how="left").fillna(0.0)
    gross = x.process.clip(lower=0.0) * x.act
    x["cap_process"] = ((x.capture_rate + x.process_capture_rate) * gross).clip(upper=x.captured.clip(lower=0.0))
    x["process"] = gross - x.cap_process
    x["energy"] = x.value - x.process
    x["cap_energy"] = x.captured - x.cap_process
    return x[keys + cols]


def _nonzero(df: pd.DataFrame, column: str, by: pd.Series | None = None) -> pd.Series:
    """Rows of the groups (a sector, or `by`) whose `column` is not zero in every year: a figure
    that is always zero (no process CO2, no capture) gets no variable."""
    group = by.fillna("") if by is not None else df.sector
    return df[column].abs().gt(TOL).groupby(group).transform("any")


def _international(d: ModelData, cl: Codelist, sectors: pd.Series) -> pd.Series:
    """The international (bunker) share of each row's sector (0 for a sector without bunkers)."""
    return sectors.map(lambda s: float(cl.bunkers.get(d.base(s), {}).get("international_share", 0.0)))


def _storage(d: ModelData, tables: dict[str, pd.DataFrame], rows: Rows, path: dict) -> None:
    use = tables["commodity_use"]
    if d.capture_sink is None:
        return
    stored = use[use.commodity == d.capture_sink].groupby(["sector", "year"], as_index=False)["value"].sum()
    rows.add(stored, "Carbon Capture|Geological Storage|" + stored.sector.map(path), "Mt CO2/yr", stored.value,
             "planner")


def _energy(d: ModelData, tables: dict[str, pd.DataFrame], cl: Codelist, rows: Rows, path: dict,
            outputs: dict) -> None:
    """Energy Input (all energy bought, planner file) and Final Energy / Non-Energy Use / Bunkers
    (energy delivered, iamc file), by carrier; module docstring."""
    use = use_by_technology(d, tables["production"], tables["activity_by_cohort"])
    units = d.commodities["unit"].to_dict()
    supplied = d.commodities["supplied_by"].dropna().to_dict()
    info = [cl.carrier(c, units.get(c, "")) for c in use.commodity]
    keep = [i is not None and supplied.get(c) != s for i, c, s in zip(info, use.commodity, use.sector)]
    e = use[_mask(keep)].copy()
    e["carrier"] = [i["label"] for i, k in zip(info, keep) if k]
    e["non_energy"] = [bool(i.get("non_energy")) for i, k in zip(info, keep) if k]
    e["value"] = e.value * [float(i["factor"]) for i, k in zip(info, keep) if k]
    if e.empty:
        return
    bought = e.groupby(["sector", "carrier", "year"], as_index=False)["value"].sum()
    _carriers(rows, bought, "Energy Input|" + bought.sector.map(path), "planner")
    # energy delivered: a fuel plant's output in its carrier; a consumer's own purchases
    balance_unit = d.balances["unit"].to_dict()
    prod = tables["production"]
    fuel = [cl.fuel(d, s, k) for s, k in zip(prod.sector, prod.technology)]
    f = prod[_mask([c is not None for c in fuel])].assign(carrier=[c for c in fuel if c is not None], non_energy=False)
    f["value"] = f.value * 0.001   # PJ -> EJ
    consumer = [balance_unit.get((s, outputs[(s, k)])) != "PJ" and cl.fuel(d, s, k) is None
                for s, k in zip(e.sector, e.technology)]
    delivered = pd.concat([e[_mask(consumer)], f], ignore_index=True)
    if delivered.empty:
        return
    delivered["product"] = [outputs[(s, k)] for s, k in zip(delivered.sector, delivered.technology)]
    for key, flag in (("final_energy", False), ("non_energy", True)):
        part = delivered[delivered.non_energy == flag]
        name = pd.Series([cl.common(d, s, c, key) for s, c in zip(part.sector, part["product"])], index=part.index,
                         dtype=object)
        part = part.assign(name=name)[name.notna()]
        if part.empty:
            continue
        g = part.groupby(["sector", "name", "carrier", "year"], as_index=False)["value"].sum()
        share = _international(d, cl, g.sector)
        stem = "Final Energy|" if key == "final_energy" else "Final Energy|Non-Energy Use|"
        _carriers(rows, g.assign(value=g.value * (1 - share)), stem + g.name, "iamc")
        bunker = g.sector.map(lambda s: cl.bunkers.get(d.base(s), {}).get("bunker"))
        b = bunker.notna()
        if b.any():
            gb = g[b].assign(value=g.value[b] * share[b], bunker=bunker[b])
            gb = gb.groupby(["sector", "bunker", "year"], as_index=False)["value"].sum()
            rows.add(gb, "Final Energy|Bunkers|" + gb.bunker, "EJ/yr", gb.value, "iamc")


def _carriers(rows: Rows, g: pd.DataFrame, stem: pd.Series, file: str) -> None:
    """Rows of `g` (sector, carrier, year, value in EJ/yr) under `stem`: the total, each first-level
    carrier (Solids) and each second-level one (Solids|Coal)."""
    g = g.assign(stem=stem.to_numpy())
    top = g.groupby(["sector", "stem", "year"], as_index=False)["value"].sum()
    rows.add(top, top.stem, "EJ/yr", top.value, file)
    g["level1"] = g.carrier.str.split("|").str[0]
    one = g.groupby(["sector", "stem", "level1", "year"], as_index=False)["value"].sum()
    rows.add(one, one.stem + "|" + one.level1, "EJ/yr", one.value, file)
    two = g[g.carrier.str.contains("|", regex=False)]
    two = two.groupby(["sector", "stem", "carrier", "year"], as_index=False)["value"].sum()
    rows.add(two, two.stem + "|" + two.carrier, "EJ/yr", two.value, file)
