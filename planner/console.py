"""Console tables whose cells wrap instead of being cut: a piped or narrow terminal still shows
every technology name and unit in full."""

from __future__ import annotations

from typing import Any

from rich.table import Table


class FoldedTable(Table):
    """A rich Table whose columns fold long cells onto further lines (rich's default cuts them
    with an ellipsis when the console is narrower than the table)."""

    def add_column(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)
