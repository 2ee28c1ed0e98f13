"""Schema of published outcomes (``models/published/<sector>.yaml``): what published pathways
(IEA NZE, MPP's sector strategies, sector bodies) say a sector makes, emits or uses in a year,
stated in the planner's metric vocabulary (planner/milestones.py) so that every run can put its
own plan beside them (published.csv).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from planner.schema.common import Strict
from planner.schema.scenario import METRICS, SHARE_METRICS, check_metric

TABLE_METRICS = ("captured", "investment")
"""metrics read from a run's result tables rather than from the LP's variables"""


class Outcome(Strict):
    """One published figure: `metric` of `sector` in `year` is `value` (in `unit`, the metric's
    unit: MtCO2/yr, tCO2/<unit>, fraction, <unit>/yr or the commodity's unit per year) under the
    named `pathway`. Beside the milestone metrics, `captured` is the sector's CO2 captured
    (MtCO2/yr) and `investment` its capital spending (bn <currency>/yr, new build and retrofits).
    A plan whose ratio to it lies outside the band of the scenario's `diagnostics.published` needs
    a `reason`: the named assumption that explains the gap, and `gap`: the side it explains (a
    reason written for a plan above the figure says nothing about a plan below it)."""

    sector: str
    metric: Literal[(*METRICS, *TABLE_METRICS)]  # type: ignore[valid-type]
    group: str | None = None
    of: str | None = None
    product: str | None = None
    commodities: list[str] = []
    year: int
    value: float
    unit: str
    pathway: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    reason: str | None = None
    gap: Literal["above", "below"] | None = None
    """the side of the published figure the `reason` explains: the plan `above` it or `below` it (a
    plan outside the band on the other side is not explained by it)"""
    quote: str = ""
    """the figure as the source prints it (before any conversion)"""
    mapping: Literal["clean", "approximate"] = "clean"
    """`approximate`: the planner's metric differs in scope or definition (say how in `notes`)"""
    notes: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Outcome:
        check_metric(self.metric, self.group, self.product, self.commodities)
        if not math.isfinite(self.value):
            raise ValueError("a published value is a finite number")
        if self.metric in SHARE_METRICS and not 0 <= self.value <= 1:
            raise ValueError("a share is a fraction between 0 and 1")
        if self.metric != "emissions" and self.value < 0:
            raise ValueError(f"a published {self.metric} is not negative")
        if (self.reason is None) != (self.gap is None):
            raise ValueError("a reason says which gap it explains: give 'reason' with 'gap: above' (the plan "
                             "above the published figure) or 'gap: below', or neither")
        return self


class PublishedFile(Strict):
    """A sector's published outcomes and the sources they cite."""

    sources: dict[str, str] = Field(min_length=1)
    outcomes: dict[str, Outcome]

