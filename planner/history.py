"""The first model year as history: calibrated, not optimised, and the same in every scenario.

A plan starts from the year its data describe (the sector files' 2025 stock, sized from 2025
output, and the calibration against 2025 production and CO2). Left to the optimisation, that year
would already respond to the scenario: a carbon price or a budget re-dispatches the existing kilns,
furnaces and ships and builds new plants within months, so the same 2025 would differ between
scenarios (9,594 MtCO2 in base against 9,474 under default, before this module).

So the first year y0 is fixed before the run is solved. Its decisions are those of the year on its
own under the data alone, with no climate policy:

    min  cost of y0  s.t.  every row of the model in y0        (no carbon price, budget, annual
                                                               cap or milestone; a re-plan's
                                                               actuals of y0 do hold)

and the run's LP then holds ACT, ACTC, CAP and RETRO of y0 at those values (`history` in ModelData;
formulation/__init__.py fixes them). Emissions, purchases and costs of y0 follow from them, so y0 is
the same in every scenario that keeps the sector data, and it still counts under the budget: the
2025 tonnes are emitted whatever the scenario. Seen from y0 alone, capacity built in y0 pays its
capital less the salvage after the horizon for one year of use, so the year builds only what its
demand needs (as history did). Scenario `horizon.history: false` optimises y0 with the rest.
"""

from __future__ import annotations

from dataclasses import replace

from planner.data import ModelData
from planner.errors import SolveFailed
from planner.formulation import build_model
from planner.schema.actuals import ACTUAL
from planner.schema.scenario import SolverOptions
from planner.solve import Status, compile_lp, named_values, solve_arrays

FIXED = ("ACT", "ACTC", "CAP", "RETRO")
"""The variables of the first year that are fixed: activity, activity by cohort group, capacity by
cohort and retrofit moves (every other quantity of the year follows from them)."""


def first_year_data(d: ModelData) -> ModelData:
    """The run's data cut to its first year, without climate policy (module docstring)."""
    y0 = d.years[0]
    cohorts = d.cohorts[d.cohorts["start"] <= y0]
    return replace(
        d, years=[y0], length={y0: d.length[y0]}, df={y0: d.df[y0]}, weight={y0: d.weight[y0]},
        cohorts=cohorts, demand=d.demand[d.demand.index.get_level_values(2) == y0],
        retrofit_moves=d.retrofit_moves[d.retrofit_moves["year"] == y0],
        budget_mt=None, budget_years=[], budget_rows={}, budget_penalty=None, budget_mode=None,
        caps={}, carbon_price={y0: 0.0}, published={},
        milestones={k: m for k, m in d.milestones.items() if k.startswith(ACTUAL) and m["years"] == [y0]},
        pool_limit={k: v for k, v in d.pool_limit.items() if k[1] == y0}, history={},
    )


def with_history(d: ModelData, options: SolverOptions) -> ModelData:
    """`d` with its first year fixed to the history solve (an infeasible first year is an error
    in the scenario's terms: the 2025 data cannot serve the 2025 demand), solved with the
    scenario's solver `options`."""
    if len(d.years) < 2:
        return d
    first = first_year_data(d)
    model, _ix = build_model(first)
    lp = compile_lp(model)
    status, x, _duals, _objective = solve_arrays(lp, options)
    if status != Status.OPTIMAL or x is None:
        raise SolveFailed(status.value, f"Scenario '{d.scenario}': the first model year {d.years[0]} cannot be "
                          f"solved as history ({status.value}): the sector files' {d.years[0]} stock, limits and "
                          f"supplies cannot serve that year's demand. Check the stock and demand of "
                          f"{', '.join(d.sectors)} for {d.years[0]} (`python -m planner run ... --elastic` "
                          "names the rows), or set horizon.history: false.")
    values = named_values(lp, x)
    history = {name: {idx: max(0.0, float(v)) for idx, v in values.get(name, {}).items()} for name in FIXED}
    return replace(d, history=history)
