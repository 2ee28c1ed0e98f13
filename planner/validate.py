"""`planner validate`: check any set of sector, commodity and scenario files at once."""

from __future__ import annotations

from pathlib import Path

from planner.errors import InputError, Problem, display_path
from planner.paths import ProjectPaths
from planner.schema.load import (
    Tracked,
    check_scenario,
    check_stock,
    load_commodities,
    load_scenario,
    load_sector,
    read_published,
)
from planner.schema.scenario import Horizon
from planner.schema.sector import CommodityFile, SectorFile


def validate_files(files: list[Path], paths: ProjectPaths) -> tuple[list[Problem], int]:
    """Every problem in `files` (sector, commodity or scenario files, told apart by content)."""
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


def _validate_batch(path: Path, paths: ProjectPaths, commodities: CommodityFile) -> list[Problem]:
    """A batch spec: its schema, and the scenario of its first run (base with overrides)."""
    import tempfile

    import yaml

    from planner.batch.spec import expand, load_spec, nest

    try:
        spec = load_spec(str(path), paths)
        runs = expand(spec, paths)
    except InputError as exc:
        return exc.problems
    seen: set[str] = set()
    problems: list[Problem] = []
    for run in runs:
        if run.base in seen:  # the runs of one base share their keys; the first stands for all
            continue
        seen.add(run.base)
        base = paths.scenario_file(run.base, None).resolve()
        with tempfile.TemporaryDirectory() as tmp:
            child = Path(tmp) / f"{spec.name}-check.yaml"
            child.write_text(yaml.safe_dump({"name": f"{spec.name}-check", "extends": str(base),
                                             **nest(run.overrides)}), encoding="utf-8")
            problems.extend(_validate_scenario(child, paths, commodities))
        if problems:
            break
    return problems


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
