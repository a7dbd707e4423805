"""The error for a ragged nested list ([[1, 2, 3], [4, 5]]): which lengths differ, and where,
instead of numpy's "inhomogeneous shape" text."""
from __future__ import annotations

import numpy as np


def _is_sequence(x) -> bool:
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0) or \
        (hasattr(x, "shape") and hasattr(x, "__len__") and len(getattr(x, "shape", ())) > 0)


def ragged_path(data, path=()):
    """(path, expected, got, other_path) of the first place where sibling lists differ in length
    (or a list sits beside a number), else None."""
    if not _is_sequence(data):
        return None
    items = list(data)
    lengths = [len(x) if _is_sequence(x) else None for x in items]
    for i, n in enumerate(lengths):
        if n != lengths[0]:
            return path, (0, lengths[0]), (i, n)
    for i, x in enumerate(items):
        found = ragged_path(x, path + (i,))
        if found:
            return found
    return None


def ragged_error(owner: str, data) -> ValueError | None:
    """A ValueError naming the lengths that differ, or None if `data` is not ragged."""
    found = ragged_path(data)
    if found is None:
        return None
    path, (i, n), (j, m) = found
    where = "data" + "".join(f"[{k}]" for k in path)
    def describe(k, length):
        if length is None:
            return f"{where}[{k}] is a number"
        return f"{where}[{k}] has {length} element{'' if length == 1 else 's'}"
    return ValueError(f"{owner}: the nested list is ragged at dim {len(path) + 1}: {describe(i, n)} but "
                      f"{describe(j, m)}; every list at one depth must have the same length (a tensor is "
                      f"rectangular). Pad the shorter ones, or make one tensor per list")


def array(owner: str, data, dtype=None, copy: bool = True) -> np.ndarray:
    """np.array / np.asarray of `data`, with the ragged-list error."""
    try:
        return np.array(data, dtype=dtype) if copy else np.asarray(data, dtype=dtype)
    except ValueError as err:
        clear = ragged_error(owner, data)
        if clear is not None:
            raise clear from None
        raise err from None
