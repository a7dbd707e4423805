"""A large parameter is updated a block at a time (optim/optimizer.py subtract_scaled): the same
numbers as the whole-array update, for every layout, and through SGD with and without momentum."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, optim
from tinygrad_edu.optim.optimizer import BLOCK, subtract_scaled


@pytest.mark.parametrize("size", [BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17])
@pytest.mark.parametrize("layout", ["C", "F", "grad F", "float64 grad"])
def test_blocks_give_the_whole_array_update(size, layout):
    rng = np.random.default_rng(size)
    p = rng.standard_normal((size, 1)).astype(np.float32)
    g = rng.standard_normal((size, 1)).astype(np.float32)
    if layout == "F":      # a non-contiguous parameter: updated in place all the same
        p = np.asfortranarray(np.repeat(p, 2, axis=1))[:, :1]
    if layout == "grad F":
        g = np.repeat(g, 2, axis=1)[:, :1]
    if layout == "float64 grad":
        g = g.astype(np.float64)
    expected = p.copy()
    expected -= 0.01 * g
    before = p.__array_interface__["data"][0]
    subtract_scaled(p, 0.01, g)
    np.testing.assert_array_equal(p, expected)
    assert p.__array_interface__["data"][0] == before   # in place


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_on_a_large_weight_equals_the_rule(momentum):
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((1030, 300)).astype(np.float32)   # more than BLOCK elements
    x = rng.standard_normal((4, 1030)).astype(np.float32)
    w = Tensor(w0.copy(), requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=momentum)
    expected, buf = w0.copy(), None
    for _ in range(2):
        opt.zero_grad()
        (Tensor(x) @ w).sum().backward()
        g = w.grad.data
        buf = g.copy() if buf is None else buf * np.float32(momentum) + g
        step = buf if momentum else g
        expected -= 0.1 * step
        opt.step()
        np.testing.assert_array_equal(w.data, expected)
