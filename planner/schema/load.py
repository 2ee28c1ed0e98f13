"""Reading and checking input files: YAML -> validated schema objects, or one InputError.

Every problem is reported with file, line and key path. A scenario's `extends` chain is merged
key by key and every merged key remembers which file and line it came from; a scenario's
`overrides.<sector>` are merged into that sector's file the same way, so an error in an
override points at the scenario line that caused it.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from planner.errors import InputError, Problem, display_path
from planner.paths import ProjectPaths
from planner.schema.common import YEAR_MAX, YEAR_MIN, interpolate, trajectory_max, trajectory_min
from planner.schema.published import Outcome, PublishedFile
from planner.schema.regions import RegionFile
from planner.schema.scenario import Horizon, Milestone, Scenario
from planner.schema.sector import UNIT_KIND, CommodityFile, SectorFile
from planner.schema.yaml_lines import KeyPath, dotted, load_yaml

Origin = dict[KeyPath, tuple[str, int]]
"""Key path -> (file shown to the user, line) for data merged from several files."""


@dataclass
class Tracked:
    """Raw YAML data with the origin of every key."""

    data: Any
    origin: Origin
    files: list[Path] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Tracked:
        data, lines = load_yaml(path)
        name = display_path(path)
        return cls(data, {k: (name, v) for k, v in lines.items()}, [path])

    def where(self, path: KeyPath) -> tuple[str, int | None]:
        """File and line to show for a key path (deepest known prefix)."""
        for n in range(len(path), -1, -1):
            key = tuple(path[:n])
            for cand in (key, tuple(_maybe_int(p) for p in key)):
                if cand in self.origin:
                    return self.origin[cand]
        first = next(iter(self.origin.values()), ("<input>", 0))
        return first[0], None

    def problem(self, path: KeyPath, message: str) -> Problem:
        file, line = self.where(path)
        return Problem(file, line, dotted(path), message)


def _maybe_int(p: Any) -> Any:
    return int(p) if isinstance(p, str) and p.isdigit() else p


def merge(base: Tracked, over: Tracked, at: KeyPath = ()) -> Tracked:
    """`over` merged into `base` (at key path `at`): maps merge key by key, other values replace.

    A null over a map removes it: a scenario drops an inherited milestone (`name: null`) or sets a
    map-valued field back to its default (`soft: null`).
    """
    data = copy.deepcopy(base.data) if isinstance(base.data, dict) else {}
    origin = dict(base.origin)
    target = data
    for key in at:
        target = target.setdefault(key, {})
        if not isinstance(target, dict):
            return Tracked(data, origin, base.files + over.files)
    _merge_into(target, over.data if isinstance(over.data, dict) else {})
    for path, where in over.origin.items():
        origin[(*at, *path)] = where
    return Tracked(data, origin, base.files + over.files)


def _merge_into(target: dict, over: dict) -> None:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        elif value is None and isinstance(target.get(key), dict):
            del target[key]
        else:
            target[key] = copy.deepcopy(value)


def validate_model(model: type[BaseModel], raw: Tracked) -> tuple[BaseModel | None, list[Problem]]:
    """Validate raw data against a schema model; problems carry file, line and key path."""
    if not isinstance(raw.data, dict):
        return None, [raw.problem((), "expected a map of keys at the top of the file")]
    try:
        return model.model_validate(raw.data), []
    except ValidationError as exc:
        return None, [_problem_of(err, raw, model) for err in exc.errors()]


def _problem_of(err: dict[str, Any], raw: Tracked, model: type[BaseModel]) -> Problem:
    loc = tuple(p for p in err["loc"] if p not in ("[key]",) and not _is_union_tag(p))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1] if loc else ""
        allowed = _allowed_keys(model, loc[:-1], raw.data)
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        msg = f"unknown key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        if allowed and not hint:
            msg += f"; allowed: {', '.join(allowed)}"
        return raw.problem(loc, msg)
    if kind == "missing":
        return raw.problem(loc[:-1], f"missing required key {loc[-1]!r}")
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return raw.problem(loc, msg)


def _is_union_tag(p: Any) -> bool:
    return isinstance(p, str) and ("[" in p and "]" in p or p in ("float", "dict[int,float]"))


def _allowed_keys(model: type[BaseModel], loc: KeyPath, data: Any) -> list[str]:
    """Field names allowed at `loc` by walking the schema along the data path."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = _field_by_name(current, part)
            if fld is None:
                return []
            current = fld.annotation
        else:
            current = _inner_model(current, part)
        current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _field_by_name(model: type[BaseModel], name: Any) -> Any:
    for n, f in model.model_fields.items():
        if name in (n, f.alias):
            return f
    return None


