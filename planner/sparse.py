"""scipy.sparse for the solver layer, without the rest of scipy.

Pyomo registers a hook that, the moment anything imports scipy, also imports scipy.stats,
scipy.integrate and scipy.spatial (pyomo.common.dependencies._finalize_scipy): about 0.4 s of a
3-4 s single run, for modules planner never uses. Pyomo's own modules reach scipy through deferred
submodules and import what they use, so dropping that hook leaves them working. Import scipy.sparse
from here (`from planner.sparse import sparse`) so the hook is dropped before scipy is first loaded.
"""

from __future__ import annotations

import sys

if "scipy" not in sys.modules:
    from pyomo.common import dependencies

    _indicator = getattr(dependencies, "scipy_available", None)
    if hasattr(_indicator, "_callback"):   # a deferred import not yet resolved (Pyomo 6.x)
        _indicator._callback = None

import scipy.sparse as sparse  # noqa: E402

__all__ = ["sparse"]
