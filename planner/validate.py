"""`planner validate`: check any set of sector, commodity and scenario files at once."""

from __future__ import annotations

from pathlib import Path

from planner.batch.spec import BatchSpec, RunSpec, expand, nest, read_spec
from planner.errors import InputError, Problem, display_path
from planner.paths import ProjectPaths
from planner.results.iamc import Codelist
from planner.schema.load import (
    Tracked,
    check_scenario,
    check_stock,
    load_commodities,
    load_scenario,
    load_sector,
    read_published,
    validate_model,
)
from planner.schema.load_regions import check_regions
from planner.schema.regions import RegionFile
from planner.schema.scenario import Horizon, Scenario
from planner.schema.sector import CommodityFile, SectorFile


def validate_files(files: list[Path], paths: ProjectPaths) -> tuple[list[Problem], int]:
    """Every problem in `files` (sector, commodity, supply, published, IAMC codelist, scenario or batch
files, told apart by where they are and what they hold)."""
    problems: list[Problem] = []
    try:
        commodities, _ = load_commodities(paths)
    except InputError as exc:
        return exc.problems, len(files)
    for path in files:
        if not path.exists():
            problems.append(Problem(display_path(path), None, "", "no such file"))
            continue
        try:
            raw = Tracked.read(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        data = raw.data if isinstance(raw.data, dict) else {}
        if path.resolve() == paths.commodities_file.resolve():
            continue  # checked above
        if path.resolve().parent == paths.iamc_codelist.resolve():   # models/iamc/variables.yaml, tags.yaml
            try:
                Codelist.load(paths.iamc_codelist)
            except InputError as exc:
                problems.extend(p for p in exc.problems if Path(p.file).name == path.name)
            continue
        if path.resolve().parent == (paths.models / "regions").resolve():   # models/regions/<name>.yaml
            problems.extend(_validate_regions(path, raw, paths, commodities))
            continue
        if any(k in data for k in ("grid", "samples", "scenarios", "base")):
            problems.extend(_validate_batch(path, paths, commodities))
            continue
        if "outcomes" in data:  # models/published/<sector>.yaml (units are checked by a run)
            try:
                sf, probs = load_sector(path.stem, paths, commodities, start_year=Horizon().start)
            except InputError as exc:
                sf, probs = None, exc.problems
            problems.extend(probs)
            if sf is not None:
                problems.extend(read_published(raw, path.stem, sf, commodities)[1])
            continue
        if "sector" in data:
            _, probs = load_sector(str(data["sector"]) if path.stem != data["sector"] else path.stem, paths,
                                   commodities, path=path, start_year=Horizon().start, strict=True)
            problems.extend(probs)
        else:
            problems.extend(_validate_scenario(path, paths, commodities))
    return problems, len(files)


def _validate_regions(path: Path, raw: Tracked, paths: ProjectPaths, commodities: CommodityFile) -> list[Problem]:
    """A region set against the sectors it splits, over the default horizon."""
    rf, problems = validate_model(RegionFile, raw)
    if problems:
        return problems
    assert isinstance(rf, RegionFile)
    sectors: dict[str, SectorFile] = {}
    for name in rf.sectors:
        if name not in paths.sector_names():
            problems.append(raw.problem(("sectors", name), f"unknown sector {name!r}"))
            continue
        sf, probs = load_sector(name, paths, commodities, start_year=Horizon().start)
        problems.extend(probs)
        if sf is not None:
            sectors[name] = sf
    sc = Scenario(name="validate", regions=path.stem)
    return problems + check_regions(rf, raw, sc, raw, sectors, commodities, [])


def _validate_batch(path: Path, paths: ProjectPaths, commodities: CommodityFile) -> list[Problem]:
    """A batch spec: its schema and every run's scenario (`check_batch`)."""
    try:
        spec, raw = read_spec(str(path), paths)
        runs = expand(spec, paths)
    except InputError as exc:
        return exc.problems
    return check_batch(spec, raw, runs, paths, commodities)


def check_batch(spec: BatchSpec, raw: Tracked, runs: list[RunSpec], paths: ProjectPaths,
                commodities: CommodityFile | None = None) -> list[Problem]:
    """Every problem the runs of a batch spec would meet, named at the line of the spec that
    causes it: its sectors, and each run's scenario (its base with the run's overrides): the
    schema for every run (a drawn value may be out of bounds in some runs only), the sector files
    and cross-references for the first run of each base (the runs of a base share their keys)."""
    import tempfile

    import yaml

    if commodities is None:
        try:
            commodities, _ = load_commodities(paths)
        except InputError as exc:
            return exc.problems
    known = set(paths.sector_names())
    problems = [raw.problem(("sectors", i), f"unknown sector {s!r}; known: {', '.join(sorted(known))}")
                for i, s in enumerate(spec.sectors) if s != "all" and s not in known]
    if problems:
        return problems
    checked: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for run in runs:
            base = paths.scenario_file(run.base, None).resolve()
            child = Path(tmp) / f"{spec.name}-{run.key}.yaml"
            child.write_text(yaml.safe_dump({"name": f"{spec.name}-{run.key}", "extends": str(base),
                                             **nest(run.overrides)}), encoding="utf-8")
            if run.base in checked:
                try:
                    load_scenario(str(child), paths)
                    found: list[Problem] = []
                except InputError as exc:
                    found = exc.problems
            else:
                checked.add(run.base)
                found = _validate_scenario(child, paths, commodities)
            problems.extend(_at_spec(p, child, run, raw) for p in found)
            if problems:
                break
    return problems


def _at_spec(problem: Problem, child: Path, run: RunSpec, raw: Tracked) -> Problem:
    """A problem of a run's generated scenario, moved to the spec's line of the key that set it."""
    if problem.file != display_path(child):
        return problem
    for key, value in run.overrides.items():
        if problem.path == key or problem.path.startswith(key + ".") or key.startswith(problem.path + "."):
            where = (("grid", key) if key in raw.data.get("grid", {}) else
                     ("samples", "keys", key) if key in (raw.data.get("samples") or {}).get("keys", {}) else
                     ("solver", key.removeprefix("solver.")))
            return raw.problem(where, f"run {run.index + 1} ({key} = {value!r}): {problem.message}")
    return raw.problem((), f"run {run.index + 1}: {problem.path}: {problem.message}")


def _validate_scenario(path: Path, paths: ProjectPaths, commodities: CommodityFile) -> list[Problem]:
    """A scenario with the sectors it names (their overrides applied) and its cross-references."""
    try:
        scenario, raw = load_scenario(str(path), paths)
    except InputError as exc:
        return exc.problems
    named = set(scenario.demand) | set(scenario.overrides) | set(scenario.annual_caps) - {"all"}
    named |= {ms.sector for ms in scenario.milestones.values()} - {"all"}
    if scenario.budget:
        named |= set(scenario.budget.sectors) | set(scenario.budget.shares)
    known = set(paths.sector_names())
    sectors: dict[str, SectorFile] = {}
    problems: list[Problem] = []
    for name in sorted(named & known):
        sf, probs = load_sector(name, paths, commodities, raw, start_year=scenario.horizon.start, strict=True,
                                end_year=scenario.horizon.end)
        problems.extend(probs)
        if sf is not None:
            sectors[name] = sf
    problems.extend(check_scenario(scenario, raw, sectors, commodities, paths))
    return problems


__all__ = ["validate_files", "check_stock"]