def _inner_model(annotation: Any, part: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    return args[-1] if args else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] down to the model type (if any)."""
    args = getattr(annotation, "__args__", None)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


# --------------------------------------------------------------------------- scenarios


def read_scenario_chain(ref: str, paths: ProjectPaths, relative_to: Path | None = None,
                        _seen: tuple[Path, ...] = ()) -> Tracked:
    """A scenario's raw data with its `extends` chain merged (parent first, child over it). A
    parent that does not exist, or a chain that comes back to itself, is reported at the `extends`
    line of the file that names it."""
    path = paths.scenario_file(ref, relative_to)
    if not path.exists():
        raise InputError([Problem(display_path(path), None, "", _no_scenario(ref, path, paths))])
    resolved = path.resolve()
    raw = Tracked.read(path)
    if not isinstance(raw.data, dict):
        raise InputError([raw.problem((), "expected a map of keys at the top of the file")])
    raw.data.setdefault("name", path.stem)
    raw.origin.setdefault(("name",), raw.origin[()])
    parent_ref = raw.data.get("extends")
    if parent_ref is None:
        return raw
    if not isinstance(parent_ref, str):
        raise InputError([raw.problem(("extends",), "must be a scenario name or path")])
    parent_path = paths.scenario_file(parent_ref, path.parent)
    if not parent_path.exists():
        raise InputError([raw.problem(("extends",), _no_scenario(parent_ref, parent_path, paths))])
    chain = (*_seen, resolved)
    if parent_path.resolve() in chain:
        names = " -> ".join(display_path(p) for p in (*chain, parent_path.resolve()))
        raise InputError([raw.problem(("extends",), f"scenario extends itself: {names}")])
    parent = read_scenario_chain(parent_ref, paths, path.parent, chain)
    return merge(parent, raw)


def _no_scenario(ref: str, path: Path, paths: ProjectPaths) -> str:
    known = sorted(p.stem for p in paths.scenarios.glob("*.yaml"))
    hint = difflib.get_close_matches(ref, known, n=1)
    msg = f"no scenario {ref!r} (looked for {display_path(path)})"
    return msg + (f"; did you mean {hint[0]!r}?" if hint else (f"; known: {', '.join(known)}" if known else ""))


def load_scenario(ref: str, paths: ProjectPaths) -> tuple[Scenario, Tracked]:
    """A validated scenario (with its extends chain) and its tracked raw data."""
    raw = read_scenario_chain(ref, paths)
    scenario, problems = validate_model(Scenario, raw)
    if problems:
        raise InputError(problems)
    assert isinstance(scenario, Scenario)
    return scenario, raw


# --------------------------------------------------------------------------- sector files


def load_commodities(paths: ProjectPaths) -> tuple[CommodityFile, Tracked]:
    raw = Tracked.read(paths.commodities_file)
    model, problems = validate_model(CommodityFile, raw)
    if not problems:
        assert isinstance(model, CommodityFile)
        problems = check_commodity_file(model, raw, paths)
    if problems:
        raise InputError(problems)
    return model, raw  # type: ignore[return-value]


def check_commodity_file(cf: CommodityFile, raw: Tracked, paths: ProjectPaths) -> list[Problem]:
    out = []
    for family, table in (("pools", cf.pools), ("resources", cf.resources)):
        for name, pool in table.items():
            for i, ref in enumerate(pool.sources):
                if ref not in cf.sources:
                    out.append(raw.problem((family, name, "sources", i), f"unknown source {ref!r}"))
            for member in pool.members:
                if member not in cf.commodities and not _defined_in_other_sector(
                        member, set(paths.sector_names()), paths):
                    out.append(raw.problem((family, name, "members", member), f"unknown commodity {member!r}"))
    for name, com in cf.commodities.items():
        for i, ref in enumerate(com.sources):
            if ref not in cf.sources:
                out.append(raw.problem(("commodities", name, "sources", i), f"unknown source {ref!r}"))
        if com.kind != "purchased":
            out.append(raw.problem(("commodities", name, "kind"), "shared commodities are purchased"))
    for name, gas in cf.gases.items():
        for i, ref in enumerate(gas.sources):
            if ref not in cf.sources:
                out.append(raw.problem(("gases", name, "sources", i), f"unknown source {ref!r}"))
        if name == "CO2":
            out.append(raw.problem(("gases", name), "CO2 is the budget's own unit (GWP 1): list only other gases"))
    stores = [n for n, c in cf.commodities.items() if c.store_captured_co2]
    if len(stores) > 1:
        out.append(raw.problem(("commodities", stores[1], "store_captured_co2"),
                               f"only one commodity may store captured CO2 (also {stores[0]!r})"))
    draws = [n for n, c in cf.commodities.items() if c.draw_on_capture]
    if len(draws) > 1:
        out.append(raw.problem(("commodities", draws[1], "draw_on_capture"),
                               f"only one commodity may draw on captured CO2 (also {draws[0]!r})"))
    if draws and not stores:
        out.append(raw.problem(("commodities", draws[0], "draw_on_capture"),
                               "drawing on captured CO2 needs a commodity with store_captured_co2: true "
                               "(captured CO2 not drawn is stored)"))
    return out


def read_sector(sector: str, paths: ProjectPaths, scenario_raw: Tracked | None = None,
                path: Path | None = None) -> Tracked:
    """A sector file's raw data, with the scenario's `overrides.<sector>` merged in."""
    path = path or paths.sector_file(sector)
    if not path.exists():
        known = paths.sector_names()
        hint = difflib.get_close_matches(sector, known, n=1)
        msg = f"no sector {sector!r}" + (f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(known)}")
        raise InputError([Problem(display_path(path), None, "", msg)])
    raw = Tracked.read(path)
    if scenario_raw is not None:
        overrides = (scenario_raw.data or {}).get("overrides", {})
        if isinstance(overrides, dict) and isinstance(overrides.get(sector), dict):
            sub = {p[2:]: w for p, w in scenario_raw.origin.items() if p[:2] == ("overrides", sector)}
            raw = merge(raw, Tracked(overrides[sector], sub))
    return raw


def load_sector(sector: str, paths: ProjectPaths, commodities: CommodityFile,
                scenario_raw: Tracked | None = None, path: Path | None = None,
                start_year: int | None = None, strict: bool = False,
                end_year: int | None = None) -> tuple[SectorFile | None, list[Problem]]:
    """Validate one sector file (with scenario overrides); return the model or its problems.

    With `start_year`, existing stock must still be in service in that year. `strict` (the
    `validate` command) also refuses a buildable technology without a build limit.
    """
    raw = read_sector(sector, paths, scenario_raw, path)
    model, problems = validate_model(SectorFile, raw)
    if problems:
        return None, problems
    assert isinstance(model, SectorFile)
    problems = check_sector(model, raw, commodities)
    if start_year is not None:
        problems += check_stock(model, raw, start_year)
    if strict:
        problems += check_build_limits(model, raw, start_year if start_year is not None else Horizon().start,
                                       end_year if end_year is not None else Horizon().end)
    if model.sector != sector:
        problems.append(raw.problem(("sector",), f"sector id {model.sector!r} differs from file name {sector!r}"))
    return (None if problems else model), problems


def check_sector(sf: SectorFile, raw: Tracked, commodities: CommodityFile) -> list[Problem]:
    """Cross-references inside a sector file: commodities, outputs, groups, sources, retrofits."""
    out: list[Problem] = []
    known = set(sf.commodities) | set(commodities.commodities)
    for gname, group in sf.commodity_groups.items():
        for i, member in enumerate(group.members):
            if member not in known:
                out.append(raw.problem(("commodity_groups", gname, "members", i), f"unknown commodity {member!r}"))
        if gname in sf.commodities:
            out.append(raw.problem(("commodity_groups", gname), "a commodity group may not share a commodity's name"))
    clash = set(sf.commodities) & set(commodities.commodities)
    for name in sorted(clash):
        out.append(raw.problem(("commodities", name), "already defined in models/commodities.yaml"))
    products = [n for n, c in sf.commodities.items() if c.kind == "product"]
    made = {n for n, c in sf.commodities.items() if c.kind in ("product", "intermediate")}
    for i, name in enumerate(sf.supplies):
        shared = commodities.commodities.get(name)
        if shared is None or shared.kind != "purchased":
            hint = difflib.get_close_matches(name, sorted(commodities.commodities), n=1)
            out.append(raw.problem(("supplies", i), f"{name!r} is not a shared commodity of models/commodities.yaml"
                                   + (f" (did you mean {hint[0]!r}?)" if hint else "")))
        elif shared.store_captured_co2 or shared.draw_on_capture:
            out.append(raw.problem(("supplies", i), f"{name!r} is the run's store or source of captured CO2, "
                                   "which the capture balance makes; a supply sector cannot make it"))
    supplied = set(sf.supplies) & set(commodities.commodities)

    def src(path: KeyPath, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            if ref not in sf.sources and ref not in sf.commodities:
                hint = difflib.get_close_matches(ref, list(sf.sources), n=1)
                out.append(raw.problem((*path, i), f"unknown source {ref!r}"
                                       + (f" (did you mean {hint[0]!r}?)" if hint else "")))

    for name, com in sf.commodities.items():
        src(("commodities", name, "sources"), com.sources)
        for flag in ("store_captured_co2", "draw_on_capture"):
            if getattr(com, flag):
                out.append(raw.problem(("commodities", name, flag), f"{flag} belongs to a commodity of "
                                       "models/commodities.yaml (one shared store and source of captured CO2)"))
    for name in products:
        if name not in sf.demand:
            out.append(raw.problem(("commodities", name), f"product {name!r} has no demand"))
    for name, dem in sf.demand.items():
        if name not in products:
            out.append(raw.problem(("demand", name), f"{name!r} is not a product of this sector "
                                   f"(products: {', '.join(products) or 'none'})"))
        for var, dv in dem.variants.items():
            src(("demand", name, "variants", var, "sources"), dv.sources)
    producers: dict[str, int] = {}
    for name, tech in sf.technologies.items():
        base = ("technologies", name)
        src((*base, "sources"), tech.sources)
        if tech.build_limit:
            src((*base, "build_limit", "sources"), tech.build_limit.sources)
        if tech.output is None:
            if len(products) != 1:
                out.append(raw.problem(base, "say which commodity this technology makes ('output'): "
                                       f"the sector has {len(products)} products"))
            else:
                producers[products[0]] = producers.get(products[0], 0) + 1
        elif tech.output not in made | supplied:
            out.append(raw.problem((*base, "output"), f"{tech.output!r} is not a product or intermediate of this "
                                   "sector" + (" nor a commodity it supplies" if sf.supplies else "")))
        else:
            producers[tech.output] = producers.get(tech.output, 0) + 1
        for key in ("inputs", "outputs"):
            for com in getattr(tech, key):
                if com not in known:
                    hint = difflib.get_close_matches(com, sorted(known), n=1)
                    out.append(raw.problem((*base, key, com), f"unknown commodity {com!r}"
                                           + (f" (did you mean {hint[0]!r}?)" if hint else "")))
        if tech.operating_factor is not None and not tech.vintage_inputs:
            out.append(raw.problem((*base, "operating_factor"), "operating_factor needs 'vintage_inputs: true' "
                                   "(without it, inputs already follow the operating year)"))
        for i, c in enumerate(tech.stock):
            for key in ("inputs", "vintage", "other_emissions"):
                if getattr(c, key) is not None and not tech.vintage_inputs:
                    out.append(raw.problem((*base, "stock", i, key), f"a stock entry's {key!r} needs "
                                           "'vintage_inputs: true' on the technology (without it, inputs "
                                           "follow the operating year, the same for every cohort)"))
            for com in c.inputs or {}:
                if com not in known:
                    hint = difflib.get_close_matches(com, sorted(known), n=1)
                    out.append(raw.problem((*base, "stock", i, "inputs", com), f"unknown commodity {com!r}"
                                           + (f" (did you mean {hint[0]!r}?)" if hint else "")))
        entries = [((*base, "other_emissions", gas), gas) for gas in tech.other_emissions]
        entries += [((*base, "stock", i, "other_emissions", gas), gas)
                    for i, c in enumerate(tech.stock) for gas in c.other_emissions or {}]
        for where, gas in entries:
            if gas not in commodities.gases:
                known_gases = sorted(commodities.gases)
                hint = difflib.get_close_matches(gas, known_gases, n=1)
                out.append(raw.problem(where, f"unknown gas {gas!r}: a gas needs a "
                                       "GWP100 under 'gases:' of models/commodities.yaml"
                                       + (f" (did you mean {hint[0]!r}?)" if hint else
                                          f" (known: {', '.join(known_gases) or 'none'})")))
        for i, g in enumerate(tech.groups):
            if g not in sf.groups:
                out.append(raw.problem((*base, "groups", i), f"unknown group {g!r}; declare it under 'groups'"))
        if tech.available_from and tech.last_build and tech.last_build < tech.available_from:
            out.append(raw.problem((*base, "last_build"), "last_build comes before available_from"))
        for y in (tech.available_from, tech.last_build):
            if y is not None and not YEAR_MIN <= y <= YEAR_MAX:
                out.append(raw.problem(base, f"year {y} is not a calendar year"))
    for gname in sf.groups:
        g = sf.group(gname)
        members = {k for k, t in sf.technologies.items() if gname in t.groups}
        for part in ("build_limit", "turnover", "adoption"):
            spec = getattr(g, part)
            if spec is not None:
                src(("groups", gname, part, "sources"), spec.sources)
                if not members:
                    out.append(raw.problem(("groups", gname, part), f"no technology is a member of group {gname!r}"))
        if g.adoption is not None:
            for k in g.adoption.start:
                if k not in members:
                    out.append(raw.problem(("groups", gname, "adoption", "start", k),
                                           f"{k!r} is not a member of group {gname!r}"))
    for name in made:
        if producers.get(name, 0) == 0:
            out.append(raw.problem(("commodities", name), f"no technology makes {name!r}"))
    for i, name in enumerate(sf.supplies):
        if name in supplied and producers.get(name, 0) == 0:
            out.append(raw.problem(("supplies", i), f"no technology makes {name!r}"))
    for name, r in sf.retrofits.items():
        base = ("retrofits", name)
        src((*base, "sources"), r.sources)
        for key, tech in (("from", r.from_), ("to", r.to)):
            if tech not in sf.technologies:
                out.append(raw.problem((*base, key), f"unknown technology {tech!r}"))
        if r.from_ == r.to:
            out.append(raw.problem((*base, "to"), "a retrofit must change the technology"))
        elif r.from_ in sf.technologies and r.to in sf.technologies:
            a, b = sf.technologies[r.from_], sf.technologies[r.to]
            if (a.output or "") != (b.output or ""):
                out.append(raw.problem((*base, "to"), "a retrofit must keep the output commodity"))
    if sf.calibration:
        for prod, fig in sf.calibration.production.items():
            if prod not in made:
                out.append(raw.problem(("calibration", "production", prod),
                                       f"{prod!r} is not a product or intermediate of this sector"))
            elif sf.commodities[prod].unit in UNIT_KIND and \
                    UNIT_KIND[fig.unit] != UNIT_KIND[sf.commodities[prod].unit]:
                out.append(raw.problem(("calibration", "production", prod, "unit"),
                                       f"{fig.unit} measures {UNIT_KIND[fig.unit]}; {prod} is in "
                                       f"{sf.commodities[prod].unit} ({UNIT_KIND[sf.commodities[prod].unit]})"))
            src(("calibration", "production", prod, "sources"), fig.sources)
            if fig.product_carbon:
                out.append(raw.problem(("calibration", "production", prod, "product_carbon"),
                                       "'product_carbon' applies to the emissions figure only"))
        process = sf.calibration.process_emissions
        if process:
            if UNIT_KIND[process.unit] != "CO2":
                out.append(raw.problem(("calibration", "process_emissions", "unit"),
                                       f"{process.unit} is not a unit of CO2 (MtCO2 or GtCO2)"))
            src(("calibration", "process_emissions", "sources"), process.sources)
        if sf.calibration.emissions:
            if UNIT_KIND[sf.calibration.emissions.unit] != "CO2":
                out.append(raw.problem(("calibration", "emissions", "unit"),
                                       f"{sf.calibration.emissions.unit} is not a unit of CO2 (MtCO2 or GtCO2)"))
            src(("calibration", "emissions", "sources"), sf.calibration.emissions.sources)
            for i, prod in enumerate(sf.calibration.emissions.product_carbon):
                if prod not in made:
                    out.append(raw.problem(("calibration", "emissions", "product_carbon", i),
                                           f"{prod!r} is not a product or intermediate of this sector"))
    return out


def check_build_limits(sf: SectorFile, raw: Tracked, start_year: int, end_year: int) -> list[Problem]:
    """`validate` refuses silence: a technology that can be built in the horizon carries a build
    limit (its own, or one of a group it belongs to) or says `build_limit: {none: <reason>}`."""
    out = []
    limited_groups = {g for g in sf.groups if sf.group(g).build_limit is not None}
    for name, tech in sf.technologies.items():
        limited = tech.build_limit is not None or bool(limited_groups & set(tech.groups))
        if tech.buildable_in(start_year, end_year) and not limited:
            out.append(raw.problem(("technologies", name),
                                   "no build limit: give 'build_limit' (absolute and/or growth), join a group "
                                   "with a 'build_limit', or say 'build_limit: {none: <reason>}'"))
    return out


def check_stock(sf: SectorFile, raw: Tracked, start_year: int) -> list[Problem]:
    """Existing stock must be in service in the first model year; utilisation floors lie below
    the utilisation in every year."""
    out = []
    for name, tech in sf.technologies.items():
        if tech.min_utilisation is not None:
            years = sorted({start_year} | {y for t in (tech.utilisation, tech.min_utilisation)
                                           if isinstance(t, dict) for y in t})
            if (interpolate(tech.min_utilisation, years) > interpolate(tech.utilisation, years) + 1e-9).any():
                out.append(raw.problem(("technologies", name, "min_utilisation"),
                                       "min_utilisation must not exceed utilisation"))
    for name, tech in sf.technologies.items():
        free = (tech.buildable_in(start_year, YEAR_MAX) and trajectory_max(tech.capex) == 0
                and trajectory_min(tech.capex) == 0 and trajectory_max(tech.fixed_om) == 0
                and trajectory_min(tech.fixed_om) == 0)
        if tech.vintage_inputs and free:
            out.append(raw.problem(("technologies", name, "vintage_inputs"),
                                   "capacity without capex or fixed_om is free capacity, sized each year "
                                   "without vintages: give it a capex or fixed_om, or drop vintage_inputs"))
        for i, c in enumerate(tech.stock):
            if c.vintage is not None and not YEAR_MIN <= c.vintage < start_year:
                out.append(raw.problem(("technologies", name, "stock", i, "vintage"),
                                       f"vintage {c.vintage} is not a build year before the first model year "
                                       f"{start_year} (existing stock was built before it)"))
            first = c.retire if c.retire is not None else c.retire_between[0]  # type: ignore[index]
            if first <= start_year:
                key = "retire" if c.retire is not None else "retire_between"
                out.append(raw.problem(("technologies", name, "stock", i, key),
                                       f"stock retiring in {first} is not in service in the first model year "
                                       f"{start_year}"))
    return out


# --------------------------------------------------------------------------- a run


@dataclass
class RunInputs:
    """Everything one run reads, validated and cross-checked."""

    scenario: Scenario
    sectors: dict[str, SectorFile]
    commodities: CommodityFile
    files: list[Path]
    scenario_data: dict[str, Any]
    published: dict[str, Outcome] = field(default_factory=dict)
    """published outcomes of the run's sectors (models/published/), by name"""
    published_raw: dict[str, Tracked] = field(default_factory=dict)
    """the published file each outcome was read from (for errors found after loading)"""
    supply: list[str] = field(default_factory=list)
    """the supply sectors among `sectors` (models/supply/), which the run's other sectors called in"""
    scenario_root: dict[str, Any] | None = None
    """the scenario its `extends` chain starts at (the base), None if it extends nothing"""
    regions: RegionFile | None = None
    """the scenario's region set, None for one region, the world"""


