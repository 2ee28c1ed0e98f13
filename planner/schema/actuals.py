"""Actuals: what a sector reported it built, produced and emitted, to track a plan against.

An actuals file is a CSV with the columns ``sector, metric, year, value, unit, source`` and the
optional ``technology, group, commodity, product`` (a YAML list of the same rows also works). Each
row is one published figure of one of the milestone metrics (planner/milestones.py):

| metric | needs | unit (as the plan states it) |
| --- | --- | --- |
| emissions | | MtCO2/yr |
| intensity | product | tCO2/<product unit> (kgCO2/tkm, kgCO2/RPK) |
| output_share, sales_share | group or technology | fraction |
| input_share | commodity (several: `;`-separated) | fraction |
| capacity, production | group or technology | <product unit>/yr |
| commodity_use | commodity (several: `;`-separated) | <commodity unit>/yr |

`sector` is a sector id, or ``sector@REGION`` for one region of a run with a region set. Every
problem names file, line and column (key); the whole file is checked before anything is used.
Whether sectors, groups and units match a run is checked against that run (planner/results/tracking.py).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planner.errors import InputError, Problem, display_path
from planner.schema.common import Strict
from planner.schema.load import Tracked, validate_model
from planner.schema.scenario import INTENSITY_UNITS, Milestone
from planner.schema.sector import SectorFile
from planner.schema.yaml_lines import load_yaml

ACTUAL = "actual "
"""Prefix of the milestones that hold a re-plan to its actuals (planner/history.py keeps those of the
first model year in the history solve)."""
REQUIRED = ("sector", "metric", "year", "value", "unit", "source")
OPTIONAL = ("technology", "group", "commodity", "product")
Metric = Literal["emissions", "intensity", "output_share", "sales_share", "input_share", "capacity",
                 "production", "commodity_use"]


class Actual(Strict):
    """One reported figure: the value of `metric` for `sector` in `year`, from `source`."""

    sector: str = Field(min_length=1)
    metric: Metric
    year: int = Field(ge=1900, le=2200)
    value: float
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    technology: str | None = None
    group: str | None = None
    commodity: str | None = None
    product: str | None = None
    line: int | None = Field(default=None, exclude=True)
    """line of the row in its file (set by the loader, for messages)"""

    @model_validator(mode="after")
    def _selector(self) -> Actual:
        if self.metric in ("output_share", "sales_share", "capacity", "production") and not (self.group
                                                                                          or self.technology):
            raise ValueError(f"metric {self.metric} needs a 'group' or a 'technology'")
        if self.metric in ("input_share", "commodity_use") and not self.commodity:
            raise ValueError(f"metric {self.metric} needs a 'commodity' (several: separated by ';')")
        if self.metric == "intensity" and not self.product:
            raise ValueError("metric intensity needs the 'product' it is measured per")
        if self.group and self.technology:
            raise ValueError("give a 'group' or a 'technology', not both")
        if self.metric in ("output_share", "sales_share", "input_share") and not 0 <= self.value <= 1:
            raise ValueError(f"a {self.metric} is a fraction between 0 and 1 (got {self.value})")
        return self

    @property
    def commodities(self) -> list[str]:
        return [c.strip() for c in (self.commodity or "").split(";") if c.strip()]

    @property
    def selector(self) -> str:
        """What the figure is of, beyond its sector: 'group=primary', 'commodity=hydrogen', ..."""
        parts = [f"{k}={getattr(self, k)}" for k in OPTIONAL if getattr(self, k)]
        return ", ".join(parts)


def load_actuals(path: Path | str) -> list[Actual]:
    """Read and check an actuals file (.csv, or .yaml/.yml holding a list of rows).

    Raises InputError listing every problem with file, line and column; an empty file is one."""
    path = Path(path)
    name = display_path(path)
    if not path.is_file():
        raise InputError([Problem(name, None, "", "no such actuals file")])
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(path, name)
    elif path.suffix.lower() == ".csv":
        rows = _csv_rows(path, name)
    else:
        raise InputError([Problem(name, None, "", "an actuals file is a .csv (or a .yaml list of rows)")])
    if not rows:
        raise InputError([Problem(name, None, "", "no actuals in the file")])
    out, problems = [], []
    for raw, line in rows:
        actual, found = validate_model(Actual, raw)
        problems += found
        if actual is not None:
            out.append(actual.model_copy(update={"line": line}))
    seen: dict[tuple, int | None] = {}
    for a in out:
        key = (a.sector, a.metric, a.year, a.technology, a.group, a.commodity, a.product)
        if key in seen:
            problems.append(Problem(name, a.line, "year", f"the same figure is given twice ({a.sector} {a.metric} "
                                    f"{a.year}{', ' + a.selector if a.selector else ''}; first on line {seen[key]})"))
        seen.setdefault(key, a.line)
    if problems:
        raise InputError(problems)
    return out


def _csv_rows(path: Path, name: str) -> list[tuple[Tracked, int]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, None, "", f"not UTF-8 text (byte {exc.start}: {exc.reason})")]) from None
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader, [])]
    problems = [Problem(name, 1, col, f"missing required column {col!r}") for col in REQUIRED if col not in header]
    problems += [Problem(name, 1, col, f"unknown column {col!r}; columns: {', '.join(REQUIRED + OPTIONAL)}")
                 for col in header if col not in REQUIRED + OPTIONAL]
    if problems:
        raise InputError(problems)
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(name, line, "", f"{len(cells)} cells where the header has {len(header)}"))
            continue
        data = {k: v.strip() for k, v in zip(header, cells) if v.strip() or k in REQUIRED}
        origin = {(): (name, line), **{(k,): (name, line) for k in data}}
        rows.append((Tracked(data, origin, [path]), line))
    if problems:
        raise InputError(problems)
    return rows


def _yaml_rows(path: Path, name: str) -> list[tuple[Tracked, int | None]]:
    data, lines = load_yaml(path)
    if not isinstance(data, list):
        raise InputError([Problem(name, 1, "", "expected a list of rows (- sector: ..., metric: ..., ...)")])
    rows = []
    for i, item in enumerate(data):
        line = lines.get((i,))
        if not isinstance(item, dict):
            raise InputError([Problem(name, line, str(i), "each row is a map of the columns")])
        origin = {(): (name, line), **{(k,): (name, lines.get((i, k), line)) for k in item}}
        rows.append((Tracked(item, origin, [path]), line))
    return rows


def as_milestones(actuals: list[Actual], sectors: dict[str, SectorFile], start: int, end: int, file: str
                  ) -> tuple[dict[str, Milestone], list[Actual]]:
    """The actuals of a run's sectors and horizon as hard milestones ``min = max = value`` named
    ``actual <file>:<line> <sector> <metric> <selector> <year>`` (a re-plan holds each year with
    actuals to them); and the actuals left out (another sector, or a year outside the horizon).
    InputError naming the actuals file's line and column for a group, technology, product or
    commodity the sector does not have, or a unit other than the metric's."""
    out: dict[str, Milestone] = {}
    left: list[Actual] = []
    problems: list[Problem] = []
    for a in actuals:
        base = a.sector.partition("@")[0]
        sf = sectors.get(base)
        if sf is None or not start <= a.year <= end:
            left.append(a)
            continue
        problems += _references(a, sf, file)
        what = " ".join(x for x in (a.sector, a.metric, a.selector.replace(" ", ""), str(a.year)) if x)
        out[f"{ACTUAL}{file}:{a.line} {what}"] = Milestone(
            sector=a.sector, metric=a.metric, group=a.group, technology=a.technology, product=a.product,
            commodities=a.commodities, year=a.year, min=a.value, max=a.value,
            notes=f"actual from {a.source}")
    if problems:
        raise InputError(problems)
    return out, left


