"""Schema of a region set (models/regions/<name>.yaml), picked by a scenario's `regions:` key.

A region set splits the world sector files into one instance per region (planner/regions.py):
the sector files stay the description of the world, and the region file gives

- ``regions``: the regions, their member countries (ISO 3166 alpha-3) and cost of capital;
- ``sectors``: the share of each product's world demand and of each technology's existing world
  stock in each region (each year's shares sum to 1), and published regional figures to check;
- ``commodities``: regional prices (and grid intensities) of purchased commodities, a regional
  limit where one applies (for the store of captured CO2: a regional storage ceiling); regions not
  listed pay the world price;
- ``trade``: products and intermediates that move between regions, at a transport cost per unit.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.schema.common import NonNegativeTrajectory, Strict
from planner.schema.sector import CalibrationFigure


class Region(Strict):
    """One region of the set."""

    name: str
    """its display name (IAMC common-definitions, e.g. 'China+ (R10)')"""
    members: list[str] = []
    """member countries, ISO 3166 alpha-3"""
    wacc: float | None = Field(default=None, ge=0, lt=1)
    """real cost of capital of industrial plants in the region (fraction); absent: the scenario's
    discount rate. Enters capital costs as a multiplier (planner/regions.py)."""
    wacc_sources: list[str] = []


class RegionalCalibration(Strict):
    """Published figures of one region a plan's first year is checked against."""

    production: dict[str, CalibrationFigure] = {}
    emissions: CalibrationFigure | None = None
    process_emissions: CalibrationFigure | None = None
    """gross process CO2 (sector.Calibration.process_emissions)"""


Shares = dict[str, NonNegativeTrajectory]
"""region -> its share (a trajectory)"""


class SectorSplit(Strict):
    """How a sector's world figures divide among the regions."""

    demand: dict[str, Shares]
    """`default` (every product not named) or a product -> region -> share of its world demand"""
    stock: dict[str, Shares] = {}
    """`default` (every technology not named) or a technology -> region -> share of its existing
    world stock; absent: the demand shares of the sector's first product"""
    sources: list[str] = []
    notes: str = ""
    calibration: dict[str, RegionalCalibration] = {}


class RegionalCommodity(Strict):
    """Regional values of a purchased commodity; a region not listed keeps the world value."""

    price: dict[str, NonNegativeTrajectory] = {}
    scope2_factor: dict[str, NonNegativeTrajectory] = {}
    limit: dict[str, NonNegativeTrajectory] = {}
    """annual limit in the region (commodity unit per year); the world limit, if any, still holds
    over the sum of the regions. For the commodity that stores captured CO2 (`store_captured_co2`,
    which takes a limit only): what the captures of the region's sector instances may store a year,
    net of what the region's own users draw as a feedstock (planner/formulation/capture.py)"""
    sources: list[str] = []
    notes: str = ""


class TradeLink(Strict):
    """A product or intermediate of a sector that moves between the regions."""

    sector: str
    cost: NonNegativeTrajectory
    """transport cost, USD per unit of the commodity (USD/t = million USD per Mt), any pair of regions"""
    cost_between: dict[str, NonNegativeTrajectory] = {}
    """'FROM>TO' -> the cost on that route, where it differs from `cost`"""
    max_import_share: NonNegativeTrajectory | None = None
    """imports at most this share of a region's use (self-sufficiency 1 - share); absent: no limit"""
    min_local_share: NonNegativeTrajectory | None = None
    """each region makes at least this share of its own use of the commodity (its demand plus what
    its plants consume) from the second model year on; absent: no floor"""
    min_local_share_by_region: dict[str, NonNegativeTrajectory] = {}
    """region -> its own `min_local_share`, where it differs"""
    local_capacity_share: float | None = Field(default=None, gt=0, le=1)
    """with it, a region's floor is min(min_local_share x its demand, this share x what its plants of
    the first model year can make: their capacity times their utilisation ceiling): a region runs its
    existing plants, up to its own demand, before it imports (MPP steel model). For a product with
    demand, not an intermediate."""
    local_floor_follows_demand: bool = False
    """with `local_capacity_share`: the floor is a share of each year's demand, the share the first
    year's floor was, min(min_local_share, c x K / demand in the first year): a region may not grow more
    dependent on imports than its first-year plants left it, and makes that share of any growth in
    its demand at home"""
    max_build_share: NonNegativeTrajectory | None = None
    """each region builds at most this share of the new capacity of the commodity's makers built in
    all regions since the first model year (cumulative; the MPP ammonia model's cap on a region's
    share of the world's new plants); absent: no cap"""
    sources: list[str] = []
    notes: str = ""


class RegionFile(Strict):
    """A region set."""

    name: str
    description: str = ""
    kind: Literal["regions"] = "regions"
    reference_wacc: float | None = Field(default=None, ge=0, lt=1)
    """the cost of capital the world sector files' capital costs stand for: a region's capex is
    multiplied by CRF(wacc_region, L) / CRF(reference_wacc, L) (planner/regions.py); absent: the
    scenario's discount rate"""
    regions: dict[str, Region] = Field(min_length=1)
    sectors: dict[str, SectorSplit] = {}
    commodities: dict[str, RegionalCommodity] = {}
    trade: dict[str, TradeLink] = {}
    sources: dict[str, str] = {}
    missing: list[str] = []
    """figures the set lacks (said, not invented)"""
    notes: str = ""

    @model_validator(mode="after")
    def _codes(self) -> RegionFile:
        for code in self.regions:
            if "@" in code or ">" in code:
                raise ValueError(f"region code {code!r} may not contain '@' or '>'")
        return self
