"""Shape errors: the exception type, and a message that leads with both shapes and names the op,
the axes that must agree and what to do — matmul, broadcasting, reshape, transpose, reductions,
softmax, indexing, and backward's gradient argument."""
import re

import numpy as np
import pytest
from conftest import message_of, names_shapes

from tinygrad_edu import Tensor


@pytest.mark.parametrize("shape_a, shape_b", [((3, 4), (5, 6)), ((3,), (4,)), ((2, 3), (4,)),
                                              ((4,), (3, 5)), ((2, 3, 4), (2, 5, 6)),
                                              ((2, 3, 4), (3, 4, 2))])
def test_matmul_shape_mismatch_names_op_and_both_shapes(shape_a, shape_b):
    a, b = Tensor.ones(*shape_a, requires_grad=True), Tensor.ones(*shape_b)
    for fn in (lambda: a @ b, lambda: a.matmul(b), lambda: a @ np.ones(shape_b),
               lambda: np.ones(shape_a) @ Tensor.ones(*shape_b)):
        message = message_of((ValueError, RuntimeError), fn)
        assert "matmul" in message
        names_shapes(message, shape_a, shape_b)


def test_matmul_with_zero_dim_operand_is_a_shape_error():
    message = message_of((ValueError, RuntimeError), lambda: Tensor.ones(3) @ Tensor(2.0))
    assert "matmul" in message


@pytest.mark.parametrize("sa, sb, first, second", [
    ((2, 3), (4, 5), "last axis (3)", "second-to-last axis (4)"),
    ((5, 2, 3), (7, 5), "last axis (3)", "second-to-last axis (7)"),
    ((3,), (4,), "last axis (3)", "only axis (4)"),
])
def test_matmul_shape_error_leads_with_both_shapes_and_the_axes_that_must_agree(sa, sb, first, second):
    message = message_of(ValueError, lambda: Tensor.ones(*sa) @ Tensor.ones(*sb))
    assert message.startswith(f"matmul: shapes {sa} and {sb}")
    assert first in message and second in message
    assert "gufunc" not in message and "signature" not in message


def test_matmul_batch_axes_that_do_not_broadcast_are_named():
    message = message_of(ValueError, lambda: Tensor.ones(2, 2, 3) @ Tensor.ones(3, 3, 1))
    assert message.startswith("matmul: shapes (2, 2, 3) and (3, 3, 1)")
    assert "batch axes (2,) and (3,)" in message and "gufunc" not in message


@pytest.mark.parametrize("op, symbol", [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("pow", "**")])
@pytest.mark.parametrize("shape_a, shape_b", [((3,), (4,)), ((2, 3), (3, 2)), ((2, 1, 3), (4, 2))])
def test_non_broadcastable_binary_op_names_op_and_both_shapes(op, symbol, shape_a, shape_b):
    a, b = Tensor.ones(*shape_a, requires_grad=True), Tensor.ones(*shape_b)
    fns = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b, "**": lambda: a ** b}
    message = message_of((ValueError, RuntimeError), fns[symbol])
    assert op in message
    names_shapes(message, shape_a, shape_b)
    message = message_of((ValueError, RuntimeError), lambda: np.ones(shape_b) + a)
    names_shapes(message, shape_a, shape_b)


@pytest.mark.parametrize("new_shape", [(5,), (4, -1), (-1, -1), (7, 1)])
def test_reshape_error_names_both_shapes(new_shape):
    t = Tensor.ones(2, 3)
    message = message_of((ValueError, RuntimeError), lambda: t.reshape(*new_shape))
    assert "reshape" in message
    names_shapes(message, (2, 3), new_shape)
    message = message_of((ValueError, RuntimeError), lambda: t.reshape(new_shape))
    names_shapes(message, (2, 3), new_shape)


def test_transpose_with_wrong_axes_is_an_error():
    message = message_of((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0))
    assert "(2, 3)" in message
    message = message_of((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0, 2))
    assert "transpose" in message and "(2, 3)" in message and "2" in message
    message_of((ValueError, RuntimeError), lambda: Tensor.ones(2, 3).transpose(0, -3))
    message = message_of((ValueError, RuntimeError), lambda: Tensor.ones(2, 3, 4).transpose(0, 0, 1))
    assert "(2, 3, 4)" in message


@pytest.mark.parametrize("method", ["sum", "mean", "max"])
def test_reduction_axis_out_of_range(method):
    message = message_of((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=2))
    assert method in message and "2" in message
    message_of((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=-3))


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_axis_out_of_range(method):
    message_of((ValueError, IndexError), lambda: getattr(Tensor.ones(2, 3), method)(axis=2))


def test_index_out_of_range_is_an_index_error():
    message = message_of(IndexError, lambda: Tensor.ones(2, 3)[5])
    assert "5" in message
    message = message_of(IndexError, lambda: Tensor.ones(2, 3)[np.array([0, 7])])
    assert "7" in message


# --- backward's gradient argument ---------------------------------------------------------------


def test_backward_on_non_scalar_says_a_gradient_argument_is_needed():
    y = Tensor.ones(3, 4, requires_grad=True) * 2
    message = message_of(RuntimeError, y.backward)
    assert "gradient" in message.lower() and re.search(r"need|required|must", message)
    names_shapes(message, (3, 4))


@pytest.mark.parametrize("grad", [np.ones((4, 3)), Tensor.ones(3), np.ones(12), Tensor.ones(1, 3, 4)])
def test_backward_with_wrong_shape_gradient_names_both_shapes(grad):
    y = Tensor.ones(3, 4, requires_grad=True) * 2
    message = message_of(ValueError, lambda: y.backward(grad))
    names_shapes(message, (3, 4), grad.shape)


def test_backward_on_a_non_scalar_names_the_shape_once():
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    message = message_of(RuntimeError, y.backward)
    assert message.count("(2,)") == 1
    assert "2 elements" in message and "gradient" in message and "sum()" in message
