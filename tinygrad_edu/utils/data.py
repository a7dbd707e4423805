"""`tinygrad_edu.utils.data`, as torch.utils.data: datasets, mini-batches and random splits.

    from tinygrad_edu.utils.data import DataLoader, TensorDataset, random_split
    train, test = random_split(TensorDataset(X, y), [0.8, 0.2])
    for xb, yb in DataLoader(train, batch_size=32, shuffle=True):
        ...

Shuffling and splitting draw from the generator that tg.manual_seed seeds. A batch of a
TensorDataset (or a split of one) is gathered with one index per tensor; any other dataset's
examples are collated (stacked) one by one, as PyTorch's default_collate does.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np

from .. import _random
from ..combine import stack
from ..tensor import Tensor


class Dataset:
    """Base class of a map-style dataset: define `__getitem__(i)` and `__len__()`."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class TensorDataset(Dataset):
    """Example i is `(t[i] for t in tensors)`: the tensors (or numpy arrays) share their first axis."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor.tensor(np.asarray(t)) for t in tensors)
        sizes = [len(t) for t in self.tensors]
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: the tensors must have the same first dimension (one row per "
                             f"example), got sizes {sizes}")

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])


class Subset(Dataset):
    """The examples of `dataset` at `indices`, in that order (what random_split returns)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset, lengths, generator=None) -> list[Subset]:
    """Split into non-overlapping random subsets of the given lengths, or fractions that add up
    to 1 (each gets ⌊fraction·n⌋ examples, and what is left over goes one each to the first
    subsets, as PyTorch). `generator`: a numpy Generator, else the library's (tg.manual_seed)."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {lengths}")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0 for k in lengths):
        raise ValueError(f"random_split: lengths must be non-negative ints or fractions that add up to 1, "
                         f"got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths {lengths} add up to {sum(lengths)}, but the dataset has "
                         f"{n} examples")
    order = (generator.permutation(n) if generator is not None else _random.permutation(n)).tolist()
    return [Subset(dataset, order[end - k:end]) for end, k in zip(itertools.accumulate(lengths), lengths)]


def index_batches(order, batch_size: int, drop_last: bool) -> Iterator[np.ndarray]:
    """Consecutive runs of `batch_size` indices of `order` (the last shorter unless drop_last):
    the batching of DataLoader and of tinygrad_edu.data.batches."""
    order = np.asarray(order)
    stop = len(order) - len(order) % batch_size if drop_last else len(order)
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]


def check_batch_size(owner: str, batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"{owner}: batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


class DataLoader:
    """Mini-batches of a dataset, as torch's DataLoader: each batch stacks `batch_size` examples
    into Tensors (a TensorDataset of (X, y) gives (X_batch, y_batch)); with shuffle, a new order
    every epoch, from tg.manual_seed's generator; every example once per epoch; `len()` is the
    number of batches. num_workers, pin_memory and persistent_workers are accepted and ignored
    (one process, on the CPU)."""

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool = False, drop_last: bool = False,
                 collate_fn=None, generator=None, num_workers: int = 0, pin_memory: bool = False,
                 persistent_workers: bool = False):
        self.dataset = dataset
        self.batch_size = None if batch_size is None else check_batch_size("DataLoader", batch_size)
        self.shuffle, self.drop_last, self.generator = bool(shuffle), bool(drop_last), generator
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = self.generator.permutation(n) if self.generator is not None else _random.permutation(n)
        else:
            order = np.arange(n)
        if self.batch_size is None:  # no batching: the examples themselves
            for i in order:
                yield self.dataset[int(i)]
            return
        for rows in index_batches(order, self.batch_size, self.drop_last):
            yield self._batch(rows)

    def _batch(self, rows: np.ndarray):
        if self.collate_fn is None:
            gathered = _gather(self.dataset, rows)
            if gathered is not None:
                return gathered
        samples = [self.dataset[int(i)] for i in rows]
        return (self.collate_fn or default_collate)(samples)


def _gather(dataset, rows: np.ndarray):
    """A TensorDataset's batch (or a Subset's of one) with one index per tensor; None otherwise."""
    while isinstance(dataset, Subset):
        rows, dataset = np.asarray(dataset.indices, dtype=np.int64)[rows], dataset.dataset
    if type(dataset) is TensorDataset:
        return tuple(t[rows] for t in dataset.tensors)
    return None


def default_collate(samples: list):
    """Examples → a batch, as PyTorch's: Tensors and arrays are stacked along a new first axis,
    numbers become a 1-D Tensor, tuples/lists/dicts are collated field by field, strings listed."""
    first = samples[0]
    if isinstance(first, Tensor):
        return stack(samples)
    if isinstance(first, (np.ndarray, np.generic)):
        return Tensor.tensor(np.stack(samples))
    if isinstance(first, bool):
        return Tensor.tensor(samples, dtype=np.bool_)
    if isinstance(first, int):
        return Tensor.tensor(samples, dtype=np.int64)
    if isinstance(first, float):
        return Tensor.tensor(samples, dtype=np.float64)
    if isinstance(first, str):
        return list(samples)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if len({len(s) for s in samples}) != 1:
            raise ValueError(f"default_collate: the examples have different numbers of fields "
                             f"{sorted({len(s) for s in samples})}")
        fields = [default_collate(list(group)) for group in zip(*samples)]
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"default_collate: cannot batch examples of type {type(first).__name__}; give the "
                    f"DataLoader a collate_fn")
