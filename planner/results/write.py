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