def load_run(sectors: list[str], scenario_ref: str, paths: ProjectPaths) -> RunInputs:
    """Load and check a scenario and the sectors of a run; raise one InputError listing all."""
    problems: list[Problem] = []
    scenario, scen_raw = load_scenario(scenario_ref, paths)
    commodities, com_raw = load_commodities(paths)
    models: dict[str, SectorFile] = {}
    for sector in sectors:
        try:
            model, probs = load_sector(sector, paths, commodities, scen_raw,
                                       start_year=scenario.horizon.start)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(probs)
        if model is not None:
            models[sector] = model
    supply: list[str] = []
    if not problems:
        supply, probs = _add_supply(models, scenario, scen_raw, commodities, paths)
        problems.extend(probs)
    if not problems:
        problems.extend(check_scenario(scenario, scen_raw, models, commodities, paths))
    published, published_raw = {}, {}
    if not problems:
        published, published_raw, probs = load_published(models, commodities, paths)
        problems.extend(probs)
    if problems:
        raise InputError(problems)
    from planner.schema.load_regions import load_regions  # it imports this module
    regions, regions_raw = load_regions(scenario, scen_raw, models, commodities, supply, paths)
    files = sorted(set(scen_raw.files + com_raw.files + [paths.sector_file(s) for s in models]
                       + [raw.files[0] for raw in published_raw.values()]
                       + (regions_raw.files if regions_raw is not None else [])))
    return RunInputs(scenario, models, commodities, files, scen_raw.data, published, published_raw, supply,
                     chain_root(scenario_ref, paths), regions)


