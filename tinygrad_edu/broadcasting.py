"""The broadcast-axes formula, on shapes alone: which axes numpy's broadcasting added or
stretched to make `small` into `big` (so a gradient is summed over them on the way back)."""
from __future__ import annotations


def broadcast_axes(big: tuple, small: tuple) -> tuple:
    """The axes of `big` to sum over so that the result reshapes to `small`: the leading axes
    broadcasting added, then the axes where `small` has 1 and `big` does not."""
    lead = len(big) - len(small)
    axes = list(range(lead))
    for i, n in enumerate(small):
        if n == 1 and big[lead + i] != 1:
            axes.append(lead + i)
    return tuple(axes)
