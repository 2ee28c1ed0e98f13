"""All seven shipped sectors solved jointly under the default scenario's shared budget (slow)."""

from __future__ import annotations

import pytest

from planner.paths import project_paths
from planner.run import run


@pytest.mark.slow
def test_all_sectors_share_one_budget():
    paths = project_paths()
    out = run(paths.sector_names(), "default", None, paths)
    assert sorted(out.data.sectors) == sorted(["aluminium", "aviation", "cement", "chemicals", "shipping",
                                               "steel", "trucking"])
    em = out.results["emissions"]
    assert em["value"].sum() == pytest.approx(out.data.budget_mt, rel=1e-6)
    price = out.results["prices"].query("name == 'carbon_price'")["value"]
    assert (price > 0).all()
    assert set(em.sector) == set(out.data.sectors)
