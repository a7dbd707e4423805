"""Bad input everywhere a user can reach it: each case gives a clear error or a documented result
(README.md, "When things go wrong"), and none of them corrupts a model."""
import os
import warnings

import numpy as np
import pytest

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


# --- operands that are not numbers --------------------------------------------------------------

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


# --- empty tensors ----------------------------------------------------------------------------

def _empty():
    return Tensor.zeros(0, 3, requires_grad=True)


def test_empty_sum_matmul_and_their_backward():
    x = _empty()
    assert x.sum().item() == 0.0
    np.testing.assert_array_equal(x.sum(axis=0).data, np.zeros(3))
    w = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    y = x @ w
    assert y.shape == (0, 2)
    (y.sum() + x.sum()).backward()
    assert x.grad.shape == (0, 3) and x.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad.data, np.zeros((3, 2)))  # a sum over no rows
    inner = Tensor.ones(2, 0) @ Tensor.ones(0, 3)
    np.testing.assert_array_equal(inner.data, np.zeros((2, 3)))


@pytest.mark.parametrize("loss", [
    lambda x: x.mean(),
    lambda x: x.mean(axis=0).sum(),
    lambda x: F.mse_loss(x, np.zeros((0, 3))),
    lambda x: F.binary_cross_entropy_with_logits(x, np.zeros((0, 3))),
    lambda x: F.cross_entropy(x, np.zeros(0, dtype=np.int64)),
])
def test_mean_of_nothing_is_nan_as_in_pytorch_and_backward_works(loss):
    x = _empty()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy: "Mean of empty slice"
        value = loss(x)
    assert np.all(np.isnan(value.data))
    value.backward(np.ones(value.shape, dtype=value.dtype))
    assert x.grad.shape == (0, 3)


def test_empty_softmax_index_reshape_and_linear_backward():
    tg.manual_seed(0)
    layer = nn.Linear(3, 2)
    for f in (lambda x: x.softmax().sum(), lambda x: x[:, 1].sum(), lambda x: x.reshape(-1, 3).sum(),
              lambda x: layer(x).sum()):
        x = _empty()
        f(x).backward()
        assert x.grad.shape == (0, 3)


def test_max_of_empty_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max.*empty.*\(0, 3\)"):
        _empty().max()


# --- models: wrong shapes, bad state dicts, bad files: clear errors, model unchanged ------------

def _model():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def _snapshot(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def _assert_unchanged(model, before):
    after = model.state_dict()
    assert after.keys() == before.keys()
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])


def test_linear_with_wrong_feature_count_says_expected_and_got():
    model = _model()
    before = _snapshot(model)
    with pytest.raises(ValueError, match=r"expected input with 4 features.*got 5"):
        model(Tensor(np.ones((2, 5))))
    _assert_unchanged(model, before)
    assert model(Tensor(np.ones((2, 4)))).shape == (2, 2)  # still usable


@pytest.mark.parametrize("damage", ["missing", "extra", "shape", "dtype", "not a dict"])
def test_bad_state_dict_is_refused_and_model_unchanged(damage):
    model = _model()
    before = _snapshot(model)
    state = _snapshot(model)
    state = {k: v + 1 for k, v in state.items()}  # would change every value if it loaded
    if damage == "missing":
        del state["2.bias"]
    elif damage == "extra":
        state["3.weight"] = np.ones((2, 2))
    elif damage == "shape":
        state["0.weight"] = np.ones((4, 3))
    elif damage == "dtype":
        state["0.bias"] = np.array(["a", "b", "c"])
    else:
        state = [("0.weight", np.ones((3, 4)))]
    with pytest.raises((ValueError, TypeError)) as info:
        model.load_state_dict(state)
    message = str(info.value)
    if damage in ("missing", "extra", "shape"):
        assert {"missing": "2.bias", "extra": "3.weight", "shape": "0.weight"}[damage] in message
    if damage == "shape":
        assert "(3, 4)" in message and "(4, 3)" in message
    _assert_unchanged(model, before)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "npy", "other model"])
def test_bad_model_file_is_refused_and_model_unchanged(tmp_path, damage):
    model = _model()
    path = tmp_path / "model.npz"
    model.save(path)
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(raw)))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "npy":
        np.save(open(path, "wb"), np.ones(3))
    else:
        nn.Linear(2, 2).save(path)
    with tg.no_grad():
        for p in model.parameters():
            p += 1.0  # differ from the file, so a partial load would show
    before = _snapshot(model)
    with pytest.raises(ValueError) as info:
        model.load(path)
    assert "model.npz" in str(info.value)
    _assert_unchanged(model, before)


def test_missing_model_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.npz"):
        _model().load(tmp_path / "nowhere.npz")


def test_nan_in_the_data_does_not_touch_the_model_until_a_step():
    model = _model()
    before = _snapshot(model)
    out = model(Tensor([[np.nan, 1.0, 1.0, 1.0]]))
    assert np.isnan(out.data).any()
    _assert_unchanged(model, before)
    with tg.detect_anomaly(), pytest.raises(FloatingPointError, match="linear"):
        model(Tensor([[np.nan, 1.0, 1.0, 1.0]]))
