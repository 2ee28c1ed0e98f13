"""Schema of sector files (``models/<sector>.yaml``) and the shared commodity file.

Units (docs/formulation.md): activity in the sector's unit (e.g. Mt of product), capacity in that
unit per year. Coefficients are given per unit of activity so that coefficient x activity
lands in PJ (energy commodities), Mt (material commodities), MtCO2 or million USD: with
activity in Mt that means GJ/t, t/t, tCO2/t and USD/t.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, field_validator, model_validator

from planner.schema.common import NonNegativeTrajectory, Strict, Trajectory, trajectory_max, trajectory_min


def share_of_one(v: float | dict[int, float] | None) -> float | dict[int, float] | None:
    """A share trajectory (or None) unchanged; a value outside [0, 1] is a validation error."""
    if v is not None and (trajectory_min(v) < 0 or trajectory_max(v) > 1):
        raise ValueError("must lie between 0 and 1")
    return v

Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")


class StockCohort(Strict):
    """Existing capacity in the first model year that leaves service in a given year.

    `retire` is the first year the cohort is no longer in service. `retire_between: [a, b]`
    spreads the capacity evenly over the retirement years a..b (an age profile in one line).
    For a technology with `vintage_inputs`, `vintage` or `inputs` say what the cohort burns.
    """

    capacity: NonNegativeFloat
    retire: int | None = None
    retire_between: tuple[int, int] | None = None
    vintage: int | None = None
    """Only with the technology's `vintage_inputs`: the build year whose inputs the cohort has (the
    technology's `inputs` read at this year; default: the year before the first model year)."""
    inputs: dict[str, NonNegativeTrajectory] | None = None
    """Only with the technology's `vintage_inputs`: the cohort's own input coefficients (per unit of
    activity, a number or a path over the years it runs), in place of the technology's `inputs`."""
    other_emissions: dict[str, Trajectory] | None = None
    """Only with the technology's `vintage_inputs`: the cohort's own non-CO2 gases per unit of
    activity (e.g. methane slip that follows its fuel use), in place of the technology's."""
    notes: str = ""

    @model_validator(mode="after")
    def _one_retirement(self) -> StockCohort:
        if (self.retire is None) == (self.retire_between is None):
            raise ValueError("give exactly one of 'retire' or 'retire_between'")
        if self.retire_between and self.retire_between[0] > self.retire_between[1]:
            raise ValueError("retire_between must be [first year, last year]")
        if self.vintage is not None and (self.inputs is not None or self.other_emissions is not None):
            raise ValueError("give the cohort's own 'inputs' (and 'other_emissions') or the 'vintage' whose "
                             "inputs it has, not both")
        return self


class BuildLimit(Strict):
    """Limits on capacity additions (new build plus retrofits into the technology) per year.

    `absolute`: at most this much (unit/yr) added in a year. `growth` and `seed`: additions in
    year y at most ``growth * (capacity in use in y-1) + seed``, where the capacity in use is the
    output divided by the utilisation, so a technology can start from zero at the seed rate and
    then ramp up by a share of what it actually runs (idle capacity does not feed its own growth).
    `decline`: additions in year y are at least ``(1 - decline) * (additions in y-1) - decline *
    seed``, so a route's build winds down by at most that share a year instead of stopping dead
    when a cheaper route or a shared ceiling takes over, and may stop once it is down to about the
    seed rate it may start from: the lower dynamic constraint on new capacity of MESSAGEix
    (growth_new_capacity_lo, with initial_new_capacity_lo = decline * seed). Why not the whole
    seed: a route built at a few times its seed could then stop within three years (bio-methanol
    for ships at 134 PJ/yr against a seed of 30, measured 2026-12). A dynamics limit: lifted with the others by
    `dynamics: {limits: false}`.
    `none`: the technology has no build limit of its own, and this says why (e.g. "a fuel
    purchase, not a plant", "limited by the group 'kiln'"); a technology that can be built must
    carry a limit (its own or a group's) or say `none`.
    """

    absolute: Trajectory | None = None
    growth: NonNegativeFloat | None = None
    seed: NonNegativeFloat = 0.0
    decline: float | None = Field(default=None, ge=0, lt=1)
    none: str | None = None
    sources: list[str] = []
    notes: str = ""

    @model_validator(mode="after")
    def _some_limit(self) -> BuildLimit:
        limited = self.absolute is not None or self.growth is not None
        if self.none is not None:
            if limited or self.decline is not None:
                raise ValueError("'none' says there is no limit: drop 'absolute'/'growth'/'decline' or 'none'")
            if not self.none.strip():
                raise ValueError("'none' needs the reason why the technology has no build limit")
        elif not limited:
            raise ValueError("give 'absolute' and/or 'growth' (with 'seed'), or 'none' with a reason")
        return self


