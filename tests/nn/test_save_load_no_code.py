"""tg.save / tg.load, as torch.save / torch.load, in a file that cannot run code on load:
nested state dicts round-trip with equal arrays and dtypes; a model's file loads into a fresh
model and into PyTorch; pickles (a crafted one, torch.save's) are refused and nothing runs."""
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.serialization import PickleRefusedError


def _model(seed):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))


def test_a_nested_checkpoint_round_trips_with_equal_arrays_and_dtypes(tmp_path):
    model = _model(0)
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(tg.randn(5, 4)).sum().backward()
    opt.step()
    checkpoint = {
        "model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3, "loss": 0.25,
        "name": "digits", "best": None, "flags": [True, False], "shape": (2, 3),
        "tensor": tg.tensor([1, 2, 3]), "leaf": tg.randn(2, requires_grad=True),
        "scalar": np.float32(1.5), "ints": np.arange(4, dtype=np.int32), "bools": np.array([True, False]),
        "nested": {"deeper": {"x": np.ones((2, 2), np.float64)}, 7: "an int key", "a/b": np.zeros(1)},
        "a": {"b": np.ones(1)}, "nan": float("nan"), "empty": np.zeros((0, 3)),
    }
    path = tg.save(checkpoint, tmp_path / "checkpoint.pt")
    assert path == os.fspath(tmp_path / "checkpoint.pt") and not (tmp_path / "checkpoint.pt.tmp").exists()
    back = tg.load(tmp_path / "checkpoint.pt")
    assert list(back) == list(checkpoint)
    _assert_same(back, checkpoint)
    assert back["leaf"].requires_grad and not back["tensor"].requires_grad
    assert isinstance(back["shape"], tuple) and isinstance(back["flags"], list) and 7 in back["nested"]
    fresh = _model(1)
    fresh.load_state_dict(back["model"])
    for (k, a), b in zip(model.state_dict().items(), fresh.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=k)
    opt2 = optim.Adam(fresh.parameters(), lr=0.5)
    opt2.load_state_dict(back["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.01


def _assert_same(got, want):
    if isinstance(want, dict):
        assert list(got) == list(want)
        for k in want:
            _assert_same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            _assert_same(g, w)
    elif isinstance(want, (tg.Tensor, np.ndarray, np.generic)):
        assert type(got) is type(want)
        assert np.asarray(got).dtype == np.asarray(want).dtype
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    elif isinstance(want, float) and want != want:
        assert got != got
    else:
        assert type(got) is type(want) and got == want


def test_a_saved_model_loads_into_a_fresh_model_and_into_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    tg.save(ours.state_dict(), tmp_path / "model.pt")
    fresh = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    fresh.load_state_dict(tg.load(tmp_path / "model.pt"))
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_array_equal(fresh(tg.Tensor(x)).numpy(), ours(tg.Tensor(x)).numpy())
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in tg.load(tmp_path / "model.pt").items()})
    with torch.no_grad():
        np.testing.assert_allclose(theirs(torch.from_numpy(x)).numpy(), ours(tg.Tensor(x)).numpy(), rtol=1e-6)
    # and back: PyTorch's weights, saved as arrays, load here
    np.savez(tmp_path / "from_torch.npz", **{k: v.numpy() for k, v in theirs.state_dict().items()})
    fresh.load_state_dict(tg.load(tmp_path / "from_torch.npz"))
    nn.load(fresh, tmp_path / "model.pt")      # nn.save / nn.load are the same files
    nn.save(fresh, tmp_path / "again.npz")
    assert set(tg.load(tmp_path / "again.npz")) == set(ours.state_dict())


def test_a_file_object_works_as_torch_save_to_a_buffer():
    buffer = io.BytesIO()
    tg.save({"w": np.ones(3, np.float32)}, buffer)
    buffer.seek(0)
    assert tg.load(buffer)["w"].dtype == np.float32


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_crafted_to_run_code_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned.txt"
    crafted = tmp_path / "model.pt"
    crafted.write_bytes(pickle.dumps({"weight": _Payload(str(marker))}))
    with pytest.raises(PickleRefusedError, match=r"holds a Python pickle .* tg.load refuses"):
        tg.load(crafted)
    with pytest.raises(ValueError, match="pickle"):
        nn.load(_model(0), crafted)
    assert not marker.exists()
    pickle.loads(crafted.read_bytes())["weight"].close()   # the payload is live: unpickling it makes the file
    assert marker.exists()


def test_an_npz_whose_array_is_a_pickle_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned.txt"
    np.savez(tmp_path / "trap.npz", weight=np.array([_Payload(str(marker))], dtype=object))
    with pytest.raises(PickleRefusedError, match="pickle"):
        tg.load(tmp_path / "trap.npz")
    assert not marker.exists()
    with np.load(tmp_path / "trap.npz", allow_pickle=True) as f:
        f["weight"][0].close()
    assert marker.exists()


def test_a_torch_save_file_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(torch.nn.Linear(2, 2).state_dict(), tmp_path / "torch.pt")
    assert zipfile.is_zipfile(tmp_path / "torch.pt")
    with pytest.raises(PickleRefusedError, match="torch.save format"):
        tg.load(tmp_path / "torch.pt")
    torch.save({"w": torch.ones(2)}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(PickleRefusedError, match="holds a Python pickle"):
        tg.load(tmp_path / "legacy.pt")


def test_what_cannot_be_saved_without_pickle_is_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match=r"save: cannot store a _Payload \(at \['model'\]\['w'\]\)"):
        tg.save({"model": {"w": _Payload("x")}}, tmp_path / "x.pt")
    with pytest.raises(TypeError, match="dtype object"):
        tg.save({"w": np.array([{}], dtype=object)}, tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()


def test_missing_and_damaged_files_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.pt"):
        tg.load(tmp_path / "nope.pt")
    (tmp_path / "junk.pt").write_bytes(b"not an archive at all")
    with pytest.raises(ValueError, match="junk.pt.*not a complete .npz archive"):
        tg.load(tmp_path / "junk.pt")
