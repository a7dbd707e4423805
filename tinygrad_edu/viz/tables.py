"""Plain-text and HTML tables of the charts' numbers (no dependency)."""
from __future__ import annotations

import html


def text_table(head: list, rows: list) -> str:
    """Right-aligned columns under a header and a rule."""
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [head] + rows]
    return "\n".join([lines[0], "-" * len(lines[0])] + lines[1:])


def html_table(head: list, rows: list, caption: str = "") -> str:
    """The same table for Jupyter: a caption, a header row, one row per line."""
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f"<table style='font-family:monospace'>{cap}<thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
