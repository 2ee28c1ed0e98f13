"""The IAMC table (the community's exchange format) from a codelist kept in models/iamc/.

`models/iamc/variables.yaml` lists the variables under `variables:` (templates with {Sector}, {SectorGroup},
{Carrier}, {Product}, {ProductLabel}, {Technology}), each with its unit and whether it is an
aggregate; `models/iamc/tags.yaml` names planner's sectors, products, carriers and technologies.
The table has columns model, scenario, region, variable, unit and one per model year.

Values: emissions, capture and storage in Mt CO2/yr; energy bought in EJ/yr (PJ x 0.001);
products in their tag's unit (Mt/yr, bn tkm/yr, bn pkm/yr, EJ/yr for fuels made inside a sector);
investment in billion USD/yr (million x 0.001); carbon price in USD/t CO2. Fuel saved by
efficiency measures (`saving` technologies) is neither production nor capacity, so it has no row.
An aggregate equals the sum of the variables one level below it in the same table.

A sector, product, carrier or technology missing from the tags gets a label derived from its name
(and check_iamc reports it as not in the codelist), so a run never fails on the export.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.data import ModelData
from planner.errors import InputError, Problem

MODEL = "planner"
REGION = "World"
TAG = re.compile(r"\{(\w+)\}")


@dataclass
class Codelist:
    """Variable templates and tags of the IAMC export."""

    templates: dict[str, dict] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    """sector id -> path (Industry|Cement)"""
    products: dict[str, dict] = field(default_factory=dict)
    """'sector.commodity' -> {label, variable, unit, factor}"""
    carriers: dict[str, dict] = field(default_factory=dict)
    """commodity -> {label, unit, factor}"""
    technologies: dict[str, str] = field(default_factory=dict)
    """'sector.tech' -> label"""
    not_energy: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, folder: Path) -> Codelist:
        """The codelist in `folder` (empty if the folder has none: every label is then derived).

        A malformed file raises InputError naming file, line and key.
        """
        from planner.schema.load import Tracked

        out = cls()
        var_file, tag_file = folder / "variables.yaml", folder / "tags.yaml"
        problems: list[Problem] = []
        if var_file.exists():
            raw = Tracked.read(var_file)
            if not isinstance(raw.data, dict) or not isinstance(raw.data.get("variables"), list):
                raise InputError([raw.problem(("variables",), "needs 'sources:' and a 'variables:' list")])
            for i, entry in enumerate(raw.data["variables"]):
                if not (isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry.values())), dict)
                        and "unit" in next(iter(entry.values()))):
                    problems.append(raw.problem(("variables", i),
                                                "each entry is 'Variable|Name: {unit: ..., description: ...}'"))
                    continue
                ((name, spec),) = entry.items()
                out.templates[name] = spec
        if tag_file.exists():
            raw = Tracked.read(tag_file)
            tags = raw.data or {}
            needs = {"Sector": ["path"], "Product": ["label", "variable", "unit", "factor"],
                     "Carrier": ["label", "unit", "factor"], "Technology": ["label"]}
            for kind, keys in needs.items():
                for key, spec in (tags.get(kind) or {}).items():
                    missing = [k for k in keys if not isinstance(spec, dict) or k not in spec]
                    if missing:
                        problems.append(raw.problem((kind, key), f"needs {', '.join(missing)}"))
            if not problems:
                out.sectors = {k: v["path"] for k, v in (tags.get("Sector") or {}).items()}
                out.products = dict(tags.get("Product") or {})
                out.carriers = dict(tags.get("Carrier") or {})
                out.technologies = {k: v["label"] for k, v in (tags.get("Technology") or {}).items()}
                out.not_energy = set(tags.get("NotEnergy") or [])
        if problems:
            raise InputError(problems)
        return out

    def sector(self, d: ModelData, s: str) -> str:
        """The path of sector instance `s` (its sector's: a region is the table's region column)."""
        base = d.base(s)
        return self.sectors.get(base) or f"Other|{d.sector_names.get(base, base.title())}"

    def product(self, d: ModelData, s: str, c: str) -> dict:
        if f"{d.base(s)}.{c}" in self.products:
            return self.products[f"{d.base(s)}.{c}"]
        unit = str(d.balances["unit"].get((s, c), d.units[s]))
        label = c.replace("_", " ").title()
        return {"label": label, "variable": f"Production|{label}", "unit": f"{unit}/yr", "factor": 1.0}

    def technology(self, d: ModelData, s: str, k: str) -> str:
        return self.technologies.get(f"{d.base(s)}.{k}") or str(d.techs["name"].get((s, k), k)).replace("|", "/")

    def carrier(self, c: str, unit: str) -> dict | None:
        """The carrier of commodity `c` (a regional copy 'c@REGION' is its commodity's carrier)."""
        c = c.partition("@")[0]
        if c in self.carriers:
            return self.carriers[c]
        if unit == "PJ" and c not in self.not_energy:
            return {"label": c.replace("_", " ").title(), "unit": "EJ/yr", "factor": 0.001}
        return None

    def expand(self) -> dict[str, tuple[str, bool]]:
        """Every variable the codelist allows: name -> (unit, aggregate). A product's technologies
        are those of the product's sector."""
        paths = list(self.sectors.values())
        groups = sorted({p.split("|")[0] for p in paths})
        carriers = sorted({c["label"] for c in self.carriers.values()})
        techs: dict[str | None, list[str]] = {None: sorted(set(self.technologies.values()))}
        for key, label in self.technologies.items():
            techs.setdefault(key.split(".", 1)[0], []).append(label)
        out: dict[str, tuple[str, bool]] = {}
        for name, spec in self.templates.items():
            tags = TAG.findall(name)
            agg = bool(spec.get("aggregate", False))
            product_tags = {"Product", "ProductLabel"} & set(tags)
            rest = [t for t in tags if t not in product_tags]
            products = list(self.products.items()) if product_tags else [(None, None)]
            for key, prod in products:
                options = {"Sector": paths, "SectorGroup": groups, "Carrier": carriers,
                           "Technology": techs.get(key.split(".", 1)[0] if key else None, [])}
                unit = prod["unit"] if spec["unit"] == "product" and prod else spec["unit"]
                for combo in itertools.product(*(options[t] for t in rest)):
                    values = dict(zip(rest, combo))
                    if prod:
                        values.update(Product=prod["variable"], ProductLabel=prod["label"])
                    out[name.format(**values)] = (unit, agg)
        return out


def iamc_table(d: ModelData, tables: dict[str, pd.DataFrame], codelist: Codelist) -> pd.DataFrame:
    """The run's variables in IAMC wide format (one column per model year): region World, and with a
    region set one block per region (named as the set names it, e.g. 'China+ (R10)')."""
    long = iamc_long(d, tables, codelist)
    long["region"] = long.region.map(lambda r: d.region_names.get(r, r))
    wide = long.pivot_table(index=["region", "variable", "unit"], columns="year", values="value", aggfunc="sum",
                            fill_value=0.0)
    wide = wide.reset_index()
    wide.columns = [str(c) for c in wide.columns]
    order = {r: i for i, r in enumerate([REGION, *d.region_names.values()])}
    wide = wide.sort_values(["region", "variable"], key=lambda c: c.map(order) if c.name == "region" else c)
    wide.insert(0, "scenario", d.scenario)
    wide.insert(0, "model", MODEL)
    return wide.reset_index(drop=True)


def iamc_long(d: ModelData, tables: dict[str, pd.DataFrame], cl: Codelist) -> pd.DataFrame:
    """region, variable, unit, year, value: every variable of the codelist the run can fill.

    Rows are made per sector instance and summed within its region; the World block is the sum over
    every instance (a sector the region set does not split counts in World only). Prices are not
    summed: the global carbon price is World's, a sector instance's own price its region's.
    """
    path = {s: cl.sector(d, s) for s in d.sectors}
    region = {s: d.region_of.get(s, REGION) for s in d.sectors}
    rows: list[pd.DataFrame] = []
    prices_rows: list[pd.DataFrame] = []

    def add(df: pd.DataFrame, variable: pd.Series | str, unit: pd.Series | str, value: pd.Series,
            to: list[pd.DataFrame] = rows) -> None:
        where = df["sector"].map(region).to_numpy() if "sector" in df else df["region"].to_numpy()
        to.append(pd.DataFrame({"region": where, "variable": variable, "unit": unit,
                                "year": df["year"].to_numpy(), "value": value.to_numpy()}, index=df.index))

    def by_sector(df: pd.DataFrame, stem: str, unit: str, column: str = "value", factor: float = 1.0) -> None:
        g = df.groupby(["sector", "year"], as_index=False)[column].sum()
        g = g.assign(p=g.sector.map(path), grp=g.sector.map(path).str.split("|").str[0])
        add(g, stem + "|" + g.p, unit, g[column] * factor)
        g["region"] = g.sector.map(region)
        gg = g.groupby(["region", "grp", "year"], as_index=False)[column].sum()
        add(gg, stem + "|" + gg.grp, unit, gg[column] * factor)
        tot = g.groupby(["region", "year"], as_index=False)[column].sum()
        add(tot, stem, unit, tot[column] * factor)

    em = tables["emissions"]
    by_sector(em, "Emissions|CO2", "Mt CO2/yr")
    add(em, "Emissions|CO2|Scope 2|" + em.sector.map(path), "Mt CO2/yr", em.scope2)
    by_sector(em, "Carbon Capture", "Mt CO2/yr", column="captured")
    use = tables["commodity_use"]
    if d.capture_sink is not None:
        stored = use[use.commodity == d.capture_sink]
        if not stored.empty:
            by_sector(stored, "Carbon Sequestration|CCS", "Mt CO2/yr")
    made = d.commodities["supplied_by"].dropna().to_dict()
    # what a supply sector makes is its output (Secondary Energy), not energy it uses
    energy = [(i, cl.carrier(c, u)) for i, s, c, u in zip(use.index, use.sector, use.commodity, use.unit)
              if made.get(c) != s]
    energy = [(i, c) for i, c in energy if c is not None]
    if energy:
        e = use.loc[[i for i, _ in energy]].copy()
        e["carrier"] = [c["label"] for _, c in energy]
        e["value"] = e.value * [c["factor"] for _, c in energy]
        e = e.groupby(["sector", "carrier", "year"], as_index=False)["value"].sum()
        add(e, "Final Energy|" + e.sector.map(path) + "|" + e.carrier, "EJ/yr", e.value)
        by_sector(e, "Final Energy", "EJ/yr")
    inv = tables.get("investment")
    if inv is not None and not inv.empty:
        by_sector(inv, "Investment", f"billion {_money(d)}/yr", factor=0.001)
    prices = tables["prices"]
    cp = prices[prices.name == "carbon_price"].assign(region=REGION)
    add(cp, pd.Series("Price|Carbon", index=cp.index), f"{_money(d)}/t CO2", cp.value, prices_rows)
    for s in d.sectors:
        own = prices[prices.name == f"carbon_price|{s}"].assign(sector=s)
        add(own, pd.Series("Price|Carbon|" + path[s], index=own.index), f"{_money(d)}/t CO2", own.value,
            prices_rows)
    outputs = d.techs["output"].to_dict()
    savings = d.techs.index[d.techs["saving"].astype(bool)]
    for table, stem in (("production", None), ("capacity", "Capacity"), ("new_capacity", "Capacity Additions")):
        t = tables[table]
        t = t[~pd.MultiIndex.from_arrays([t.sector, t.technology]).isin(savings)]
        if t.empty:
            continue
        prod = [cl.product(d, s, outputs[(s, k)]) for s, k in zip(t.sector, t.technology)]
        base = pd.Series([p["variable"] if stem is None else f"{stem}|{p['label']}" for p in prod], index=t.index)
        unit = pd.Series([p["unit"] for p in prod], index=t.index)
        value = t.value * [float(p["factor"]) for p in prod]
        tech = pd.Series([cl.technology(d, s, k) for s, k in zip(t.sector, t.technology)], index=t.index)
        add(t, base + "|" + tech, unit, value)
        add(t, base, unit, value)
    keys = ["region", "variable", "unit", "year"]
    out = pd.concat(rows, ignore_index=True)
    world = out.groupby(keys[1:], as_index=False)["value"].sum().assign(region=REGION)
    regional = out[out.region != REGION].groupby(keys, as_index=False)["value"].sum()
    prices_out = pd.concat(prices_rows, ignore_index=True).groupby(keys, as_index=False)["value"].sum()
    return pd.concat([world[keys + ["value"]], regional, prices_out], ignore_index=True)


def _money(d: ModelData) -> str:
    cur = d.notes.get("currency", "USD")
    m = re.fullmatch(r"([A-Z]{3})(\d{4})", cur)
    return f"{m.group(1)}_{m.group(2)}" if m else cur


def check_iamc(table: pd.DataFrame, codelist: Codelist, tolerance: float = 1e-6,
               regions: set[str] | None = None) -> list[str]:
    """Problems of an IAMC table against the codelist: unknown variables, wrong units, aggregates
    that do not equal the sum of their components (within each region), regions outside `regions`
    (when given). Empty when the table is valid."""
    allowed = codelist.expand()
    problems = []
    years = [c for c in table.columns if c.isdigit()]
    for var, unit in zip(table.variable, table.unit):
        if var not in allowed:
            problems.append(f"variable {var!r} is not in the codelist")
        elif allowed[var][0] != unit and not _same_money_unit(allowed[var][0], unit):
            problems.append(f"variable {var!r} has unit {unit!r}, the codelist says {allowed[var][0]!r}")
    if regions is not None:
        problems += [f"region {r!r} is not World or a region of the run's region set"
                     for r in table.region.unique() if r not in regions]
    for where, block in table.groupby("region", sort=False):
        values = block.set_index("variable")[years]
        if values.index.has_duplicates:
            problems.append(f"region {where!r} lists a variable twice")
            continue
        label = "" if where == REGION else f" in {where}"
        for var in values.index:
            if var not in allowed or not allowed[var][1]:
                continue
            children = [v for v in values.index if v.startswith(var + "|") and "|" not in v[len(var) + 1:]]
            if not children:
                continue
            total = values.loc[children].sum()
            gap = (values.loc[var] - total).abs()
            scale = values.loc[var].abs().clip(lower=1.0)
            bad = gap[gap > tolerance * scale]
            if len(bad):
                y = bad.index[0]
                problems.append(f"aggregate {var!r}{label} is {values.loc[var, y]:.6g} in {y} but its components "
                                f"sum to {total[y]:.6g}")
    return problems


def _same_money_unit(expected: str, unit: str) -> bool:
    """USD_2020 in the codelist stands for the scenario's currency (e.g. EUR_2022 is fine)."""
    return re.sub(r"[A-Z]{3}_\d{4}", "CUR", expected) == re.sub(r"[A-Z]{3}_\d{4}", "CUR", unit)


def write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """The IAMC table as an Excel workbook with the data on sheet 'data' (as pyam reads it)."""
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        table.to_excel(xw, sheet_name="data", index=False)