def chain_root(ref: str, paths: ProjectPaths) -> dict[str, Any] | None:
    """The data of the scenario that `ref`'s `extends` chain starts at; None if `ref` extends
    nothing. The chain was checked when the scenario was loaded (read_scenario_chain)."""
    path = paths.scenario_file(ref)
    data = Tracked.read(path).data
    if not isinstance(data, dict) or data.get("extends") is None:
        return None
    seen = {path.resolve()}
    while isinstance(data, dict) and isinstance(data.get("extends"), str):
        path = paths.scenario_file(data["extends"], path.parent)
        if path.resolve() in seen:
            return None
        seen.add(path.resolve())
        data = Tracked.read(path).data
    return data if isinstance(data, dict) else None


def _bought(sf: SectorFile) -> set[str]:
    """Every commodity a sector's technologies take as an input (the stock's own inputs included)."""
    out = {c for t in sf.technologies.values() for c in t.inputs}
    return out | {c for t in sf.technologies.values() for co in t.stock for c in co.inputs or {}}


def _add_supply(models: dict[str, SectorFile], scenario: Scenario, scen_raw: Tracked,
                commodities: CommodityFile, paths: ProjectPaths) -> tuple[list[str], list[Problem]]:
    """Add to `models` each supply sector the scenario allows whose commodities a sector of the run
    buys (repeated, so a supply sector's own purchases can call in another); return their names."""
    known = paths.supply_names()
    allowed = known if scenario.supply is None else scenario.supply
    problems = []
    for i, name in enumerate(allowed):
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            problems.append(scen_raw.problem(("supply", i), f"no supply sector {name!r} in models/supply/"
                                             + (f"; did you mean {hint[0]!r}?" if hint else
                                                f"; known: {', '.join(known) or 'none'}")))
    if problems:
        return [], problems
    added: list[str] = []
    files: dict[str, SectorFile] = {}
    while True:
        wanted = set().union(*(_bought(sf) for sf in models.values()))
        new = []
        for name in allowed:
            if name in models:
                continue
            if name not in files:
                model, probs = load_sector(name, paths, commodities, scen_raw, start_year=scenario.horizon.start)
                if probs:
                    return added, probs
                assert model is not None
                if not model.supplies:
                    return added, [Problem(display_path(paths.sector_file(name)), None, "supplies",
                                           "a file in models/supply/ must say which shared commodities it supplies")]
                files[name] = model
            if set(files[name].supplies) & wanted:
                new.append(name)
        if not new:
            return added, []
        for name in new:
            models[name] = files[name]
            added.append(name)


