"""Colours: node kinds, and the log-scale gradient-norm scale with its legend.

The gradient scale is absolute (not relative to the graph), so two pictures can be compared:
blue = vanishing (norm ≤ 1e-6), pale = healthy (around 1e-2 … 1), red = exploding (≥ 1e3).
"""
from __future__ import annotations

import math

LEAF = "#cfe2f3"       # parameters and other leaves that require grad
DATA = "#eeeeee"       # inputs that need no gradient (X, Y, constants)
INTERMEDIATE = "#ffffff"
ROOT = "#c9e8a9"       # the tensor the graph was drawn from (usually the loss)
OP = "#f3f3f3"
HIGHLIGHT = "#ffd54f"  # the op being applied in a backward step
NO_GRAD = "#ffffff"
ZERO_GRAD = "#9e9e9e"
CHECK_AGREES = "#2e7d32"     # outline: the hand-derived formula agrees with autograd
CHECK_DISAGREES = "#d32f2f"  # outline: it disagrees

# (log10 of the gradient norm, colour): a diverging scale, dark blue → pale yellow → dark red
SCALE = [(-8, "#313695"), (-6, "#4575b4"), (-4, "#74add1"), (-2, "#e0f3f8"),
         (0, "#ffffbf"), (2, "#fdae61"), (3, "#f46d43"), (4, "#a50026")]


def grad_color(norm: float | None) -> str:
    """Fill colour for a tensor whose gradient has this norm (None: no gradient)."""
    if norm is None:
        return NO_GRAD
    if norm == 0:
        return ZERO_GRAD
    if not math.isfinite(norm):
        return SCALE[-1][1]
    x = math.log10(norm)
    if x <= SCALE[0][0]:
        return SCALE[0][1]
    for (x0, c0), (x1, c1) in zip(SCALE, SCALE[1:]):
        if x <= x1:
            return _mix(c0, c1, (x - x0) / (x1 - x0))
    return SCALE[-1][1]


def font_color(fill: str) -> str:
    """Black text on light fills, white on dark ones."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def legend_label() -> str:
    """An HTML-like table: one coloured cell per decade of gradient norm."""
    rows = ['<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">',
            '<TR><TD COLSPAN="2"><B>‖grad‖ (log scale)</B></TD></TR>']
    entries = [(10.0 ** 4, "≥ 1e4  exploding"), (10.0 ** 2, "1e2"), (1.0, "1"),
               (10.0 ** -2, "1e-2"), (10.0 ** -4, "1e-4"), (10.0 ** -6, "1e-6"),
               (10.0 ** -8, "≤ 1e-8  vanishing"), (0.0, "exactly 0"), (None, "no gradient")]
    for norm, text in entries:
        fill = grad_color(norm)
        rows.append(f'<TR><TD BGCOLOR="{fill}" WIDTH="24"> </TD><TD ALIGN="LEFT">{text}</TD></TR>')
    rows.append("</TABLE>")
    return "<" + "".join(rows) + ">"


def check_legend_label() -> str:
    """The legend of a graph drawn with check=: what the green and red outlines mean."""
    entries = [(CHECK_AGREES, "3", "formula agrees with autograd"),
               (CHECK_DISAGREES, "3", "formula disagrees"),
               (CHECK_DISAGREES, "5", "FIRST WRONG: where the derivation first goes wrong")]
    rows = ['<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">',
            '<TR><TD COLSPAN="2"><B>check_gradients</B></TD></TR>']
    for colour, width, text in entries:
        rows.append(f'<TR><TD BORDER="{width}" COLOR="{colour}" WIDTH="24"> </TD>'
                    f'<TD ALIGN="LEFT">{text}</TD></TR>')
    rows.append("</TABLE>")
    return "<" + "".join(rows) + ">"


def _mix(c0: str, c1: str, f: float) -> str:
    a = [int(c0[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))
