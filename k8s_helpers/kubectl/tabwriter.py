"""A port of Go's text/tabwriter column algorithm, which kubectl uses for all its tables.

Cells are tab-terminated; the text after the last tab of a line is a trailing cell that
is never padded. A column block is a run of consecutive lines that have a cell in that
column; its width is max(minwidth, widest cell + padding). A line without tabs ends every
block, which is why ``kubectl describe`` aligns each section on its own.

Settings used by kubectl:
- ``get`` (cli-runtime printers.GetNewTabWriter): minwidth 6, tabwidth 4, padding 3.
- ``describe`` (kubectl pkg/describe tabbedString): minwidth 0, tabwidth 8, padding 2.
"""
from __future__ import annotations

__all__ = ["tabwrite", "GET_SETTINGS", "DESCRIBE_SETTINGS"]

GET_SETTINGS = {"minwidth": 6, "padding": 3}
DESCRIBE_SETTINGS = {"minwidth": 0, "padding": 2}


def tabwrite(text: str, minwidth: int = 0, padding: int = 2) -> str:
    """Align ``text`` (lines of tab-separated cells) exactly as Go's tabwriter with ' ' padding."""
    raw_lines = text.split("\n")
    lines = [line.split("\t") for line in raw_lines]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            parts = []
            for j, cell in enumerate(cells):
                parts.append(cell)
                if j < len(cells) - 1 and j < len(widths):
                    parts.append(" " * (widths[j] - len(cell)))
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out)