def load_published(sectors: dict[str, SectorFile], commodities: CommodityFile, paths: ProjectPaths
                   ) -> tuple[dict[str, Outcome], dict[str, Tracked], list[Problem]]:
    """The published outcomes of the run's sectors, checked: each cites a source of its file, names
    its file's sector and known groups, products and commodities (a sector without a file has none)."""
    outcomes: dict[str, Outcome] = {}
    raws: dict[str, Tracked] = {}
    problems: list[Problem] = []
    for sector, sf in sectors.items():
        path = paths.published_file(sector)
        if not path.exists():
            continue
        raw = Tracked.read(path)
        mine, probs = read_published(raw, sector, sf, commodities)
        problems.extend(probs)
        outcomes.update(mine)
        raws.update({name: raw for name in mine})
    return outcomes, raws, problems


def read_published(raw: Tracked, sector: str, sf: SectorFile, commodities: CommodityFile
                   ) -> tuple[dict[str, Outcome], list[Problem]]:
    """The outcomes of one published file of `sector`, and its problems."""
    model, problems = validate_model(PublishedFile, raw)
    if model is None or problems:
        return {}, problems
    assert isinstance(model, PublishedFile)
    known = set(commodities.commodities) | {n for n, c in sf.commodities.items() if c.kind == "purchased"}
    out = {}
    for name, oc in model.outcomes.items():
        at = ("outcomes", name)
        if oc.sector != sector:
            problems.append(raw.problem((*at, "sector"), f"the outcomes of this file are of the {sector} sector, "
                                        f"not {oc.sector!r}"))
            continue
        for i, ref in enumerate(oc.sources):
            if ref not in model.sources:
                problems.append(raw.problem((*at, "sources", i), f"unknown source {ref!r} (not in the file's sources)"))
        problems.extend(_metric_references(raw, at, oc, sf, known))
        out[name] = oc
    return out, problems


