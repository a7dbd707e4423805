"""What becomes a tensor, in which dtype: float32/float64 mixed as numpy promotes (gradients in
each tensor's own dtype), Python numbers, integer data (float32 with requires_grad=True on Python
ints, a TypeError for an integer array), and input that is not numbers — ragged lists naming the
lengths that differ, None, strings, objects — refused with a clear error."""
import numpy as np
import pytest
from conftest import message_of

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

# --- mixed float32 / float64: numpy's promotion, gradients in each tensor's own dtype ----------


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a ** (b * b), lambda a, b: a @ b.T, lambda a, b: F.linear(a, b),
])
@pytest.mark.parametrize("first", [np.float32, np.float64])
def test_mixed_precision_promotes_like_numpy_and_gradients_keep_each_dtype(op, first):
    second = np.float64 if first == np.float32 else np.float32
    rng = np.random.default_rng(0)
    a = Tensor(rng.uniform(0.5, 1.5, (2, 3)).astype(first), requires_grad=True)
    b = Tensor(rng.uniform(0.5, 1.5, (2, 3)).astype(second), requires_grad=True)
    out = op(a, b)
    assert out.dtype == np.result_type(first, second) == np.float64
    out.sum().backward()
    assert a.grad.dtype == first and b.grad.dtype == second
    assert np.all(np.isfinite(a.grad.data)) and np.all(np.isfinite(b.grad.data))


def test_float32_model_with_float64_input_gives_float64_output_and_float32_grads():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = Tensor(np.ones((5, 3)))  # float64
    out = model(x)
    assert out.dtype == np.float64
    F.cross_entropy(out, [0, 1, 0, 1, 1]).backward()
    assert all(p.grad.dtype == np.float32 and p.dtype == np.float32 for p in model.parameters())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_python_numbers_and_float64_numpy_arrays(dtype):
    t = Tensor(np.ones(3, dtype=dtype))
    assert (t * 2.0).dtype == dtype and (2.0 - t).dtype == dtype and (t ** 2).dtype == dtype
    assert (t * np.ones(3)).dtype == np.float64  # a numpy array keeps its dtype and promotes


# --- integer tensors --------------------------------------------------------------------------


def test_integer_tensors_follow_numpy():
    i = Tensor(np.array([1, 2, 3]), dtype=np.int64)
    assert (i + 1).dtype == np.int64 and (i * 2).dtype == np.int64 and (i - i).dtype == np.int64
    assert (i + 1.5).dtype == np.float64 and (i / 2).dtype == np.float64
    assert i.sum().dtype == np.int64 and i.relu().dtype == np.int64
    for floating in (i.exp(), i.log(), i.sqrt(), i.sigmoid(), i.tanh(), i.mean(), i.softmax()):
        assert floating.dtype == np.float64
    np.testing.assert_allclose(i.sigmoid().data, 1 / (1 + np.exp(-np.array([1.0, 2.0, 3.0]))))


def test_integer_tensors_cannot_require_grad_but_can_feed_float_ones():
    with pytest.raises(TypeError, match="floating"):
        Tensor(np.array([1, 2]), dtype=np.int64, requires_grad=True)
    i = Tensor(np.array([1, 2, 3]), dtype=np.int64)
    w = Tensor([0.5, 0.5, 0.5], requires_grad=True)
    (i * w).sum().backward()
    assert w.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0, 3.0])
    assert i.grad is None


def test_integer_input_to_a_float32_model():
    tg.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = Tensor(np.ones((4, 3), dtype=np.int64), dtype=np.int64)
    y = layer(x)
    assert y.dtype == np.float64 and y.shape == (4, 2)
    y.sum().backward()
    assert layer.weight.grad.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.uint8])
def test_requires_grad_on_non_floating_dtype_is_a_type_error(dtype):
    message = message_of(TypeError, lambda: Tensor([1, 0], dtype=dtype, requires_grad=True))
    assert np.dtype(dtype).name in message
    message_of(TypeError, lambda: Tensor.ones(2, dtype=dtype, requires_grad=True))


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


# --- input that is not numbers ------------------------------------------------------------------


@pytest.mark.parametrize("other", [None, "a", {"x": 1}, object()])
def test_non_numeric_operand_is_a_type_error_not_a_silent_nan(other):
    t = Tensor([1.0, 2.0], name="h")
    with pytest.raises(TypeError, match=r"unsupported operand.*'h'"):
        t + other
    with pytest.raises(TypeError):
        other * t


def test_unset_bias_in_a_hand_written_layer_is_caught():
    x, w, b = Tensor(np.ones((2, 3))), Tensor(np.ones((3, 4)), requires_grad=True), None
    with pytest.raises(TypeError, match="NoneType"):
        x @ w + b


@pytest.mark.parametrize("data", [None, {}, object()])
def test_tensor_from_non_array_data_is_a_type_error(data):
    with pytest.raises(TypeError):
        Tensor(data)


def test_ragged_list_is_a_value_error():
    with pytest.raises(ValueError):
        Tensor([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("data, message", [
    ([[1, 2, 3], [4, 5]], r"ragged nested list \(item \[0\] has length 3, item \[1\] has length 2\)"),
    ([[[1, 2], [3, 4]], [[1, 2], [3]]], r"item \[1\]\[0\] has length 2, item \[1\]\[1\] has length 1"),
    ([[1, 2], 3], r"item \[0\] has length 2, item \[1\] has a number"),
    ([1.0, [2.0]], r"item \[0\] has a number, item \[1\] has length 1"),
])
@pytest.mark.parametrize("make", [Tensor, tg.tensor, lambda d: Tensor(d, dtype=np.float64),
                                  lambda d: Tensor(d, requires_grad=True)])
def test_a_ragged_list_names_the_lengths_that_differ(data, message, make):
    with pytest.raises(ValueError, match=message) as err:
        make(data)
    assert "inhomogeneous" not in str(err.value)


def test_the_ragged_message_agrees_with_pytorchs_finding():
    torch = pytest.importorskip("torch")
    data = [[[1, 2], [3, 4]], [[1, 2], [3]]]
    with pytest.raises(ValueError, match=r"\[1\]\[1\] has length 1") as ours:
        tg.tensor(data)
    with pytest.raises(ValueError, match="at dim 2") as theirs:   # the second index: dim 2
        torch.tensor(data)
    assert "(got 1)" in str(theirs.value) and "length 2" in str(ours.value)


def test_item_on_many_elements_is_a_value_error():
    message = message_of(ValueError, lambda: Tensor.ones(2, 3).item())
    assert "6" in message or "(2, 3)" in message
