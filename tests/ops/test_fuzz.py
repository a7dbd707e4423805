"""Fuzzing: random expression graphs built from every op of the contract (tests/fuzz_graphs.py),
checked against central finite differences and, when installed, against PyTorch — values, every
leaf's and every intermediate's gradient, and second derivatives.

The normal run checks about 600 graphs; set TG_EDU_FUZZ_EXAMPLES=5000 (say) for more: the
three mixed-op tests then draw that many graphs each, the per-op test a twentieth of it per op.
"""
import os

import numpy as np
import pytest
from conftest import strict_numpy
from fuzz_graphs import ALL_OPS, TinygradOps, TorchOps, recipes, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor

OPT_IN = int(os.environ.get("TG_EDU_FUZZ_EXAMPLES", "0"))


def fuzz_settings(normal: int, opt_in_share: float = 1.0):
    opt_in = max(normal, int(OPT_IN * opt_in_share)) if OPT_IN else normal
    return settings(max_examples=opt_in, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def _leaves(recipe):
    return [Tensor(a, requires_grad=True, name=f"leaf{i}") for i, a in enumerate(recipe.leaves)]


@fuzz_settings(150)
@given(recipe=recipes())
def test_random_graphs_match_finite_differences(recipe):
    leaves = _leaves(recipe)
    ops = TinygradOps()
    with strict_numpy():
        assert tg.gradcheck(lambda *xs: run(ops, recipe, xs)[1], leaves, atol=1e-5, rtol=1e-4)


def _torch_run(recipe, create_graph=False):
    torch = pytest.importorskip("torch")
    leaves = [torch.tensor(a, requires_grad=True) for a in recipe.leaves]
    nodes, out = run(TorchOps(), recipe, leaves)
    for n in nodes:
        if n.requires_grad and not n.is_leaf:
            n.retain_grad()
    return torch, leaves, nodes, out


def _close(ours, theirs, what, recipe, rtol=1e-7, atol=1e-10):
    if theirs is None:
        theirs = 0.0
    elif not isinstance(theirs, np.ndarray):
        theirs = theirs.detach().numpy(force=True)  # force: PyTorch may return a ZeroTensor
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol,
                               err_msg=f"{what} differs from PyTorch for {recipe!r}")


@fuzz_settings(200)
@given(recipe=recipes())
def test_random_graphs_match_pytorch_values_and_every_gradient(recipe):
    torch, t_leaves, t_nodes, t_out = _torch_run(recipe)
    t_out.backward()
    leaves = _leaves(recipe)
    nodes, out = run(TinygradOps(), recipe, leaves)
    out.backward()
    _close(out.data, t_out, "the output", recipe)
    for i, (n, tn) in enumerate(zip(nodes, t_nodes)):
        _close(n.data, tn, f"node {i}", recipe)
        if any(n is earlier for earlier in nodes[:i]):
            continue  # reshape to its own shape returns the tensor itself (PyTorch: a new view)
        assert n.requires_grad == tn.requires_grad
        if tn.grad is not None:
            assert n.grad is not None, f"node {i} has no gradient"
            _close(n.grad.data, tn.grad, f"the gradient of node {i}", recipe)
            assert n.grad.shape == n.shape and n.grad.dtype == np.float64
        elif n.requires_grad:  # PyTorch leaves .grad None where nothing flowed back
            assert n.grad is None or not np.any(n.grad.data), f"node {i}"


@fuzz_settings(80)
@given(recipe=recipes(max_steps=6))
def test_random_graphs_second_derivatives_match_pytorch(recipe):
    torch, t_leaves, _, t_out = _torch_run(recipe)
    rng = np.random.default_rng(len(recipe.steps))
    directions = [rng.uniform(-1, 1, a.shape) for a in recipe.leaves]
    t_first = torch.autograd.grad(t_out, t_leaves, create_graph=True, allow_unused=True)
    t_dot = sum((g * torch.tensor(v)).sum() for g, v in zip(t_first, directions) if g is not None)
    if not isinstance(t_dot, torch.Tensor) or not t_dot.requires_grad:
        t_second = [None] * len(t_leaves)
    else:
        t_second = torch.autograd.grad(t_dot, t_leaves, allow_unused=True)

    leaves = _leaves(recipe)
    _, out = run(TinygradOps(), recipe, leaves)
    first = tg.grad(out, leaves, create_graph=True)
    dot = sum((g * Tensor(v)).sum() for g, v in zip(first, directions))
    second = tg.grad(dot, leaves) if dot.requires_grad else [None] * len(leaves)
    for i, (g, tgr) in enumerate(zip(first, t_first)):
        _close(g.data, tgr, f"d out/d leaf{i}", recipe)
    for i, (h, th) in enumerate(zip(second, t_second)):
        # second derivatives go through more rounding (e.g. 1/(p(1-p)) in BCE): looser
        _close(0.0 if h is None else h.data, th, f"the Hessian-vector product for leaf{i}", recipe,
               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("op", ALL_OPS)
@fuzz_settings(6, opt_in_share=1 / 20)
@given(data=st.data())
def test_each_op_is_fuzzed_in_every_run(op, data):
    """Graphs made of one op kind (on random earlier nodes), so each op is checked every run
    whatever the random mix above drew: finite differences, and PyTorch when installed."""
    recipe = data.draw(recipes(max_steps=3, ops=[op]))
    leaves = _leaves(recipe)
    assert tg.gradcheck(lambda *xs: run(TinygradOps(), recipe, xs)[1], leaves, atol=1e-5, rtol=1e-4)
    try:
        import torch  # noqa: F401
    except ImportError:
        return
    _, t_leaves, _, t_out = _torch_run(recipe)
    t_out.backward()
    _, out = run(TinygradOps(), recipe, leaves)
    out.backward()
    for i, (x, tx) in enumerate(zip(leaves, t_leaves)):
        _close(0.0 if x.grad is None else x.grad.data, tx.grad, f"the gradient of leaf {i}", recipe)


def test_the_fuzzer_covers_every_op_of_the_contract():
    assert {"exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "leaky_relu", "neg", "add", "sub",
            "mul", "div", "pow", "pow_number", "number_on_left", "sum", "mean", "max", "softmax",
            "log_softmax", "reshape", "transpose", "index", "matmul", "linear", "loss",
            "batch_norm", "layer_norm",
            # added for the PyTorch-style API (issue 10)
            "sin", "cos", "log1p", "sign", "softplus", "gelu", "silu", "elu", "where", "maximum", "minimum",
            "min", "max_dim", "prod", "var", "std", "logsumexp", "norm", "view", "flatten", "squeeze",
            "unsqueeze", "expand", "permute", "cat", "stack", "split", "chunk", "pad",
            "conv2d", "max_pool2d", "avg_pool2d",
            "clone", "embedding",
            # added for sequences and attention (issue 19)
            "masked_fill", "tril", "triu", "topk", "cross_entropy_nd", "attention",
            # added for PyTorch's habits (issue 22)
            "einsum", "repeat", "cumsum"} == set(ALL_OPS)
