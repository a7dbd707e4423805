"""PyTorch's top-level spellings: `tg.sum(t, dim)`, `tg.max(t, 1)`, `tg.bmm(a, b)`,
`tg.einsum("ij,jk->ik", a, b)`, `tg.from_numpy(a)` and the dtype names (`tg.float32`,
`tg.long` …, numpy's dtypes). Each is the Tensor method or op of the same name; the
elementwise ones (tg.exp, tg.sigmoid, tg.softmax …) are functional's."""
from __future__ import annotations

import builtins

import numpy as np

from . import _random
from .combine import maximum, minimum
from .devices import check_device
from .ops.einsum import Einsum, parse_equation
from .tensor import Tensor, as_tensor, describe, wrap

# dtype names, as torch.<name>: numpy's dtypes, so they work wherever a dtype does
float32 = float = np.float32  # noqa: A001 (torch's names)
float64 = double = np.float64
int64 = long = np.int64
int32 = int = np.int32  # noqa: A001
uint8 = np.uint8
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
    return wrap(array)


# --- more of torch's top-level spellings of Tensor methods ---------------------------------------
def squeeze(input, *args, **kwargs) -> Tensor:
    return as_tensor(input, "squeeze").squeeze(*args, **kwargs)


def unsqueeze(input, dim: builtins.int) -> Tensor:
    return as_tensor(input, "unsqueeze").unsqueeze(dim)


def reshape(input, shape) -> Tensor:
    return as_tensor(input, "reshape").reshape(shape)


def transpose(input, dim0: builtins.int, dim1: builtins.int) -> Tensor:
    return as_tensor(input, "transpose").transpose(dim0, dim1)


def permute(input, dims) -> Tensor:
    return as_tensor(input, "permute").permute(*dims)


def pow(input, exponent) -> Tensor:  # noqa: A001 (torch.pow)
    return as_tensor(input, "pow") ** exponent


def mm(input, mat2) -> Tensor:
    """The product of two matrices (2-D only, as torch.mm; tg.matmul for other shapes)."""
    a, b = as_tensor(input, "mm"), as_tensor(mat2, "mm")
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"mm: input and mat2 must be matrices (2-D), got {describe(a)} and {describe(b)}; "
                         f"use tg.matmul for other shapes")
    return a @ b


def std(input, *args, **kwargs) -> Tensor:
    return as_tensor(input, "std").std(*args, **kwargs)


def var(input, *args, **kwargs) -> Tensor:
    return as_tensor(input, "var").var(*args, **kwargs)


def norm(input, *args, **kwargs) -> Tensor:
    return as_tensor(input, "norm").norm(*args, **kwargs)


def numel(input) -> builtins.int:
    return as_tensor(input, "numel").numel()


def is_tensor(obj) -> builtins.bool:
    return isinstance(obj, Tensor)


def allclose(input, other, rtol: builtins.float = 1e-5, atol: builtins.float = 1e-8,
             equal_nan: builtins.bool = False) -> builtins.bool:
    """|input − other| ≤ atol + rtol·|other| everywhere (numbers, no graph), as torch.allclose."""
    return builtins.bool(np.allclose(as_tensor(input, "allclose").data, as_tensor(other, "allclose").data,
                                     rtol=rtol, atol=atol, equal_nan=equal_nan))


def randint(*args, size=None, dtype=None, requires_grad: builtins.bool = False, device=None) -> Tensor:
    """torch.randint(high, size) or torch.randint(low, high, size): integers in [low, high), int64
    unless `dtype`, from the generator that tg.manual_seed seeds."""
    check_device(device, "randint")
    if size is None:
        *args, size = args
    low, high = (0, *args) if len(args) == 1 else args
    data = _random.generator().integers(low, high, tuple(np.atleast_1d(size)))
    return Tensor.tensor(data.astype(dtype or np.int64), requires_grad=requires_grad)


def randperm(n: builtins.int, dtype=None, device=None) -> Tensor:
    """A random order of 0 … n−1 (int64), from the generator that tg.manual_seed seeds."""
    check_device(device, "randperm")
    return Tensor.tensor(_random.permutation(n).astype(dtype or np.int64))


def isnan(input) -> Tensor:
    """Where the values are NaN: a bool Tensor (no gradient), as torch.isnan."""
    return wrap(np.isnan(as_tensor(input, "isnan").data))


def empty(*shape, dtype=None, requires_grad: builtins.bool = False, device=None) -> Tensor:
    """torch.empty's shape and dtype; its values are zeros here (PyTorch leaves them unset)."""
    check_device(device, "empty")
    return Tensor.zeros(*shape, dtype=dtype, requires_grad=requires_grad)


def cumsum(input, dim: builtins.int) -> Tensor:
    return as_tensor(input, "cumsum").cumsum(dim)


def sort(input, dim: builtins.int = -1, descending: builtins.bool = False, stable: builtins.bool = False):
    return as_tensor(input, "sort").sort(dim, descending)


def argsort(input, dim: builtins.int = -1, descending: builtins.bool = False, stable: builtins.bool = False):
    return as_tensor(input, "argsort").argsort(dim, descending)


def logsumexp(input, *args, **kwargs) -> Tensor:
    return as_tensor(input, "logsumexp").logsumexp(*args, **kwargs)


def randn_like(input, dtype=None, requires_grad: builtins.bool = False, device=None) -> Tensor:
    """Standard normal values of input's shape and (unless given) dtype, from tg.manual_seed's generator."""
    check_device(device, "randn_like")
    like = as_tensor(input, "randn_like")
    return Tensor.randn(*like.shape, dtype=dtype or like.dtype, requires_grad=requires_grad)


def rand_like(input, dtype=None, requires_grad: builtins.bool = False, device=None) -> Tensor:
    check_device(device, "rand_like")
    like = as_tensor(input, "rand_like")
    return Tensor.rand(*like.shape, dtype=dtype or like.dtype, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad: builtins.bool = False, device=None) -> Tensor:
    check_device(device, "full_like")
    like = as_tensor(input, "full_like")
    return Tensor.full(like.shape, fill_value, dtype=dtype or like.dtype, requires_grad=requires_grad)


class linalg:  # noqa: N801 (torch.linalg's spelling)
    """`tg.linalg.norm(t, dim=None)`: the 2-norm (PyTorch's default for vectors and 'fro' for matrices)."""

    @staticmethod
    def norm(input, ord=None, dim=None, keepdim: builtins.bool = False) -> Tensor:  # noqa: A002
        if ord not in (None, 2, "fro"):
            raise ValueError(f"linalg.norm: only the 2-norm (ord=None, 2 or 'fro') is supported, got ord={ord!r}")
        return as_tensor(input, "linalg.norm").norm(dim=dim, keepdim=keepdim)
