"""The Python API for notebooks and scripts: run, load, report and compare, with pandas tables.

These names are the stable interface (documented in docs/api.md, whose examples a test runs);
everything else in the package may change between versions.

    from planner import api

    plan = api.run("cement", scenario="default")        # solve and write results/default/cement
    plan.table("emissions")                             # any results table as a DataFrame
    api.load("results/default/cement")                  # the same Plan, read back from its folder
    api.report(plan)                                    # report.html, report.md, charts/
    api.compare(plan, api.run("cement", scenario="base"))   # key figures side by side

Errors are raised, never printed: `planner.errors.InputError` for bad input (its message names
file, line and key), `planner.errors.SolveFailed` when the scenario cannot be met (explained in
its terms). Importing this module does not load Pyomo or HiGHS; `run` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.paths import ProjectPaths, project_paths
from planner.results.folder import RunFolder, read_run

__all__ = ["Plan", "compare", "load", "report", "run", "scenarios", "sectors"]


@dataclass
class Plan:
    """A solved run: its tables by name (the CSV files of its results folder), run.json as `record`,
    and the folder it was written to (None for a run solved with ``out=None``)."""

    tables: dict[str, pd.DataFrame]
    record: dict[str, Any]
    folder: Path | None = None
    scenario: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """A results table (`emissions`, `production`, `prices`, ... see docs/results.md), a copy."""
        if name not in self.tables:
            raise KeyError(f"no table {name!r}; tables: {', '.join(sorted(self.tables))}")
        return self.tables[name].copy()

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name)

    @property
    def names(self) -> list[str]:
        """The names of its tables."""
        return sorted(self.tables)

    @property
    def status(self) -> str:
        return str(self.record.get("status", ""))

    @property
    def objective(self) -> float:
        """The LP's objective: the plan's cost plus the penalties of soft rows (an overshot soft
        budget, missed soft milestones), million currency units, present value of the first year."""
        return float(self.record.get("objective", float("nan")))

    @property
    def cost(self) -> float:
        """The plan's total discounted cost, without penalties (million currency units, present value)."""
        return float(self.record.get("cost", self.objective))

    @property
    def sectors(self) -> list[str]:
        return list(self.record.get("sectors", []))

    def emissions(self, sector: str | None = None) -> pd.Series:
        """Scope-1 CO2 net of capture per year (MtCO2/yr), of one sector or all."""
        e = self.tables["emissions"]
        if sector is not None:
            e = e[e.sector == sector]
        return e.groupby("year")["value"].sum().rename("MtCO2/yr")

    def production(self, sector: str | None = None) -> pd.DataFrame:
        """Output by technology (rows) and year (columns), in each product's unit."""
        p = self.tables["production"]
        if sector is not None:
            p = p[p.sector == sector]
        return p.pivot_table(index=["sector", "technology"], columns="year", values="value", aggfunc="sum",
                             fill_value=0.0)


def _plan(folder: RunFolder) -> Plan:
    return Plan(dict(folder.tables), dict(folder.record), folder.path, dict(folder.scenario))


def sectors(paths: ProjectPaths | None = None) -> list[str]:
    """The sectors with a file in models/ (supply sectors join a run when it needs them)."""
    return (paths or project_paths()).sector_names()


def scenarios(paths: ProjectPaths | None = None) -> list[str]:
    """The scenario names in scenarios/."""
    return sorted(p.stem for p in (paths or project_paths()).scenarios.glob("*.yaml"))


def run(sectors: str | list[str], scenario: str = "default", out: str | Path | None = "results",
        *, paths: ProjectPaths | None = None, **solver: Any) -> Plan:
    """Solve sectors (a name, a list, or "all") under a scenario (name in scenarios/ or a YAML path).

    With `out` (default "results") the run is written to ``<out>/<scenario>/<sectors>/`` as the
    command line writes it and the Plan is read back from there; with ``out=None`` nothing is
    written and the Plan holds the tables in memory. Keyword arguments are solver options
    (``decompose=True, jobs=2``, ``time_limit=600``, ...).
    """
    from planner.run import run as run_model  # Pyomo and HiGHS load here, not at import

    paths = paths or project_paths()
    names = [sectors] if isinstance(sectors, str) else list(dict.fromkeys(sectors))
    if names == ["all"]:
        names = paths.sector_names()
    outcome = run_model(names, scenario, Path(out) if out is not None else None, paths, solver or None)
    if outcome.folder is not None:
        return _plan(read_run(outcome.folder))
    record = {"status": outcome.solution.status.value, "objective": outcome.solution.objective,
              "cost": outcome.cost,
              "sectors": outcome.data.sectors, "scenario": outcome.data.scenario,
              "sector_names": outcome.sector_names}
    return Plan(dict(outcome.results.tables), record)


def load(folder: str | Path) -> Plan:
    """A finished run read back from its results folder (InputError if it is not one)."""
    return _plan(read_run(folder))


def _folder(plan: Plan | str | Path) -> Path:
    if isinstance(plan, Plan):
        if plan.folder is None:
            raise ValueError("this plan was solved with out=None: nothing to report from; run it with a folder")
        return plan.folder
    return Path(plan)


def report(plan: Plan | str | Path, out: str | Path | None = None) -> Path:
    """Write the roadmap report of a run (report.html, report.md, charts/); returns report.html."""
    from planner.results.report import make_report

    return make_report(_folder(plan), Path(out) if out is not None else None).html


def compare(a: Plan | str | Path, b: Plan | str | Path, out: str | Path | None = None) -> pd.DataFrame:
    """Key figures of two runs side by side (columns quantity, unit, A, B, difference). With `out`,
    also writes compare.csv, compare.md, compare.html and charts there."""
    from planner.results.compare import compare_runs, compare_table

    if out is not None:
        return compare_runs(_folder(a), _folder(b), Path(out)).table
    return compare_table(read_run(_folder(a)), read_run(_folder(b)))
