"""The variable and row families of the LP, declared once.

Every Pyomo Var and Constraint that planner/formulation/ builds is one family here: its index, its
unit, what it means, how its dual becomes a price, whether it is a limit the inputs state (an
assumption a reader may question: explanations name it, drivers.csv ranks it), whether a slack can
make it soft, and whether it is shared by the sectors (and later the regions) of a run, which the
price decomposition prices instead of enforcing. Results, explanations, the decomposition and the
drivers read this registry instead of matching family names of their own; a test checks that the
models of the shipped scenarios hold exactly these families.

Prices from duals (minimisation; a row's dual is d objective / d right-hand side, in million money
of present value per unit of the row; results/extract.py):

| rule | price in year y |
| --- | --- |
| `marginal` | dual / weight[y] (a balance: the marginal cost of one more unit) |
| `scarcity` | -dual / weight[y] (a binding limit: what one more unit of it is worth) |
| `carbon` | -dual x length[y] / weight[y] (a budget: the carbon price; -dual is its present value) |
| `total` | -dual (a cumulative limit: present value of one more unit over the horizon) |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["variable", "row"]
PriceRule = Literal["marginal", "scarcity", "carbon", "total"]


@dataclass(frozen=True)
class Family:
    """One variable or row family of the LP."""

    name: str
    """the Pyomo component's name"""
    kind: Kind
    index: tuple[str, ...]
    """what each position of its index holds"""
    unit: str
    """unit of a variable's value, or of a row (the unit its right-hand side is in)"""
    module: str
    """planner/formulation/<module>.py that builds it"""
    text: str
    """what it is, in a few words (drivers.csv `limit`, docs)"""
    words: str = ""
    """a row in a scenario's terms, formatted with its index (explanations of failed solves)"""
    limit: bool = False
    """a limit the sector files or the scenario state (not a definition or accounting identity)"""
    shared: bool = False
    """shared by the sectors of a run (priced, not enforced, in a sector LP of the decomposition)"""
    soft: str | None = None
    """the slack variable that makes it soft (soft budget, elastic mode, soft milestones)"""
    price: PriceRule | None = None
    """how its dual becomes a price (module docstring)"""
    price_name: str = ""
    """its price's name in prices.csv, formatted with its index without the year (`{capture}`: the
    captured-CO2 commodity)"""

    @property
    def year_at(self) -> int | None:
        """Position of the model year in its index, if it has one."""
        return self.index.index("year") if "year" in self.index else None


