"""viz/formulas.py: the ops' `worked` templates are the derivatives their backward computes
(evaluated here in numpy), the step-through shows them with the numbers put in, and unnamed
tensors are named after the op that made them."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, positive_arrays
from viz_fixtures import chain, two_layer

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz.formulas import WORKED_MAX, gradient_name
from tinygrad_edu.viz.labels import inline_text
from tinygrad_edu.viz.templates import template_of, values_of
from tinygrad_edu.viz.walk import GraphWalk

rng = np.random.default_rng(0)


def leaf(shape, name, low=-2.0, high=2.0):
    return Tensor(rng.uniform(low, high, shape), requires_grad=True, name=name)


def template_as_numpy(template: str) -> str:
    """A `worked` template as a numpy expression over G, out, the operands and fn (the op: its
    parameters, what it saved, its templates' values)."""
    text = re.sub(r"\} \{", "} @ {", template)                # juxtaposition: a matrix product
    text = re.sub(r"\}ᵀ \{", "}.T @ {", text)
    text = re.sub(r"(?:ln|log) \{(\w+)\}", r"np.log({\1})", text)
    text = re.sub(r"1\[(.*?)\]", r"(\1)", text).replace("log(", "np.log(").replace("sign(", "np.sign(")
    text = text.replace("np.np.", "np.")
    for symbol, python in (("·", "*"), ("−", "-"), ("²", "**2"), ("^", "**"), ("ᵀ", ".T")):
        text = text.replace(symbol, python)
    return re.sub(r"\{(\w+)\}", lambda m: m.group(1) if m.group(1) in NAMES else f"fn.{m.group(1)}", text)


NAMES = {"G", "out", "a", "b", "x", "A", "B", "p", "y", "z", "W"}


def sum_to(g, shape):
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def assert_worked_is_the_backward(step):
    """Each input's template, evaluated in numpy on the step's own numbers, gives the gradient
    the engine produced (summed back over broadcast axes)."""
    fn = step.fn
    template_set = template_of(fn)
    names = template_set.operands or (("x",) if len(fn.inputs) == 1 else ("a", "b", "c")[:len(fn.inputs)])
    env = {"np": np, "fn": _Named(fn), "G": step.grad, "out": step.output.data}
    env.update((k, t.data) for k, t in zip(names, fn.inputs))
    assert template_set.worked, f"{fn.name} has no worked templates"
    for template, inp, produced in zip(template_set.worked, fn.inputs, step.input_grads):
        if produced is None:
            continue
        value = eval(template_as_numpy(template), env)  # noqa: S307 (our own templates)
        np.testing.assert_allclose(sum_to(np.broadcast_to(value, np.broadcast_shapes(
            np.shape(value), inp.shape)), inp.shape), produced, rtol=1e-10, atol=1e-12,
            err_msg=f"{fn.name}: {template}")


class _Named:
    """The names a template may use besides the operands: the templates' values, the op's
    parameters, what its forward saved."""

    def __init__(self, fn):
        self.fn, self.values = fn, values_of(fn)

    def __getattr__(self, key):
        if key in self.values:
            return self.values[key]
        if hasattr(self.fn, key):
            return getattr(self.fn, key)
        return getattr(self.fn.saved, key)


def step_of(root, op):
    return next(s for s in viz.backward_steps(root) if s.op == op)


BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / b, "pow": lambda a, b: a ** b}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(BINARY)), broadcastable_pair(max_dims=2, max_side=3), st.data())
def test_binary_templates_are_the_derivatives(op, shapes, data):
    a = Tensor(data.draw(positive_arrays(shapes[0], low=0.5)), requires_grad=True, name="a")
    b = Tensor(data.draw(arrays(shapes[1], away_from_zero=0.3)), requires_grad=True, name="b")
    assert_worked_is_the_backward(step_of(BINARY[op](a, b).sum(), op))


UNARY = {"sigmoid": lambda x: x.sigmoid(), "tanh": lambda x: x.tanh(), "relu": lambda x: x.relu(),
         "exp": lambda x: x.exp(), "log": lambda x: x.log(), "sqrt": lambda x: x.sqrt(),
         "abs": lambda x: x.abs(), "neg": lambda x: -x}


@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_templates_are_the_derivatives(op):
    x = leaf((2, 3), "x", 0.2, 2.0) if op in ("log", "sqrt") else leaf((2, 3), "x")
    assert_worked_is_the_backward(step_of((UNARY[op](x) * leaf((2, 3), "w")).sum(), op))


@pytest.mark.parametrize("p", [2, 3, 0.5, -1])
def test_scalar_power_template(p):
    x = leaf((3,), "x", 0.5, 2.0)
    assert_worked_is_the_backward(step_of((x ** p * leaf((3,), "w")).sum(), "pow"))


@pytest.mark.parametrize("shapes", [((2, 3), (3, 2)), ((1, 2), (2, 3)), ((3, 1), (1, 4))])
def test_matmul_template(shapes):
    A, B = leaf(shapes[0], "A"), leaf(shapes[1], "B")
    assert_worked_is_the_backward(step_of(((A @ B) * 1.5).sum(), "matmul"))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_loss_templates_are_the_derivatives(reduction):
    p = Tensor(rng.uniform(0.1, 0.9, (2, 3)), requires_grad=True, name="p")
    y = Tensor(rng.uniform(0, 1, (2, 3)), requires_grad=True, name="y")
    assert_worked_is_the_backward(step_of(F.binary_cross_entropy(p, y, reduction), "binary_cross_entropy"))
    x = leaf((2, 3), "x")
    assert_worked_is_the_backward(step_of(F.binary_cross_entropy_with_logits(x, y, reduction), "bce_with_logits"))
    z = leaf((3, 4), "z")
    assert_worked_is_the_backward(step_of(F.cross_entropy(z, np.array([0, 3, 1]), reduction), "cross_entropy"))
    probs = Tensor(rng.dirichlet(np.ones(4), 3), requires_grad=True, name="y")
    assert_worked_is_the_backward(step_of(F.cross_entropy(z, probs, reduction), "cross_entropy"))


