import gzip
import struct

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import data


def test_xor_example_is_002s_data():
    X, y = data.xor_example()
    np.testing.assert_array_equal(X, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(y, [[0], [1], [1], [0]])
    assert X.dtype == y.dtype == np.float64
    assert data.seed002_data is data.xor_example


def test_planar_flower_shapes_balance_and_determinism():
    X, Y = data.planar_flower()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert Y.sum() == 200 and set(np.unique(Y)) == {0, 1}
    # the course's first point for its seed 1
    np.testing.assert_allclose(X[:, 0], [1.20444229, 3.57611415], atol=1e-8)
    np.testing.assert_array_equal(data.planar_flower(seed=3)[0], data.planar_flower(seed=3)[0])
    assert not np.array_equal(data.planar_flower(seed=3)[0], X)
    radius = np.hypot(*X)
    assert radius.max() < 6  # r = 4 sin(4t) + noise
    assert data.planar_flower(m=10)[0].shape == (2, 10)
    with pytest.raises(ValueError, match="even"):
        data.planar_flower(m=7)


def test_planar_flower_leaves_library_seed_alone():
    tg.manual_seed(0)
    a = tg.Tensor.randn(3).data
    tg.manual_seed(0)
    data.planar_flower()
    np.testing.assert_array_equal(tg.Tensor.randn(3).data, a)


def test_digits_and_breast_cancer_dtypes_and_shapes():
    pytest.importorskip("sklearn")
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(10))
    X, y = data.load_breast_cancer()
    assert X.shape == (569, 30) and X.dtype == np.float32 and set(np.unique(y)) == {0, 1}


def test_bundled_files_match_sklearns_own_loaders():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = data.load_digits()
    np.testing.assert_array_equal(X, datasets.load_digits().data)
    np.testing.assert_array_equal(y, datasets.load_digits().target)
    X, y = data.load_breast_cancer()
    np.testing.assert_allclose(X, datasets.load_breast_cancer().data, rtol=1e-6)
    np.testing.assert_array_equal(y, datasets.load_breast_cancer().target)


def test_missing_sklearn_gives_install_hint(monkeypatch):
    import importlib.util
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a))
    with pytest.raises(ImportError, match=r"pip install tinygrad_edu\[data\]"):
        data.load_digits()


def test_split_is_stratified_deterministic_and_disjoint():
    X = np.arange(100, dtype=np.float32).reshape(50, 2)
    y = np.array([0] * 30 + [1] * 20)
    s1 = data.train_test_split(X, y, test_fraction=0.2, seed=5)
    s2 = data.train_test_split(X, y, test_fraction=0.2, seed=5)
    for a, b in zip(s1, s2):
        np.testing.assert_array_equal(a, b)
    assert len(s1.X_test) == 10 and np.sum(s1.y_test == 1) == 4 and np.sum(s1.y_test == 0) == 6
    rows_train, rows_test = set(s1.X_train[:, 0]), set(s1.X_test[:, 0])
    assert not rows_train & rows_test and len(rows_train | rows_test) == 50
    np.testing.assert_array_equal(s1.X_train[:, 0] // 2 >= 30, s1.y_train == 1)  # rows keep labels
    assert not np.array_equal(data.train_test_split(X, y, seed=6).X_test, s1.X_test)
    with pytest.raises(ValueError, match="rows"):
        data.train_test_split(X, y[:-1])


def test_standardize_uses_training_statistics():
    X_train = np.array([[1.0, 5.0], [3.0, 5.0]])
    X_test = np.array([[5.0, 6.0]])
    tr, te = data.standardize(X_train, X_test)
    np.testing.assert_allclose(tr, [[-1, 0], [1, 0]])
    np.testing.assert_allclose(te, [[3, 1]])  # constant column: only centred
    assert data.standardize(X_train).shape == (2, 2)


def test_load_split_digits_is_standardised():
    pytest.importorskip("sklearn")
    X_train, X_test, y_train, y_test = data.load_split("digits", seed=0)
    assert len(X_train) + len(X_test) == 1797 and X_train.dtype == np.float32
    assert np.all(np.abs(X_train.mean(axis=0)) < 1e-4)
    with pytest.raises(ValueError, match="unknown data set"):
        data.load_split("cifar")


def test_batches_cover_every_row_once_and_are_seeded():
    X = np.arange(10)[:, None]
    y = np.arange(10)
    got = list(data.batches(X, y, batch_size=4, seed=1))
    assert [len(b[0]) for b in got] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in got])) == list(range(10))
    for xb, yb in got:
        np.testing.assert_array_equal(xb[:, 0], yb)
    again = list(data.batches(X, y, batch_size=4, seed=1))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(got, again))
    in_order = list(data.batches(X, batch_size=3, shuffle=False, drop_last=True))
    assert len(in_order) == 3 and np.array_equal(in_order[0][:, 0], [0, 1, 2])
    with pytest.raises(ValueError, match="batch_size"):
        next(data.batches(X, y, batch_size=0))
    with pytest.raises(ValueError, match="rows"):
        next(data.batches(X, y[:3]))