def _metric_references(raw: Tracked, at: KeyPath, ms: Milestone | Outcome, sf: SectorFile,
                       known_com: set[str]) -> list[Problem]:
    """A metric's groups, product and commodities exist in its sector (milestones, published outcomes)."""
    out: list[Problem] = []
    groups = set(sf.groups) | {"near_zero"}
    for key in ("group", "of"):
        g = getattr(ms, key)
        if g is not None and g not in groups:
            hint = difflib.get_close_matches(g, sorted(groups), n=1)
            out.append(raw.problem((*at, key), f"unknown group {g!r} of the {ms.sector} sector"
                                   + (f" (did you mean {hint[0]!r}?)" if hint else "")))
    tech = getattr(ms, "technology", None)
    if tech is not None and tech not in sf.technologies:
        hint = difflib.get_close_matches(tech, sorted(sf.technologies), n=1)
        out.append(raw.problem((*at, "technology"), f"unknown technology {tech!r} of the {ms.sector} sector"
                               + (f" (did you mean {hint[0]!r}?)" if hint else "")))
    made = {c for c, d in sf.commodities.items() if d.kind in ("product", "intermediate")}
    if ms.product is not None and ms.product not in made:
        out.append(raw.problem((*at, "product"), f"unknown product {ms.product!r} of the {ms.sector} sector "
                               f"({', '.join(sorted(made))})"))
    for i, c in enumerate(ms.commodities):
        if c not in known_com and c not in made and c not in sf.commodity_groups:
            out.append(raw.problem((*at, "commodities", i), f"unknown commodity or commodity group {c!r}"))
    return out


