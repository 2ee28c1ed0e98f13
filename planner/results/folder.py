"""A finished run read back from its results folder (for report, compare and charts).

Only files are read: the report of a run can be made on another machine, later, from the folder
alone. A folder that is not a finished run, or predates a table the report needs, gives an
InputError naming the folder and the missing file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from planner.errors import InputError, Problem, display_path

ADDITIVE = ["emissions", "production", "capacity", "new_capacity", "retired_capacity", "costs", "investment",
            "resources", "stranded_assets", "commodity_use", "captured_co2", "milestones", "plants"]
"""Tables RunFolder.by_sector keeps, each row's sector renamed from its instance: quantities that add
up over a sector's regional instances (and milestones.csv, one row per milestone)."""

NEEDED = ["emissions", "production", "capacity", "new_capacity", "costs", "prices", "milestones",
          "technologies", "investment", "lcop", "green_premium", "macc", "resources", "plants",
          "stranded_assets", "intensity"]


@dataclass
class RunFolder:
    """A results folder: its tables by name, run.json and the resolved scenario."""

    path: Path
    record: dict
    scenario: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def sectors(self) -> list[str]:
        return list(self.record.get("sectors", []))

    def sector_name(self, s: str) -> str:
        return self.record.get("sector_names", {}).get(s, s.title())

    @property
    def currency(self) -> str:
        return str(self.record.get("currency", "USD"))

    @property
    def label(self) -> str:
        return f"{self.record.get('scenario', self.path.parent.name)} / {self.path.name}"

    def lengths(self) -> dict[int, int]:
        """Years each model year stands for (run.json `period_lengths`; 1 each for a run written
        before it was recorded)."""
        given = self.record.get("period_lengths")
        if given:
            return {int(y): int(n) for y, n in given.items()}
        return {int(y): 1 for y in sorted(self.tables["emissions"].year.unique())}

    @property
    def regions(self) -> dict[str, str]:
        """Region code -> name of the run's region set (empty for a run without one)."""
        return dict((self.record.get("regions") or {}).get("names", {}))

    def region_of(self, instance: str) -> str:
        """The region of a sector instance ('steel@R10EUROPE' -> 'R10EUROPE'; 'World' if unsplit)."""
        return instance.partition("@")[2] or "World"

    def by_sector(self) -> RunFolder:
        """The run with each sector's regional instances folded into the sector, for figures that
        add up over regions (ADDITIVE tables; technologies once per sector). A run without a region
        set is returned as it is. Per-unit tables (lcop, prices of a sector, intensity) are left out:
        they do not add up over regions."""
        if not self.regions:
            return self
        tables = {name: _fold(self.tables[name]) for name in ADDITIVE if name in self.tables}
        prices = self.tables["prices"]
        tables["prices"] = prices[~prices.name.str.contains("|", regex=False)]
        tech = self.tables["technologies"]
        tables["technologies"] = _fold(tech).drop_duplicates(["sector", "technology"])
        names = dict(self.record["regions"].get("sectors", {}))
        sectors = list(dict.fromkeys(s.partition("@")[0] for s in self.sectors))
        record = {**self.record, "sectors": sectors,
                  "sector_names": {s: names.get(s, self.sector_name(s)) for s in sectors}}
        return RunFolder(self.path, record, self.scenario, tables)

    def tech_names(self) -> dict[tuple[str, str], str]:
        t = self.tables["technologies"]
        return {(s, k): n for s, k, n in zip(t.sector, t.technology, t.name)}


def read_run(path: Path | str) -> RunFolder:
    """Read a finished run's folder; InputError if it is not one or lacks a table."""
    path = Path(path)
    where = display_path(path)
    if not (path / "run.json").is_file():
        raise InputError([Problem(where, None, "", "not a results folder of a finished run (no run.json); "
                                  "results folders are results/<scenario>/<sectors>/")])
    record = json.loads((path / "run.json").read_text(encoding="utf-8"))
    missing = [n for n in NEEDED if not (path / f"{n}.csv").is_file()]
    if missing:
        raise InputError([Problem(where, None, "", f"{', '.join(m + '.csv' for m in missing)} missing: the run was "
                                  "written by an older planner; run it again (python -m planner run ...)")])
    scenario = {}
    if (path / "scenario.yaml").is_file():
        scenario = yaml.safe_load((path / "scenario.yaml").read_text(encoding="utf-8")) or {}
    tables = {p.stem: _instances(pd.read_csv(p)) for p in sorted(path.glob("*.csv"))}
    return RunFolder(path, record, scenario, tables)


def _fold(table: pd.DataFrame) -> pd.DataFrame:
    """The table with each sector instance named by its sector."""
    return table.assign(sector=[str(s).partition("@")[0] for s in table["sector"]])


def _instances(table: pd.DataFrame) -> pd.DataFrame:
    """A regional run's table (columns sector, region) with `sector` holding the sector instance
    ('steel@R10EUROPE'), as the run held it: the report and compare read instances as sectors."""
    if "region" not in table.columns or "sector" not in table.columns:
        return table
    out = table.drop(columns="region")
    out["sector"] = [s if r == "World" else f"{s}@{r}" for s, r in zip(table["sector"], table["region"])]
    return out
