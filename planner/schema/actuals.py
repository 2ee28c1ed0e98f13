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
| capacity, production | group or technology (production: or product) | <product unit>/yr |
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
from planner.schema.yaml_lines import load_yaml

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
        if self.metric in ("output_share", "sales_share", "capacity") and not (self.group or self.technology):
            raise ValueError(f"metric {self.metric} needs a 'group' or a 'technology'")
        if self.metric == "production" and not (self.group or self.technology or self.product):
            raise ValueError("metric production needs a 'group', a 'technology' or a 'product'")
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
