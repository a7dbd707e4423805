"""tg.gradcheck itself: what it returns and raises, its defaults and tolerances, float32 inputs
evaluated in float64, inputs left unchanged, memory that is not in C order, a wrong gradient caught."""

import numpy as np
import pytest
from conftest import leaf
from hypothesis import settings

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


def test_gradcheck_returns_true_and_supports_non_scalar_outputs():
    x = leaf(np.array([[0.5, -1.0], [2.0, 0.3]]))
    assert tg.gradcheck(lambda t: t * t.sigmoid(), [x]) is True
    assert tg.gradcheck(lambda t: (t.exp(), t.sum()), [x]) is True


def test_gradcheck_perturbs_an_input_whose_memory_is_not_in_c_order():
    """A transposed (Fortran-order) input: its finite differences must still see each element."""
    data = np.asfortranarray(np.array([[0.5, -1.0, 0.2], [2.0, 0.3, -0.7]]))
    x = Tensor(data, requires_grad=True)
    assert not x.data.flags.c_contiguous
    weights = Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert tg.gradcheck(lambda t: (t * t * weights).sum(), [x])


def test_gradcheck_evaluates_float32_inputs_in_float64():
    seen = []

    def fn(t):
        seen.append(t.dtype)
        return (t * t * t).sum()

    x = Tensor(np.array([0.3, 1.7, -2.1], dtype=np.float32), requires_grad=True)
    assert tg.gradcheck(fn, [x], eps=1e-6, atol=1e-7, rtol=1e-7)
    assert set(seen) == {np.dtype(np.float64)}


def test_gradcheck_skips_inputs_that_do_not_require_grad_and_keeps_values():
    calls = []
    x = leaf([1.0, 2.0])
    c = Tensor(np.array([3.0, 4.0]))
    x_before, c_before = x.data.copy(), c.data.copy()

    def fn(a, b):
        calls.append(1)
        return (a * b).sum()

    assert tg.gradcheck(fn, [x, c])
    assert len(calls) == 1 + 2 * 2          # one analytic pass + two per element of x only
    np.testing.assert_array_equal(x.data, x_before)
    np.testing.assert_array_equal(c.data, c_before)
    assert x.grad is None and c.grad is None


def test_gradcheck_accepts_a_single_tensor_and_non_tensor_arguments():
    x = leaf([0.1, 0.2])
    assert tg.gradcheck(lambda t, k: (t * k).sum(), [x, 3.0])


def test_gradcheck_catches_a_wrong_gradient():
    class WrongSquare(tg.Function):
        name = "wrong_square"

        def forward(self, x):
            return x * x

        def backward(self, g):
            return (g * self.inputs[0] * 3,)   # should be 2x

    x = leaf([1.0, 2.0])
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x])
    assert issubclass(tg.GradcheckError, Exception)


def test_gradcheck_defaults_and_tolerances():
    import inspect
    params = inspect.signature(tg.gradcheck).parameters
    assert (params["eps"].default, params["atol"].default, params["rtol"].default) == (1e-6, 1e-5, 1e-3)

    class SlightlyOff(tg.Function):
        name = "slightly_off"

        def forward(self, x):
            return x * x

        def backward(self, g):
            return (g * self.inputs[0] * (2 * (1 + 1e-4)),)   # relative error 1e-4

    x = leaf([1.0, 3.0])
    assert tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x])             # within rtol 1e-3
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x], atol=0.0, rtol=1e-6)
    assert tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x], atol=1e-3, rtol=0.0)