class GroupBuildLimit(Strict):
    """New build of a group's members per year, summed over the members (unit/yr).

    ``sum_{k in G} NEW[k,y] <= absolute[y]`` and ``<= stock_share * USED_G[y-1]``, the group's
    capacity in use the year before (output / utilisation; in the first year its existing stock).
    Retrofits are not new build; they count under `turnover`.
    """

    absolute: Trajectory | None = None
    stock_share: NonNegativeFloat | None = None
    sources: list[str] = Field(min_length=1)
    notes: str = ""

    @model_validator(mode="after")
    def _some_limit(self) -> GroupBuildLimit:
        if self.absolute is None and self.stock_share is None:
            raise ValueError("give 'absolute' and/or 'stock_share'")
        return self


class Turnover(Strict):
    """Early retirement plus conversion (retrofit) of a group's capacity per year.

    ``sum_{k in G} (early retirement + conversion out)[k,y] <= max_share[y] * USED_G[y-1]``, the
    group's capacity in use the year before (output / utilisation):
    plants change technology at their rebuild or relining point (about 1 / investment cycle of
    the stock a year) unless retired early; retirement at end of life is not counted.

    With `each_member: true` the share also holds for the existing stock (the fleet of mixed ages
    at the start of the horizon) of every member on its own,
    ``(early retirement + conversion out of k's stock)[k,y] <= max_share[y] * USED_k[y-1]``: the
    plants of a fleet reach their rebuild point spread over their ages, so no fleet turns over
    faster than the cycle allows, even when the group as a whole could by taking one fleet first.
    Capacity built in the horizon is held by the minimum service life instead (scenario
    `dynamics.min_service_share`).
    """

    max_share: Trajectory
    each_member: bool = False
    sources: list[str] = Field(min_length=1)
    notes: str = ""

    @field_validator("max_share")
    @classmethod
    def _fraction(cls, v: float | dict[int, float]) -> float | dict[int, float]:
        return share_of_one(v)


class Adoption(Strict):
    """Diffusion: the sales share (share of the group's new build) of each member rises by at
    most `max_change` a year.

    ``NEW[k,y] <= NEW[k,y-1] + max_change * NEW_G[y]``; in the group's first build year of the
    horizon ``NEW[k,y] <= (start[k] + max_change) * NEW_G[y]``, with `start` the sales shares of
    the year before (members not named: 0). The incumbent (largest start share) is exempt, so the
    group's sales can grow with demand. With steady group sales this is exactly a limit on the
    yearly rise of each challenger's share, so a new technology follows an S-curve instead of
    jumping to 100%.
    """

    max_change: float = Field(gt=0, le=1)
    start: dict[str, float] = {}
    sources: list[str] = Field(min_length=1)
    notes: str = ""

    @field_validator("start")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, x in v.items() if not 0 <= x <= 1]
        if bad:
            raise ValueError(f"start shares must lie between 0 and 1 ({', '.join(bad)})")
        if v and abs(sum(v.values()) - 1) > 0.01:
            raise ValueError(f"start shares must sum to 1 (they sum to {sum(v.values()):.3f})")
        return v


class Group(Strict):
    """A named set of technologies (members list the group under their `groups`), with optional
    limits over the whole group: new build, turnover of the stock, and adoption of new members."""

    description: str = ""
    build_limit: GroupBuildLimit | None = None
    turnover: Turnover | None = None
    adoption: Adoption | None = None


