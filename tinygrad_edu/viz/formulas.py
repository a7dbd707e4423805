"""How ops read in the pictures, from their templates (viz/templates.py: `operands`,
`expression`, `worked`): an unnamed tensor is named after the op that made it ("A2 − Y",
"σ(Z2)"), and a backward step shows its local derivative with the numbers put in:

    ∂ = G·σ(1 − σ)
      = [[0.2 0.1]]·[[0.7 0.6]]·(1 − [[0.7 0.6]])
      = [[0.042 0.024]]
"""
from __future__ import annotations

import re
import string

import numpy as np

from .labels import inline_text, shape_text
from .templates import template_of

WORKED_MAX = 12     # put the numbers in only when every array involved has at most this many
NAME_DEPTH = 2      # an unnamed input inside an unnamed tensor's name: at most this deep, then …
NAME_LENGTH = 28    # … and a name longer than this shows its unnamed inputs as … instead
# how tightly each operator of the templates binds (a space is a matrix product: "W1 X")
_PRECEDENCE = {"+": 1, "−": 1, "-": 1, "·": 2, "/": 2, " ": 2, "@": 2, "^": 3, "²": 4, "ᵀ": 4}
_PLACEHOLDER = re.compile(r"\{\w+\}")
_MATRIX_PRODUCT = re.compile(r"\}ᵀ? \{")   # "{G} {B}ᵀ", "{A}ᵀ {G}"


def operand_names(fn) -> tuple:
    """The names the op's templates give its inputs: its own `operands`, else x or a, b, c …"""
    operands = template_of(fn).operands
    if operands:
        return operands
    n = len(fn.inputs)
    if n <= len(string.ascii_lowercase):
        return ("x",) if n == 1 else tuple(string.ascii_lowercase[:n])
    return tuple(f"x{k + 1}" for k in range(n))   # a stack of more tensors than letters (time steps)


def expression_name(t, name_of, has_own_name, depth: int = NAME_DEPTH) -> str:
    """An unnamed intermediate's name from the op that made it: `expression` filled with its
    inputs' names (`name_of(input)`); inputs that are unnamed intermediates too
    (`has_own_name(input)` is False) are expanded `depth` levels deep, in brackets."""
    fn = t.grad_fn
    expression = template_of(fn).expression
    for inner_depth in (depth, 0):
        names = {}
        for key, inp in zip(operand_names(fn), fn.inputs):
            if inp.grad_fn is None and not inp.requires_grad and not has_own_name(inp) and inp.size == 1:
                names[key] = inline_text(inp.data)           # a constant: its value
            elif inp.grad_fn is None or has_own_name(inp):
                names[key] = name_of(inp)
            elif inner_depth > 0:
                inner = expression_name(inp, name_of, has_own_name, inner_depth - 1)
                names[key] = _bracket(inner, expression, key)
            else:
                names[key] = "…"
        text = _fill(expression, names, fn) or f"{fn.name}({', '.join(names.values())})"
        if len(text) <= NAME_LENGTH:
            return text
    return text


def gradient_name(name: str) -> str:
    """dL/dZ2, dL/d(A2 − Y)."""
    binds = _loosest(name)
    return f"dL/d({name})" if binds is not None and binds < _PRECEDENCE["²"] else f"dL/d{name}"


def _bracket(inner: str, template: str, key: str) -> str:
    """Brackets where precedence needs them: (a − b)·c, (a − b)², a − (b − c); not a·b + c,
    a − b − c, σ(a − b)."""
    inner_binds = _loosest(inner)
    outer_binds = _loosest(_PLACEHOLDER.sub("x", template))
    if f"({{{key}}})" in template or inner_binds is None or outer_binds is None:
        return inner
    first = template.startswith(f"{{{key}}}")
    return inner if inner_binds > outer_binds or (inner_binds == outer_binds and first) else f"({inner})"


def _loosest(text: str):
    """The precedence of the most loosely binding operator outside brackets; None if none."""
    depth, loosest = 0, None
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in _PRECEDENCE:
            loosest = _PRECEDENCE[ch] if loosest is None else min(loosest, _PRECEDENCE[ch])
    return loosest


def worked_lines(fn, grad, output, input_grads) -> tuple:
    """For each input: the local derivative, with the numbers put in for small tensors, and the
    gradient it came to — lines of text; None for an input that got no gradient."""
    labels = _derivative_parts(fn)
    template = template_of(fn)
    values = None
    if all(np.size(a) <= WORKED_MAX for a in (grad, output.data, *(i.data for i in fn.inputs))):
        values = {key: inline_text(inp.data) for key, inp in zip(operand_names(fn), fn.inputs)}
        values.update(G=inline_text(grad), out=inline_text(output.data))
        if template.values is not None:
            values.update({k: _attribute_text(v) for k, v in template.values(fn).items()})
    templates = template.worked
    lines = []
    for k, (inp, g) in enumerate(zip(fn.inputs, input_grads)):
        if g is None:
            lines.append(None)
            continue
        text = [labels[k]]
        if values is not None and k < len(templates):
            filled = _fill(templates[k], values, fn)
            if filled:
                text.append("  = " + filled)
        if inp.shape != output.shape and _broadcast(fn, output, templates[k] if k < len(templates) else ""):
            text.append(f"  summed over the broadcast axes to {shape_text(inp.shape)}")
        result = "  = " + inline_text(g) if np.size(g) <= WORKED_MAX else None
        if result and result != text[-1]:
            text.append(result)
        lines.append("\n".join(text))
    return tuple(lines)


def _derivative_parts(fn) -> list:
    """The derivative label split per input ("∂a = G, ∂b = −G"); ∂b for an input it leaves out."""
    parts = [p.strip() for p in fn.derivative.split(", ∂")] if fn.derivative else []
    parts = parts[:1] + ["∂" + p for p in parts[1:]]
    names = operand_names(fn)
    return [parts[k] if k < len(parts) else f"∂{names[k]}" for k in range(len(fn.inputs))]


def _broadcast(fn, output, template: str) -> bool:
    """An elementwise op whose inputs were broadcast to the output's shape (so the engine summed
    the gradient back); not a matrix product ("{G} {B}ᵀ"), even an outer product's."""
    if len(fn.inputs) < 2 or not template or _MATRIX_PRODUCT.search(template):
        return False
    try:
        return np.broadcast_shapes(*(i.shape for i in fn.inputs)) == output.shape
    except ValueError:
        return False


def _fill(template: str, values: dict, fn=None) -> str | None:
    """The template with every {name} replaced; names not in `values` are the op's attributes
    or what it saved for backward. None when a name has no value (e.g. the bias of a linear op
    without one)."""
    if not template:
        return None
    out = []
    for literal, key, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if key is None:
            continue
        if key in values:
            out.append(values[key])
            continue
        value = getattr(fn, key, None) if fn is not None else None
        if value is None and fn is not None:
            value = getattr(getattr(fn, "saved", None), key, None)
        if value is None:
            return None
        out.append(_attribute_text(value))
    return "".join(out)


def _attribute_text(value) -> str:
    if isinstance(value, tuple):
        return shape_text(value)
    if isinstance(value, (int, np.integer)):
        return str(value)
    return inline_text(getattr(value, "data", value))
