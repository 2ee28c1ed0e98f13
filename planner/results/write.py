"""Atomic writer of a run's results folder.

Everything is written into a hidden temporary folder beside the target, then renamed into
place in one step, so a crash or an interrupt never leaves a folder that looks complete. An
earlier run of the same scenario and sectors is replaced only once the new one is whole.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from planner.errors import InputError, Problem, display_path


def check_target(folder: Path, owned: bool = False) -> None:
    """Raise InputError, before anything is solved, if a run cannot be written to `folder`: a part
    of the path is a file, the folder exists but holds no earlier run (it would be replaced; unless
    the caller `owned` it, as a batch owns its runs/<id>), or the nearest existing folder cannot be
    written (read-only, no permission, no such device)."""
    folder = Path(folder)
    where = display_path(folder)

    def fail(message: str) -> None:
        raise InputError([Problem(where, None, "--out", message)])

    if folder.exists():
        if not folder.is_dir():
            fail("is a file: the run writes a folder there; choose another --out")
        if not owned and any(folder.iterdir()) and not (folder / "run.json").exists():
            fail("exists and holds no earlier run (no run.json): the run would replace it; choose another --out")
    parent = folder.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        fail(f"{display_path(parent)} is a file, not a folder")
    try:
        probe = tempfile.NamedTemporaryFile(dir=parent, prefix=".planner-probe.", delete=True)
        probe.close()
    except OSError as exc:
        fail(f"cannot write in {display_path(parent)}: {exc.strerror}")


def write_run(folder: Path, tables: dict[str, pd.DataFrame], record: dict, scenario: dict,
              extra: dict[str, pd.DataFrame] | None = None,
              writers: dict[str, Callable[[Path], None]] | None = None) -> Path:
    """Write tables (`<name>.csv`), `run.json` and `scenario.yaml` atomically to `folder`.

    `writers` maps a file name to a function that writes that file given its path (e.g. an
    Excel workbook); they run inside the same temporary folder, so they are atomic too.
    """
    t0 = time.perf_counter()
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        for name, table in {**tables, **(extra or {})}.items():
            table.to_csv(tmp / f"{name}.csv", index=False)
        for name, write in (writers or {}).items():
            write(tmp / name)
        (tmp / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True),
                                           encoding="utf-8")
        record = {**record, "timings": {**record.get("timings", {}), "write": time.perf_counter() - t0}}
        (tmp / "run.json").write_text(json.dumps(record, indent=2, default=_jsonable), encoding="utf-8")
        _replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _replace(tmp: Path, folder: Path) -> None:
    """Move `tmp` to `folder`, replacing an older folder only after the new one is in place."""
    if not folder.exists():
        os.replace(tmp, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    os.rmdir(old)
    os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _jsonable(obj: object) -> object:
    if hasattr(obj, "item"):
        return obj.item()  # numpy scalars
    return str(obj)