class Technology(Strict):
    """A way to make the sector's output: costs, flows, emissions, lifetime, stock, limits.

    Per unit of activity: `inputs`/`outputs` of commodities, `process_emissions` (tCO2),
    `capex` per unit of capacity, `fixed_om` per unit of capacity and year, `variable_om` per
    unit of activity. `capture_rate` is the share of all CO2 formed at the site (fuel, process
    and biogenic) that is captured; `process_capture_rate` the share of process CO2 captured
    on top (e.g. direct separation of calcination CO2). `other_emissions` are non-CO2 gases
    (e.g. methane slip) in the units of the CO2 coefficients: Mt of gas per unit of activity, i.e.
    t/t for activity in Mt or kg/tkm for activity in Gtkm; each gas must have a GWP100 under
    `gases:` of models/commodities.yaml. They are reported in `other_emissions.csv` (Mt of gas and
    Mt CO2e) and count against the budget as CO2e only for the gases the scenario names in
    `emissions.gases`.

    `product_carbon` (tCO2 per unit of activity, stoichiometric) is fossil carbon that leaves the
    site in the technology's output instead of being released there (the carbon of methanol, the
    CO2 bound in urea): it is part of the fossil CO2 fed (fuels, feedstocks, process) and at most
    all of it; carbon from biogenic or non-fossil CO2 feedstock is not counted. It is released
    where the product is used; the scenario's `emissions.product_carbon` says whether it counts
    in the producing sector (`at_production`) or on its own line (`downstream`).
    """

    name: str
    description: str = ""
    output: str | None = None
    inputs: dict[str, NonNegativeTrajectory] = {}
    """Use per unit of activity (never negative: what a technology makes is one of its `outputs`)."""
    vintage_inputs: bool = False
    """`inputs` (and `other_emissions`) are read at the build year of the capacity (its vintage), not
    the year it runs: a truck bought in 2040 keeps the fuel use of 2040 trucks for life. Existing
    stock reads them at its `vintage` or states its own; retrofitted capacity keeps its vintage."""
    operating_factor: Trajectory | None = None
    """Only with `vintage_inputs`: every cohort's inputs (and other_emissions) are multiplied by this
    factor of the year it runs (gains that reach all vintages, e.g. a fleet's operational measures)."""
    outputs: dict[str, NonNegativeTrajectory] = {}
    capex: Trajectory = 0.0
    fixed_om: Trajectory = 0.0
    variable_om: Trajectory = 0.0
    lifetime: PositiveInt
    available_from: int | None = None
    last_build: int | None = None
    utilisation: Trajectory = 1.0
    min_utilisation: Trajectory | None = None
    """Output at least this share of capacity in service (a plant that runs today keeps running
    unless retired); a technology whose capacity costs nothing runs at `utilisation` exactly."""
    process_emissions: Trajectory = 0.0
    capture_rate: Trajectory = 0.0
    process_capture_rate: Trajectory = 0.0
    product_carbon: Trajectory = 0.0
    other_emissions: dict[str, Trajectory] = {}
    near_zero: bool = False
    saving: bool = False
    """An efficiency measure: it supplies its output by avoiding its use (fuel saved, no inputs), up to
    `max_share` of the output. Its activity is what it saves, so it is not one of the output's makers
    where makers are compared (sales shares of the self-check) or counted (IAMC production)."""
    groups: list[str] = []
    max_share: Trajectory | None = None
    build_limit: BuildLimit | None = None
    stock: list[StockCohort] = []
    plant_size: PositiveFloat | None = None
    """Capacity of one typical plant (vessel, aircraft, truck) in the capacity unit per year."""
    plant_unit: str | None = None
    """What `plant_size` counts when not the sector's `plant_unit` (e.g. fuel plants of shipping)."""
    sources: list[str] = Field(min_length=1)
    notes: str = ""

    @field_validator("utilisation", "min_utilisation", "capture_rate", "process_capture_rate", "max_share")
    @classmethod
    def _fraction(cls, v: float | dict[int, float] | None) -> float | dict[int, float] | None:
        return share_of_one(v)

    @field_validator("operating_factor")
    @classmethod
    def _positive(cls, v: float | dict[int, float] | None) -> float | dict[int, float] | None:
        if v is not None and trajectory_min(v) <= 0:
            raise ValueError("must be positive")
        return v

    @field_validator("capex", "fixed_om", "variable_om", "product_carbon")
    @classmethod
    def _non_negative(cls, v: float | dict[int, float]) -> float | dict[int, float]:
        if trajectory_min(v) < 0:
            raise ValueError("must not be negative")
        return v


    def buildable_in(self, start: int, end: int) -> bool:
        """Whether the technology may be built in some year of start..end."""
        return ((self.last_build is None or self.last_build >= start)
                and (self.available_from is None or self.available_from <= end))

    @model_validator(mode="after")
    def _saving_uses_nothing(self) -> Technology:
        if self.saving and (self.inputs or self.outputs or self.max_share is None):
            raise ValueError("a saving technology has no inputs or by-products and caps what it saves by max_share")
        return self

    @model_validator(mode="after")
    def _capture_at_most_all(self) -> Technology:
        if trajectory_max(self.capture_rate) + trajectory_max(self.process_capture_rate) > 1:
            raise ValueError("capture_rate + process_capture_rate must not exceed 1")
        return self


