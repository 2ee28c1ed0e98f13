"""The IAMC tables (the community's exchange format) from the codelist kept in models/iamc/.

Two files: `iamc.csv` holds the variables that the IAMC common-definitions codelists name (checked
with nomenclature in tests/test_iamc_common.py against the copy in tests/data/common-definitions),
`iamc_planner.csv` planner's own detail (technology output, capacity, scope 2, sector totals,
investment by sector) under names common-definitions does not use. Together they are one IAMC
table whose aggregates add up.

`models/iamc/variables.yaml` lists the variables under `variables:` (templates, each with its unit,
its file and whether it is an aggregate); `models/iamc/tags.yaml` names planner's sectors, products,
carriers and technologies, maps them to common-definitions paths and holds the money deflator and
the international (bunker) shares of aviation and shipping. The rows are made in iamc_rows.py.
The tables have columns model, scenario, region, variable, unit and one per model year.

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
FILES = ("iamc", "planner")
COMMON_KEYS = ("final_energy", "non_energy", "emissions", "process_emissions", "capture", "process_capture")
"""keys of a Sector or Product tag that name a common-definitions path (tags.yaml)"""
TAG_KEYS = {"FinalEnergy": ("final_energy",), "NonEnergy": ("non_energy",),
            "Emissions": ("emissions", "process_emissions"), "Capture": ("capture", "process_capture")}


@dataclass
class Codelist:
    """Variable templates and tags of the IAMC export."""

    templates: dict[str, dict] = field(default_factory=dict)
    sectors: dict[str, dict] = field(default_factory=dict)
    """sector id -> {path, and the common-definitions paths of COMMON_KEYS it has}"""
    products: dict[str, dict] = field(default_factory=dict)
    """'sector.commodity' -> {label, variable, unit, factor, file, and COMMON_KEYS overrides}"""
    carriers: dict[str, dict] = field(default_factory=dict)
    """commodity -> {label, unit, factor, non_energy}"""
    technologies: dict[str, str] = field(default_factory=dict)
    """'sector.tech' -> label"""
    routes: dict[str, str] = field(default_factory=dict)
    """'sector.tech' -> route below its product (Primary, Secondary, a drive type)"""
    fuels: dict[str, str] = field(default_factory=dict)
    """'sector.tech' -> carrier of the fuel the plant makes for its sector's vehicles"""
    not_energy: set[str] = field(default_factory=set)
    money: dict = field(default_factory=dict)
    """{from, unit, factor}: the scenario currency `from` is written as `unit` times `factor`"""
    bunkers: dict[str, dict] = field(default_factory=dict)
    """sector id -> {bunker, international_share}"""

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
                if spec.get("file", "planner") not in FILES:
                    problems.append(raw.problem(("variables", i, name, "file"), "is iamc or planner"))
                out.templates[name] = spec
        if tag_file.exists():
            raw = Tracked.read(tag_file)
            tags = raw.data or {}
            needs = {"Sector": ["path"], "Product": ["label", "variable", "unit", "factor"],
                     "Carrier": ["label", "unit", "factor"], "Technology": ["label"],
                     "Bunkers": ["bunker", "international_share"]}
            for kind, keys in needs.items():
                for key, spec in (tags.get(kind) or {}).items():
                    missing = [k for k in keys if not isinstance(spec, dict) or k not in spec]
                    if missing:
                        problems.append(raw.problem((kind, key), f"needs {', '.join(missing)}"))
            money = tags.get("Money")
            if money is not None and not (isinstance(money, dict) and {"from", "unit", "factor"} <= set(money)):
                problems.append(raw.problem(("Money",), "needs from, unit, factor"))
            if not problems:
                out.sectors = {k: dict(v) for k, v in (tags.get("Sector") or {}).items()}
                out.products = dict(tags.get("Product") or {})
                out.carriers = dict(tags.get("Carrier") or {})
                techs = tags.get("Technology") or {}
                out.technologies = {k: v["label"] for k, v in techs.items()}
                out.routes = {k: v["route"] for k, v in techs.items() if "route" in v}
                out.fuels = {k: v["carrier"] for k, v in techs.items() if "carrier" in v}
                out.not_energy = set(tags.get("NotEnergy") or [])
                out.money = dict(money or {})
                out.bunkers = {k: dict(v) for k, v in (tags.get("Bunkers") or {}).items()}
        if problems:
            raise InputError(problems)
        return out

    def sector(self, d: ModelData, s: str) -> str:
        """The path of sector instance `s` in iamc_planner.csv (its sector's: a region is the
        table's region column)."""
        base = d.base(s)
        spec = self.sectors.get(base)
        return spec["path"] if spec else f"Other|{d.sector_names.get(base, base.title())}"

    def common(self, d: ModelData, s: str, product: str | None, key: str) -> str | None:
        """The common-definitions path `key` (COMMON_KEYS) of what sector instance `s` does to make
        `product`: the product's own entry, else its sector's; None when common-definitions has no
        name for it."""
        base = d.base(s)
        spec = self.products.get(f"{base}.{product}", {})
        return spec.get(key, self.sectors.get(base, {}).get(key))

    def product(self, d: ModelData, s: str, c: str) -> dict:
        if f"{d.base(s)}.{c}" in self.products:
            return {"file": "planner", **self.products[f"{d.base(s)}.{c}"]}
        unit = str(d.balances["unit"].get((s, c), d.units[s]))
        label = c.replace("_", " ").title()
        return {"label": label, "variable": f"Production|{label}", "unit": f"{unit}/yr", "factor": 1.0,
                "file": "planner"}

    def technology(self, d: ModelData, s: str, k: str) -> str:
        """A technology's label, preceded by its route if it has one (Secondary|Scrap EAF)."""
        key = f"{d.base(s)}.{k}"
        label = self.technologies.get(key) or str(d.techs["name"].get((s, k), k)).replace("|", "/")
        return f"{self.routes[key]}|{label}" if key in self.routes else label

    def route(self, d: ModelData, s: str, k: str) -> str | None:
        return self.routes.get(f"{d.base(s)}.{k}")

    def fuel(self, d: ModelData, s: str, k: str) -> str | None:
        """The carrier of the fuel technology `k` makes for its sector's vehicles, if it is such a plant."""
        return self.fuels.get(f"{d.base(s)}.{k}")

    def carrier(self, c: str, unit: str) -> dict | None:
        """The carrier of commodity `c` (a regional copy 'c@REGION' is its commodity's carrier)."""
        c = c.partition("@")[0]
        if c in self.carriers:
            return self.carriers[c]
        if unit == "PJ" and c not in self.not_energy:
            return {"label": c.replace("_", " ").title(), "unit": "EJ/yr", "factor": 0.001}
        return None

    def currency(self, d: ModelData) -> tuple[str, float]:
        """The money unit written (USD_2010) and the factor from the scenario's currency to it; a
        currency the tags do not convert is written as it is (USD_2020 for USD2020)."""
        cur = d.notes.get("currency", "USD")
        if self.money and cur == self.money["from"]:
            return str(self.money["unit"]), float(self.money["factor"])
        m = re.fullmatch(r"([A-Z]{3})(\d{4})", cur)
        return (f"{m.group(1)}_{m.group(2)}" if m else cur), 1.0

    def expand(self) -> dict[str, tuple[str, bool, str]]:
        """Every variable the codelist allows: name -> (unit, aggregate, file). A product's
        technologies are those of the product's sector."""
        carriers = {c["label"] for c in self.carriers.values()} | set(self.fuels.values())
        carriers |= {c.split("|")[0] for c in carriers}
        options: dict[str, list[str]] = {
            "Sector": [v["path"] for v in self.sectors.values()], "Carrier": sorted(carriers),
            "Bunker": sorted({b["bunker"] for b in self.bunkers.values()})}
        for tag, keys in TAG_KEYS.items():
            found = {spec[k] for spec in [*self.sectors.values(), *self.products.values()] for k in keys if k in spec}
            options[tag] = sorted(found)
        techs: dict[str, list[str]] = {}
        routes: dict[str, set[str]] = {}
        for key, label in self.technologies.items():
            sector = key.split(".", 1)[0]
            route = self.routes.get(key)
            techs.setdefault(sector, []).append(f"{route}|{label}" if route else label)
            if route:
                routes.setdefault(sector, set()).add(route)
        out: dict[str, tuple[str, bool, str]] = {}
        product_tags = {"Product", "PlannerProduct", "ProductLabel"}
        for name, spec in self.templates.items():
            tags = TAG.findall(name)
            agg, file = bool(spec.get("aggregate", False)), spec.get("file", "planner")
            used = product_tags & set(tags)
            rest = [t for t in tags if t not in product_tags and t not in ("Technology", "Route")]
            if used:
                want = "iamc" if "Product" in used else "planner" if "PlannerProduct" in used else None
                products = [(k, {"file": "planner", **p}) for k, p in self.products.items()]
                products = [(k, p) for k, p in products if want is None or p["file"] == want]
            else:
                products = [(None, None)]
            for key, prod in products:
                sector = key.split(".", 1)[0] if key else None
                local = {**options, "Technology": techs.get(sector, []) if sector else [],
                         "Route": sorted(routes.get(sector, set())) if sector else []}
                unit = prod["unit"] if spec["unit"] == "product" and prod else spec["unit"]
                more = [t for t in tags if t in ("Technology", "Route")]
                for combo in itertools.product(*(local[t] for t in rest + more)):
                    values = dict(zip(rest + more, combo))
                    if prod:
                        values.update(Product=prod["variable"], PlannerProduct=prod["variable"],
                                      ProductLabel=prod["label"])
                    out[name.format(**values)] = (unit, agg, file)
        return out