def test_sum_and_mean_put_in_their_numbers():
    x = leaf((2, 3), "x")
    step = step_of(x.sum() * 2.0, "sum")
    assert step.worked[0] == "∂ = G broadcast back\n  = 2 broadcast to (2, 3)\n  = [[2 2 2] [2 2 2]]"
    step = step_of(x.mean(axis=1).sum(), "mean")
    assert step.worked[0] == ("∂ = G / n broadcast back\n  = [1 1] / 3 broadcast to (2, 3)\n"
                              "  = [[0.3333 0.3333 0.3333] [0.3333 0.3333 0.3333]]")


def test_sigmoid_step_shows_sigma_and_the_numbers():
    loss, params, inter = two_layer()
    step = step_of(loss, "sigmoid")
    a2 = inter["A2"].data
    G = inline_text(step.grad)
    assert step.worked[0] == (f"∂ = G·σ(1 − σ)\n  = {G}·{inline_text(a2)}·(1 − {inline_text(a2)})\n"
                              f"  = {inline_text(step.grad * a2 * (1 - a2))}")
    assert step.forward == "A2 = σ(Z2)"


def test_broadcast_input_says_it_was_summed_and_data_gets_no_line():
    loss, params, _ = two_layer()
    add = [s for s in viz.backward_steps(loss) if s.op == "add"][-1]
    assert add.input_names[1] == "b1"
    assert "summed over the broadcast axes to (2, 1)" in add.worked[1]
    assert add.worked[1].endswith(inline_text(add.input_grads[1]))
    assert "summed" not in add.worked[0]
    sub = step_of(loss, "sub")
    assert sub.input_names == ("A2", "Y") and sub.worked[1] is None


def test_an_outer_product_is_not_called_a_broadcast():
    u, v = leaf((3, 1), "u"), leaf((1, 4), "v")
    step = step_of((u @ v).sum(), "matmul")
    assert not any("broadcast" in line for line in step.worked)
    assert_worked_is_the_backward(step)


def test_ops_without_templates_fall_back_to_the_label_and_the_numbers():
    x = leaf((2, 3), "x")
    step = step_of((x.reshape(3, 2) * 2.0).sum(), "reshape")
    assert step.worked[0] == "∂ = G reshaped back\n  = [[2 2 2] [2 2 2]]"


def test_large_tensors_get_the_label_not_the_numbers():
    x = leaf((4, 4), "x")
    assert x.size > WORKED_MAX
    step = step_of(x.sigmoid().sum(), "sigmoid")
    assert step.worked[0] == "∂ = G·σ(1 − σ)"


def test_unnamed_tensors_are_named_after_their_op():
    loss, _, _ = two_layer()
    walk = GraphWalk(loss)
    assert sorted(walk.name(t) for t in walk.tensors) == sorted([
        "W2", "W1", "X", "W1 X", "b1", "Z1", "A1", "W2 A1", "b2", "Z2", "A2", "Y", "A2 − Y",
        "(A2 − Y)²", "loss"])
    a, b, c = leaf((2,), "a"), leaf((2,), "b"), leaf((2,), "c")
    for expression, name in (((a - b) * c, "(a − b)·c"), (a - (b - c), "a − (b − c)"),
                             (a - b - c, "a − b − c"), (a * b + c, "a·b + c"), ((a + b).sigmoid(), "σ(a + b)"),
                             (1 - a, "1 − a"), ((a * b) ** 3, "(a·b)^3"), (-(a + b), "−(a + b)"),
                             ((a @ b).exp(), "exp(a b)"), (a.sum() / 2, "Σ(a) / 2")):
        walk = GraphWalk(expression)
        assert walk.name(expression) == name


def test_names_of_deep_graphs_stay_short():
    root, _ = chain(30)
    names = [GraphWalk(root).name(t) for t in GraphWalk(root).tensors]
    assert max(map(len, names)) <= 28 and "…" in names[-1]
    x = Tensor(np.ones(2), requires_grad=True, name="x")
    h = x
    for _ in range(3000):  # far deeper than Python's recursion limit
        h = h * 1.0001
    assert len(GraphWalk(h).name(h)) <= 28


def test_mse_loss_names_its_steps():
    A2 = Tensor(rng.uniform(0, 1, (1, 3)), requires_grad=True, name="A2")
    steps = viz.backward_steps(F.mse_loss(A2, Tensor(np.ones((1, 3)), name="Y")))
    assert [s.output_name for s in steps][1:] == ["(A2 − Y)²", "A2 − Y"]
    steps = viz.backward_steps(F.mse_loss(A2 * 2.0, np.ones((1, 3)), reduction="sum"))
    assert [s.output_name for s in steps][1:3] == ["(pred − target)²", "pred − target"]
    assert all(not name.startswith(("mul", "sub")) for s in steps for name in s.input_names)


def test_gradient_names_bracket_expressions():
    assert gradient_name("Z2") == "dL/dZ2"
    assert gradient_name("A2 − Y") == "dL/d(A2 − Y)"
    assert gradient_name("W1 X") == "dL/d(W1 X)"
    assert gradient_name("(A2 − Y)²") == "dL/d(A2 − Y)²"
    assert gradient_name("σ(x·4)") == "dL/dσ(x·4)"
