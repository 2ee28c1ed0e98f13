"""Schema of scenario files (``scenarios/*.yaml``).

A scenario may `extend` another (its keys are merged over the parent's, maps key by key); it
sets the horizon and discount rate, picks demand variants, overrides commodity prices and
limits, overrides sector data, and states the carbon budget, annual caps and carbon price.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, model_validator

from planner.schema.common import NonNegativeTrajectory, Strict, Trajectory, trajectory_max, trajectory_min

HORIZON_FIRST, HORIZON_LAST = 2000, 2100
"""Model years lie within 2000-2100: the sector data start from 2020s stock and run to 2050-2070,
IAM scenarios end in 2100, and every model year adds a copy of each sector's LP (a horizon to 9999
would need gigabytes and hours for numbers held flat since the data's last year)."""


class Horizon(Strict):
    """Model years: start..end in steps of `step` years (each period weighted by its length).

    `history` (default true): the first year is history, solved on its own without climate policy
    and then held fixed, so it is the same in every scenario (planner/history.py); false optimises
    it with the rest of the horizon.
    """

    start: int = Field(default=2025, ge=HORIZON_FIRST, le=HORIZON_LAST)
    end: int = Field(default=2050, ge=HORIZON_FIRST, le=HORIZON_LAST)
    step: PositiveInt = 1
    history: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end < self.start:
            raise ValueError("end must not come before start")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1, self.step))


class CommodityOverride(Strict):
    """Scenario values that replace those of a commodity (see `Commodity`)."""

    price: NonNegativeTrajectory | None = None
    emission_factor: Trajectory | None = None
    biogenic_factor: Trajectory | None = None
    scope2_factor: Trajectory | None = None
    limit: NonNegativeTrajectory | None = None
    cumulative_limit: NonNegativeFloat | None = None
    sources: list[str] = []
    notes: str = ""


class PoolOverride(Strict):
    """Scenario values for a pool (see `Pool`): replace a shipped pool's values, or declare a new
    pool (then `unit` and `members` are required)."""

    name: str | None = None
    unit: str | None = None
    members: dict[str, PositiveFloat] | None = None
    limit: Trajectory | None = None
    cumulative_limit: NonNegativeFloat | None = None
    sources: list[str] = []
    notes: str = ""


METRICS = ("emissions", "intensity", "output_share", "sales_share", "input_share", "capacity", "production",
           "commodity_use")
SHARE_METRICS = ("output_share", "sales_share", "input_share")
INTENSITY_UNITS = {"Mt": "tCO2/t", "Gtkm": "kgCO2/tkm", "billion RPK": "kgCO2/RPK", "kt": "ktCO2/kt"}
"""MtCO2 per unit of product, in the unit people quote (planner/milestones.py)"""


class Soft(Strict):
    """A soft milestone: a shortfall is allowed at `penalty` USD per unit of the metric's
    numerator (tCO2 for emissions, a unit of output for output and sales shares, a unit of the
    commodity for input shares and use), per year."""

    penalty: PositiveFloat


class Milestone(Strict):
    """A commitment the plan must honour (see planner/milestones.py for each metric's math).

    Years: `year` (one), or `from` (every model year from then on, to `to` or the horizon end).
    Bound: `min` and/or `max`; with `relative_to` (a model year) or `base_value` (a published
    figure) the bound is a multiple of that base (``max: 0.75`` = down 25%). With `from`, a bound
    may be a path ``{year: value}``, read in each year linearly between its years and held flat
    outside them (``min: {2030: 0.3, 2040: 1.0}``: a straight line from 30% to 100%).
    """

    sector: str
    metric: Literal["emissions", "intensity", "output_share", "sales_share", "input_share", "capacity",
                    "production", "commodity_use"]
    group: str | None = None
    technology: str | None = None
    """one technology instead of a `group` (a group of one)"""
    of: str | None = None
    product: str | None = None
    commodities: list[str] = []
    year: int | None = None
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None
    min: Trajectory | None = None
    max: Trajectory | None = None
    relative_to: int | None = None
    base_value: PositiveFloat | None = None
    soft: Soft | None = None
    sources: list[str] = []
    notes: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Milestone:
        if (self.year is None) == (self.from_ is None):
            raise ValueError("give exactly one of 'year' or 'from'")
        if self.to is not None and self.from_ is None:
            raise ValueError("'to' goes with 'from'")
        if self.to is not None and self.from_ is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) comes before 'from' ({self.from_}): the milestone would cover no year")
        if self.min is None and self.max is None:
            raise ValueError("give a bound: 'min' or 'max'")
        if self.year is not None and any(isinstance(b, dict) for b in (self.min, self.max)):
            raise ValueError("a bound given as a path {year: value} needs 'from' (the years it runs over), not 'year'")
        if self.relative_to is not None and self.base_value is not None:
            raise ValueError("give 'relative_to' or 'base_value', not both")
        if (self.relative_to is not None or self.base_value is not None) and self.metric in SHARE_METRICS:
            raise ValueError(f"a {self.metric} bound is a fraction already; 'relative_to'/'base_value' do not apply")
        if self.group is not None and self.technology is not None:
            raise ValueError("give a 'group' or a 'technology', not both")
        check_metric(self.metric, self.group or self.technology, self.product, self.commodities)
        if self.metric in SHARE_METRICS and any(b is not None and not 0 <= trajectory_min(b) <= trajectory_max(b) <= 1
                                                for b in (self.min, self.max)):
            raise ValueError("a share bound is a fraction between 0 and 1")
        return self


