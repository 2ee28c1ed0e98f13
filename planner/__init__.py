"""planner: least-cost net-zero pathways for the hardest-to-abate sectors (Pyomo + HiGHS)."""

__version__ = "0.1.0"
