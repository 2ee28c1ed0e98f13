"""Batch specs (``scenarios/sweeps/*.yaml``) and their expansion into runs.

A spec names a base scenario and any of: a list of `scenarios` (each one base of its own), a
`grid` over scenario keys (dotted paths, cartesian product of the listed values), and `samples`
(Monte Carlo draws of keys from stated distributions with a seed). Every run is its base
scenario with overrides; its id is a short hash of the fully resolved inputs (base scenario
chain, overrides, sectors, and the bytes of models/), so a rerun recognises finished runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, PositiveInt, model_validator

from planner.errors import InputError, Problem, display_path
from planner.paths import ProjectPaths
from planner.schema.common import Strict
from planner.schema.load import Tracked, read_scenario_chain, validate_model


class Distribution(Strict):
    """A distribution to sample a scenario key from."""

    distribution: Literal["uniform", "normal", "triangular", "lognormal", "choice"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    values: list[Any] = []

    @model_validator(mode="after")
    def _parameters(self) -> Distribution:
        need = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"),
                "lognormal": ("mean", "sd"), "choice": ()}[self.distribution]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(missing)}")
        if self.distribution == "choice" and not self.values:
            raise ValueError("a choice distribution needs 'values'")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("'low' must not exceed 'high'")
        return self

    def draw(self, rng: np.random.Generator) -> Any:
        if self.distribution == "uniform":
            return float(rng.uniform(self.low, self.high))
        if self.distribution == "triangular":
            return float(rng.triangular(self.low, self.mode, self.high))
        if self.distribution == "normal":
            return float(rng.normal(self.mean, self.sd))
        if self.distribution == "lognormal":
            return float(rng.lognormal(self.mean, self.sd))
        return self.values[int(rng.integers(len(self.values)))]


class Samples(Strict):
    """Monte Carlo: `n` draws of each key, reproducible from `seed`."""

    n: PositiveInt
    seed: int
    keys: dict[str, Distribution] = Field(min_length=1)


class BatchSpec(Strict):
    """A batch of runs (module docstring)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    description: str = ""
    base: str = "default"
    sectors: list[str] = ["all"]
    scenarios: list[str] = []
    grid: dict[str, list[Any]] = {}
    samples: Samples | None = None
    solver: dict[str, Any] = {}
    notes: str = ""

    @model_validator(mode="after")
    def _grid_values(self) -> BatchSpec:
        empty = [k for k, v in self.grid.items() if not v]
        if empty:
            raise ValueError(f"grid keys need at least one value ({', '.join(empty)})")
        return self


@dataclass
class RunSpec:
    """One run of a batch: base scenario, overrides (dotted key -> value), sectors, and its id."""

    key: str
    base: str
    overrides: dict[str, Any]
    sectors: list[str]
    index: int = 0
    inputs: dict[str, Any] = field(default_factory=dict)
    """what the manifest shows of the run's inputs: the scenario and each swept key"""


def nest(overrides: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys -> nested maps: {'a.b': 1} -> {'a': {'b': 1}}."""
    out: dict[str, Any] = {}
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        target = out
        for p in parts[:-1]:
            target = target.setdefault(p, {})
        target[parts[-1]] = value
    return out


def load_spec(path: str, paths: ProjectPaths) -> BatchSpec:
    """A validated batch spec (errors name file, line and key)."""
    return read_spec(path, paths)[0]


def read_spec(path: str, paths: ProjectPaths) -> tuple[BatchSpec, Tracked]:
    """A validated batch spec and its raw data with the line of every key."""
    file = Path(path)
    if not file.exists() and (paths.root / path).exists():
        file = paths.root / path
    if not file.exists():
        raise InputError([Problem(display_path(file), None, "", "no such batch spec")])
    raw = Tracked.read(file)
    spec, problems = validate_model(BatchSpec, raw)
    if problems:
        raise InputError(problems)
    assert isinstance(spec, BatchSpec)
    return spec, raw


def _models_digest(paths: ProjectPaths) -> str:
    """The bytes of every file under models/ (sector files, supply sectors, published pathways, the
    IAMC codelist): a change anywhere there gives every run a new id, so no stale run is skipped."""
    h = hashlib.sha256()
    for p in sorted(q for q in paths.models.rglob("*") if q.is_file()):
        h.update(p.relative_to(paths.models).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def expand(spec: BatchSpec, paths: ProjectPaths) -> list[RunSpec]:
    """Every run of the spec, in a stable order, each with its hash id."""
    sectors = paths.sector_names() if spec.sectors == ["all"] else list(spec.sectors)
    bases = spec.scenarios or [spec.base]
    grid_keys = list(spec.grid)
    points = [dict(zip(grid_keys, combo)) for combo in itertools.product(*spec.grid.values())] or [{}]
    draws: list[dict[str, Any]] = [{}]
    if spec.samples is not None:
        rng = np.random.default_rng(spec.samples.seed)
        keys = sorted(spec.samples.keys)
        draws = [{k: spec.samples.keys[k].draw(rng) for k in keys} for _ in range(spec.samples.n)]
    digest = _models_digest(paths)
    runs: list[RunSpec] = []
    for base in bases:
        chain = read_scenario_chain(base, paths).data
        chain = {k: v for k, v in chain.items() if k not in ("name", "description")}
        for point in points:
            for draw in draws:
                overrides = {**point, **draw}
                if spec.solver:
                    overrides.update({f"solver.{k}": v for k, v in spec.solver.items()})
                blob = json.dumps({"base": chain, "overrides": overrides, "sectors": sorted(sectors),
                                   "models": digest}, sort_keys=True, default=str)
                key = hashlib.sha256(blob.encode()).hexdigest()[:12]
                inputs = {"scenario": base, **point, **draw}
                runs.append(RunSpec(key, base, overrides, sectors, len(runs), inputs))
    return runs
