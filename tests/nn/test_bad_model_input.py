"""A model given bad input: a wrong feature count, a state dict or a model file that does not
fit, a missing file, NaN in the data — each a clear error (README.md, "When things go wrong"),
and none of them changes the model."""
import os

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn


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
