"""Atomic writer of a run's results folder, and of single files.

Everything is written into a hidden temporary folder beside the target, then renamed into
place in one step, so a crash or an interrupt never leaves a folder that looks complete. An
earlier run of the same scenario and sectors is replaced only once the new one is whole.
Writers of folders in the same parent take turns (an exclusive lock on the parent folder), so
of two runs writing the same folder the last one wins and neither fails; a writer first removes
what killed writers left (hidden `.tmp` and `.old` folders of its target) and, if one was killed
between its two renames, puts the previous run back. Folders and files get the permissions of
the user's umask, like any file the user creates.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
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
    with _turn(folder.parent):
        _tidy(folder)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
        try:
            os.chmod(tmp, 0o777 & ~_umask())
            for name, table in {**tables, **(extra or {})}.items():
                table.to_csv(tmp / f"{name}.csv", index=False)
            for name, write in (writers or {}).items():
                write(tmp / name)
            (tmp / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True),
                                               encoding="utf-8")
            record = {**record, "timings": {**record.get("timings", {}), "write": time.perf_counter() - t0}}
            (tmp / "run.json").write_text(json.dumps(strict_json(record), indent=2, default=str,
                                                     allow_nan=False), encoding="utf-8")
            _replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return folder


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write one file atomically: `write` fills a hidden temporary file beside `path`, which then
    replaces `path` in one step, with the permissions of the user's umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_text(path: Path, text: str) -> None:
    """`atomic_write` of a text file (UTF-8)."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _turn(parent: Path) -> Iterator[None]:
    """An exclusive lock on the folder `parent` for the time of a write (none where the system
    has no flock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # closing releases the lock


def _tidy(folder: Path) -> None:
    """Remove what killed writers of `folder` left; if one was killed between its two renames
    (the folder gone, its previous run hidden as `.old`), put that run back first."""
    stale = sorted(_leftovers(folder, ".old")) + sorted(_leftovers(folder, ".tmp"))
    olds = [p for p in stale if p.suffix == ".old" and (p / "run.json").exists()]
    if not folder.exists() and olds:
        os.replace(olds[-1], folder)
    for p in stale:
        if p.exists():
            shutil.rmtree(p, ignore_errors=True)


def _leftovers(folder: Path, suffix: str) -> list[Path]:
    """Hidden folders `write_run` made for `folder` (mkdtemp's `.<name>.<8 characters><suffix>`),
    not those of another folder whose name starts the same (`cement.x`)."""
    prefix = f".{folder.name}."
    return [p for p in folder.parent.glob(f"{prefix}*{suffix}")
            if len(p.name) == len(prefix) + 8 + len(suffix) and "." not in p.name[len(prefix):-len(suffix)]]


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


def strict_json(obj: object) -> object:
    """`obj` with every float that is not finite (NaN, infinity) as null: JSON has no such numbers
    (Python would write `NaN` and `Infinity`, which other readers reject)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, np.generic):
        return strict_json(obj.item())
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    return obj
