"""Go's text/tabwriter (as juju/ansiterm uses it): cells end with a tab, the text after a line's
last tab is not part of any column, and a column is as wide as its widest cell plus padding,
computed over each block of consecutive lines that have that column. Widths count runes and
ignore ANSI colour sequences."""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible_width(text: str) -> int:
    return len(_ANSI.sub("", text))


def _format(
    lines: list[list[str]], first: int, last: int, widths: list[int], out: list[str], padding: int
) -> None:
    """Go's Writer.format: recursively find column blocks and lay out their lines."""
    column = len(widths)
    line = first
    while line < last:
        if column >= len(lines[line]) - 1:
            out.append(_render(lines[line], widths))
            line += 1
            continue
        block_end = line
        width = 0
        while block_end < last and column < len(lines[block_end]) - 1:
            width = max(width, visible_width(lines[block_end][column]) + padding)
            block_end += 1
        _format(lines, line, block_end, [*widths, width], out, padding)
        line = block_end


def _render(cells: list[str], widths: list[int]) -> str:
    parts = []
    for index, cell in enumerate(cells):
        parts.append(cell)
        if index < len(widths):
            parts.append(" " * (widths[index] - visible_width(cell)))
    return "".join(parts)


def tabwrite(text: str, padding: int = 2) -> str:
    """Lay out tab-separated text like Go's tabwriter.NewWriter(out, 0, 0, padding, ' ', 0)."""
    rows = text.split("\n")
    lines = [row.split("\t") for row in rows]
    out: list[str] = []
    _format(lines, 0, len(lines), [], out, padding)
    return "\n".join(out)
