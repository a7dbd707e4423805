"""tg.gradcheck itself: what it returns and raises, its defaults and tolerances, float32 inputs
evaluated in float64, inputs left unchanged, memory that is not in C order, a wrong gradient caught."""
import re

import numpy as np
import pytest
from conftest import leaf, message_of

import tinygrad_edu as tg
from tinygrad_edu import Tensor


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


# --- its error: the input, the element, both values ---------------------------------------------


class WrongSquare(tg.Function):
    """x² with a deliberately wrong local derivative: 3x instead of 2x."""
    name = "wrong_square"

    def forward(self, x):
        return x * x

    def backward(self, g):
        return (g * self.inputs[0] * 3,)


def _numbers(message):
    return [float(v) for v in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", message)]


def test_gradcheck_error_names_input_element_and_both_values():
    c = Tensor(np.array([1.0, 1.0, 1.0]))
    x = Tensor(np.array([[0.5, 2.0, -1.0]]), requires_grad=True)
    message = message_of(tg.GradcheckError, lambda: tg.gradcheck(lambda a, b: (a * WrongSquare.apply(b)).sum(), [c, x]))
    assert re.search(r"input\D*1", message)                     # x is input 1 (index)
    assert "(0, 0)" in message or re.search(r"element\D*0\b", message)
    values = _numbers(message)
    assert any(v == pytest.approx(3 * 0.5, rel=1e-6) for v in values), message   # analytic 1.5
    assert any(v == pytest.approx(2 * 0.5, rel=1e-5) for v in values), message   # numeric 1.0
    assert "analytic" in message.lower() and "numeric" in message.lower()


def test_gradcheck_error_names_a_named_input_and_later_element():
    x = Tensor(np.array([0.0, 0.0, 2.0]), requires_grad=True, name="weights")
    message = message_of(tg.GradcheckError, lambda: tg.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x]))
    assert "weights" in message
    assert "(2,)" in message or re.search(r"element\D*2\b", message)   # elements 0, 1 are right (0 = 0)
    values = _numbers(message)
    assert any(v == pytest.approx(6.0) for v in values) and any(v == pytest.approx(4.0, rel=1e-5) for v in values)


def test_gradcheck_error_is_an_exception_and_inputs_are_unchanged():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    before = x.data.copy()
    with pytest.raises(Exception):
        tg.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x])
    np.testing.assert_array_equal(x.data, before)
    assert issubclass(tg.GradcheckError, Exception)


def test_gradcheck_reports_a_gradient_lost_to_detach_as_a_gradcheck_error():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    message = message_of(tg.GradcheckError, lambda: tg.gradcheck(lambda t: (t.detach() * 2).sum(), [x]))
    values = _numbers(message)
    assert any(v == 0.0 for v in values) and any(v == pytest.approx(2.0, rel=1e-5) for v in values)
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: tg.no_grad()(lambda: t * 2)().sum(), [x])


def test_gradcheck_of_a_constant_function_passes():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert tg.gradcheck(lambda t: Tensor(np.ones(3)), [x])
