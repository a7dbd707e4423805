"""Second derivatives of the reductions, softmax, losses, shape and join ops: gradcheck of their
(differentiable) gradients tg.grad(create_graph=True), and the cross-entropy Hessian and the
product with a zero by formula."""
import numpy as np
import pytest
from conftest import leaf
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, distinct_arrays, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=10, deadline=None)


def _grad_of(f):
    return lambda t: tg.grad(f(t), [t], create_graph=True)[0]



@FAST
@given(shape=shapes(min_dims=1, max_dims=2), data=st.data())
def test_second_derivatives_of_softmax_log_softmax(shape, data):
    axis = data.draw(single_axis(len(shape)))
    x = data.draw(arrays(shape, -3, 3))
    w = data.draw(arrays(shape, -2, 2))
    for f in (lambda t: (t.softmax(axis) * w).sum(), lambda t: (t.log_softmax(axis=axis) * w).sum()):
        assert tg.gradcheck(_grad_of(f), [leaf(x)])


@pytest.mark.parametrize("name, f", [
    ("sum", lambda t: (t.sum(axis=0) ** 2).sum()),
    ("mean", lambda t: (t.mean(axis=-1, keepdims=True) ** 2).sum()),
    ("max", lambda t: (t.max(axis=1) ** 3).sum()),
    ("reshape_T", lambda t: (t.reshape(3, 2).T * t).sum()),
    ("transpose", lambda t: (t.transpose(1, 0) @ t).sum()),
    ("index", lambda t: (t[np.array([0, 0, 1])] ** 2).sum() + (t[:, 1:] ** 3).sum()),
    ("matmul", lambda t: ((t @ t.T).tanh()).sum()),
    ("matmul_1d", lambda t: (t[0] @ t[1]) ** 2),
    ("linear", lambda t: F.linear(t, t * 2, t[0, :2]).tanh().sum()),
    ("cross_entropy", lambda t: F.cross_entropy(t, [2, 0])),
    ("cross_entropy_probs", lambda t: F.cross_entropy(t, t.softmax(axis=0) * 1.0, reduction="sum")),
    ("bce", lambda t: F.binary_cross_entropy(t.sigmoid(), np.full((2, 3), 0.3))),
    ("bce_with_logits", lambda t: F.binary_cross_entropy_with_logits(t, np.full((2, 3), 0.7), reduction="sum")),
    ("mse", lambda t: F.mse_loss(t.tanh(), np.zeros((2, 3)), reduction="sum")),
])
def test_second_derivatives_of_other_ops(name, f):
    x = np.array([[0.3, -1.2, 0.8], [1.1, 0.45, -0.6]])
    assert tg.gradcheck(_grad_of(f), [leaf(x)])


def test_second_derivative_of_cross_entropy_is_softmax_jacobian_over_n():
    z = leaf([[0.5, -1.0, 2.0]])
    (g,) = tg.grad(F.cross_entropy(z, [1]), [z], create_graph=True)
    v = np.array([1.0, 2.0, -1.0])
    (hv,) = tg.grad((g * Tensor(v)).sum(), [z])
    p = np.exp(z.data[0]) / np.exp(z.data[0]).sum()
    hessian = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(hv.data[0], hessian @ v, rtol=1e-10)



@pytest.mark.parametrize("op", ["min", "prod", "var", "std", "logsumexp", "norm", "max_dim", "min_dim"])
@FAST
@given(data=st.data())
def test_second_derivatives_of_reductions(op, data):
    shape = data.draw(shapes(min_dims=1, max_dims=2, min_side=2, max_side=3))
    x = data.draw(distinct_arrays(shape, -2, 2, min_gap=0.05))
    dim = data.draw(single_axis(len(shape)))
    keep = data.draw(st.booleans())
    w = data.draw(arrays(shape, -1, 1))
    reduce = {
        "min": lambda t: t.min(axis=dim, keepdims=keep), "prod": lambda t: t.prod(dim=dim, keepdim=keep),
        "var": lambda t: t.var(dim=dim, keepdim=keep), "std": lambda t: t.std(dim=dim, keepdim=keep),
        "logsumexp": lambda t: t.logsumexp(dim=dim, keepdim=keep), "norm": lambda t: t.norm(dim=dim, keepdim=keep),
        "max_dim": lambda t: t.max(dim=dim, keepdim=keep).values, "min_dim": lambda t: t.min(dim=dim, keepdim=keep)[0],
    }[op]
    # t + t²/10 is increasing on [−2, 2]: distinct inputs stay distinct (no ties for max/min)
    f = lambda t: ((reduce(t + t * t * 0.1) ** 3) * float(1 + abs(w).sum())).sum()   # noqa: E731
    assert tg.gradcheck(_grad_of(f), [leaf(x)])


def test_prod_second_derivative_with_one_zero_per_slice():
    # ∂²Π/∂x_i∂x_k = Π_{j≠i,k} x_j, also where x_i = 0
    x = leaf([[0.0, 2.0, 3.0], [1.5, -1.0, 0.5]])
    assert tg.gradcheck(_grad_of(lambda t: (t.prod(dim=1) * Tensor([1.0, -2.0])).sum()), [x])
    (g,) = tg.grad(x.prod(), [x], create_graph=True)
    (h,) = tg.grad(g[0, 1], [x])   # ∂/∂x (Π_{j≠(0,1)} x_j)
    others = x.data.reshape(-1)
    expected = [np.prod(np.delete(others, [1, i])) if i != 1 else 0.0 for i in range(6)]
    np.testing.assert_allclose(h.data.reshape(-1), expected)


@pytest.mark.parametrize("name, f", [
    ("cat", lambda t: (tg.cat([t, t * t, t.sin()], dim=1) ** 2).sum()),
    ("stack", lambda t: (tg.stack([t, t * t], dim=-1) ** 3).sum()),
    ("split", lambda t: sum((p ** 3).sum() * (i + 1) for i, p in enumerate(t.split([1, 2], dim=1)))),
    ("chunk", lambda t: sum((p.sin() * p).sum() for p in t.chunk(2, dim=0))),
    ("narrow", lambda t: (t.narrow(1, 1, 2) ** 3).sum()),
    ("pad", lambda t: (F.pad(t, (1, 2, 0, 1), value=0.5) ** 3).softmax(dim=1).log().sum()),
    ("view_flatten", lambda t: (t.view(3, 2).flatten() ** 3).sum()),
    ("squeeze_unsqueeze", lambda t: (t.unsqueeze(0).unsqueeze(-1).squeeze() ** 3).sum()),
    ("expand", lambda t: (t[:1].expand(4, 3) * t.sum(dim=0)).pow(2).sum()),
    ("permute", lambda t: (t.unsqueeze(0).permute(2, 0, 1) @ t.unsqueeze(0)).tanh().sum()),
])
def test_second_derivatives_of_shape_and_join_ops(name, f):
    x = np.array([[0.3, -1.2, 0.8], [1.1, 0.45, -0.6]])
    assert tg.gradcheck(_grad_of(f), [leaf(x)])