def check_scenario(sc: Scenario, raw: Tracked, sectors: dict[str, SectorFile],
                   commodities: CommodityFile, paths: ProjectPaths) -> list[Problem]:
    """Cross-references of a scenario against the sectors of the run and the commodities."""
    out: list[Problem] = []
    all_sectors = set(paths.sector_names()) | set(paths.supply_names())
    known_com = set(commodities.commodities)
    for s in sectors.values():
        known_com |= {n for n, c in s.commodities.items() if c.kind == "purchased"}
    for sector, variant in sc.demand.items():
        if sector not in all_sectors:
            out.append(raw.problem(("demand", sector), f"unknown sector {sector!r}"))
        elif sector in sectors:
            variants = {v for d in sectors[sector].demand.values() for v in d.variants}
            if variant not in variants:
                out.append(raw.problem(("demand", sector), f"unknown demand variant {variant!r} "
                                       f"(the {sector} file has {', '.join(sorted(variants))})"))
    drawn = {n for n, c in commodities.commodities.items() if c.draw_on_capture}
    for name, ov in sc.commodities.items():
        if name in drawn and any(getattr(ov, f) is not None for f in ("emission_factor", "biogenic_factor",
                                                                        "scope2_factor")):
            out.append(raw.problem(("commodities", name), "a commodity that draws on capture has no emission "
                                   "factors: each tonne drawn counts as 1 tCO2 fed to its user"))
    made = {c: s for s, sf in sectors.items() for c in sf.supplies}
    for name, ov in sc.commodities.items():
        given = [k for k in ("price", "limit", "cumulative_limit") if getattr(ov, k) is not None]
        if name in made and given:
            out.append(raw.problem(("commodities", name, given[0]), f"{name!r} is made in this run by the supply "
                                   f"sector {made[name]!r} (models/supply/{made[name]}.yaml), so its {given[0]} would "
                                   "not apply; change that file, or buy it at a price with 'supply: []'"))
    for name in sc.commodities:
        if name not in known_com and not _defined_in_other_sector(name, all_sectors - set(sectors), paths):
            hint = difflib.get_close_matches(name, sorted(known_com), n=1)
            out.append(raw.problem(("commodities", name), f"unknown commodity {name!r}"
                                   + (f" (did you mean {hint[0]!r}?)" if hint else "")))
    for sector in sc.overrides:
        if sector not in all_sectors:
            out.append(raw.problem(("overrides", sector), f"unknown sector {sector!r}"))
    if sc.budget:
        for key in ("sectors", "shares"):
            for sector in getattr(sc.budget, key):
                if sector not in all_sectors:
                    out.append(raw.problem(("budget", key, sector), f"unknown sector {sector!r}"))
        demanders = [s for s, sf in sectors.items() if not sf.supplies]   # supply sectors have no budget
        missing = [s for s in demanders if sc.budget.sector_budget_mt(s) is None]
        if missing and len(missing) < len(demanders):
            out.append(raw.problem(("budget",), f"no budget given for {', '.join(missing)} "
                                   "while other sectors of the run have one"))
        if sc.budget.mode == "price" and sc.carbon_price is None:
            out.append(raw.problem(("budget", "mode"), "mode 'price' needs a 'carbon_price' trajectory "
                                   "in the scenario"))
        if sc.budget.split == "current_emissions":
            for s, sf in sectors.items():
                if not sf.supplies and (sf.calibration is None or sf.calibration.emissions is None):
                    out.append(raw.problem(("budget", "split"), f"'current_emissions' needs the published "
                                           f"emissions of every sector, and models/{s}.yaml has no "
                                           "calibration.emissions"))
    for i, gas in enumerate(sc.emissions.gases):
        if gas != "CO2" and gas not in commodities.gases:
            out.append(raw.problem(("emissions", "gases", i), f"unknown gas {gas!r} (CO2, or a gas with a GWP100 "
                                   f"under 'gases:' of models/commodities.yaml: "
                                   f"{', '.join(sorted(commodities.gases)) or 'none'})"))
    for i, ref in enumerate(sc.emissions.sources):
        if ref not in sc.sources:
            out.append(raw.problem(("emissions", "sources", i),
                                   f"unknown source {ref!r} (not in the scenario's sources)"))
    out.extend(_check_milestones(sc, raw, sectors, known_com, all_sectors))
    for name, pool in sc.pools.items():
        shipped = name in commodities.pools
        if not shipped and (pool.unit is None or pool.members is None):
            out.append(raw.problem(("pools", name), f"unknown pool {name!r}: a new pool needs 'unit' and "
                                   f"'members' (shipped pools: {', '.join(sorted(commodities.pools)) or 'none'})"))
        for member in pool.members or {}:
            if member not in known_com and not _defined_in_other_sector(member, all_sectors - set(sectors), paths):
                out.append(raw.problem(("pools", name, "members", member), f"unknown commodity {member!r}"))
    if sc.budget is not None and sc.budget.regions and not sc.regions:
        out.append(raw.problem(("budget", "regions"), "regional budgets need a region set (the scenario's "
                               "`regions:`)"))
    for key in sc.annual_caps:
        # with a region set also a region or 'sector@region' (schema/load_regions.py checks those)
        if key != "all" and key not in all_sectors and not sc.regions:
            out.append(raw.problem(("annual_caps", key), f"unknown sector {key!r} (use a sector or 'all')"))
    h = sc.horizon
    for key in ("start", "end"):
        y = getattr(sc.budget, key) if sc.budget else None
        if y is not None and not h.start <= y <= h.end:
            out.append(raw.problem(("budget", key), f"year {y} lies outside the horizon {h.start}-{h.end}"))
    return out


