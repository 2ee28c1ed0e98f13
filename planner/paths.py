"""Where the project's data live: `models/`, `scenarios/` and the default `results/`.

The project root is `$PLANNER_ROOT` if set, else the folder holding the `planner` package when
it has a `models/` folder (a source checkout), else the working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def commodities_file(self) -> Path:
        return self.models / "commodities.yaml"

    @property
    def iamc_codelist(self) -> Path:
        """Folder of the IAMC codelist (variables.yaml, tags.yaml)."""
        return self.models / "iamc"

    @property
    def supply(self) -> Path:
        """Folder of the supply sectors, which make shared commodities for the other sectors."""
        return self.models / "supply"

    def sector_file(self, sector: str) -> Path:
        """models/<sector>.yaml, or models/supply/<sector>.yaml for a supply sector."""
        path = self.models / f"{sector}.yaml"
        supply = self.supply / f"{sector}.yaml"
        return supply if not path.exists() and supply.exists() else path

    def supply_names(self) -> list[str]:
        """Every supply sector with a file in `models/supply/`."""
        return sorted(p.stem for p in self.supply.glob("*.yaml"))

    def region_file(self, name: str) -> Path:
        """A region set: models/regions/<name>.yaml."""
        return self.models / "regions" / f"{name}.yaml"

    def region_names(self) -> list[str]:
        """Every region set with a file in `models/regions/`."""
        return sorted(p.stem for p in (self.models / "regions").glob("*.yaml"))

    def published_file(self, sector: str) -> Path:
        """The sector's published outcomes (optional): models/published/<sector>.yaml."""
        return self.models / "published" / f"{sector}.yaml"

    def sector_names(self) -> list[str]:
        """Every sector with a file in `models/` (all but the shared commodity file)."""
        return sorted(p.stem for p in self.models.glob("*.yaml") if p.stem != "commodities")

    def scenario_file(self, ref: str, relative_to: Path | None = None) -> Path:
        """A scenario given by name (``default`` -> scenarios/default.yaml) or by path."""
        if ref.endswith((".yaml", ".yml")) or "/" in ref or os.sep in ref:
            p = Path(ref)
            if not p.is_absolute() and relative_to is not None and not p.exists():
                p = relative_to / p
            return p
        return self.scenarios / f"{ref}.yaml"


def project_paths() -> ProjectPaths:
    """The project paths for this process (see module docstring)."""
    env = os.environ.get("PLANNER_ROOT")
    if env:
        return ProjectPaths(Path(env).resolve())
    pkg_parent = Path(__file__).resolve().parent.parent
    if (pkg_parent / "models").is_dir():
        return ProjectPaths(pkg_parent)
    return ProjectPaths(Path.cwd().resolve())