def check_metric(metric: str, group: str | None, product: str | None, commodities: list[str]) -> None:
    """The keys a metric needs (planner/milestones.py): a technology group, a product or commodities."""
    if metric in ("output_share", "sales_share", "capacity", "production") and group is None:
        raise ValueError(f"metric {metric} needs a technology 'group' (or one 'technology')")
    if metric in ("input_share", "commodity_use") and not commodities:
        raise ValueError(f"metric {metric} needs 'commodities'")
    if metric == "intensity" and product is None:
        raise ValueError("metric intensity needs the 'product' it is measured per")


class SoftBudget(Strict):
    """A budget that may be overshot at `penalty` USD per tCO2 above it (present value, first model
    year): where no plan within the physical limits reaches the budget, the run says by how much it
    misses it instead of failing. The overshoot is reported (budget_shares.csv `overshoot`) and the
    penalty is not a cost of the plan (it is left out of the cost tables)."""

    penalty: PositiveFloat
    sources: list[str] = []
    notes: str = ""


class Budget(Strict):
    """Cumulative CO2 budget over `start`..`end` (default: the horizon), and how it is shared.

    Each sector's budget is either given in `sectors` or computed as
    ``shares[sector] * global_remaining``; an absolute value in `sectors` takes precedence over a
    share (so a child scenario can replace its parent's share). Values are in `unit`. Scope 2
    counts only when `include_scope2` is true.

    `mode` says how a run of several sectors shares the sum B of its sectors' budgets:
      - `optimal`: one cap ``sum_s E_s <= B``; its dual is the economy-wide carbon price and the
        budget falls where abatement is cheapest (one joint LP, or the price decomposition);
      - `shares`: each sector s keeps a fixed budget ``E_s <= B_s`` (its given value, or, with
        ``split: current_emissions``, ``B * e_s / sum e`` with e_s the sector's published current
        emissions from its calibration block); one LP per sector, each with its own price;
      - `price`: no cap; the scenario's `carbon_price` path applies and the budget is only the
        yardstick the results are reported against.
    """

    unit: Literal["MtCO2", "GtCO2"] = "GtCO2"
    start: int | None = None
    end: int | None = None
    mode: Literal["optimal", "shares", "price"] = "optimal"
    split: Literal["given", "current_emissions"] = "given"
    global_remaining: PositiveFloat | None = None
    shares: dict[str, NonNegativeFloat] = {}
    sectors: dict[str, NonNegativeFloat] = {}
    regions: dict[str, NonNegativeFloat] = {}
    """with a region set: region -> a cumulative cap on the emissions of its sectors over the budget
    years, in `unit` (a national pledge), besides the run's budget, in every mode"""
    include_scope2: bool = False
    soft: SoftBudget | None = None
    sources: list[str] = []
    notes: str = ""

    @model_validator(mode="after")
    def _shares_need_global(self) -> Budget:
        if self.shares and self.global_remaining is None:
            raise ValueError("'shares' need 'global_remaining' to apply to")
        if self.split != "given" and self.mode != "shares":
            raise ValueError("'split' applies to mode 'shares' only")
        return self

    @property
    def global_remaining_mt(self) -> float | None:
        """The global remaining budget in MtCO2 (None if not given)."""
        if self.global_remaining is None:
            return None
        return self.global_remaining * (1000.0 if self.unit == "GtCO2" else 1.0)

    def region_budgets_mt(self) -> dict[str, float]:
        """The regional caps in MtCO2."""
        scale = 1000.0 if self.unit == "GtCO2" else 1.0
        return {r: v * scale for r, v in self.regions.items()}

    def sector_budget_mt(self, sector: str) -> float | None:
        """This sector's budget in MtCO2, or None if the budget names no value for it."""
        scale = 1000.0 if self.unit == "GtCO2" else 1.0
        if sector in self.sectors:
            return self.sectors[sector] * scale
        if sector in self.shares and self.global_remaining is not None:
            return self.shares[sector] * self.global_remaining * scale
        return None


