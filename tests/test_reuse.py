"""A run that differs from a cached one only in prices, costs, the carbon price, budgets or caps
gets the cached LP updated, and that LP is the one a fresh build gives (planner/reuse.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from planner.data import build_data
from planner.formulation import build_model
from planner.history import with_history
from planner.index import _build_index, build_index
from planner.paths import project_paths
from planner.reuse import LPCache, structure_key
from planner.run import load_run
from planner.schema.scenario import SolverOptions
from planner.solve import CompiledLP, compile_lp

ARRAYS = ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "a_start", "a_index", "a_value")


@pytest.fixture(scope="module")
def cement():
    """Shipped cement with a carbon price, a soft budget (its slack column) and an annual cap."""
    d = with_history(build_data(load_run(["cement"], "default", project_paths())), SolverOptions())
    return replace(d, carbon_price={y: 30.0 + y - 2025 for y in d.years}, budget_penalty=400.0,
                   caps={("cement", 2040): 1500.0, ("all", 2045): 1200.0})


def assert_same_lp(got: CompiledLP, want: CompiledLP) -> None:
    assert got.columns == want.columns and got.rows == want.rows
    for name in ARRAYS:
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-12, atol=0, err_msg=name)
    assert got.offset == pytest.approx(want.offset, rel=1e-12)


def swept(d):
    """Every number a batch may change without a rebuild, moved (zero patterns kept)."""
    ty = d.tech_year.copy()
    for col in ("capex", "capex_counted", "fixed_om", "variable_om"):
        ty[col] = ty[col] * 1.37
    cy = d.commodity_year.copy()
    cy["price"] = cy["price"] * 0.61
    moves = d.retrofit_moves.copy()
    moves["capex_counted"] = moves["capex_counted"] * 1.9
    return replace(d, scenario="other", tech_year=ty, commodity_year=cy, retrofit_moves=moves,
                   carbon_price={y: 2.1 * v for y, v in d.carbon_price.items()},
                   budget_rows={b: 0.8 * v for b, v in d.budget_rows.items()},
                   caps={k: 0.9 * v for k, v in d.caps.items()})


def test_an_updated_lp_equals_a_fresh_build_of_the_new_numbers(cement):
    assert len(cement.retrofit_moves) and cement.caps and cement.budget_rows
    cache = LPCache()
    cache.lp_for(cement)
    d1 = swept(cement)
    lp, steps = cache.lp_for(d1)
    assert cache.hits == 1 and steps["compile"] == 0.0
    assert build_index(d1) == _build_index(d1)   # the cached run's index, shared with d1, is d1's own
    assert_same_lp(lp, compile_lp(build_model(d1)[0]))
    # and again from the updated entry (its data is now d1's)
    d2 = swept(d1)
    lp2, _ = cache.lp_for(d2)
    assert cache.hits == 2
    assert_same_lp(lp2, compile_lp(build_model(d2)[0]))


def test_any_other_difference_is_built_afresh(cement):
    demand = cement.demand.copy()
    demand.iloc[-1] *= 1.1          # demand: intensity milestones divide by it
    flows = cement.flows.copy()
    flows.loc[flows.index[0], "coef"] *= 1.01
    cy = cement.commodity_year.copy()
    cy.iloc[0, cy.columns.get_loc("price")] = 0.0 if cy["price"].iloc[0] else 1.0  # a zero pattern
    key = structure_key(cement)
    for changed in (replace(cement, demand=demand), replace(cement, flows=flows),
                    replace(cement, commodity_year=cy), replace(cement, carbon_price={y: 0.0 for y in cement.years})):
        assert structure_key(changed) != key
    assert structure_key(replace(cement, scenario="renamed", input_hash="x")) == key
    cache = LPCache()
    cache.lp_for(cement)
    d1 = replace(cement, demand=demand)
    lp, _ = cache.lp_for(d1)
    assert cache.hits == 0
    assert_same_lp(lp, compile_lp(build_model(d1)[0]))


def test_fields_left_out_of_the_structure_are_not_read_by_the_lp():
    # a field the formulation reads must never be ignored by the structure key (wrong LPs otherwise)
    import re
    from pathlib import Path

    import planner
    from planner.reuse import NOT_IN_LP

    root = Path(planner.__file__).parent
    sources = [*(root / "formulation").glob("*.py"), root / "milestones.py", root / "history.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for name in NOT_IN_LP:
            if name == "scenario":   # the model's name and its error messages
                continue
            assert not re.search(rf"\bd\.{name}\b", text), f"{path.name} reads d.{name}"
