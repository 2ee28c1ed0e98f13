"""A results location that cannot be written fails before the solve, as bad input (exit 1), and
never moves or replaces what the user keeps there."""

from __future__ import annotations

import os

import pytest
from conftest import scenario, widget_sector

import planner.run
from planner.errors import InputError


@pytest.fixture
def project(toy, monkeypatch):
    toy.sector(widget_sector(plant={"capex": 10})).scenario(scenario())

    def no_solve(*args, **kwargs):
        raise AssertionError("solved although the results cannot be written")

    monkeypatch.setattr(planner.run, "solve_data", no_solve)
    return toy


def fails(project, out):
    with pytest.raises(InputError) as info:
        project.solve(out=out)
    problem = info.value.problems[0]
    assert problem.path == "--out"
    return problem.message


def test_out_is_a_file(project, tmp_path):
    target = tmp_path / "plain.txt"
    target.write_text("mine")
    assert "is a file" in fails(project, target)
    assert target.read_text() == "mine"


def test_the_run_folder_is_a_users_file_or_folder(project, tmp_path):
    out = tmp_path / "res"
    (out / "toy").mkdir(parents=True)
    (out / "toy" / "widgets").write_text("mine")
    assert "is a file" in fails(project, out)
    assert (out / "toy" / "widgets").read_text() == "mine"
    assert [p.name for p in (out / "toy").iterdir()] == ["widgets"]   # nothing hidden beside it
    (out / "toy" / "widgets").unlink()
    (out / "toy" / "widgets").mkdir()
    (out / "toy" / "widgets" / "notes.md").write_text("mine")
    assert "holds no earlier run" in fails(project, out)
    assert (out / "toy" / "widgets" / "notes.md").read_text() == "mine"


def test_out_under_a_file_or_a_read_only_folder(project, tmp_path):
    assert "is a file" in fails(project, os.devnull + "/results")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):   # root writes anywhere: nothing to test
            pytest.skip("running as a user who can write to read-only folders")
        assert "cannot write" in fails(project, locked / "results")
    finally:
        locked.chmod(0o700)