class EmissionAccounting(Strict):
    """What a run counts as its emissions: the budget rows, the annual caps and a carbon price
    apply to this quantity (planner/formulation/emissions.py; `counted` in emissions.csv).

    `gases`: CO2 always counts; another gas named here (it needs a GWP100 under `gases:` of
    models/commodities.yaml) counts as ``GWP100 x Mt of gas`` MtCO2e on top of the CO2, so the
    budget and caps become CO2e limits. Gases not named are reported (other_emissions.csv, the
    emissions.csv `other_co2e` column) but not limited or priced.

    `product_carbon`: where fossil carbon held in products (technology `product_carbon`: methanol,
    urea) is counted. `at_production`: in the producing sector's emissions (emissions.csv `value`)
    in the year it is made. `downstream`: on its own line, emissions.csv `downstream` ('released
    downstream'), in the year it is made (an assumption for short-lived products: urea releases
    its CO2 within months of application, IPCC 2006 Guidelines Vol. 4 ch. 11.4.3; methanol is
    burnt as fuel or in short-lived derivatives); the sector's `value` is then its site emissions.
    `downstream_in_budget`: whether that line counts under the budget, caps and carbon price.
    Either way every tonne is reported once: site + downstream = fossil carbon fed - captured.
    """

    gases: list[str] = ["CO2"]
    product_carbon: Literal["at_production", "downstream"] = "downstream"
    downstream_in_budget: bool = True
    sources: list[str] = []
    notes: str = ""

    @model_validator(mode="after")
    def _co2_counts(self) -> EmissionAccounting:
        if "CO2" not in self.gases:
            raise ValueError("'gases' must include CO2 (the budget is a CO2 budget; other gases add CO2e to it)")
        dup = sorted({g for g in self.gases if self.gases.count(g) > 1})
        if dup:
            raise ValueError(f"gas listed twice: {', '.join(dup)}")
        return self


class SolverOptions(Strict):
    """HiGHS options a scenario may set, and how a run of several sectors is solved.

    `decompose`: solve a run of several sectors as separate sector LPs in `jobs` worker
    processes, coordinated by prices on the constraints they share (budget, shared limits;
    see planner/decompose.py), instead of one joint LP. Unset: budget modes `shares` and `price`
    solve this way (one LP per sector), mode `optimal` as one joint LP; `false` forces the joint
    LP (for fixed shares it holds one budget row per sector: the same optimum, often faster when
    shared limits couple the sectors). `gap` is the relative optimality gap at which the
    coordination stops.
    """

    time_limit: PositiveFloat | None = None
    threads: PositiveInt | None = None
    method: Literal["choose", "simplex", "ipm", "pdlp"] = "choose"
    decompose: bool | None = None
    jobs: PositiveInt | None = None
    gap: float = Field(default=1e-5, gt=0, lt=0.1)
    max_iterations: PositiveInt = 200
    explain: Literal["auto", "iis", "elastic"] = "auto"
    """How an infeasible run is explained: `iis` finds the irreducible infeasible set (thorough, but
    HiGHS needs minutes on a sector-sized LP: about 6 min for cement's 15,000 rows on 2 vCPU) and adds
    the elastic amounts; `elastic` only re-solves with the constraints made soft (one more solve;
    batches use it by default); `auto` (default) finds the set for LPs of up to
    `solve.IIS_MAX_ROWS` rows and otherwise explains by the elastic solve and says how to ask for
    the set."""


class Dynamics(Strict):
    """How plants and fleets may change.

    `limits` (default true) applies the sector files' group build limits, turnover limits,
    adoption (sales-share diffusion) limits and utilisation floors, and `min_service_share`;
    false lifts them, for
    comparison (technology build limits and the rule that free capacity runs at its utilisation
    stay). `reference` also solves the run without them and reports what the realistic dynamics
    cost against that unconstrained plan (`realism.csv`, the report).
    """

    limits: bool = True
    reference: bool = False
    min_service_share: float = Field(default=0.0, ge=0, le=1)
    """Capacity built in the horizon is not retired early before this share of its lifetime (it
    may be converted by a retrofit): a plan does not build what it means to scrap."""
    sources: list[str] = []
    notes: str = ""


