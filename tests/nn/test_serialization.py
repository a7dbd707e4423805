import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn


def make_model(seed=0):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_state_dict_keys_are_dotted_names_and_values_are_copies():
    m = make_model()
    sd = m.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    sd["0.weight"][:] = 7
    assert not np.any(m[0].weight.data == 7)


def test_load_state_dict_round_trip_copies_the_given_arrays():
    source, target = make_model(0), make_model(1)
    sd = source.state_dict()
    target.load_state_dict(sd)
    for name, value in target.state_dict().items():
        np.testing.assert_array_equal(value, source.state_dict()[name])
    sd["2.bias"][:] = 99
    assert not np.any(target[2].bias.data == 99)


def test_load_state_dict_keeps_parameter_objects_and_dtype():
    m = make_model()
    weight = m[0].weight
    m.load_state_dict({k: v.astype(np.float64) for k, v in make_model(5).state_dict().items()})
    assert m[0].weight is weight and weight.dtype == np.float32
    np.testing.assert_allclose(weight.data, make_model(5)[0].weight.data)


def assert_unchanged(model, before):
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_missing_and_unexpected_keys_are_named_and_nothing_is_loaded():
    m = make_model()
    before = m.state_dict()
    sd = make_model(1).state_dict()
    del sd["2.bias"]
    sd["3.weight"] = np.zeros(2)
    with pytest.raises(ValueError) as err:
        m.load_state_dict(sd)
    assert "missing keys: 2.bias" in str(err.value) and "unexpected keys: 3.weight" in str(err.value)
    assert_unchanged(m, before)


def test_shape_mismatch_names_key_expected_and_got_and_model_stays_intact():
    m = make_model()
    before = m.state_dict()
    sd = make_model(1).state_dict()
    sd["2.weight"] = np.zeros((4, 2))  # transposed: the first keys are fine, a later one is not
    with pytest.raises(ValueError, match=r"'2.weight': expected shape \(2, 4\), got shape \(4, 2\)"):
        m.load_state_dict(sd)
    assert_unchanged(m, before)


def test_non_strict_ignores_extra_and_missing_keys_but_not_shapes():
    m = make_model()
    new_bias = np.array([5.0, 6.0])
    m.load_state_dict({"2.bias": new_bias, "other": np.ones(1)}, strict=False)
    np.testing.assert_array_equal(m[2].bias.data, new_bias)
    with pytest.raises(ValueError, match="expected shape"):
        m.load_state_dict({"2.bias": np.ones(3)}, strict=False)


def test_non_numeric_array_is_refused():
    m = make_model()
    sd = m.state_dict()
    sd["0.bias"] = np.array(["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="numeric"):
        m.load_state_dict(sd)


def test_save_load_npz_round_trip(tmp_path):
    source, target = make_model(0), make_model(1)
    path = source.save(tmp_path / "model.npz")
    target.load(path)
    assert_unchanged(target, source.state_dict())
    other = make_model(2)
    nn.save(other, tmp_path / "other.npz")
    nn.load(target, tmp_path / "other.npz")
    assert_unchanged(target, other.state_dict())
    assert not (tmp_path / "other.npz.tmp").exists()


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        make_model().load(missing)
    with pytest.raises(ValueError, match="nope.npz"):
        make_model().load(missing)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "npy", "empty"])
def test_corrupt_or_truncated_file_raises_value_error_and_model_unchanged(tmp_path, damage):
    path = tmp_path / "model.npz"
    make_model(1).save(path)
    raw = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"this is not a zip archive" * 10)
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "npy":
        np.save(open(path, "wb"), np.ones(3))
    else:
        path.write_bytes(b"")
    m = make_model()
    before = m.state_dict()
    with pytest.raises(ValueError, match="model.npz"):
        m.load(path)
    assert_unchanged(m, before)


def test_file_from_a_different_model_is_refused_without_changes(tmp_path):
    tg.manual_seed(0)
    wide = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
    wide.save(tmp_path / "wide.npz")
    m = make_model()
    before = m.state_dict()
    with pytest.raises(ValueError, match=r"(?s)wide.npz.*'0.weight': expected shape \(4, 3\), got shape \(8, 3\)"):
        m.load(tmp_path / "wide.npz")
    assert_unchanged(m, before)
