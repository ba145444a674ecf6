"""Tables on a terminal that stay readable at any width, 80 columns included.

Rich squeezes a table that is wider than the console until its cells read ``20…``. A wide
table here is instead printed as several tables, each with the row labels and as many value
columns as fit the console, in order, with the columns it holds in its title; a cell is never
cut. Used by every command that prints a frame (roll rates, vintages, KPIs) and by the demo.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = ["print_table"]

# Rich's heavy-head box: a border before each column and one at the end; a space each side.
_PER_COLUMN = 3


def _width(header: str, cells: Sequence[str]) -> int:
    lines = [part for text in (header, *cells) for part in text.splitlines() or [""]]
    return max((cell_len(part) for part in lines), default=0)


def _fits(label: int, widths: Sequence[int], room: int) -> bool:
    return 1 + label + _PER_COLUMN + sum(w + _PER_COLUMN for w in widths) <= room


def _groups(label: int, widths: Sequence[int], room: int) -> list[list[int]]:
    """Consecutive column groups that each fit ``room``: as few as greedy packing needs, then
    evened out (12 columns in two tables of 6, not 9 and 3) when even groups fit too."""
    greedy: list[list[int]] = [[]]
    for index, width in enumerate(widths):
        if greedy[-1] and not _fits(label, [widths[i] for i in greedy[-1]] + [width], room):
            greedy.append([])
        greedy[-1].append(index)
    per = -(-len(widths) // len(greedy))
    even = [list(range(i, min(i + per, len(widths)))) for i in range(0, len(widths), per)]
    if len(even) == len(greedy) and all(
        _fits(label, [widths[i] for i in group], room) for group in even
    ):
        return even
    return greedy


def print_table(
    console: Console,
    *,
    title: str,
    label: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str]]],
    justify_labels: str = "left",
) -> None:
    """Print ``rows`` (a label and one text per column) as one table, or several if too wide.

    >>> from io import StringIO
    >>> out = StringIO()
    >>> console = Console(file=out, width=40, color_system=None)
    >>> columns = [f"MOB{i}" for i in range(1, 13)]
    >>> print_table(console, title="vintages", label="vintage",
    ...             columns=columns, rows=[("2025-01", ["1.0"] * 12)])
    >>> text = out.getvalue()
    >>> "2025-01" in text and "…" not in text and "MOB12" in text
    True
    >>> max(len(line) for line in text.splitlines()) <= 40
    True
    """
    label_width = _width(label, [r[0] for r in rows])
    widths = [_width(c, [r[1][i] for r in rows]) for i, c in enumerate(columns)]
    groups = _groups(label_width, widths, console.width)
    for number, group in enumerate(groups, start=1):
        part = title
        if len(groups) > 1:
            part = f"{title} ({columns[group[0]]}–{columns[group[-1]]}, {number}/{len(groups)})"
        table = Table(title=escape(part))
        table.add_column(escape(label), justify=justify_labels, no_wrap=True)  # type: ignore[arg-type]
        for index in group:
            table.add_column(escape(columns[index]), justify="right", no_wrap=True)
        for row_label, cells in rows:
            table.add_row(escape(row_label), *(escape(cells[index]) for index in group))
        console.print(table)
