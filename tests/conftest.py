"""Hand-solvable toy projects: a temporary models/ + scenarios/ tree built from Python dicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.paths import ProjectPaths, project_paths
from planner.run import RunOutcome, run

COMMODITIES: dict[str, Any] = {
    "sources": {"toy": "hand-made toy data"},
    "commodities": {
        "coal": {"unit": "PJ", "price": 2.0, "emission_factor": 0.1, "sources": ["toy"]},
        "electricity": {"unit": "PJ", "price": 10.0, "scope2_factor": 0.05, "sources": ["toy"]},
        "biomass": {"unit": "PJ", "price": 5.0, "biogenic_factor": 0.1, "sources": ["toy"]},
        "co2_storage": {"unit": "MtCO2", "price": 10.0, "store_captured_co2": True, "sources": ["toy"]},
    },
    "gases": {"CH4": {"gwp100": 29.8, "sources": ["toy"]}},
}


def widget_sector(**technologies: dict[str, Any]) -> dict[str, Any]:
    """A one-product sector ('widgets', demand 10 Mt/yr) with the given technologies."""
    techs = {}
    for key, spec in technologies.items():
        techs[key] = {"name": key.title(), "lifetime": 20, "sources": ["toy"], **spec}
    return {
        "sector": "widgets",
        "name": "Widgets",
        "unit": "Mt",
        "sources": {"toy": "hand-made toy data"},
        "commodities": {"widget": {"kind": "product", "unit": "Mt"}},
        "demand": {"widget": {"default": "flat", "variants": {"flat": {"values": 10.0, "sources": ["toy"]}}}},
        "technologies": techs,
    }


def scenario(**keys: Any) -> dict[str, Any]:
    """A scenario with a 2025-2040 horizon and no discounting unless told otherwise. Its first year
    is optimised with the rest (`history: false`): the toys solve 2025 by hand like any other year;
    tests/test_history.py covers the shipped default, history."""
    base = {"name": "toy", "horizon": {"start": 2025, "end": 2040, "history": False}, "discount_rate": 0.0}
    base.update(keys)
    return base


class Toy:
    """A temporary project; `solve()` runs it without writing results."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "models").mkdir(parents=True, exist_ok=True)
        (root / "scenarios").mkdir(parents=True, exist_ok=True)
        self.paths = ProjectPaths(root)
        self.write("models/commodities.yaml", COMMODITIES)

    def write(self, rel: str, data: Any) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    def sector(self, data: dict[str, Any]) -> Toy:
        self.write(f"models/{data['sector']}.yaml", copy.deepcopy(data))
        return self

    def scenario(self, data: dict[str, Any]) -> Toy:
        self.write(f"scenarios/{data['name']}.yaml", data)
        return self

    def solve(self, sectors: list[str] | None = None, name: str = "toy", out: Path | None = None) -> RunOutcome:
        return run(sectors or ["widgets"], name, out, self.paths)


@pytest.fixture
def toy(tmp_path: Path) -> Toy:
    return Toy(tmp_path)


def table(outcome: RunOutcome, name: str, **where: Any) -> Any:
    """Rows of a result table matching `where`, as a year-indexed value series."""
    t = outcome.results[name]
    for key, value in where.items():
        t = t[t[key] == value]
    return t.groupby("year")["value"].sum()


COMMON_DEFINITIONS = Path(__file__).parent / "data" / "common-definitions" / "definitions"
"""the vendored IAMC common-definitions codelists (tests/data/common-definitions/README.md)"""

_SHIPPED: dict[str, RunOutcome] = {}
"""Shipped runs solved in this test session, by sectors, scenario and child keys: a run several test
modules look at is solved once (each caller gets its own copy)."""


def shipped(sectors: list[str], scenario: str = "base", folder: Path | None = None, **child: Any) -> RunOutcome:
    """Solve the shipped sectors under a shipped scenario, or, given `child` keys, under a child of
    it written to `folder` (e.g. ``carbon_price={2025: 0, 2050: 300}``). Nothing is written to results."""
    key = yaml.safe_dump({"sectors": list(sectors), "scenario": scenario, "child": child}, sort_keys=True)
    if key not in _SHIPPED:
        _SHIPPED[key] = _solve_shipped(sectors, scenario, folder, **child)
    return copy.deepcopy(_SHIPPED[key])


def _solve_shipped(sectors: list[str], scenario: str, folder: Path | None, **child: Any) -> RunOutcome:
    if child:
        assert folder is not None, "a child scenario needs a folder to be written to"
        name = f"{scenario}-child"
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"name": name, "extends": scenario, **child}), encoding="utf-8")
        scenario = str(path)
    return run(sectors, scenario, None, project_paths())
