"""tg.einsum: PyTorch's equation forms (explicit, implicit, "...", repeated indices, spaces, the
list form), one op in the graph whose gradient is again an einsum: values and gradients against
numpy, finite differences, second order, and PyTorch when installed."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=25, deadline=None)

# (equation, operand shapes): the forms a course meets
CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),          # matrix product
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),  # batched
    ("ij->ji", [(2, 3)]),                     # transpose
    ("ii", [(3, 3)]),                         # trace (implicit output: a scalar)
    ("ii->i", [(3, 3)]),                      # diagonal
    ("ij->", [(2, 3)]),                       # sum of everything
    ("ij->i", [(2, 3)]),                      # row sums: j only in the operand
    ("i,j->ij", [(3,), (2,)]),                # outer product
    ("i,i->", [(4,), (4,)]),                  # dot product
    ("ij,ij->ij", [(2, 3), (2, 3)]),          # elementwise product
    ("ba,ac", [(2, 3), (3, 2)]),              # implicit output, alphabetical: 'bc'
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),  # "..." with broadcasting
    ("...ij->...ji", [(2, 2, 3)]),
    ("b...i,i->b...", [(2, 3, 4), (4,)]),
    ("...i,...i", [(2, 3), (3,)]),            # implicit with "...": the ... axes first
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 4, 2)]),  # attention scores
    ("ij, jk -> ik", [(2, 3), (3, 2)]),       # spaces
    ("iij->j", [(2, 2, 3)]),
    ("ijk,jl,kl->il", [(2, 3, 2), (3, 2), (2, 2)]),    # three operands
    ("Ab,bC->AC", [(2, 3), (3, 2)]),          # capital letters
    ("ij,kj->ik", [(1, 3), (4, 3)]),          # an axis of size 1 broadcast by numpy
]


def _operands(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2, 2, s) for s in shapes]


@pytest.mark.parametrize("equation, shapes", CASES)
def test_value_and_gradients_match_numpy_and_finite_differences(equation, shapes):
    arrays = _operands(shapes)
    expected = np.einsum(equation.replace(" ", ""), *arrays)
    with strict_numpy():
        xs = [leaf(a) for a in arrays]
        out = tg.einsum(equation, *xs)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
        assert tg.gradcheck(lambda *t: tg.einsum(equation, *t), xs)


@pytest.mark.parametrize("equation, shapes", CASES)
def test_second_order(equation, shapes):
    xs = [leaf(a) for a in _operands(shapes, 1)]
    out = (tg.einsum(equation, *xs) ** 2).sum()
    grads = tg.grad(out, xs, create_graph=True)
    v = [np.random.default_rng(2).uniform(-1, 1, x.shape) for x in xs]
    # the Hessian-vector product, differentiated by the engine vs. central differences of the gradient
    dot = sum((g * Tensor(w)).sum() for g, w in zip(grads, v))
    hv = tg.grad(dot, xs)
    eps = 1e-6
    for k, x in enumerate(xs):
        for idx in np.ndindex(x.shape):
            def g_dot_v(shift):
                moved = [leaf(a.data.copy()) for a in xs]
                moved[k].data[idx] += shift
                gs = tg.grad((tg.einsum(equation, *moved) ** 2).sum(), moved)
                return sum(float((gi.data * wi).sum()) for gi, wi in zip(gs, v))
            numeric = (g_dot_v(eps) - g_dot_v(-eps)) / (2 * eps)
            assert hv[k].data[idx] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("equation, shapes", CASES)
def test_against_pytorch(equation, shapes):
    torch = pytest.importorskip("torch")
    arrays = _operands(shapes, 3)
    xs = [leaf(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = tg.einsum(equation, *xs), torch.einsum(equation, *ts)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    w = np.random.default_rng(4).uniform(-1, 1, out.shape)
    (out * Tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_one_op_in_the_graph_whose_label_says_its_gradient_is_an_einsum():
    a, b = leaf(np.ones((2, 3))), leaf(np.ones((3, 4)))
    out = tg.einsum("ij,jk->ik", a, b)
    node = out.grad_fn
    assert node.name == "einsum" and node.inputs == (a, b)
    assert node.derivative == ("∂A = einsum('ik,jk→ij', G, B), ∂B = einsum('ik,ij→jk', G, A) "
                               "(the gradient of an einsum is an einsum)")
    trace = tg.einsum("ii", leaf(np.eye(3)))
    assert "δ" in trace.grad_fn.derivative  # a repeated index: tied to a fresh one by δ
    rows = tg.einsum("ij->i", leaf(np.ones((2, 3))))
    assert ", 1)" in rows.grad_fn.derivative  # an index only the operand has: a vector of ones
    grads = tg.grad(out.sum(), [a, b], create_graph=True)
    assert all(g.grad_fn.name == "einsum" for g in grads)  # the gradient is itself one einsum


def test_list_form_and_integer_operands():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(tg.einsum("ij,jk", [Tensor(a), Tensor(b)]).numpy(), a @ b)
    ints = Tensor(np.arange(4), dtype=np.int64)
    assert tg.einsum("i,i->", ints, ints).item() == 14


@pytest.mark.parametrize("equation, shapes, message", [
    ("ij,jk->ik", [(2, 3)], "2 operand"),
    ("ij->ik", [(2, 3)], "'k' .* not in any operand"),
    ("ijk->i", [(2, 3)], "names 3 axes but the tensor has shape \\(2, 3\\)"),
    ("ij,jk->ik", [(2, 3), (4, 2)], "index 'j' .* size 3 .* 4"),
    ("i1->i", [(2, 3)], "'1'"),
    ("ij->ii", [(2, 2)], "repeats an index"),
])
def test_bad_equations_name_the_problem(equation, shapes, message):
    with pytest.raises(ValueError, match=f"einsum: .*{message}"):
        tg.einsum(equation, *[Tensor(np.ones(s)) for s in shapes])


@FAST
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(0, 10**6))
def test_batched_products_by_hypothesis_against_matmul(n, m, p, batch, seed):
    rng = np.random.default_rng(seed)
    lead = tuple(rng.integers(1, 3, batch))
    a, b = rng.uniform(-1, 1, lead + (n, m)), rng.uniform(-1, 1, lead + (m, p))
    xs = [leaf(a), leaf(b)]
    np.testing.assert_allclose(tg.einsum("...ij,...jk->...ik", *xs).numpy(), a @ b, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda x, y: tg.einsum("...ij,...jk->...ik", x, y), xs)


def test_extreme_input_stays_finite_without_warnings():
    with strict_numpy():
        x = leaf(np.full((2, 2), 1e150))
        out = tg.einsum("ij,ij->", x, leaf(np.full((2, 2), 1e-150)))
        out.backward()
        assert np.isfinite(out.item()) and np.all(np.isfinite(x.grad.numpy()))
