"""The gate op G·m(x) (relu's, abs's, leaky_relu's and clip's derivative as one node): its
values, its own derivatives (linear in G, 0 in x) by finite differences, relu's second
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
def test_gate_is_g_times_the_mask_and_linear_in_g(data, rule):
    shape = data.draw(shapes(min_dims=1))
    g_arr = data.draw(arrays(shape))
    x_arr = data.draw(arrays(shape, away_from_zero=0.05))
    m = RULES[rule]
    g, x = Tensor(g_arr, requires_grad=True), Tensor(x_arr, requires_grad=True)
    out = ops.Gate.apply(g, x, rule=m)
    np.testing.assert_array_equal(out.data, g_arr * m(x_arr))
    # first derivatives by finite differences (x: 0 away from the kink)
    assert tg.gradcheck(lambda a, b: ops.Gate.apply(a, b, rule=m), (g, x))
    # second: the gate of the gate, still by finite differences
    w = Tensor(data.draw(arrays(shape)))

    def first(a, b):
        (d,) = tg.grad((ops.Gate.apply(a, b, rule=m) * w).sum(), [a], create_graph=True)
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
def test_the_derivatives_are_one_gate_node_in_the_input_dtype(op):
    x = Tensor(np.array([-2.0, -0.5, 0.5, 2.0], dtype=np.float32), requires_grad=True)
    fn = {"relu": lambda t: t.relu(), "abs": lambda t: t.abs(),
          "leaky_relu": lambda t: t.leaky_relu(0.1), "clip": lambda t: t.clip(-1.0, 1.0)}[op]
    (d,) = tg.grad(fn(x).sum(), [x], create_graph=True)
    assert d.grad_fn.name == "gate" and d.dtype == np.float32
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
