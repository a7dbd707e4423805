"""How the pictures read each op: the templates of the step-through page and of the graph's
tensor names, kept here, beside the maths rather than over it.

The decision: an op class states its name, forward, derivative label and backward, nothing
for the pictures. Its templates, if it has any, are one entry of `TEMPLATES` below, keyed by
the op class (a subclass without its own entry uses its base class's). An op without an entry
is drawn with its `name` and `derivative` label, so adding an op never needs one; to give a new
op its templates, add one line here:

    ops.Exp: Template("exp({x})", ("{G}·{out}",)),

A Template's fields are str.format templates over the inputs' names:
  expression  the output, e.g. "{a} − {b}" (or a function of the node that returns one);
  worked      one per input: its local derivative with the numbers put in, e.g. "{G}·{b}"
              (or a function of the node that returns them). {G} is the gradient received,
              {out} the output; any other name is one of `values`, a parameter of the op
              (`{negative_slope}`), or what its forward saved for backward (`{in_shape}`);
  operands    the inputs' names (default: x for one input, else a, b, c …);
  values      a function of the node giving more named values for `worked`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import ops
from ..ops.elementwise import sigmoid
from ..ops.reduce import log_softmax


@dataclass(frozen=True)
class Template:
    expression: object = ""
    worked: object = ()
    operands: tuple = ()
    values: object = field(default=None)


def _power_expression(fn) -> str:
    return "{x}²" if fn.exponent == 2 else "{x}^{exponent}"


def _per_element(*worked: str):
    """The worked derivatives of a fused loss, written for one element's loss: dL/d(that loss)
    is {G_each}, which is G / n for reduction='mean' and G otherwise."""
    def resolve(fn) -> tuple:
        each = "({G} / {n})" if fn.reduction == "mean" else "{G}"
        return tuple(t.replace("{G_each}", each) for t in worked)
    return resolve


def _elements(fn) -> int:
    return max(fn.inputs[0].size, 1)


def _cross_entropy_values(fn) -> dict:
    z = fn.inputs[0].data
    count = fn.saved.count   # the weighted mean's denominator; None: the batch size
    if len(fn.inputs) == 2:
        target = fn.inputs[1].data if fn.weight is None else fn.inputs[1].data * fn.weight
    elif fn.saved.sample_weight is not None:   # each row's class weight (0 for an ignored target)
        target = fn.onehot(z) * fn.saved.sample_weight
    else:
        target = fn.onehot(z)
    log_p = log_softmax(z, axis=1)
    return {"n": max(z.shape[0], 1) if count is None else count, "log_softmax_z": log_p,
            "softmax_z": np.exp(log_p), "target": target}


TEMPLATES = {
    ops.Add: Template("{a} + {b}", ("{G}", "{G}")),
    ops.Sub: Template("{a} − {b}", ("{G}", "−{G}")),
    ops.Mul: Template("{a}·{b}", ("{G}·{b}", "{G}·{a}")),
    ops.Div: Template("{a} / {b}", ("{G} / {b}", "−{G}·{a} / {b}²")),
    ops.Neg: Template("−{x}", ("−{G}",)),
    ops.PowScalar: Template(_power_expression, ("{G}·{exponent}·{x}^({exponent} − 1)",)),
    ops.Pow: Template("{a}^{b}", ("{G}·{b}·{a}^({b} − 1)", "{G}·{out}·ln {a}")),
    ops.Exp: Template("exp({x})", ("{G}·{out}",)),
    ops.Log: Template("log({x})", ("{G} / {x}",)),
    ops.Sqrt: Template("√{x}", ("{G} / (2·{out})",)),
    ops.Sigmoid: Template("σ({x})", ("{G}·{out}·(1 − {out})",)),
    ops.Tanh: Template("tanh({x})", ("{G}·(1 − {out}²)",)),
    ops.ReLU: Template("relu({x})", ("{G}·1[{x} > 0]",)),
    ops.LeakyReLU: Template("leaky_relu({x})", ("{G}·(1 if {x} > 0 else {negative_slope})",)),
    ops.Abs: Template("|{x}|", ("{G}·sign({x})",)),
    ops.Sum: Template("Σ({x})", ("{G} broadcast to {in_shape}",)),
    ops.Mean: Template("mean({x})", ("{G} / {count} broadcast to {in_shape}",)),
    ops.Max: Template("max({x})"),
    ops.Softmax: Template("softmax({x})", ("{out}·({G} − Σ {G}·{out})",)),
    ops.LogSoftmax: Template("log_softmax({x})"),
    ops.Transpose: Template("{x}ᵀ"),
    ops.MatMul: Template("{A} {B}", ("{G} {B}ᵀ", "{A}ᵀ {G}"), operands=("A", "B")),
    ops.Linear: Template("{x} {W}ᵀ + {b}", ("{G} {W}", "{G}ᵀ {x}", "Σ {G}"), operands=("x", "W", "b")),
    ops.Embedding: Template("{W}[idx]", operands=("W",)),
    ops.CrossEntropy: Template(
        "cross_entropy({z}, {y})", _per_element("{G_each}·({softmax_z} − {target})", "−{G_each}·{log_softmax_z}"),
        operands=("z", "y"), values=_cross_entropy_values),
    ops.BinaryCrossEntropy: Template(
        "bce({p}, {y})", _per_element("{G_each}·({p} − {y}) / ({p}·(1 − {p}))", "{G_each}·(log(1 − {p}) − log {p})"),
        operands=("p", "y"), values=lambda fn: {"n": _elements(fn)}),
    ops.BCEWithLogits: Template(
        "bce_with_logits({x}, {y})", _per_element("{G_each}·({sigmoid_x} − {y})", "−{G_each}·{x}"),
        operands=("x", "y"), values=lambda fn: {"n": _elements(fn), "sigmoid_x": sigmoid(fn.inputs[0].data)}),
}

_NONE = Template()


def template_of(fn) -> Template:
    """The op's templates, with any function of the node resolved (Template() if it has none)."""
    found = next((TEMPLATES[k] for k in type(fn).__mro__ if k in TEMPLATES), _NONE)
    expression = found.expression(fn) if callable(found.expression) else found.expression
    worked = found.worked(fn) if callable(found.worked) else found.worked
    return Template(expression, tuple(worked), tuple(found.operands), found.values)


def values_of(fn) -> dict:
    """The extra named values an op's worked templates use ({} if none)."""
    values = template_of(fn).values
    return values(fn) if values is not None else {}