def iamc_tables(d: ModelData, tables: dict[str, pd.DataFrame], codelist: Codelist
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """iamc.csv (common-definitions names) and iamc_planner.csv (planner's detail) in IAMC wide
    format (one column per model year): region World, and with a region set one block per region
    (named as the set names it, e.g. 'China+ (R10)')."""
    from planner.results.iamc_rows import iamc_long

    long = iamc_long(d, tables, codelist)
    long["region"] = long.region.map(lambda r: d.region_names.get(r, r))
    years = sorted(long.year.unique())
    out = []
    for file in FILES:
        part = long[long.file == file]
        wide = part.pivot_table(index=["region", "variable", "unit"], columns="year", values="value",
                                aggfunc="sum", fill_value=0.0).reindex(columns=years, fill_value=0.0)
        wide = wide.reset_index()
        wide.columns = [str(c) for c in wide.columns]
        order = {r: i for i, r in enumerate([REGION, *d.region_names.values()])}
        wide = wide.sort_values(["region", "variable"], key=lambda c: c.map(order) if c.name == "region" else c)
        wide.insert(0, "scenario", d.scenario)
        wide.insert(0, "model", MODEL)
        out.append(wide.reset_index(drop=True))
    return out[0], out[1]


def iamc_table(d: ModelData, tables: dict[str, pd.DataFrame], codelist: Codelist) -> pd.DataFrame:
    """Both IAMC files of a run as one table (iamc.csv's rows, then iamc_planner.csv's)."""
    return pd.concat(iamc_tables(d, tables, codelist), ignore_index=True)


def check_iamc(table: pd.DataFrame, codelist: Codelist, tolerance: float = 1e-6,
               regions: set[str] | None = None, file: str | None = None) -> list[str]:
    """Problems of an IAMC table against the codelist: unknown variables (or, given `file`, ones of
    the other file), wrong units, aggregates that do not equal the sum of their components (within
    each region), regions outside `regions` (when given). Empty when the table is valid. Check both
    files together (iamc_table, or the two csv files concatenated) for the aggregates to add up."""
    allowed = codelist.expand()
    problems = []
    years = [c for c in table.columns if c.isdigit()]
    for var, unit in zip(table.variable, table.unit):
        if var not in allowed:
            problems.append(f"variable {var!r} is not in the codelist")
        elif allowed[var][0] != unit and not _same_money_unit(allowed[var][0], unit):
            problems.append(f"variable {var!r} has unit {unit!r}, the codelist says {allowed[var][0]!r}")
        elif file is not None and allowed[var][2] != file:
            problems.append(f"variable {var!r} belongs in the {allowed[var][2]} file")
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


def check_files(common: pd.DataFrame, planner: pd.DataFrame, codelist: Codelist,
                regions: set[str] | None = None) -> list[str]:
    """Problems of a run's two IAMC tables: check_iamc over both together (aggregates span them),
    and each variable in the file its codelist entry names."""
    both = check_iamc(pd.concat([common, planner], ignore_index=True), codelist, regions=regions)
    placed = [p for table, file in ((common, "iamc"), (planner, "planner"))
              for p in check_iamc(table, codelist, file=file) if "belongs in" in p]
    return both + placed


def _same_money_unit(expected: str, unit: str) -> bool:
    """USD_2010 in the codelist stands for the money unit written (a currency the tags do not
    convert, e.g. EUR_2022, is written as it is)."""
    return re.sub(r"[A-Z]{3}_\d{4}", "CUR", expected) == re.sub(r"[A-Z]{3}_\d{4}", "CUR", unit)


def write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """The IAMC table as an Excel workbook with the data on sheet 'data' (as pyam reads it)."""
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        table.to_excel(xw, sheet_name="data", index=False)