class Retrofit(Strict):
    """Conversion of capacity of technology `from` into technology `to`, keeping its vintage.

    Retrofitted capacity leaves service when the original vintage would have.
    `capex` is per unit of capacity converted (USD per t/yr, i.e. million USD per Mt/yr).
    """

    from_: str = Field(alias="from")
    to: str
    capex: Trajectory
    cohorts: Literal["all", "existing", "new"] = "all"
    """Which capacity of `from` may be converted: all of it, only the existing stock (built before
    the first model year) or only capacity built in the horizon."""
    turnover: bool = True
    """Whether the conversion counts against the turnover limit of the groups of `from` (early
    retirement plus conversion, a plant's investment-cycle decision). false for a conversion that
    is not a rebuild of the plant (a fuel switch of its burners, a change of feedstock): the build
    limits of `to` still bound how fast it spreads."""
    available_from: int | None = None
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class Commodity(Strict):
    """Something technologies use or make.

    kind `product`: has demand in the sector; `intermediate`: made and used inside the sector;
    `purchased`: bought at `price` (USD per GJ or per t, i.e. million USD per PJ or Mt), with
    optional annual `limit` and horizon `cumulative_limit` (in the commodity's unit), shared by
    all sectors of a run. `emission_factor` is fossil CO2 released where it is used (tCO2/GJ
    or t/t); `biogenic_factor` is biogenic CO2 released (not counted, but capturable, so that
    capture makes it negative); `scope2_factor` is CO2 emitted upstream (reported, and counted
    in a budget only when the scenario says so). One commodity may `store_captured_co2`: it
    receives the captured CO2 (Mt) that is not used, and its price is the transport and storage
    cost. One commodity may `draw_on_capture` (shared file only): technologies that take it as an
    input use CO2 captured in the run instead of storing it (at most what is captured each year;
    planner/formulation/capture.py). The engine counts each tonne drawn as 1 tCO2 of fossil CO2
    fed to the user, so it gives no emission factors of its own; its price is the cost of getting
    the CO2 to the user.

    `carbon_release` (product or intermediate only; share, default 1) is the part of the fossil
    carbon held in this product (`product_carbon` of the technologies that make it) that is
    released as CO2 downstream; the rest stays held (landfilled, or in long-lived stock beyond
    the horizon) and is reported as `held`, never counted. The released part counts where the
    scenario's `emissions.product_carbon` says, in the year the product is made (planner/accounting.py).
    """

    name: str = ""
    kind: Literal["product", "intermediate", "purchased"] = "purchased"
    unit: str
    price: NonNegativeTrajectory | None = None
    """What the plan pays per unit (never negative: a price paid to the plan for using a commodity
    would make a technology cheaper the more of it it burns)."""
    emission_factor: Trajectory = 0.0
    biogenic_factor: Trajectory = 0.0
    scope2_factor: Trajectory = 0.0
    limit: NonNegativeTrajectory | None = None
    cumulative_limit: NonNegativeFloat | None = None
    store_captured_co2: bool = False
    draw_on_capture: bool = False
    carbon_release: Trajectory | None = None
    sources: list[str] = []
    notes: str = ""

    @field_validator("carbon_release")
    @classmethod
    def _release_share(cls, v: float | dict[int, float] | None) -> float | dict[int, float] | None:
        return share_of_one(v)

    @model_validator(mode="after")
    def _release_of_made_goods(self) -> Commodity:
        if self.carbon_release is not None and self.kind == "purchased":
            raise ValueError("'carbon_release' applies to a product or intermediate (the carbon held in "
                             "what a technology makes), not to a purchased commodity")
        return self

    @model_validator(mode="after")
    def _capture_flags(self) -> Commodity:
        if self.draw_on_capture and self.store_captured_co2:
            raise ValueError("a commodity either stores captured CO2 or draws on it, not both")
        if self.draw_on_capture and any(f != 0.0 for f in (self.emission_factor, self.biogenic_factor,
                                                            self.scope2_factor)):
            raise ValueError("a commodity that draws on capture has no emission factors: each tonne drawn "
                             "counts as 1 tCO2 fed to its user")
        return self

    @model_validator(mode="after")
    def _product_unit(self) -> Commodity:
        kinds = ("mass", "freight", "passenger transport", "energy")
        if self.kind == "product" and UNIT_KIND.get(self.unit) not in kinds:
            known = ", ".join(u for u, k in UNIT_KIND.items() if k in kinds)
            raise ValueError(f"a product is a material, a transport service or a fuel; its unit is one of "
                             f"{known}, not {self.unit!r}")
        return self

    @model_validator(mode="after")
    def _purchased_has_price(self) -> Commodity:
        if self.kind == "purchased" and self.price is None:
            raise ValueError("a purchased commodity needs a 'price'")
        if self.kind != "purchased" and (self.price is not None or self.limit is not None):
            raise ValueError(f"a {self.kind} is not bought: remove 'price' and 'limit'")
        return self


