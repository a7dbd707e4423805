"""Every error of the contract: the exception type, and a message that names the op and shapes."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


def raises(exc, fn):
    with pytest.raises(exc) as info:
        fn()
    return str(info.value)


def names_shapes(message, *shapes):
    """Each shape appears in the message, written as Python prints a tuple: (3, 4)."""
    for shape in shapes:
        assert str(tuple(shape)) in message, f"{shape} not named in: {message}"


# --- shape errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape_a, shape_b", [((3, 4), (5, 6)), ((3,), (4,)), ((2, 3), (4,)),
                                              ((4,), (3, 5)), ((2, 3, 4), (2, 5, 6)),
                                              ((2, 3, 4), (3, 4, 2))])
def test_matmul_shape_mismatch_names_op_and_both_shapes(shape_a, shape_b):
    a, b = Tensor.ones(*shape_a, requires_grad=True), Tensor.ones(*shape_b)
    for fn in (lambda: a @ b, lambda: a.matmul(b), lambda: a @ np.ones(shape_b),
               lambda: np.ones(shape_a) @ Tensor.ones(*shape_b)):
        message = raises((ValueError, RuntimeError), fn)
        assert "matmul" in message
        names_shapes(message, shape_a, shape_b)


def test_matmul_with_zero_dim_operand_is_a_shape_error():
    message = raises((ValueError, RuntimeError), lambda: Tensor.ones(3) @ Tensor(2.0))
    assert "matmul" in message


@pytest.mark.parametrize("op, symbol", [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("pow", "**")])
@pytest.mark.parametrize("shape_a, shape_b", [((3,), (4,)), ((2, 3), (3, 2)), ((2, 1, 3), (4, 2))])
def test_non_broadcastable_binary_op_names_op_and_both_shapes(op, symbol, shape_a, shape_b):
    a, b = Tensor.ones(*shape_a, requires_grad=True), Tensor.ones(*shape_b)
    fns = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b, "**": lambda: a ** b}
    message = raises((ValueError, RuntimeError), fns[symbol])
    assert op in message
    names_shapes(message, shape_a, shape_b)
    message = raises((ValueError, RuntimeError), lambda: np.ones(shape_b) + a)
    names_shapes(message, shape_a, shape_b)


@pytest.mark.parametrize("new_shape", [(5,), (4, -1), (-1, -1), (7, 1)])
def test_reshape_error_names_both_shapes(new_shape):
    t = Tensor.ones(2, 3)
    message = raises((ValueError, RuntimeError), lambda: t.reshape(*new_shape))
    assert "reshape" in message
    names_shapes(message, (2, 3), new_shape)
    message = raises((ValueError, RuntimeError), lambda: t.reshape(new_shape))
    names_shapes(message, (2, 3), new_shape)


def test_transpose_with_wrong_axes_is_an_error():
    message = raises((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0))
    assert "(2, 3)" in message
    message = raises((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0, 2))
    assert "transpose" in message and "(2, 3)" in message and "2" in message
    raises((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0, -3))
    message = raises((ValueError, RuntimeError), lambda: Tensor.ones(2, 3, 4).transpose(0, 0, 1))
    assert "(2, 3, 4)" in message


@pytest.mark.parametrize("method", ["sum", "mean", "max"])
def test_reduction_axis_out_of_range(method):
    message = raises((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=2))
    assert method in message and "2" in message
    raises((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=-3))


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_axis_out_of_range(method):
    raises((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=2))


def test_index_out_of_range_is_an_index_error():
    message = raises(IndexError, lambda: Tensor.ones(2, 3)[5])
    assert "5" in message
    message = raises(IndexError, lambda: Tensor.ones(2, 3)[np.array([0, 7])])
    assert "7" in message


# --- backward errors --------------------------------------------------------------------------------

def test_backward_on_non_scalar_says_a_gradient_argument_is_needed():
    y = Tensor.ones(3, 4, requires_grad=True) * 2
    message = raises(RuntimeError, y.backward)
    assert "gradient" in message.lower() and re.search(r"need|required|must", message)
    names_shapes(message, (3, 4))


@pytest.mark.parametrize("grad", [np.ones((4, 3)), Tensor.ones(3), np.ones(12), Tensor.ones(1, 3, 4)])
def test_backward_with_wrong_shape_gradient_names_both_shapes(grad):
    y = Tensor.ones(3, 4, requires_grad=True) * 2
    message = raises(ValueError, lambda: y.backward(grad))
    names_shapes(message, (3, 4), grad.shape)


def test_backward_on_tensor_that_does_not_require_grad():
    raises(RuntimeError, lambda: Tensor.ones(3).sum().backward())
    with tg.no_grad():
        y = (Tensor.ones(3, requires_grad=True) * 2).sum()
    raises(RuntimeError, y.backward)


def test_grad_errors():
    x = Tensor.ones(3, requires_grad=True)
    raises(RuntimeError, lambda: tg.grad(x * 2, [x]))                          # non-scalar output
    raises(RuntimeError, lambda: tg.grad((x * 2).sum(), [Tensor.ones(2)]))    # input without grad
    raises(RuntimeError, lambda: tg.grad(Tensor.ones(3).sum(), [x]))          # output without grad
    raises(ValueError, lambda: tg.grad(x * 2, [x], grad_outputs=[np.ones(4)]))


# --- Tensor errors ---------------------------------------------------------------------------------

def test_item_on_many_elements_is_a_value_error():
    message = raises(ValueError, lambda: Tensor.ones(2, 3).item())
    assert "6" in message or "(2, 3)" in message


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.uint8])
def test_requires_grad_on_non_floating_dtype_is_a_type_error(dtype):
    message = raises(TypeError, lambda: Tensor([1, 0], dtype=dtype, requires_grad=True))
    assert np.dtype(dtype).name in message
    raises(TypeError, lambda: Tensor.ones(2, dtype=dtype, requires_grad=True))


# --- loss errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, bad", [([0, 1, 4], "4"), ([0, -1, 2], "-1"), (np.array([0, 9, 1]), "9"),
                                         (Tensor(np.array([0, 1, 7]), dtype=np.int64), "7")])
def test_cross_entropy_out_of_range_index_names_it(target, bad):
    message = raises((IndexError, ValueError), lambda: F.cross_entropy(Tensor.ones(3, 4, requires_grad=True), target))
    assert bad in message


@pytest.mark.parametrize("target", [[0, 1], np.array([0, 1, 2, 3]), Tensor(np.array([1.0, 0.0])),
                                    np.full((2, 4), 0.25), Tensor(np.full((5, 4), 0.25))])
def test_cross_entropy_mismatched_n_is_a_value_error(target):
    message = raises(ValueError, lambda: F.cross_entropy(Tensor.ones(3, 4, requires_grad=True), target))
    assert "3" in message


def test_cross_entropy_non_integer_class_index():
    raises((ValueError, TypeError), lambda: F.cross_entropy(Tensor.ones(2, 3), [0.5, 1]))


@pytest.mark.parametrize("loss", ["cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "mse_loss"])
def test_unknown_reduction_is_a_value_error(loss):
    target = [0, 1] if loss == "cross_entropy" else np.full((2, 3), 0.5)
    message = raises(ValueError, lambda: getattr(F, loss)(Tensor(np.full((2, 3), 0.5)),
                                                          target, reduction="avg"))
    assert "avg" in message


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss"])
def test_elementwise_loss_shape_mismatch_names_both_shapes(loss):
    message = raises(ValueError, lambda: getattr(F, loss)(Tensor(np.full((3, 4), 0.5)), np.full((4, 3), 0.5)))
    names_shapes(message, (3, 4), (4, 3))


# --- gradcheck --------------------------------------------------------------------------------------

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
    message = raises(tg.GradcheckError, lambda: tg.gradcheck(lambda a, b: (a * WrongSquare.apply(b)).sum(), [c, x]))
    assert re.search(r"input\D*1", message)                     # x is input 1 (index)
    assert "(0, 0)" in message or re.search(r"element\D*0\b", message)
    values = _numbers(message)
    assert any(v == pytest.approx(3 * 0.5, rel=1e-6) for v in values), message   # analytic 1.5
    assert any(v == pytest.approx(2 * 0.5, rel=1e-5) for v in values), message   # numeric 1.0
    assert "analytic" in message.lower() and "numeric" in message.lower()


def test_gradcheck_error_names_a_named_input_and_later_element():
    x = Tensor(np.array([0.0, 0.0, 2.0]), requires_grad=True, name="weights")
    message = raises(tg.GradcheckError, lambda: tg.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x]))
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


# --- names in messages ------------------------------------------------------------------------------

def test_error_messages_use_tensor_names():
    W1 = Tensor.ones(3, 4, name="W1", requires_grad=True)
    X = Tensor.ones(5, 6, name="X")
    message = raises((ValueError, RuntimeError), lambda: W1 @ X)
    assert "W1" in message and "X" in message
    message = raises(ValueError, lambda: Tensor.ones(2, 3, name="A1").item())
    assert "A1" in message
    message = raises(RuntimeError, lambda: Tensor.ones(1, name="cost").backward())
    assert "cost" in message


def test_gradcheck_reports_a_gradient_lost_to_detach_as_a_gradcheck_error():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    message = raises(tg.GradcheckError, lambda: tg.gradcheck(lambda t: (t.detach() * 2).sum(), [x]))
    values = _numbers(message)
    assert any(v == 0.0 for v in values) and any(v == pytest.approx(2.0, rel=1e-5) for v in values)
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: tg.no_grad()(lambda: t * 2)().sum(), [x])


def test_gradcheck_of_a_constant_function_passes():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert tg.gradcheck(lambda t: Tensor(np.ones(3)), [x])