# --- MNIST IDX ------------------------------------------------------------------------------

def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(">u1").tobytes()


@pytest.fixture
def mnist_files(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    (tmp_path / "images.idx").write_bytes(idx_bytes(images, 2051))
    (tmp_path / "labels.idx").write_bytes(idx_bytes(labels, 2049))
    return tmp_path, images, labels


def test_mnist_idx_round_trip(mnist_files):
    folder, images, labels = mnist_files
    X, y = data.load_mnist_idx(folder / "images.idx", folder / "labels.idx")
    assert X.shape == (5, 12) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(5, 12) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    raw, _ = data.load_mnist_idx(folder / "images.idx", folder / "labels.idx", normalize=False, flatten=False)
    np.testing.assert_array_equal(raw, images)


def test_mnist_idx_gzipped(mnist_files):
    folder, images, labels = mnist_files
    for name in ("images", "labels"):
        (folder / f"{name}.idx.gz").write_bytes(gzip.compress((folder / f"{name}.idx").read_bytes()))
    X, y = data.load_mnist_idx(folder / "images.idx.gz", folder / "labels.idx.gz")
    np.testing.assert_array_equal(y, labels)


def test_mnist_idx_swapped_files_wrong_magic(mnist_files):
    folder, _, _ = mnist_files
    with pytest.raises(ValueError, match=r"magic number 2049, expected 2051.*labels file"):
        data.load_mnist_idx(folder / "labels.idx", folder / "images.idx")


def test_mnist_idx_not_idx_at_all(tmp_path):
    (tmp_path / "x").write_bytes(b"PNG image bytes")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "x")


@pytest.mark.parametrize("cut", [2, 10, -7])
def test_mnist_idx_truncated(mnist_files, cut):
    folder, _, _ = mnist_files
    raw = (folder / "images.idx").read_bytes()
    (folder / "cut.idx").write_bytes(raw[:cut])
    with pytest.raises(ValueError, match=r"cut.idx.*truncated"):
        data.load_mnist_idx(folder / "cut.idx", folder / "labels.idx")


def test_mnist_idx_count_mismatch_and_missing_file(mnist_files):
    folder, images, _ = mnist_files
    (folder / "few.idx").write_bytes(idx_bytes(np.array([1, 2], dtype=np.uint8), 2049))
    with pytest.raises(ValueError, match="5 images.*2 labels"):
        data.load_mnist_idx(folder / "images.idx", folder / "few.idx")
    with pytest.raises(FileNotFoundError, match="nothere"):
        data.load_mnist_idx(folder / "nothere", folder / "few.idx")
    (folder / "bad.gz").write_bytes(gzip.compress(b"x" * 100)[:15])
    with pytest.raises(ValueError, match="bad.gz"):
        data.read_idx(folder / "bad.gz")
