"""User input becomes a Tensor in one place (tensor.as_tensor) by one rule, whichever function
receives it: floating arrays keep their dtype, boolean arrays stay boolean, lists, numbers and
integer arrays become float32 (or the other operand's dtype), and complex, object or string data
is a TypeError that names the op."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

T = Tensor(np.ones((1, 1, 3, 3), np.float32))

# each entry point, given data instead of a Tensor; returns the Tensor it made of that data
ENTRY_POINTS = {
    "Tensor": lambda d: Tensor(d),
    "add": lambda d: (T.reshape(-1)[:2] * 0 + d),
    "radd": lambda d: d + T.reshape(-1)[:2] * 0,
    "relu": lambda d: F.relu(d),
    "mse_loss target": lambda d: F.mse_loss(Tensor(np.zeros(2)), d, reduction="none"),
    "cat": lambda d: tg.cat([d]),
    "maximum": lambda d: tg.maximum(d, Tensor(np.full(2, -np.inf, np.float32))),
    "where": lambda d: tg.where(np.array([True, True]), d, Tensor(np.zeros(2, np.float32))),
    "conv2d": lambda d: F.conv2d(np.reshape(d, (1, 1, 1, 2)), Tensor(np.ones((1, 1, 1, 1), np.float32))),
    "Flatten": lambda d: nn.Flatten(0)(d),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("data", [np.array([1.0 + 2.0j, 3.0]), np.array(["x", "y"]), np.array([None, 1.0])],
                         ids=["complex", "strings", "objects"])
def test_non_real_data_is_a_type_error_naming_the_op(entry, data):
    with pytest.raises(TypeError, match=r"must be numeric, got dtype"):
        ENTRY_POINTS[entry](data)


@pytest.mark.parametrize("entry", ["Tensor", "relu", "cat", "Flatten"])   # those that return their input's dtype
def test_floating_arrays_keep_their_dtype_and_lists_and_integers_become_float32(entry):
    make = ENTRY_POINTS[entry]
    assert make(np.array([1.0, 2.0], np.float64)).dtype == np.float64
    assert make([1, 2]).dtype == np.float32
    assert make(np.array([1, 2], np.int64)).dtype == np.float32


def test_complex_data_names_the_op_and_what_to_do():
    with pytest.raises(TypeError, match=r"add: the other operand must be numeric, got dtype complex128.*\.real"):
        Tensor([1.0, 2.0]) + np.array([1 + 2j, 0j])
    with pytest.raises(TypeError, match=r"add: the other operand must be numeric, got dtype <U1"):
        Tensor([1.0, 2.0]) + np.array(["x", "y"])
    with pytest.raises(TypeError, match=r"cat: item 1 must be numeric"):
        tg.cat([Tensor([1.0]), ["a"]])


def test_boolean_arrays_stay_boolean():
    mask = Tensor(np.array([True, False]))
    assert mask.dtype == np.bool_ and mask.data.tolist() == [True, False]
    assert Tensor(np.bool_(True)).dtype == np.bool_
    assert Tensor([True, False]).dtype == np.float32     # a list is data: float32, as the contract says


def test_python_numbers_and_lists_take_the_other_operands_dtype():
    x64 = Tensor(np.ones(2, np.float64))
    assert (x64 * 2.0).dtype == (x64 + [1, 2]).dtype == (x64 * np.float32(2)).dtype == np.float64
    ints = Tensor([1, 2], dtype=np.int64)
    assert (ints + 1).dtype == (ints + np.array([1, 2], np.int32)).dtype == np.int64


@pytest.mark.parametrize("data, where", [([[1.0, 2.0], [3.0]], r"item \[0\] has length 2, item \[1\] has length 1"),
                                         ([[[1.0], [2.0]], [[1.0], [2.0, 3.0]]],
                                          r"item \[1\]\[0\] has length 1, item \[1\]\[1\] has length 2")])
def test_a_ragged_nested_list_names_the_lengths_that_differ(data, where):
    with pytest.raises(ValueError, match=rf"Tensor: data is a ragged nested list \({where}\)"):
        Tensor(data)
