"""The errors a new user met (issue 10), each saying what is wrong without contradicting itself."""
import numpy as np
import pytest

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


def message_of(error, fn) -> str:
    with pytest.raises(error) as err:
        fn()
    return str(err.value)


@pytest.mark.parametrize("as_tensor", [False, True])
def test_cross_entropy_with_a_one_hot_integer_target_says_the_dtype_is_the_problem(as_tensor):
    onehot = np.eye(3, dtype=np.int64)[[0, 2, 1, 0]]
    target = Tensor(onehot, dtype=np.int64) if as_tensor else onehot
    message = message_of(TypeError, lambda: F.cross_entropy(Tensor.randn(4, 3), target))
    assert "int64" in message and "dtype" in message
    assert "floating" in message                     # probabilities must be floating
    assert "class indices of shape (4,)" in message  # integer targets are indices
    assert "got shape (4, 3)" not in message


def test_cross_entropy_still_takes_indices_and_float_probabilities():
    logits = Tensor.randn(4, 3)
    onehot = np.eye(3)[[0, 2, 1, 0]]
    by_index = F.cross_entropy(logits, np.array([0, 2, 1, 0]))
    by_probs = F.cross_entropy(logits, onehot.astype(np.float32))
    np.testing.assert_allclose(by_index.data, by_probs.data, rtol=1e-6)


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


def test_backward_on_a_non_scalar_names_the_shape_once():
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    message = message_of(RuntimeError, y.backward)
    assert message.count("(2,)") == 1
    assert "2 elements" in message and "gradient" in message and "sum()" in message


def test_requires_grad_on_python_ints_is_a_float32_leaf():
    x = Tensor([1, 2, 3], requires_grad=True)
    assert x.dtype == np.float32 and x.requires_grad


@pytest.mark.parametrize("data, kwargs", [
    (np.array([1, 2, 3]), {}),
    (np.int64(3), {}),
    (Tensor(np.array([1, 2]), dtype=np.int64), {}),
    ([1, 2, 3], {"dtype": np.int64}),
    (np.array([True, False]), {}),
])
def test_requires_grad_on_integer_data_given_as_such_is_a_type_error(data, kwargs):
    message = message_of(TypeError, lambda: Tensor(data, requires_grad=True, **kwargs))
    assert "floating" in message and "gradient" in message


def test_an_integer_array_without_requires_grad_still_becomes_float32():
    assert Tensor(np.array([1, 2])).dtype == np.float32


@pytest.mark.parametrize("op, make", [
    ("sigmoid", lambda x: x.sigmoid()),
    ("exp", lambda x: x.exp()),
    ("mul", lambda x: x * 2),
])
def test_refused_in_place_edit_names_the_op_that_produced_the_tensor(op, make):
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = make(x)

    def edit():
        nonlocal y
        y += 1
    message = message_of(RuntimeError, edit)
    assert f"the output of {op}" in message
