"""docs/api.md: its examples run as written, in order, in one namespace (results in a temporary folder)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_api_page_has_examples():
    assert len(blocks()) >= 4


def test_the_api_page_runs_as_written(tmp_path):
    script = tmp_path / "api_examples.py"
    script.write_text("\n".join(blocks()), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "results/default/cement/report.html").is_file()
    assert (tmp_path / "results/compare/base-vs-default/compare.csv").is_file()
    assert "optimal" in done.stdout


def test_importing_the_api_leaves_pyomo_and_highspy_unloaded():
    code = "import sys, planner.api; print('pyomo' in sys.modules, 'highspy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_a_table_that_does_not_exist_names_those_that_do():
    import pandas as pd

    from planner.api import Plan

    plan = Plan({"emissions": pd.DataFrame()}, {})
    with pytest.raises(KeyError, match="tables: emissions"):
        plan.table("emisions")
