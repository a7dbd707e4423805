"""tinygrad_edu.utils.data: TensorDataset, DataLoader and random_split as PyTorch's —
batches stacked into Tensors, len() the number of batches, shuffling from tg.manual_seed, every
example once per epoch, fractions in random_split — and data.batches built on the same batching."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import data
from tinygrad_edu.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def _xy(n=10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    return tg.from_numpy(X), tg.tensor(np.arange(n) % 3)


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (10, 5, False),
                                                      (10, 1, False), (10, 20, False), (10, 20, True)])
def test_batches_lengths_and_order_as_pytorch(n, batch_size, drop_last):
    X, y = _xy(n)
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    got = list(loader)
    assert len(got) == len(loader)
    for xb, yb in got:
        assert isinstance(xb, tg.Tensor) and xb.dtype == np.float32 and yb.dtype == np.int64
    torch = pytest.importorskip("torch")
    theirs = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(X.numpy()),
                                                                              torch.from_numpy(y.numpy())),
                                              batch_size=batch_size, drop_last=drop_last))
    assert len(loader) == len(theirs)
    for (xb, yb), (tx, ty) in zip(got, theirs):
        np.testing.assert_array_equal(xb.numpy(), tx.numpy())
        np.testing.assert_array_equal(yb.numpy(), ty.numpy())


def test_shuffle_draws_from_manual_seed_and_gives_every_example_once_per_epoch():
    X, y = _xy(23)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)
    tg.manual_seed(0)
    epoch1 = [yb for _, yb in loader]
    rows1 = np.concatenate([xb.numpy()[:, 0] / 3 for xb, _ in loader])
    tg.manual_seed(0)
    again = [yb for _, yb in loader]
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(epoch1, again))
    assert sorted(rows1.astype(int).tolist()) == list(range(23))   # each example once
    assert not np.array_equal(rows1, np.arange(23))                  # in a new order
    xb, yb = next(iter(loader))
    np.testing.assert_array_equal(yb.numpy(), (xb.numpy()[:, 0] / 3).astype(int) % 3)  # rows stay paired


def test_random_split_lengths_and_fractions_as_pytorch():
    torch = pytest.importorskip("torch")
    for n, lengths in [(10, [0.8, 0.2]), (11, [0.5, 0.3, 0.2]), (7, [0.34, 0.33, 0.33]), (10, [3, 7]),
                       (5, [0.1, 0.9]), (3, [1.0, 0.0])]:
        ours = random_split(TensorDataset(*_xy(n)), lengths)
        with warnings.catch_warnings():  # torch warns of the empty split of (3, [1.0, 0.0]): meant
            warnings.filterwarnings("ignore", "Length of split at index", UserWarning)
            theirs = torch.utils.data.random_split(range(n), lengths)
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        every = sorted(i for s in ours for i in s.indices)
        assert every == list(range(n))
    with pytest.raises(ValueError, match=r"add up to 9, but the dataset has 10"):
        random_split(TensorDataset(*_xy(10)), [4, 5])


def test_a_split_feeds_a_loader_and_a_custom_dataset_is_collated():
    tg.manual_seed(1)
    train, test = random_split(TensorDataset(*_xy(12)), [0.75, 0.25])
    assert isinstance(train, Subset) and len(train) == 9
    xb, yb = next(iter(DataLoader(train, batch_size=4)))
    np.testing.assert_array_equal(xb.numpy(), _xy(12)[0].numpy()[train.indices[:4]])
    inner = Subset(train, [2, 0])     # a subset of a subset
    np.testing.assert_array_equal(next(iter(DataLoader(inner, batch_size=2)))[0].numpy(),
                                  _xy(12)[0].numpy()[[train.indices[2], train.indices[0]]])

    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, np.float32), "y": i * i, "w": float(i), "name": f"n{i}"}

    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["y"].dtype == np.int64 and batch["w"].dtype == np.float64
    assert batch["y"].tolist() == [0, 1, 4] and batch["name"] == ["n0", "n1", "n2"]
    torch = pytest.importorskip("torch")
    theirs = torch.utils.data.default_collate([Squares()[i] for i in range(3)])
    assert str(theirs["y"].dtype) == "torch.int64" and str(theirs["w"].dtype) == "torch.float64"
    pair = default_collate([(tg.ones(2), 1), (tg.zeros(2), 0)])
    assert pair[0].shape == (2, 2) and pair[1].tolist() == [1, 0]


def test_examples_one_at_a_time_and_bad_arguments():
    X, y = _xy(4)
    items = list(DataLoader(TensorDataset(X, y), batch_size=None))
    assert len(items) == 4 and items[0][0].shape == (3,)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(TensorDataset(X, y), batch_size=0)
    with pytest.raises(ValueError, match=r"same first dimension .* sizes \[4, 3\]"):
        TensorDataset(X, y[:3])
    assert len(DataLoader(TensorDataset(X, y), batch_size=3, num_workers=2, pin_memory=True)) == 2


def test_data_batches_is_batched_the_same_way():
    X = np.arange(20).reshape(10, 2)
    ours = [xb for xb, _ in DataLoader(TensorDataset(X, np.arange(10)), batch_size=4, drop_last=True)]
    old = list(data.batches(X, batch_size=4, shuffle=False, drop_last=True))
    assert len(ours) == len(old) == 2
    for a, b in zip(ours, old):
        np.testing.assert_array_equal(a.numpy(), b)
    tg.manual_seed(3)
    shuffled_old = np.concatenate(list(data.batches(X, batch_size=3)))
    tg.manual_seed(3)
    shuffled_new = np.concatenate([xb.numpy() for (xb,) in DataLoader(TensorDataset(X), batch_size=3, shuffle=True)])
    np.testing.assert_array_equal(shuffled_old, shuffled_new)
