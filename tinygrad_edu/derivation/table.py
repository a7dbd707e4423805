"""A gradient check as an aligned text table (the `tinygrad-edu check` style) and as HTML."""
from __future__ import annotations

import html

HEADER = ("formula", "autograd", "shape", "max abs err", "max rel err", "")
FIRST_WRONG = "← first wrong"


def _cells(row, first) -> tuple:
    status = "ok" if row.ok else ("FAIL " + FIRST_WRONG if row is first else "FAIL")
    shape = "×".join(map(str, row.shape)) or "scalar"
    if not row.derived:
        return (row.formula, row.autograd, shape, "—", "—", "TODO")
    return (row.formula, row.autograd, shape, f"{row.max_abs_err:.2e}", f"{row.max_rel_err:.2e}", status)


def _first_wrong(rows):
    return next((r for r in rows if not r.ok and r.derived), None)


def aligned(header: tuple, body: list) -> list[str]:
    """Columns padded to their widest cell, two spaces apart, a rule under the header."""
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in [header] + body]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return lines


def text_table(rows) -> str:
    """The table, then one line per disagreeing row saying what is wrong, then where the
    derivation first goes wrong."""
    first = _first_wrong(rows)
    lines = aligned(HEADER, [_cells(r, first) for r in rows])
    for r in rows:
        if not r.ok and r.derived:
            lines.append(f"  {r.formula}: {r.diagnosis}")
    todo = [r.formula for r in rows if not r.derived]
    if todo:
        lines.append(f"  not derived yet (TODO): {', '.join(todo)}")
    if first is not None:
        lines.append(first_wrong_text(first))
    return "\n".join(lines)


def first_wrong_text(first) -> str:
    text = f"first wrong: {first.formula}, the first disagreeing gradient the backward pass reaches"
    return text + (f"; {first.step}" if first.step else "")


def html_table(rows, verdict: str) -> str:
    first = _first_wrong(rows)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER + ("diagnosis",))
    body = []
    for r in rows:
        colour = "#e8f5e9" if r.ok else "#ffebee"
        cells = _cells(r, first) + (r.diagnosis,)
        body.append(f'<tr style="background:{colour}">'
                    + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    note = f"<p>{html.escape(first_wrong_text(first))}</p>" if first is not None else ""
    return (f'<table style="font-family:monospace"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{note}<p>{html.escape(verdict)}</p>")
