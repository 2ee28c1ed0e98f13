"""Console helpers: tables whose cells wrap instead of being cut (a piped or narrow terminal still
shows every technology name and unit in full), and a run's progress on the console."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from planner.progress import LineWatcher, State


class FoldedTable(Table):
    """A rich Table whose columns fold long cells onto further lines (rich's default cuts them
    with an ellipsis when the console is narrower than the table)."""

    def add_column(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)


class LiveWatcher:
    """A run's progress (planner.progress.State) as one status line on a terminal, redrawn four
    times a second so the elapsed time moves, shown once the run has taken `after` seconds and
    removed when it ends."""

    def __init__(self, console: Console, label: str = "", after: float = 1.0) -> None:
        self._console, self._label, self._after = console, label, after
        self._state: State | None = None
        self._live: Live | None = None
        self._t0 = time.perf_counter()

    def __rich__(self) -> Text:
        return Text(f"{self._label}{self._state.text()}" if self._state else "", style="dim")

    def update(self, state: State) -> None:
        self._state = state
        if self._live is None and time.perf_counter() - self._t0 >= self._after:
            self._live = Live(self, console=self._console, refresh_per_second=4, transient=True)
            self._live.start()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()


def progress_watcher(console: Console) -> LiveWatcher | LineWatcher:
    """A live status line on a terminal; otherwise a line every 10 s of a stage that lasts 10 s or
    more (a short run piped to a file prints nothing extra)."""
    if console.is_terminal:
        return LiveWatcher(console)
    return LineWatcher(console.file, every=10.0, first=10.0)
