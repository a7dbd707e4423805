"""PyTorch's top-level spellings: `tg.sum(t, dim)`, `tg.max(t, 1)`, `tg.bmm(a, b)`,
`tg.einsum("ij,jk->ik", a, b)`, `tg.from_numpy(a)` and the dtype names (`tg.float32`,
`tg.long` …, numpy's dtypes). Each is the Tensor method or op of the same name; the
elementwise ones (tg.exp, tg.sigmoid, tg.softmax …) are functional's."""
from __future__ import annotations

import builtins

import numpy as np

from .combine import maximum, minimum
from .ops.einsum import Einsum, parse_equation
from .tensor import Tensor, as_tensor, describe

# dtype names, as torch.<name>: numpy's dtypes, so they work wherever a dtype does
float32 = float = np.float32  # noqa: A001 (torch's names)
float64 = double = np.float64
int64 = long = np.int64
int32 = int = np.int32  # noqa: A001
bool = np.bool_  # noqa: A001


def sum(input, *args, **kwargs):  # noqa: A001 (torch.sum)
    """torch.sum(t), torch.sum(t, dim, keepdim=False)."""
    return as_tensor(input, "sum").sum(*args, **kwargs)


def mean(input, *args, **kwargs):
    return as_tensor(input, "mean").mean(*args, **kwargs)


def max(input, *args, **kwargs):  # noqa: A001 (torch.max)
    """torch.max(t): the largest value; torch.max(t, dim): (values, indices);
    torch.max(a, b): the elementwise maximum."""
    return _extreme(input, args, kwargs, "max", maximum)


def min(input, *args, **kwargs):  # noqa: A001 (torch.min)
    return _extreme(input, args, kwargs, "min", minimum)


def _extreme(input, args: tuple, kwargs: dict, op: str, elementwise):
    t = as_tensor(input, op)
    if args and isinstance(args[0], (Tensor, np.ndarray)):
        return elementwise(t, as_tensor(args[0], op))
    if args:  # a positional dim, as torch.max(t, 1): (values, indices)
        if len(args) > 2:
            raise TypeError(f"{op}(input, dim, keepdim): got {len(args) + 1} positional arguments")
        kwargs = {"dim": args[0], **({"keepdim": args[1]} if len(args) == 2 else {}), **kwargs}
    return getattr(t, op)(**kwargs)


def argmax(input, *args, **kwargs):
    return as_tensor(input, "argmax").argmax(*args, **kwargs)


def argmin(input, *args, **kwargs):
    return as_tensor(input, "argmin").argmin(*args, **kwargs)


def matmul(input, other) -> Tensor:
    return as_tensor(input, "matmul") @ as_tensor(other, "matmul")


def bmm(input, mat2) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p) tensors, as torch.bmm (no broadcasting)."""
    a, b = as_tensor(input, "bmm"), as_tensor(mat2, "bmm")
    if a.ndim != 3 or b.ndim != 3:
        raise ValueError(f"bmm: input and mat2 must be 3-D (batch, rows, columns), got {describe(a)} and "
                         f"{describe(b)}; use tg.matmul for other shapes")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise ValueError(f"bmm: input of shape {a.shape} and mat2 of shape {b.shape} do not fit: the batch "
                         f"sizes must be equal and input's columns ({a.shape[2]}) mat2's rows ({b.shape[1]})")
    return a @ b


def clamp(input, min=None, max=None) -> Tensor:  # noqa: A002 (torch's names)
    return as_tensor(input, "clamp").clip(min, max)


clip = clamp


def flatten(input, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor:
    return as_tensor(input, "flatten").flatten(start_dim, end_dim)


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation, as torch.einsum: einsum("ij,jk->ik", A, B) is A @ B,
    einsum("bij,bjk->bik", …) a batched product, einsum("ii", A) the trace, einsum("i,j->ij", …)
    an outer product; "..." stands for any leading axes, and without "->" the output is the
    indices that occur once, in alphabetical order. One op in the graph, whose local derivative
    is again an einsum (ops/einsum.py)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # torch.einsum(equation, [a, b])
    tensors = [as_tensor(t, "einsum") for t in operands]
    if not tensors:
        raise ValueError("einsum: needs at least one operand tensor after the equation")
    return Einsum.apply(*tensors, equation=parse_equation(equation, [t.shape for t in tensors]))


def from_numpy(array) -> Tensor:
    """A Tensor of the array's dtype and values that shares its memory, as torch.from_numpy (a
    change to one is seen in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"from_numpy: can't convert an array of dtype {array.dtype}; the supported dtypes "
                        f"are floating, integer and bool")
    return Tensor._wrap(array)
