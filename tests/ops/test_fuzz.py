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
from fuzz_graphs import ALL_OPS, Recipe, Step, TinygradOps, TorchOps, recipes, run
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


STEP = 1e-6   # gradcheck's h


def _gradcheck(recipe, leaves):
    """tg.gradcheck of the recipe's output, with an absolute tolerance at the output's scale.

    The central difference (f(x+h) − f(x−h)) / 2h is computed from two float64 evaluations of
    f = Σ w·node, each exact only to the rounding of its terms, about k·ε·S with S = Σ|w·node|
    (ε = 2⁻⁵²; k = 16 covers the few ulps of the ops and a sum of up to 48 elements), and the
    division by 2h multiplies that by 1/2h = 5e5. For an output of order 1 this is ~1e-9, far
    below atol 1e-5; but a draw where exp, max over a dim and prod make S ≈ 3.3e6 puts the
    estimate's own error near 1e-4 for every element — also for a small derivative that autograd
    gets right (PyTorch's to 1e-14 relative) — so a fixed atol of 1e-5 failed it. The
    absolute tolerance is therefore 1e-5 plus this rounding bound; rtol stays 1e-4."""
    nodes, _ = run(TinygradOps(), recipe, leaves)
    scale = sum(float(np.abs(nodes[i].data * w).sum()) for i, w in zip(recipe.sinks, recipe.weights))
    rounding = 16 * np.finfo(np.float64).eps * scale / (2 * STEP)
    return tg.gradcheck(lambda *xs: run(TinygradOps(), recipe, xs)[1], leaves, eps=STEP,
                        atol=1e-5 + rounding, rtol=1e-4)


@fuzz_settings(150)
@given(recipe=recipes())
def test_random_graphs_match_finite_differences(recipe):
    leaves = _leaves(recipe)
    with strict_numpy():
        assert _gradcheck(recipe, leaves)


def test_finite_differences_of_a_large_output_are_judged_at_its_scale():
    """A graph of the kind of draw that failed with a fixed atol: exp, max over a dim and prod make an output of
    ~4.6e6 next to a small term; the small term's derivative (right in autograd) is off by ~8e-5
    in finite differences, which the scale-aware tolerance allows."""
    rng = np.random.default_rng(0)
    recipe = Recipe(leaves=[rng.uniform(1.5, 2.0, (2, 16)), rng.uniform(-2, 2, (3,))])
    offsets = np.arange(32.0).reshape(2, 16) * 1e-3
    recipe.steps = [Step("exp", (0,), {}), Step("max_dim", (2,), {"offsets": offsets, "dim": 0, "keepdim": False}),
                    Step("prod", (3,), {"dim": None, "keepdim": False}), Step("tanh", (1,), {})]
    recipe.sinks, recipe.weights = [4, 5], [np.array(1.0), rng.uniform(0.5, 1.5, 3)]
    leaves = _leaves(recipe)
    _, out = run(TinygradOps(), recipe, leaves)
    assert out.item() > 1e6
    with pytest.raises(tg.GradcheckError):   # the fixed tolerance: finite differences' own rounding
        tg.gradcheck(lambda *xs: run(TinygradOps(), recipe, xs)[1], leaves, atol=1e-5, rtol=1e-4)
    assert _gradcheck(recipe, leaves)


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
    assert _gradcheck(recipe, leaves)
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
            # the PyTorch-style API's ops
            "sin", "cos", "log1p", "sign", "softplus", "gelu", "silu", "elu", "where", "maximum", "minimum",
            "min", "max_dim", "prod", "var", "std", "logsumexp", "norm", "view", "flatten", "squeeze",
            "unsqueeze", "expand", "permute", "cat", "stack", "split", "chunk", "pad",
            "conv2d", "max_pool2d", "avg_pool2d",
            "clone", "embedding",
            # sequences and attention
            "masked_fill", "tril", "triu", "topk", "cross_entropy_nd", "attention",
            # PyTorch's habits
            "einsum", "repeat", "cumsum"} == set(ALL_OPS)