class DemandVariant(Strict):
    """One demand trajectory of a product (in the product's unit per year, never negative)."""

    values: NonNegativeTrajectory
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class ProductDemand(Strict):
    """Demand variants of a product and the one used unless the scenario picks another."""

    default: str
    variants: dict[str, DemandVariant] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_exists(self) -> ProductDemand:
        if self.default not in self.variants:
            raise ValueError(f"default variant {self.default!r} is not among the variants {sorted(self.variants)}")
        return self


CALIBRATION_UNITS = {"kt": 0.001, "Mt": 1.0, "Gt": 1000.0, "MtCO2": 1.0, "GtCO2": 1000.0,
                     "Gtkm": 1.0, "billion tkm": 1.0, "billion RPK": 1.0, "PJ": 1.0, "EJ": 1000.0}
"""Units a calibration figure may be given in, with the factor to the model's unit (Mt, MtCO2)."""

UNIT_KIND = {"kt": "mass", "Mt": "mass", "Gt": "mass", "MtCO2": "CO2", "GtCO2": "CO2", "Gtkm": "freight",
             "billion tkm": "freight", "billion RPK": "passenger transport", "PJ": "energy", "EJ": "energy"}
"""What each calibration unit measures: a figure must measure what it is compared with (emissions
in CO2, a product in its own unit's kind)."""


class CalibrationFigure(Strict):
    """A published figure (for data year `year`) that the calibration year must reproduce.

    For emissions, `product_carbon` names the products whose carbon held in the product
    (technology `product_carbon`, e.g. the CO2 of urea) the published figure counts as emitted at
    the site; the model figure compared is the site's scope 1 net of capture plus that carbon,
    whatever the scenario's `emissions.product_carbon` switch."""

    value: float
    unit: Literal[tuple(CALIBRATION_UNITS)]  # type: ignore[valid-type]
    year: int
    product_carbon: list[str] = []
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class Calibration(Strict):
    """What the solution of model year `year` is checked against: production per product and
    scope-1 CO2, each within `tolerance` (relative)."""

    year: int
    tolerance: float = Field(default=0.10, gt=0, lt=1)
    production: dict[str, CalibrationFigure] = {}
    emissions: CalibrationFigure | None = None
    process_emissions: CalibrationFigure | None = None
    """gross process CO2 (technologies' `process_emissions` times output, before capture), e.g.
    the calcination CO2 that national inventories report apart from fuel"""


