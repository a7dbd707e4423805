"""Shared hypothesis strategies for the engine's tests (shapes, axes, safe float64 arrays).

Import what you need:  from strategies import shapes, broadcastable_pair, arrays, ...
(pytest puts tests/ on sys.path: tests/ has no __init__.py).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_DIMS = 3
MAX_SIDE = 4


def shapes(min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1, max_side: int = MAX_SIDE):
    """Array shapes, small enough that a finite-difference gradcheck stays fast."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = MAX_DIMS,
                         min_side: int = 1, max_side: int = MAX_SIDE):
    """`num_shapes` mutually broadcastable shapes (a tuple of tuples), as numpy broadcasts them."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims,
        min_side=min_side, max_side=max_side).map(lambda bs: bs.input_shapes)


def broadcastable_pair(**kwargs):
    """Two mutually broadcastable shapes (a, b)."""
    return broadcastable_shapes(num_shapes=2, **kwargs)


def floats(low: float = -3.0, high: float = 3.0):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False, width=64)


def arrays(shape, low: float = -3.0, high: float = 3.0, away_from_zero: float = 0.0, dtype=np.float64):
    """float arrays of `shape` with values in [low, high]; with away_from_zero=d, every |value| ≥ d
    (for ops with a kink or pole at 0: abs, relu, division, log …)."""
    elements = floats(low, high)
    if away_from_zero:
        elements = elements.filter(lambda v: abs(v) >= away_from_zero)
    return hnp.arrays(dtype=dtype, shape=shape, elements=elements)


def positive_arrays(shape, low: float = 0.2, high: float = 3.0, dtype=np.float64):
    """Strictly positive arrays (log, sqrt, the base of a power)."""
    return arrays(shape, low, high, dtype=dtype)


def domain_arrays(shape, domain: str, bound: float, positive: tuple):
    """Inputs inside an op's domain: "positive" (log, sqrt: values in `positive`), "nonzero"
    (abs, relu: kept 0.05 away from the kink at 0) or anything in [−bound, bound]."""
    if domain == "positive":
        return positive_arrays(shape, *positive)
    return arrays(shape, -bound, bound, away_from_zero=0.05 if domain == "nonzero" else 0.0)


def distinct_arrays(shape, low: float = -3.0, high: float = 3.0, min_gap: float = 1e-2):
    """Arrays whose values are pairwise at least `min_gap` apart (max has no ties, so its
    finite-difference gradient is well defined)."""
    n = int(np.prod(shape)) if shape else 1
    steps = int((high - low) / min_gap)
    return st.lists(st.integers(0, steps), min_size=n, max_size=n, unique=True).map(
        lambda ks: (low + min_gap * np.array(ks, dtype=np.float64)).reshape(shape))


@st.composite
def shape_and_axis(draw, min_dims: int = 1, max_dims: int = MAX_DIMS, max_side: int = MAX_SIDE,
                   allow_none: bool = True, allow_tuple: bool = True):
    """(shape, axis): axis is None, an int (maybe negative) or a tuple of distinct axes (maybe
    negative), valid for shape."""
    shape = draw(shapes(min_dims=min_dims, max_dims=max_dims, max_side=max_side))
    return shape, draw(axes_for(len(shape), allow_none=allow_none, allow_tuple=allow_tuple))


def axes_for(ndim: int, allow_none: bool = True, allow_tuple: bool = True):
    """An axis argument valid for an ndim-dimensional array: None, int or tuple, negatives allowed."""
    options = []
    if allow_none:
        options.append(st.none())
    if ndim > 0:
        single = st.integers(0, ndim - 1).flatmap(lambda a: st.sampled_from([a, a - ndim]))
        options.append(single)
        if allow_tuple:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
                           .flatmap(lambda axs: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axs])))
    return st.one_of(*options)


def single_axis(ndim: int):
    """One int axis, maybe negative (softmax, log_softmax)."""
    return st.integers(-ndim, ndim - 1)


@st.composite
def matmul_shapes(draw, max_batch_dims: int = 2, max_side: int = MAX_SIDE):
    """(shape_a, shape_b) valid for np.matmul: 1-D, 2-D and batched with broadcast batch axes."""
    n, k, m = (draw(st.integers(1, max_side)) for _ in range(3))
    a_kind = draw(st.sampled_from(["1d", "2d", "batched"]))
    b_kind = draw(st.sampled_from(["1d", "2d", "batched"]))
    batch_a, batch_b = (), ()
    if a_kind == "batched" or b_kind == "batched":
        batch_a, batch_b = draw(broadcastable_pair(min_dims=1, max_dims=max_batch_dims, max_side=3))
    shape_a = (k,) if a_kind == "1d" else (*batch_a, n, k) if a_kind == "batched" else (n, k)
    shape_b = (k,) if b_kind == "1d" else (*batch_b, k, m) if b_kind == "batched" else (k, m)
    return shape_a, shape_b


@st.composite
def index_for(draw, shape: tuple):
    """A valid numpy index for an array of `shape` (ndim ≥ 1): ints (maybe negative), slices
    (any start/stop, negative steps, possibly empty), None, Ellipsis, or integer arrays (1-D or
    2-D, with repeated entries) on one or two axes, mixed with slices."""
    ndim = len(shape)
    kind = draw(st.sampled_from(["basic", "int_array", "ellipsis", "two_arrays", "array_and_slice"]))

    def int_array(n):
        dims = draw(st.sampled_from([(draw(st.integers(1, 5)),), (2, 2)]))
        return np.array(draw(st.lists(st.integers(-n, n - 1), min_size=int(np.prod(dims)),
                                      max_size=int(np.prod(dims))))).reshape(dims)

    def a_slice(n):
        bound = st.one_of(st.none(), st.integers(-n - 1, n + 1))
        return slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3, -1, -2])))

    if kind == "int_array":
        axis = draw(st.integers(0, ndim - 1))
        return (slice(None),) * axis + (int_array(shape[axis]),)
    if kind == "two_arrays" and ndim >= 2:
        rows, cols = int_array(shape[0]), int_array(shape[1])
        if rows.shape != cols.shape:
            cols = np.resize(cols, rows.shape)
        return rows, cols
    if kind == "array_and_slice" and ndim >= 2:
        return int_array(shape[0]), a_slice(shape[1])
    if kind == "ellipsis":
        return (Ellipsis, draw(st.integers(-shape[-1], shape[-1] - 1)))
    index = []
    for n in shape[: draw(st.integers(1, ndim))]:
        choice = draw(st.sampled_from(["int", "slice", "none_then_slice"]))
        if choice == "int":
            index.append(draw(st.integers(-n, n - 1)))
        else:
            index.append(a_slice(n))
            if choice == "none_then_slice":
                index.append(None)
    return tuple(index)