def _check_milestones(sc: Scenario, raw: Tracked, sectors: dict[str, SectorFile], known_com: set[str],
                      all_sectors: set[str]) -> list[Problem]:
    """Milestones name known sectors, groups, products and commodities, in years of the horizon."""
    out: list[Problem] = []
    h = sc.horizon
    for name, ms in sc.milestones.items():
        at = ("milestones", name)
        base, _, region = ms.sector.partition("@")
        # with a region set also a region (all its sectors) or 'sector@region'; schema/load_regions.py
        # checks the region names
        whole = ms.sector == "all" or (bool(sc.regions) and not region and ms.sector not in all_sectors)
        if (not whole and base not in all_sectors) or (region and not sc.regions):
            out.append(raw.problem((*at, "sector"), f"unknown sector {ms.sector!r} (use a sector or 'all'"
                                   + (", a region of the run's region set or 'sector@region')" if sc.regions else ")")))
            continue
        if whole and ms.metric not in ("emissions", "commodity_use"):
            out.append(raw.problem((*at, "metric"), f"metric {ms.metric!r} needs one sector; on {ms.sector!r} only "
                                   "emissions and commodity_use apply"))
        for key in ("year", "from_", "to", "relative_to"):
            y = getattr(ms, key)
            if y is not None and not h.start <= y <= h.end:
                shown = "from" if key == "from_" else key
                out.append(raw.problem((*at, shown), f"year {y} lies outside the horizon {h.start}-{h.end}"))
        for i, ref in enumerate(ms.sources):
            if ref not in sc.sources:
                out.append(raw.problem((*at, "sources", i), f"unknown source {ref!r} (not in the scenario's sources)"))
        sf = None if whole else sectors.get(base)
        if sf is None:
            for i, c in enumerate(ms.commodities if whole else []):
                if c not in known_com:
                    out.append(raw.problem((*at, "commodities", i), f"unknown commodity {c!r}"))
            continue
        out.extend(_metric_references(raw, at, ms, sf, known_com))
    return out


def _defined_in_other_sector(name: str, others: set[str], paths: ProjectPaths) -> bool:
    """A commodity override may name a commodity of a sector not in this run. A sector file that
    cannot be read is reported as itself (its own file, line and problem), not as an unknown
    commodity of the file that asked."""
    for sector in others:
        path = paths.sector_file(sector)
        data, _ = load_yaml(path)
        if not isinstance(data, dict):
            raise InputError([Problem(display_path(path), 1, "", "expected a map of keys at the top of the file")])
        commodities = data.get("commodities")
        if isinstance(commodities, dict) and name in commodities:
            return True
    return False