class CommodityGroup(Strict):
    """A named set of commodities (e.g. zero-emission energy) that milestones can measure
    (`input_share`, `commodity_use`)."""

    description: str = ""
    members: list[str] = Field(min_length=1)


class SectorFile(Strict):
    """A sector: its commodities, demand, technologies, retrofits and calibration targets."""

    sector: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    unit: str
    description: str = ""
    sources: dict[str, str] = Field(min_length=1)
    supplies: list[str] = []
    """A supply sector (a file in models/supply/) makes these shared commodities of
    models/commodities.yaml for the sectors of a run, in place of buying them at their price: its
    technologies name one of them as `output`, and it has no `demand` of its own (what the run's
    sectors buy is its demand; planner/formulation/limits.py)."""
    commodities: dict[str, Commodity] = {}
    demand: dict[str, ProductDemand] = {}
    technologies: dict[str, Technology] = Field(min_length=1)
    retrofits: dict[str, Retrofit] = {}
    groups: dict[str, str | Group] = {}
    """Technology groups: a description, or a `Group` with limits over its members."""
    commodity_groups: dict[str, CommodityGroup] = {}
    calibration: Calibration | None = None
    plant_unit: str = "plants"
    """What a technology's `plant_size` counts (kilns, plants, ships, aircraft, trucks), plural."""
    notes: str = ""

    @model_validator(mode="after")
    def _demand_or_supply(self) -> SectorFile:
        if not self.demand and not self.supplies:
            raise ValueError("give the sector's 'demand' (or, for a supply sector, the shared "
                             "commodities it 'supplies')")
        return self

    def group(self, name: str) -> Group:
        """The group `name` as a `Group` (a plain description has no limits)."""
        g = self.groups[name]
        return Group(description=g) if isinstance(g, str) else g


class Pool(Strict):
    """A resource that several purchased commodities draw on, with a limit shared by the run.

    ``sum_c members[c] * USE[c,y] <= limit[y]`` (and the cumulative form over the horizon), in
    the pool's `unit`; `members[c]` is pool units per unit of commodity c bought (e.g. PJ of
    primary biomass per PJ of biofuel). Members that no sector of a run buys are ignored.
    """

    name: str = ""
    unit: str
    members: dict[str, float] = Field(min_length=1)
    limit: Trajectory | None = None
    cumulative_limit: NonNegativeFloat | None = None
    sources: list[str] = []
    notes: str = ""

    @field_validator("members")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, f in v.items() if not f > 0]
        if bad:
            raise ValueError(f"member factors must be positive ({', '.join(bad)})")
        return v


class Resource(Strict):
    """A reported resource (electricity, hydrogen, biomass, ...): a weighted sum of commodities bought.

    ``demand[s,y] = sum_c members[c] * USE[s,c,y]`` in the resource's `unit`; `members[c]` converts
    the commodity's unit into it (e.g. 1/3.6 TWh per PJ of electricity). Reporting only: no
    resource enters the optimisation (limits are commodity limits or pools).
    """

    name: str
    unit: str
    members: dict[str, float] = Field(min_length=1)
    sources: list[str] = []
    notes: str = ""


class Gas(Strict):
    """A greenhouse gas other than CO2 that technologies may emit (`other_emissions`): its global
    warming potential over 100 years, t CO2e per t of gas, with its source. A scenario counts it
    under the budget as ``gwp100 x Mt of gas`` (Mt CO2e) when it names the gas in `emissions.gases`."""

    name: str = ""
    gwp100: PositiveFloat
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class CommodityFile(Strict):
    """The shared commodities (``models/commodities.yaml``): fuels, power, hydrogen, CO2 storage,
    the pools (shared resources) that commodities of several sectors draw on, and the non-CO2
    gases with their GWP100."""

    sources: dict[str, str] = Field(min_length=1)
    commodities: dict[str, Commodity]
    pools: dict[str, Pool] = {}
    resources: dict[str, Resource] = {}
    gases: dict[str, Gas] = {}
    notes: str = ""
