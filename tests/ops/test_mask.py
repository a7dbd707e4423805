"""The one mask op m(x), a piecewise-constant function of x (relu's [x > 0], abs's sign(x),
leaky_relu's and clip's): relu's, abs's, leaky_relu's and clip's derivatives are G times it. Its
values, the derivatives of G·m(x) (linear in G, 0 in x) by finite differences, relu's second
derivatives against PyTorch, and the dtype it keeps."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, shapes

import tinygrad_edu as tg
from tinygrad_edu import Tensor, ops

RULES = {
    "relu": lambda x: x > 0,
    "abs": np.sign,
    "leaky_relu": lambda x: np.where(x > 0, 1.0, 0.2),
}


@settings(max_examples=25, deadline=None)
@given(data=st.data(), rule=st.sampled_from(sorted(RULES)))
def test_g_times_the_mask_is_linear_in_g_and_constant_in_x(data, rule):
    shape = data.draw(shapes(min_dims=1))
    g_arr = data.draw(arrays(shape))
    x_arr = data.draw(arrays(shape, away_from_zero=0.05))
    m = RULES[rule]
    g, x = Tensor(g_arr, requires_grad=True), Tensor(x_arr, requires_grad=True)
    mask = ops.Mask.apply(x, rule=m)
    np.testing.assert_array_equal(mask.data, m(x_arr).astype(x_arr.dtype))
    assert mask.dtype == x.dtype and mask.grad_fn.name == "mask"
    out = g * mask
    np.testing.assert_array_equal(out.data, g_arr * m(x_arr))
    # first derivatives by finite differences (x: 0 away from the kink)
    assert tg.gradcheck(lambda a, b: a * ops.Mask.apply(b, rule=m), (g, x))
    # second, still by finite differences
    w = Tensor(data.draw(arrays(shape)))

    def first(a, b):
        (d,) = tg.grad((a * ops.Mask.apply(b, rule=m) * w).sum(), [a], create_graph=True)
        return d
    assert tg.gradcheck(first, (g, x))


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_relu_second_derivatives_against_pytorch(data):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(min_dims=1))
    x_arr = data.draw(arrays(shape, away_from_zero=0.05))
    v_arr = data.draw(arrays(shape))
    x = Tensor(x_arr, requires_grad=True)
    (d,) = tg.grad((x.relu() * x.relu()).sum(), [x], create_graph=True)  # 2·relu(x)·1[x > 0]
    (dd,) = tg.grad((d * Tensor(v_arr)).sum(), [x])
    xt = torch.tensor(x_arr, requires_grad=True)
    (dt,) = torch.autograd.grad((torch.relu(xt) * torch.relu(xt)).sum(), [xt], create_graph=True)
    (ddt,) = torch.autograd.grad((dt * torch.tensor(v_arr)).sum(), [xt])
    np.testing.assert_allclose(d.data, dt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dd.data, ddt.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op", ["relu", "abs", "leaky_relu", "clip"])
def test_the_derivatives_are_g_times_one_mask_node_in_the_input_dtype(op):
    x = Tensor(np.array([-2.0, -0.5, 0.5, 2.0], dtype=np.float32), requires_grad=True)
    fn = {"relu": lambda t: t.relu(), "abs": lambda t: t.abs(),
          "leaky_relu": lambda t: t.leaky_relu(0.1), "clip": lambda t: t.clip(-1.0, 1.0)}[op]
    (d,) = tg.grad(fn(x).sum(), [x], create_graph=True)
    assert d.grad_fn.name == "mul" and d.dtype == np.float32
    assert [i.grad_fn.name for i in d.grad_fn.inputs if i.grad_fn is not None] == ["mask"]
    expected = {"relu": [0, 0, 1, 1], "abs": [-1, -1, 1, 1], "leaky_relu": [0.1, 0.1, 1, 1],
                "clip": [0, 1, 1, 0]}[op]
    np.testing.assert_allclose(d.data, np.array(expected, dtype=np.float32))
    (dd,) = tg.grad(d.sum(), [x])          # piecewise constant in x: 0
    np.testing.assert_array_equal(dd.data, np.zeros(4, dtype=np.float32))


def test_relu_keeps_its_input_memory_order():
    a = np.arange(-12.0, 12.0, dtype=np.float32).reshape(2, 3, 4).transpose(2, 0, 1)
    out = Tensor(a).relu()
    np.testing.assert_array_equal(out.data, np.maximum(a, 0))
    assert out.data.strides == np.maximum(a, 0).strides