class Check(Strict):
    """One self-check of a plan: flag where the figure passes `threshold`, with `severity`."""

    threshold: float
    severity: Literal["high", "medium", "low"] = "high"
    notes: str = ""


class EmissionsDrop(Check):
    """A sector's emissions fall by more than `threshold` (share) from one year to the next,
    in years up to `before`, by at least `min_fall` MtCO2 a year (a fall of a few kilotonnes in a
    supply sector that hardly emits is no transition a sector expert would question)."""

    threshold: float = 0.10
    before: int = 2030
    min_fall: NonNegativeFloat = 1.0


class Churn(Check):
    """Capacity built in the horizon and retired before `life_share` of its lifetime (early
    retirement, or conversion), as a share of all capacity built of that technology."""

    threshold: float = 0.01
    life_share: float = Field(default=0.5, gt=0, le=1)


class IdleNew(Check):
    """Capacity built in the horizon that runs below `threshold` x its utilisation for `years`
    years or more before half its life."""

    threshold: float = 0.5
    severity: Literal["high", "medium", "low"] = "medium"
    years: PositiveInt = 3


class Overcapacity(Check):
    """A technology's capacity above `threshold` x what its output needs at its utilisation,
    where the excess is at least `min_excess` (sector unit per year)."""

    threshold: float = 1.5
    min_excess: NonNegativeFloat = 1.0


class SalesJump(Check):
    """A technology's share of its group's new build goes from below `low` to above `threshold`
    within `years` years."""

    threshold: float = 0.9
    low: float = Field(default=0.1, ge=0, le=1)
    years: PositiveInt = 3


class CostSwing(Check):
    """A product's marginal cost (in the year's money) changes by more than `threshold` (share)
    from one year to the next."""

    threshold: float = 0.5
    severity: Literal["high", "medium", "low"] = "medium"


class PublishedBand(Strict):
    """A plan / published ratio inside [low, high] agrees with the published pathway; outside it,
    the published outcome needs a `reason` (models/published/), else the comparison flags it."""

    low: PositiveFloat = 0.67
    high: PositiveFloat = 1.5


class Diagnostics(Strict):
    """Thresholds of the plan's self-check (planner/results/diagnostics.py, diagnostics.csv).
    The defaults here are those of scenarios/base.yaml, which states them for every shipped
    scenario."""

    emissions_drop: EmissionsDrop = EmissionsDrop()
    churn: Churn = Churn()
    idle_new: IdleNew = IdleNew()
    overcapacity: Overcapacity = Overcapacity()
    sales_jump: SalesJump = SalesJump()
    cost_swing: CostSwing = CostSwing()
    published: PublishedBand = PublishedBand()
    sources: list[str] = []
    notes: str = ""


class Scenario(Strict):
    """A full set of assumptions for a run."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    description: str = ""
    extends: str | None = None
    horizon: Horizon = Horizon()
    discount_rate: float = Field(default=0.05, ge=0, lt=1)
    currency: str = "USD2020"
    demand: dict[str, str] = {}
    commodities: dict[str, CommodityOverride] = {}
    regions: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    """The region set (models/regions/<name>.yaml) whose regions split every sector of the run,
    with trade between them; absent: one region, the world."""
    supply: list[str] | None = None
    """Supply sectors (files in models/supply/) that make shared commodities for the run: each one
    whose commodities a sector of the run buys joins the run, and those commodities are then made,
    not bought at their price (their price and limits do not apply). Absent: every supply sector;
    `[]`: none (every commodity bought at its price, within its limits)."""
    carbon_price: NonNegativeTrajectory | None = None
    budget: Budget | None = None
    annual_caps: dict[str, Trajectory] = {}
    emissions: EmissionAccounting = EmissionAccounting()
    pools: dict[str, PoolOverride] = {}
    milestones: dict[str, Milestone] = {}
    overrides: dict[str, dict[str, Any]] = {}
    solver: SolverOptions = SolverOptions()
    dynamics: Dynamics = Dynamics()
    diagnostics: Diagnostics = Diagnostics()
    sources: dict[str, str] = {}
    notes: str = ""
