"""Faults while writing results: what a killed writer leaves is tidied, two writers of one folder
take turns, and what is written has the permissions of the user's umask."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import planner.results.write as write
from planner.results.write import atomic_text, write_run


def put(folder: Path, tag: str) -> Path:
    return write_run(folder, {"table": pd.DataFrame({"tag": [tag]})}, {"status": "optimal", "tag": tag}, {"name": tag})


def hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_written_folders_and_files_follow_the_umask(tmp_path, umask022):
    folder = put(tmp_path / "res" / "cement", "a")
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / "run.json").stat().st_mode & 0o777 == 0o644
    atomic_text(folder / "report.html", "<html></html>")
    assert (folder / "report.html").stat().st_mode & 0o777 == 0o644


def test_leftovers_of_killed_writers_are_removed(tmp_path):
    parent = tmp_path / "res"
    put(parent / "cement", "a")
    (parent / ".cement.k3j9x1ab.tmp").mkdir()        # killed while writing (mkdtemp's names)
    (parent / ".cement.q0w2e4r6.old").mkdir()        # killed after the new folder was in place
    (parent / ".steel.z8y7x6w5.tmp").mkdir()         # another target's: not this writer's business
    (parent / ".cement.x.a1b2c3d4.old").mkdir()      # nor is a target whose name starts the same
    put(parent / "cement", "b")
    assert hidden(parent) == [".cement.x.a1b2c3d4.old", ".steel.z8y7x6w5.tmp"]
    assert json.loads((parent / "cement" / "run.json").read_text())["tag"] == "b"


def test_a_writer_killed_between_its_renames_loses_no_run(tmp_path):
    parent = tmp_path / "res"
    put(parent / "cement", "a")
    put(parent / "cement.x", "x")
    os.replace(parent / "cement.x", parent / ".cement.x.m5n6b7v8.old")   # another target's hidden run
    os.replace(parent / "cement", parent / ".cement.p9o8i7u6.old")   # the previous run hidden, the new one lost
    write._tidy(parent / "cement")                             # the next writer's first step
    assert json.loads((parent / "cement" / "run.json").read_text())["tag"] == "a"
    assert hidden(parent) == [".cement.x.m5n6b7v8.old"]


def test_two_writers_of_one_folder_take_turns(tmp_path, monkeypatch):
    replace = write._replace

    def slow_replace(tmp: Path, folder: Path) -> None:
        time.sleep(0.3)   # a delay before the final rename used to make one writer fail
        replace(tmp, folder)

    monkeypatch.setattr(write, "_replace", slow_replace)
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            put(tmp_path / "res" / "cement", tag)
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads((tmp_path / "res" / "cement" / "run.json").read_text())["tag"] in ("a", "b")
    assert hidden(tmp_path / "res") == []


def test_run_json_is_strict_json_whatever_the_numbers(tmp_path):
    import numpy as np

    folder = write_run(tmp_path / "r", {}, {"status": "optimal", "price": float("nan"), "cap": np.float64("inf"),
                                           "rows": [1.5, float("-inf")]}, {})
    text = (folder / "run.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["rows"] == [1.5, None]