S, K, Y, C = "sector", "technology", "year", "cohort"
_FAMILIES = [
    # ---------------------------------------------------------------- variables
    Family("CAP", "variable", (S, K, C, Y), "sector unit/yr", "stock", "capacity of a cohort in service"),
    Family("RETRO", "variable", (S, "retrofit", C, Y), "sector unit/yr", "stock",
           "capacity of a cohort converted by a retrofit"),
    Family("ACT", "variable", (S, K, Y), "sector unit/yr", "activity", "output of a technology"),
    Family("ACTC", "variable", (S, K, "group", Y), "sector unit/yr", "activity",
           "output of a cohort group of a technology whose inputs follow its vintage"),
    Family("EM", "variable", (S, Y), "MtCO2/yr", "emissions", "scope-1 emissions net of capture"),
    Family("USE", "variable", ("commodity", Y), "commodity unit/yr", "limits", "purchase of a commodity"),
    Family("TRADE", "variable", ("commodity", "origin", "destination", Y), "commodity unit/yr", "trade",
           "a product or intermediate moved from one region to another"),
    Family("budget_slack", "variable", ("budget",), "MtCO2", "emissions", "overshoot of a soft budget"),
    Family("cap_slack", "variable", ("who", Y), "MtCO2/yr", "emissions", "excess over an annual cap (elastic)"),
    Family("supply_slack", "variable", ("commodity", Y), "commodity unit/yr", "limits",
           "excess over a supply limit (elastic)"),
    Family("pool_slack", "variable", ("pool", Y), "pool unit/yr", "limits", "excess over a pool limit (elastic)"),
    Family("storage_slack", "variable", ("region", Y), "MtCO2/yr", "capture",
           "excess over a regional CO2 storage limit (elastic)"),
    Family("milestone_short", "variable", ("milestone", "sense", Y), "milestone unit", "milestones",
           "shortfall of a soft milestone"),
    # ---------------------------------------------------------------- definitions and balances
    Family("carry", "row", (S, K, C, Y), "sector unit/yr", "stock", "capacity carried from one year to the next"),
    Family("capacity_limit", "row", (S, K, Y), "sector unit/yr", "activity", "output within capacity"),
    Family("cohort_capacity_limit", "row", (S, K, C, Y), "sector unit/yr", "activity",
           "a cohort's output within its capacity"),
    Family("cohort_activity", "row", (S, K, Y), "sector unit/yr", "activity",
           "a technology's output as the sum of its cohort groups'"),
    Family("balance", "row", (S, "commodity", Y), "commodity unit/yr", "activity", "demand and balance",
           words="demand for {1} ({0})", price="marginal", price_name="marginal_cost|{0}|{1}"),
    Family("emissions_def", "row", (S, Y), "MtCO2/yr", "emissions", "emissions of a sector"),
    Family("purchase", "row", ("commodity", Y), "commodity unit/yr", "limits", "purchases of a commodity"),
    Family("captured_co2_balance", "row", (Y,), "MtCO2/yr", "capture",
           "captured CO2 stored or used as a feedstock", shared=True, price="scarcity",
           price_name="scarcity|{capture}"),
    # ---------------------------------------------------------------- limits the inputs state
    Family("budget", "row", ("budget",), "MtCO2", "emissions", "carbon budget", limit=True, shared=True,
           soft="budget_slack", price="carbon"),
    Family("annual_cap", "row", ("who", Y), "MtCO2/yr", "emissions", "annual cap",
           words="the annual emission cap on {0}", limit=True, shared=True, soft="cap_slack", price="scarcity",
           price_name="annual_cap|{0}"),
    Family("supply_limit", "row", ("commodity", Y), "commodity unit/yr", "limits", "supply limit",
           words="the supply limit of {0}", limit=True, shared=True, soft="supply_slack", price="scarcity",
           price_name="scarcity|{0}"),
    Family("cumulative_supply_limit", "row", ("commodity",), "commodity unit", "limits",
           "cumulative supply limit", limit=True, shared=True, price="total", price_name="scarcity_cumulative|{0}"),
    Family("pool_limit", "row", ("pool", Y), "pool unit/yr", "limits", "resource pool",
           words="the pool limit of {0}", limit=True, shared=True, soft="pool_slack", price="scarcity",
           price_name="scarcity|{0}"),
    Family("pool_cumulative_limit", "row", ("pool",), "pool unit", "limits", "resource pool", limit=True,
           shared=True, price="total", price_name="scarcity_cumulative|{0}"),
    Family("storage_limit", "row", ("region", Y), "MtCO2/yr", "capture", "regional CO2 storage limit",
           words="the CO2 storage limit of region {0}", limit=True, shared=True, soft="storage_slack",
           price="scarcity", price_name="scarcity|{sink}@{0}"),
    Family("build_limit", "row", (S, K, Y), "sector unit/yr", "limits", "build limit",
           words="the build-rate limit of {0} {1}", limit=True),
    Family("regional_growth_limit", "row", (S, K, Y), "sector unit/yr", "limits", "ramp-up limit",
           words="the ramp-up (growth) limit of {1} in the region of {0}", limit=True),
    Family("growth_limit", "row", (S, K, Y), "sector unit/yr", "limits", "ramp-up limit",
           words="the build-rate growth limit of {0} {1}", limit=True),
    Family("decline_limit", "row", (S, K, Y), "sector unit/yr", "limits", "wind-down limit",
           words="the build-rate decline limit of {0} {1} (its build winds down, it may not stop)", limit=True),
    Family("max_share", "row", (S, K, Y), "sector unit/yr", "activity", "maximum share",
           words="the maximum share of {0} {1}", limit=True),
    Family("group_build", "row", (S, "group", Y), "sector unit/yr", "dynamics", "group build limit",
           words="the build limit of the {0} group '{1}'", limit=True),
    Family("group_build_share", "row", (S, "group", Y), "sector unit/yr", "dynamics", "group build limit",
           words="the build limit (share of its stock) of the {0} group '{1}'", limit=True),
    Family("turnover", "row", (S, "group", Y), "sector unit/yr", "dynamics", "turnover limit",
           words="the turnover limit (early retirement and conversion) of the {0} group '{1}'", limit=True),
    Family("member_turnover", "row", (S, "group", K, Y), "sector unit/yr", "dynamics", "turnover limit",
           words="the turnover limit (early retirement and conversion) of {0} technology '{2}' (group '{1}')",
           limit=True),
    Family("adoption", "row", (S, "group", K, Y), "sector unit/yr", "dynamics", "adoption limit",
           words="the adoption (sales-share rise) limit of {0} {2} in group '{1}'", limit=True),
    Family("utilisation_floor", "row", (S, K, Y), "sector unit/yr", "dynamics", "utilisation floor",
           words="the minimum utilisation of {0} {1}", limit=True),
    Family("cohort_utilisation_floor", "row", (S, K, C, Y), "sector unit/yr", "dynamics", "utilisation floor",
           words="the minimum utilisation of {0} {1} (cohort {2})", limit=True),
    Family("commissioning", "row", (S, K, Y), "sector unit/yr", "dynamics", "utilisation floor",
           words="running the capacity {0} {1} adds at its utilisation in that year", limit=True),
    Family("service_life", "row", (S, K, "build year", Y), "sector unit/yr", "dynamics", "minimum service life",
           limit=True),
    Family("import_share", "row", (S, "commodity", Y), "commodity unit/yr", "trade", "import share limit",
           words="the import-share limit of {1} in {0}", limit=True),
    Family("local_share", "row", (S, "commodity", Y), "commodity unit/yr", "trade", "local production floor",
           words="the share of its use of {1} that {0} makes itself", limit=True),
    Family("local_minimum", "row", (S, "commodity", Y), "commodity unit/yr", "trade", "local production floor",
           words="what {0} makes of {1} with its existing plants, up to its demand", limit=True),
    Family("build_share", "row", (S, "commodity", Y), "commodity unit/yr", "trade", "regional build share",
           words="the share of the world's new plants making {1} that {0} may build", limit=True),
    Family("milestone", "row", ("milestone", "sense", Y), "milestone unit", "milestones", "milestone",
           limit=True, soft="milestone_short"),
]

FAMILIES: dict[str, Family] = {f.name: f for f in _FAMILIES}
VARIABLES = tuple(f.name for f in _FAMILIES if f.kind == "variable")
ROWS = tuple(f.name for f in _FAMILIES if f.kind == "row")
LIMITS = tuple(f.name for f in _FAMILIES if f.limit)
"""Rows that are limits the inputs state: explanations name them as the scenario's, drivers rank them."""
SHARED = tuple(f.name for f in _FAMILIES if f.shared)
"""Rows the sectors of a run share: one per run, priced by the decomposition's master."""
SLACKS = tuple(f.soft for f in _FAMILIES if f.soft)
"""Slack variables of soft rows: their values are violations, their costs penalties, not plan cost."""