def _references(a: Actual, sf: SectorFile, file: str) -> list[Problem]:
    """An actual's selectors and unit against its sector file."""
    out = []
    groups = set(sf.groups) | {"near_zero"}
    if a.group and a.group not in groups:
        out.append(Problem(file, a.line, "group", f"{sf.sector} has no technology group {a.group!r} "
                                                  f"(groups: {', '.join(sorted(groups))})"))
    if a.technology and a.technology not in sf.technologies:
        out.append(Problem(file, a.line, "technology", f"{sf.sector} has no technology {a.technology!r}"))
    made = {c: d.unit for c, d in sf.commodities.items() if d.kind in ("product", "intermediate")}
    if a.product and a.product not in made:
        out.append(Problem(file, a.line, "product", f"{sf.sector} makes no {a.product!r} "
                                                    f"(it makes {', '.join(sorted(made))})"))
    if out:
        return out
    unit = _unit(a, sf, made)
    if unit is not None and a.unit != unit:
        out.append(Problem(file, a.line, "unit", f"{a.unit!r} is not the unit of {a.metric} here ({unit})"))
    return out


def _unit(a: Actual, sf: SectorFile, made: dict[str, str]) -> str | None:
    """The unit a metric is stated in for this sector (planner/milestones.py), where the sector file
    alone says it (not for commodity use of a commodity bought from models/commodities.yaml)."""
    if a.metric == "emissions":
        return "MtCO2/yr"
    if a.metric in ("output_share", "sales_share", "input_share"):
        return "fraction"
    if a.metric == "intensity":
        return INTENSITY_UNITS.get(made[a.product], f"MtCO2/{made[a.product]}")
    if a.metric in ("capacity", "production"):
        members = [a.technology] if a.technology else [
            k for k, t in sf.technologies.items() if (a.group in t.groups or (a.group == "near_zero" and t.near_zero))]
        units = {made.get(sf.technologies[k].output or "", "") for k in members}
        return f"{units.pop()}/yr" if len(units) == 1 and "" not in units else None
    units = {sf.commodities[c].unit for c in a.commodities if c in sf.commodities}
    return f"{units.pop()}/yr" if len(units) == 1 and len(a.commodities) == len(
        [c for c in a.commodities if c in sf.commodities]) else None
