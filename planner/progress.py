"""Progress of a run while it works: its stage (loading, building, solving, writing) and, during a
long solve, HiGHS's phase, iteration and objective, read from HiGHS's log lines.

A caller installs a watcher (`watching`): the console (a status line on a terminal, a line every
few seconds otherwise) or a batch worker's log file. run.py announces stages with `stage`; the
solver layer feeds HiGHS's log lines to `feed` while a watcher is installed (solve.py subscribes
HiGHS's logging callback only then, and only for LPs worth watching). Nothing here imports a
solver: the watcher sees plain numbers.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

_ITERATION = re.compile(r"^\s*(\d+)\*?\s+([-+]?\d[\d.]*(?:e[-+]?\d+)?)\s", re.IGNORECASE)
_PHASES = (("presolv", "presolve"), ("interior point", "interior point"), ("ipx", "interior point"),
           ("primal obj", "interior point"), ("crossover", "crossover"), ("dual simplex", "dual simplex"),
           ("primal simplex", "primal simplex"), ("postsolve", "postsolve"))


@dataclass
class State:
    """What a watcher is shown: the run's stage and the solver's progress in it."""

    stage: str = ""
    started: float = field(default_factory=time.perf_counter)
    phase: str = ""
    iteration: int | None = None
    objective: float | None = None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def text(self) -> str:
        """One line: 'solving: interior point, iteration 42, objective 3.17e+06, 12.3 s'."""
        parts = [p for p in (self.phase,
                             f"iteration {self.iteration:,}" if self.iteration is not None else "",
                             f"objective {self.objective:.6g}" if self.objective is not None else "") if p]
        return f"{self.stage}{': ' + ', '.join(parts) if parts else ''}, {self.elapsed:.1f} s"


class Watcher(Protocol):
    def update(self, state: State) -> None: ...

    def close(self) -> None: ...


_current: Watcher | None = None
_state = State()
_lock = threading.Lock()


@contextlib.contextmanager
def watching(watcher: Watcher) -> Iterator[Watcher]:
    """Install `watcher` for the duration of the block (one at a time, per process)."""
    global _current
    previous, _current = _current, watcher
    try:
        yield watcher
    finally:
        _current = previous
        watcher.close()


def active() -> bool:
    return _current is not None


def stage(name: str) -> None:
    """The run enters a stage ('loading', 'building the LP', 'solving', 'writing')."""
    global _state
    if _current is None:
        return
    with _lock:
        _state = State(stage=name)
        state = _state
    _current.update(state)


def feed(line: str) -> None:
    """A HiGHS log line: its phase and, on an iteration line, the iteration and objective."""
    if _current is None:
        return
    low = line.lower()
    with _lock:
        for key, phase in _PHASES:
            if key in low:
                _state.phase = phase
                break
        m = _ITERATION.match(line)
        if m and "rows" not in low:
            _state.iteration = int(m.group(1))
            with contextlib.suppress(ValueError):
                _state.objective = float(m.group(2))
        state = _state
    _current.update(state)


def step(phase: str, iteration: int, objective: float | None = None) -> None:
    """A step of a method that is not one HiGHS solve (a round of the price decomposition, with its
    best objective bound so far)."""
    if _current is None:
        return
    with _lock:
        _state.phase, _state.iteration, _state.objective = phase, iteration, objective
        state = _state
    _current.update(state)


class LineWatcher:
    """Writes a line to a stream or file when the stage changes and at most every `every` seconds
    within a stage (a batch worker's log); with `first`, only once a stage has lasted that long (a
    console that is not a terminal: short runs print nothing)."""

    def __init__(self, stream: TextIO | Path, every: float = 5.0, first: float = 0.0, prefix: str = "") -> None:
        self._owned = isinstance(stream, Path)
        self._stream: TextIO = stream.open("a", encoding="utf-8") if isinstance(stream, Path) else stream
        self._every, self._first, self._prefix = every, first, prefix
        self._last, self._stage = 0.0, ""

    def update(self, state: State) -> None:
        now = time.perf_counter()
        if state.elapsed < self._first:
            return
        if state.stage == self._stage and now - self._last < self._every:
            return
        self._stage, self._last = state.stage, now
        self._stream.write(f"{time.strftime('%H:%M:%S')} {self._prefix}{state.text()}\n")
        self._stream.flush()

    def close(self) -> None:
        if self._owned:
            self._stream.close()
