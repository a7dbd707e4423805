"""`Tensor`: a numpy array that remembers the op that made it (`grad_fn`, a `Function`).

The package's layering, bottom up (each module imports only those below it, except the
imports at the bottom of this file and of function.py):

    grad_mode   switches: no_grad / enable_grad, the anomaly flag
    observer    the hook through which tg.compile watches a step (nothing watches otherwise)
    function    Function, one op and the node that records it; `apply` makes Tensors, so
                function.py imports tensor at its bottom, once Function exists
    tensor      Tensor (this file); at its bottom it imports the ops, the engine and the
                anomaly hooks, which all subclass or use Tensor and Function
    ops/        one Function subclass per op: forward in numpy, local derivative in Tensor ops
    autograd    the backward engine: accumulation, broadcast reduction, backward(), grad()
    anomaly     detect_anomaly(): the checks Function.apply and the engine call when it is on
    interop     numpy's protocols on a Tensor: ufuncs dispatched to its methods, other functions refused
    functional, nn, optim, viz, compile, documents … : built on the above

Tensor's methods reach ops, the engine and anomaly through module attributes looked up when
called, so whichever module Python imports first, every class exists before it is used.
"""
from __future__ import annotations

import collections
import weakref

import numpy as np

from . import _random, observer
from . import devices as _device
from ._keywords import dim_keywords
from ._size import ElementCount
from .grad_mode import state
from .hooks import RemovableHandle, hooks_of

DEFAULT_DTYPE = np.float32

def describe(t) -> str:
    """How errors name a tensor: its name if it has one, else its shape and dtype."""
    if not isinstance(t, Tensor):
        return f"{type(t).__name__}"
    label = f"'{t.name}' " if t.name else ""
    return f"tensor {label}of shape {t.shape} ({t.data.dtype})"


# --- user input to Tensor: the one conversion (everything that accepts data calls these) -------
#
# The rule: a Tensor is used as it is. Otherwise the values must be real numbers (complex,
# object, string and date data are a TypeError naming the op; a ragged nested list a ValueError
# naming the lengths). Floating numpy arrays keep their dtype, boolean ones stay boolean; Python
# numbers, numpy scalars, lists and integer arrays become `dtype` if given, else — as the other
# operand of a binary op (`like`) — that tensor's dtype when it is floating or both are integers
# (float32 * 2.0 stays float32, int64 + 1 stays int64), else float32.

_NUMERIC_KINDS = "biuf"


def array_of(value, op: str, arg: str = "data") -> np.ndarray:
    """The values of user input (a Tensor, numpy array or scalar, nested list, Python number) as a
    numpy array of real numbers, in the dtype numpy infers (a Tensor's or array's own, no copy)."""
    if isinstance(value, Tensor):
        return value.data
    array = _nested_list_array(value, op, arg) if isinstance(value, (list, tuple)) else np.asarray(value)
    if array.dtype.kind not in _NUMERIC_KINDS:
        hint = "; a Tensor holds real numbers (take .real or abs() first)" if array.dtype.kind == "c" else ""
        raise TypeError(f"{op}: {arg} must be numeric, got dtype {array.dtype} ({type(value).__name__}){hint}")
    return array


def _nested_list_array(value, op: str, arg: str) -> np.ndarray:
    try:
        return np.asarray(value)
    except ValueError as err:  # numpy: "inhomogeneous shape"; say where the lengths differ
        raise ValueError(f"{op}: {arg} is a ragged nested list ({_ragged(value)}); every row must "
                         "have the same length") from err


def _ragged(value, where: str = "") -> str:
    """Where a nested list's lengths first differ: 'item [0] has length 2, item [1] has length 3'."""
    sizes = [f"has length {len(v)}" if isinstance(v, (list, tuple)) else "has a number" for v in value]
    for i, size in enumerate(sizes):
        if size != sizes[0]:
            return f"item {where}[0] {sizes[0]}, item {where}[{i}] {size}"
    for k, row in enumerate(value):
        found = isinstance(row, (list, tuple)) and _ragged(row, f"{where}[{k}]")
        if found:
            return found
    return ""


def as_tensor(value, op: str = "Tensor", like: Tensor | None = None, dtype=None, arg: str | None = None) -> Tensor:
    """User input as a Tensor, by the rule above (a Tensor is returned as it is, anything else
    is copied: the graph may use it in backward after the caller changed their array)."""
    if isinstance(value, Tensor):
        return value
    if like is not None:
        if isinstance(value, (int, float)) and dtype is None:  # the common case: t * 2.0
            return _constant(value, like.data.dtype)
        if not isinstance(value, (np.ndarray, np.generic, list, tuple)):
            raise TypeError(f"{op}: unsupported operand of type {type(value).__name__} with {describe(like)}: "
                            "expected a Tensor, a numpy array, a Python number or a list")
    arg = arg or ("data" if like is None else "the other operand")
    return wrap(_tensor_data(value, op, arg, dtype, like))


def _tensor_data(value, op: str, arg: str, dtype, like=None) -> np.ndarray:
    """A new array of the values, in the dtype the rule gives."""
    array = array_of(value, op, arg)
    if dtype is None:
        keeps = isinstance(value, (np.ndarray, Tensor)) or (like is None and isinstance(value, np.generic))
        if keeps and array.dtype.kind in "fb":
            dtype = array.dtype
        else:
            dtype = _operand_dtype(array.dtype.kind, like.data.dtype) if like is not None else DEFAULT_DTYPE
    return np.array(array, dtype=dtype)


def _operand_dtype(own_kind: str, beside: np.dtype) -> np.dtype:
    """The dtype of values of kind `own_kind` given as the other operand of a tensor of dtype `beside`."""
    if beside.kind == "f" or (beside.kind in "iu" and own_kind in "iu"):
        return beside
    return DEFAULT_DTYPE


def _refuse_integer_array_with_grad(data) -> None:
    """As PyTorch: integer data given as such (a numpy array, numpy integer or integer Tensor)
    cannot require grad. A list of Python ints is ordinary data and becomes float32."""
    source = data.data if isinstance(data, Tensor) else data
    if isinstance(source, (np.ndarray, np.generic)) and source.dtype.kind in "iub":
        raise TypeError(f"Tensor(..., requires_grad=True): the data is a {type(data).__name__} of "
                        f"dtype {source.dtype}, and only floating tensors can have gradients; "
                        f"convert it first (Tensor(data.astype(np.float32), requires_grad=True)) "
                        f"or pass dtype=np.float32")


# Python numbers become shared read-only 0-d Tensors, so `y * 1.0001` in a loop, or the 1 of
# sigmoid's derivative, makes one constant, not one per op. Two tables (zero is never shared:
# 0.0 == -0.0 as keys, but their products differ in sign):
_graph_constants: dict = {}    # weak: freed with the last graph that uses them
_no_grad_constants: dict = {}  # strong: no graph holds these (speed: see benchmarks/README.md)


def _constant(value, beside: np.dtype) -> Tensor:
    """The Python number `value` as the other operand of a tensor of dtype `beside`: a shared
    read-only 0-d Tensor, in the dtype the rule above gives."""
    key = (value, type(value), beside)   # the type too: 1 == 1.0 == True, but their dtypes differ
    if not state.enabled:
        t = _no_grad_constants.get(key)
        if t is None:
            t = _read_only_scalar(value, beside)
            _remember(_no_grad_constants, key, t, value)
        return t
    ref = _graph_constants.get(key)
    t = ref() if ref is not None else None
    if t is None:
        t = _read_only_scalar(value, beside)
        _remember(_graph_constants, key, weakref.ref(t), value)
    return t


def _remember(table: dict, key, entry, value) -> None:
    if value != 0:
        if len(table) >= 1024:
            table.clear()
        table[key] = entry


# what t.max(dim=d) / t.min(dim=d) return, as PyTorch's torch.return_types.max: (values, indices)
ValuesIndices = collections.namedtuple("ValuesIndices", ["values", "indices"])


def _read_only_scalar(value, beside: np.dtype) -> Tensor:
    data = np.array(value, dtype=_operand_dtype("f" if isinstance(value, float) else "i", beside))
    data.flags.writeable = False
    return wrap(data)


def wrap(data: np.ndarray, version: list | None = None) -> Tensor:
    """A Tensor holding the library's own array `data` as it is: no copy, no checks (a numpy
    scalar, as a full sum gives, becomes a 0-d array). `version`: a view's shared counter."""
    t = object.__new__(Tensor)
    t.data = data if type(data) is np.ndarray else np.asarray(data)
    t.grad = t.grad_fn = t.name = None
    t.requires_grad = t._under_no_grad = False
    t._counter = version
    return t


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    `Tensor(data, requires_grad=False, dtype=None, name=None)`: data is a numpy array, nested
    list, Python number or Tensor (always copied). Floating and boolean numpy arrays keep their
    dtype (a mask stays a mask); lists, numbers and integer arrays become float32 unless `dtype`
    is given. With requires_grad=True,
    integer data given as such (an integer array or Tensor, or an integer `dtype`) is a
    TypeError, as in PyTorch; a list of Python ints is a float32 leaf.
    """

    # _under_no_grad: True on results of ops run under no_grad() that would otherwise have been
    # recorded, so that backward() can say why there is no graph
    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "name", "_counter", "_under_no_grad", "__weakref__")

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str | None = None):
        if requires_grad and dtype is None:
            _refuse_integer_array_with_grad(data)
        self.data = _tensor_data(data, "Tensor", "data", dtype)
        self.grad = None
        self.grad_fn = None
        self.name = name
        self._counter = None
        self.requires_grad = self._under_no_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @property
    def _version(self) -> list:
        """The in-place edit counter, `[n]`, shared by a tensor and its views. Most tensors are
        never edited nor viewed, so the list is made only when first needed (`_counter` is None
        until then: version 0): one object fewer per op."""
        counter = self._counter
        if counter is None:
            counter = self._counter = [0]
        return counter

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"requires_grad=True needs a floating dtype, but {describe(self)} "
                            f"has dtype {self.data.dtype}; only floating tensors can have gradients")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("requires_grad_(False) is only allowed on leaves; use detach()")
        self.requires_grad = bool(requires_grad)
        return self

    # --- attributes ---------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> ElementCount:
        """numpy's element count as a number (`t.size * 2`); called, PyTorch's `t.size()` (the
        shape) and `t.size(dim)` (one extent)."""
        return ElementCount(self.data.shape)

    @property
    def device(self):
        return _device.CPU

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        if self.data.ndim == 2:  # the common case, without working out the permutation
            return ops.Transpose.apply(self, axes=(1, 0))
        return self.transpose()

    def numpy(self) -> np.ndarray:
        return self.data

    def item(self):
        if observer.watching:  # tg.compile is tracing a step
            observer.current().read(self, "item")
        return self._single("item")

    def named(self, name: str) -> Tensor:
        """Set the name (shown on graphs, in error messages and by check_gradients); returns self,
        so a forward pass can name what it computes: `Z1 = (W1 @ X + b1).named("Z1")`."""
        self.name = name
        return self

    def detach(self) -> Tensor:
        """The same values (sharing memory and version counter), cut from the graph."""
        t = wrap(self.data, self._version)
        t.name = self.name
        return t

    def zero_grad(self) -> None:
        self.grad = None

    # --- PyTorch's gradient habits ------------------------------------------------------------
    def register_hook(self, hook) -> RemovableHandle:
        """`hook(grad)` runs when this tensor's gradient is computed, in every backward pass and
        tg.grad (under create_graph too); a Tensor it returns replaces the gradient that is
        deposited in .grad and flows on to the tensors below. Returns a handle: `.remove()`."""
        if not self.requires_grad:
            raise RuntimeError(f"register_hook: cannot register a hook on {describe(self)}: it does "
                               "not require grad, so no gradient is computed for it")
        if not callable(hook):
            raise TypeError(f"register_hook: the hook must be callable, got {type(hook).__name__}")
        return hooks_of(self).add(hook)

    def retain_grad(self) -> None:
        """PyTorch's habit, kept working: here every tensor of the graph keeps its .grad anyway."""
        if not self.requires_grad:
            raise RuntimeError(f"retain_grad: {describe(self)} does not require grad, so it has no "
                               "gradient to retain")

    @property
    def retains_grad(self) -> bool:
        """True for a tensor computed in the graph (it keeps its .grad); False for a leaf, as PyTorch."""
        return self.grad_fn is not None

    def contiguous(self, memory_format=None) -> Tensor:
        """PyTorch's habit, kept working: the tensor itself (numpy handles any memory layout)."""
        return self

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __repr__(self) -> str:
        parts = []
        if self.data.size <= 24:
            parts.append(np.array2string(self.data, precision=4, separator=", ", threshold=24))
        parts.append(f"shape={self.shape}")
        parts.append(f"dtype={self.data.dtype}")
        if self.name:
            parts.append(f"name='{self.name}'")
        if self.grad_fn is not None:
            parts.append(f"grad_fn=<{self.grad_fn.name}>")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        return f"Tensor({', '.join(parts)})"

    def __bool__(self) -> bool:
        if observer.watching:  # tg.compile is tracing a step: a branch on a value
            observer.current().read(self, "bool")
        if self.data.size != 1:
            raise ValueError(f"the truth value of {describe(self)} with {self.data.size} elements "
                             "is ambiguous")
        return bool(self.data)

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    # --- factories ----------------------------------------------------------------------------
    @staticmethod
    def _shape(shape) -> tuple:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            return tuple(shape[0])
        return tuple(shape)

    @classmethod
    @_device.accepts_device
    def zeros(cls, *shape, requires_grad=False, dtype=None, name=None) -> Tensor:
        return cls._factory(np.zeros(cls._shape(shape), dtype=dtype or DEFAULT_DTYPE), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def ones(cls, *shape, requires_grad=False, dtype=None, name=None) -> Tensor:
        return cls._factory(np.ones(cls._shape(shape), dtype=dtype or DEFAULT_DTYPE), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def randn(cls, *shape, requires_grad=False, dtype=None, name=None) -> Tensor:
        data = _random.generator().standard_normal(cls._shape(shape)).astype(dtype or DEFAULT_DTYPE)
        return cls._factory(data, requires_grad, name)

    @classmethod
    @_device.accepts_device
    def uniform(cls, *shape, low=-1.0, high=1.0, requires_grad=False, dtype=None, name=None) -> Tensor:
        data = _random.generator().uniform(low, high, cls._shape(shape)).astype(dtype or DEFAULT_DTYPE)
        return cls._factory(data, requires_grad, name)

    @classmethod
    def _factory(cls, data, requires_grad, name) -> Tensor:
        if cls is not Tensor:  # a subclass (nn.Parameter.zeros(…)) builds its own way
            return cls(data, requires_grad=requires_grad, name=name)
        t = wrap(data)
        t.name = name
        return t.requires_grad_(requires_grad) if requires_grad else t

    # --- more factories (also tg.<name>) ------------------------------------------------------
    # dtypes as PyTorch's: float32 unless given, except that tensor(), full() and arange() of
    # Python ints (or bools) give int64 (bool), as torch.tensor / torch.full / torch.arange do.

    @classmethod
    @_device.accepts_device
    def tensor(cls, data, requires_grad=False, dtype=None, name=None) -> Tensor:
        """torch.tensor: infers the dtype from the data (unlike Tensor(data), which makes lists
        of ints float32): Python ints → int64, bools → bool, Python floats → float32, a numpy
        array keeps its dtype."""
        if dtype is None:
            source = data.data if isinstance(data, Tensor) else data
            arr = array_of(data, "tensor")
            if arr.dtype.kind in "iub":
                dtype = arr.dtype if isinstance(source, (np.ndarray, np.generic)) else (
                    np.bool_ if arr.dtype.kind == "b" else np.int64)
        return cls(data, requires_grad=requires_grad, dtype=dtype, name=name)

    @classmethod
    @_device.accepts_device
    def rand(cls, *shape, requires_grad=False, dtype=None, name=None) -> Tensor:
        """Uniform on [0, 1), from the generator seeded by tg.manual_seed."""
        data = _random.generator().random(cls._shape(shape)).astype(dtype or DEFAULT_DTYPE)
        return cls._factory(data, requires_grad, name)

    @classmethod
    @_device.accepts_device
    def full(cls, shape, fill_value, requires_grad=False, dtype=None, name=None) -> Tensor:
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if dtype is None:
            dtype = (np.bool_ if isinstance(fill_value, (bool, np.bool_)) else
                     np.int64 if isinstance(fill_value, (int, np.integer)) else DEFAULT_DTYPE)
        return cls._factory(np.full(shape, fill_value, dtype=dtype), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def zeros_like(cls, t, requires_grad=False, dtype=None, name=None) -> Tensor:
        """Zeros of t's shape and (unless given) dtype."""
        like = array_of(t, "zeros_like")
        return cls._factory(np.zeros(like.shape, dtype=dtype or like.dtype), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def ones_like(cls, t, requires_grad=False, dtype=None, name=None) -> Tensor:
        like = array_of(t, "ones_like")
        return cls._factory(np.ones(like.shape, dtype=dtype or like.dtype), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def arange(cls, start, stop=None, step=1, requires_grad=False, dtype=None, name=None) -> Tensor:
        """[start, stop) in steps of step (arange(n) = 0 … n−1): int64 when every argument is an
        int, else float32, as torch.arange."""
        if stop is None:
            start, stop = 0, start
        if step == 0:
            raise ValueError("arange: step must be nonzero")
        if dtype is None:
            whole = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, stop, step))
            dtype = np.int64 if whole else DEFAULT_DTYPE
        count = max(int(np.ceil((stop - start) / step)), 0)
        data = (start + step * np.arange(count, dtype=np.float64 if np.dtype(dtype).kind == "f" else np.int64))
        return cls._factory(data.astype(dtype), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def linspace(cls, start, end, steps, requires_grad=False, dtype=None, name=None) -> Tensor:
        """`steps` evenly spaced values from start to end, both included (float32 unless given)."""
        if not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
        return cls._factory(np.linspace(start, end, steps).astype(dtype or DEFAULT_DTYPE), requires_grad, name)

    @classmethod
    @_device.accepts_device
    def eye(cls, n, m=None, requires_grad=False, dtype=None, name=None) -> Tensor:
        """The n × m (default n × n) identity matrix."""
        return cls._factory(np.eye(n, m, dtype=dtype or DEFAULT_DTYPE), requires_grad, name)

    # --- autograd -----------------------------------------------------------------------------
    def backward(self, grad=None, create_graph: bool = False) -> None:
        """Reverse-mode differentiation from this tensor; every tensor of the graph that
        requires grad (leaves and intermediates) accumulates its gradient into `.grad`."""
        autograd.backward(self, grad, create_graph)

    # --- arithmetic: the other operand goes through as_tensor (the one conversion) -------------
    # (a Tensor operand skips the call: these run several times per node, forward and backward)
    def __add__(self, other):
        return ops.Add.apply(self, other if type(other) is Tensor else as_tensor(other, "add", like=self))

    def __radd__(self, other):
        return ops.Add.apply(as_tensor(other, "add", like=self), self)

    def __sub__(self, other):
        return ops.Sub.apply(self, other if type(other) is Tensor else as_tensor(other, "sub", like=self))

    def __rsub__(self, other):
        return ops.Sub.apply(as_tensor(other, "sub", like=self), self)

    def __mul__(self, other):
        return ops.Mul.apply(self, other if type(other) is Tensor else as_tensor(other, "mul", like=self))

    def __rmul__(self, other):
        return ops.Mul.apply(as_tensor(other, "mul", like=self), self)

    def __truediv__(self, other):
        return ops.Div.apply(self, other if type(other) is Tensor else as_tensor(other, "div", like=self))

    def __rtruediv__(self, other):
        return ops.Div.apply(as_tensor(other, "div", like=self), self)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)):
            return ops.PowScalar.apply(self, exponent=exponent)
        return ops.Pow.apply(self, as_tensor(exponent, "pow", like=self))

    def __rpow__(self, base):
        return ops.Pow.apply(as_tensor(base, "pow", like=self), self)

    def __matmul__(self, other):
        return ops.MatMul.apply(self, other if type(other) is Tensor else as_tensor(other, "matmul", like=self))

    def __rmatmul__(self, other):
        return ops.MatMul.apply(as_tensor(other, "matmul", like=self), self)

    def matmul(self, other):
        return self @ other

    # --- comparisons: plain boolean tensors, never differentiable ----------------------------
    def _compare(self, other, np_op):
        other = other.data if isinstance(other, Tensor) else other
        return wrap(np_op(self.data, other))

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    # --- elementwise --------------------------------------------------------------------------
    def exp(self):
        return ops.Exp.apply(self)

    def log(self):
        return ops.Log.apply(self)

    def sqrt(self):
        return ops.Sqrt.apply(self)

    def abs(self):
        return ops.Abs.apply(self)

    def sigmoid(self):
        return ops.Sigmoid.apply(self)

    def tanh(self):
        return ops.Tanh.apply(self)

    def relu(self):
        return ops.ReLU.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01):
        return ops.LeakyReLU.apply(self, negative_slope=negative_slope)

    def clip(self, min=None, max=None):
        return ops.Clip.apply(self, low=min, high=max)

    clamp = clip

    def cast(self, dtype):
        return ops.Cast.apply(self, dtype=np.dtype(dtype))

    def float(self):
        return self.cast(np.float32)

    def double(self):
        return self.cast(np.float64)

    # --- more elementwise ops ---------------------------------------------------------------
    def pow(self, exponent):
        return self ** exponent

    def sin(self):
        return ops.Sin.apply(self)

    def cos(self):
        return ops.Cos.apply(self)

    def log1p(self):
        return ops.Log1p.apply(self)

    def sign(self):
        return ops.Sign.apply(self)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0):
        return ops.Softplus.apply(self, beta=beta, threshold=threshold)

    def gelu(self, approximate: str = "none"):
        if approximate == "tanh":  # PyTorch's tanh approximation, as a composition
            inner = (self + self * self * self * 0.044715) * float(np.sqrt(2 / np.pi))
            return self * 0.5 * (inner.tanh() + 1)
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return ops.GELU.apply(self)

    def silu(self):
        return ops.SiLU.apply(self)

    def elu(self, alpha: float = 1.0):
        return ops.ELU.apply(self, alpha=alpha)

    # --- reductions ---------------------------------------------------------------------------
    @dim_keywords
    def sum(self, axis=None, keepdims: bool = False):
        return ops.Sum.apply(self, axis=ops.normalize_axis(axis, self.ndim, "sum"), keepdims=keepdims)

    @dim_keywords
    def mean(self, axis=None, keepdims: bool = False):
        return ops.Mean.apply(self, axis=ops.normalize_axis(axis, self.ndim, "mean"), keepdims=keepdims)

    @dim_keywords(dim_gives_indices=True)
    def max(self, axis=None, keepdims: bool = False, *, by_dim: bool = False):
        """The largest value(s), ties sharing the gradient (PyTorch's amax). With dim= an int, as
        PyTorch's x.max(dim=d): the pair (values, indices), the gradient going to the index."""
        if by_dim and axis is not None:
            return self._extreme_along(np.argmax, axis, keepdims, "max")
        return ops.Max.apply(self, axis=ops.normalize_axis(axis, self.ndim, "max"), keepdims=keepdims)

    @dim_keywords
    def softmax(self, axis: int = -1):
        return ops.Softmax.apply(self, axis=axis)

    @dim_keywords
    def log_softmax(self, axis: int = -1):
        return ops.LogSoftmax.apply(self, axis=axis)

    # --- more reductions (dim=/keepdim= work everywhere) ------------------------------------
    @dim_keywords(dim_gives_indices=True)
    def min(self, axis=None, keepdims: bool = False, *, by_dim: bool = False):
        """As max: a tensor for axis=, (values, indices) for dim= an int."""
        if by_dim and axis is not None:
            return self._extreme_along(np.argmin, axis, keepdims, "min")
        return ops.Min.apply(self, axis=ops.normalize_axis(axis, self.ndim, "min"), keepdims=keepdims)

    def _extreme_along(self, arg_fn, axis, keepdims: bool, op: str) -> ValuesIndices:
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{op}(dim=...) takes one int dim (it returns values and indices); "
                            f"for several axes use {op}(axis={axis!r})")
        (ax,) = ops.normalize_axis(axis, self.ndim, op)
        if self.shape[ax] == 0:
            raise ValueError(f"{op}: dim {axis} of {describe(self)} is empty")
        where = arg_fn(self.data, axis=ax, keepdims=True)
        index = ops.topk.along(where, ax)
        values, indices = self[index], where.astype(np.int64)   # the gradient goes to the index
        if not keepdims:
            values, indices = values.squeeze(ax), np.squeeze(indices, axis=ax)
        return ValuesIndices(values, wrap(indices))

    @dim_keywords
    def prod(self, axis=None, keepdims: bool = False):
        return ops.Prod.apply(self, axis=ops.normalize_axis(axis, self.ndim, "prod"), keepdims=keepdims)

    @dim_keywords
    def var(self, axis=None, correction: int = 1, keepdims: bool = False):
        return ops.Var.apply(self, axis=ops.normalize_axis(axis, self.ndim, "var"), correction=correction,
                             keepdims=keepdims)

    @dim_keywords
    def std(self, axis=None, correction: int = 1, keepdims: bool = False):
        return ops.Std.apply(self, axis=ops.normalize_axis(axis, self.ndim, "std"), correction=correction,
                             keepdims=keepdims)

    def cumsum(self, dim: int) -> Tensor:
        """Running sums along `dim`, as PyTorch's (y_i = Σ_{j ≤ i} x_j)."""
        if self.ndim == 0:
            ops.normalize_axis(dim, 1, "cumsum")
            return self.clone()
        (axis,) = ops.normalize_axis(dim, self.ndim, "cumsum")
        return ops.CumSum.apply(self, axis=axis)

    @dim_keywords
    def logsumexp(self, axis=None, keepdims: bool = False):
        return ops.LogSumExp.apply(self, axis=ops.normalize_axis(axis, self.ndim, "logsumexp"),
                                   keepdims=keepdims)

    @dim_keywords
    def norm(self, p=2, axis=None, keepdims: bool = False):
        """The 2-norm (PyTorch's default 'fro' is the same number) over all elements or `axis`."""
        if p not in (2, "fro"):
            raise ValueError(f"norm: only the 2-norm (p=2 or 'fro') is supported, got p={p!r}")
        return ops.Norm.apply(self, axis=ops.normalize_axis(axis, self.ndim, "norm"), keepdims=keepdims)

    @dim_keywords
    def argmax(self, axis=None, keepdims: bool = False):
        """Index of the largest value (of the flattened tensor when axis is None): int64, no gradient."""
        return self._arg_extreme(np.argmax, axis, keepdims, "argmax")

    @dim_keywords
    def argmin(self, axis=None, keepdims: bool = False):
        return self._arg_extreme(np.argmin, axis, keepdims, "argmin")

    def _arg_extreme(self, arg_fn, axis, keepdims: bool, op: str) -> Tensor:
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{op}: dim must be an int or None, got {axis!r}")
        if self.data.size == 0:
            raise ValueError(f"{op} of an empty tensor ({describe(self)}) has no value")
        ax = None if axis is None else ops.normalize_axis(axis, self.ndim, op)[0]
        return wrap(np.asarray(arg_fn(self.data, axis=ax, keepdims=keepdims), dtype=np.int64))

    # --- shape --------------------------------------------------------------------------------
    def reshape(self, *shape):
        shape = Tensor._shape(shape)
        if shape == self.shape:
            return self
        return ops.Reshape.apply(self, shape=shape)

    def transpose(self, *dims):
        """PyTorch's `transpose(dim0, dim1)`: swaps two axes; `transpose()` reverses them (as .T);
        a full permutation of 3 or more axes keeps numpy's meaning (ops.transpose_axes)."""
        return ops.Transpose.apply(self, axes=ops.transpose_axes(dims, self.data.shape))

    def broadcast_to(self, shape):
        shape = tuple(shape)
        if shape == self.shape:
            return self
        return ops.BroadcastTo.apply(self, shape=shape)

    def __getitem__(self, index):
        return ops.GetItem.apply(self, index=ops.normalize_index(index))

    # --- more shape ops ---------------------------------------------------------------------
    def view(self, *shape):
        """PyTorch's view: the same as reshape here (numpy copies only when it must)."""
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = ops.normalize_axis((start_dim,), self.ndim, "flatten")[0], \
            ops.normalize_axis((end_dim,), self.ndim, "flatten")[0]
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for "
                             f"{describe(self)}")
        shape = self.shape
        return self.reshape(*shape[:start], int(np.prod(shape[start:end + 1])), *shape[end + 1:])

    def squeeze(self, dim=None):
        """Drop axes of size 1 (all of them, or those of `dim` that have size 1, as PyTorch)."""
        if dim is None:
            axes = [i for i, n in enumerate(self.shape) if n == 1]
        else:
            axes = [a for a in ops.normalize_axis(dim, self.ndim, "squeeze") if self.shape[a] == 1]
        return self.reshape(*[n for i, n in enumerate(self.shape) if i not in axes])

    def unsqueeze(self, dim: int):
        """Insert an axis of size 1 at position `dim` (−ndim−1 ≤ dim ≤ ndim)."""
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise ValueError(f"unsqueeze: dim {dim} is out of range for {describe(self)} (valid: "
                             f"{-self.ndim - 1} to {self.ndim})")
        dim = dim % (self.ndim + 1)
        return self.reshape(*self.shape[:dim], 1, *self.shape[dim:])

    def expand(self, *sizes):
        """Broadcast to `sizes` (-1 keeps an axis's size; new axes go in front), as PyTorch."""
        sizes = Tensor._shape(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: {len(sizes)} sizes {sizes} are fewer than the {self.ndim} "
                             f"dimensions of {describe(self)}")
        target = []
        for i, size in enumerate(sizes):
            own = self.shape[i - lead] if i >= lead else None
            if size == -1:
                if own is None:
                    raise ValueError(f"expand: -1 is not allowed for the new leading axis {i} in {sizes}")
                size = own
            elif own is not None and own != 1 and own != size:
                raise ValueError(f"expand: {describe(self)} cannot be expanded to {sizes}: axis "
                                 f"{i - lead} has size {own}, which is neither 1 nor {size}")
            target.append(size)
        return self.broadcast_to(tuple(target))

    def permute(self, *dims):
        """Reorder the axes: the result's axis i is the input's axis dims[i]."""
        dims = Tensor._shape(dims)
        if sorted(d % self.ndim if -self.ndim <= d < self.ndim else -1 for d in dims) != list(range(self.ndim)):
            raise ValueError(f"permute: dims {dims} are not a permutation of the {self.ndim} axes "
                             f"of {describe(self)}")
        return ops.Transpose.apply(self, axes=tuple(d % self.ndim for d in dims))

    def narrow(self, dim: int, start: int, length: int):
        """Elements start … start + length − 1 along `dim` (a differentiable view)."""
        (ax,) = ops.normalize_axis(dim, self.ndim, "narrow")
        n = self.shape[ax]
        start = start + n if start < 0 else start
        if not (0 <= start <= n and 0 <= length <= n - start):
            raise ValueError(f"narrow: start {start} and length {length} do not fit dim {dim} "
                             f"(size {n}) of {describe(self)}")
        return ops.Narrow.apply(self, axis=ax, start=start, length=length)

    def split(self, split_size_or_sections, dim: int = 0) -> tuple:
        """Pieces along `dim`: of size split_size_or_sections each (the last may be smaller), or
        of the sizes in a list (which must add up to the axis's size), as PyTorch."""
        (ax,) = ops.normalize_axis(dim, self.ndim, "split")
        n = self.shape[ax]
        if isinstance(split_size_or_sections, (int, np.integer)):
            size = int(split_size_or_sections)
            if size <= 0:
                raise ValueError(f"split: split_size must be positive, got {size}")
            sizes = [min(size, n - s) for s in range(0, n, size)] or [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != n or any(s < 0 for s in sizes):
                raise ValueError(f"split: sizes {sizes} must be non-negative and add up to {n}, the "
                                 f"size of dim {dim} of {describe(self)}")
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(ops.Narrow.apply(self, axis=ax, start=int(s), length=k) for s, k in zip(starts, sizes))

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        """`chunks` pieces of equal size along `dim` (the last smaller; maybe fewer), as PyTorch."""
        if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        (ax,) = ops.normalize_axis(dim, self.ndim, "chunk")
        return self.split(max(-(-self.shape[ax] // chunks), 1), dim)

    # --- masks and selections (selection.py) --------------------------------------------------
    def masked_fill(self, mask, value) -> Tensor:
        """`value` where the boolean `mask` is True; the gradient is 0 there (tg.selection)."""
        return selection.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        return selection.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return selection.triu(self, diagonal)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:  # noqa: A002
        """(values, indices) of the k largest entries along `dim`, as PyTorch's."""
        return selection.topk(self, k, dim, largest, sorted)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
        """(values, indices) along `dim` in order, as PyTorch's (NaN counts as the largest; ties keep
        their order): the topk of every entry, so the graph shows a topk node."""
        n = self.shape[ops.normalize_axis(dim, self.ndim, "sort")[0]] if self.ndim else 1
        return self.topk(n, dim, largest=descending)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return self.sort(dim, descending).indices

    # --- in-place ops: change the data, bump the version counter ------------------------------
    # `_version` is a one-element list shared by every tensor that views the same memory
    # (detach(), reshape, transpose, basic indexing). Ops that saved a tensor for backward
    # remember its version; backward raises if it changed (Function.check_saved_versions).

    def _check_inplace(self, what: str, rewrite: str, value=None) -> None:
        """Refuse an in-place edit that would silently break a gradient or shared memory."""
        if state.enabled and self.requires_grad:
            kind = ("a leaf tensor that requires grad" if self.grad_fn is None else
                    f"the output of {self.grad_fn.name}, a tensor that is part of a graph")
            raise RuntimeError(
                f"{what} on {kind} ({describe(self)}) would silently break its gradient; write it "
                f"out of place ({rewrite}), or, to update parameters, do it under tg.no_grad()")
        if state.enabled and isinstance(value, Tensor) and value.requires_grad:
            raise RuntimeError(
                f"{what} of {describe(value)}, which requires grad, into {describe(self)} is not "
                f"recorded in the graph, so its gradient would be lost; build the result out of "
                f"place, or do it under tg.no_grad()")
        if not self.data.flags.writeable:
            raise RuntimeError(
                f"{what} on {describe(self)}: its memory is read-only. Gradients in .grad are "
                f"read-only because they may share memory with other gradients (both inputs of an "
                f"add get the same array), and a broadcast result repeats one element many times. "
                f"Write it out of place (x.grad = x.grad * 0.5, or {rewrite}), or copy it first "
                f"(Tensor(t.numpy().copy())).")

    def _inplace(self, np_op, other, symbol: str) -> Tensor:
        self._check_inplace(f"in-place '{symbol}'", f"t = t {symbol[0]} x")
        value = array_of(other, f"in-place '{symbol}'", "the right-hand side")
        try:
            np_op(self.data, value, out=self.data, casting="same_kind")
        except TypeError:  # numpy's UFuncTypeError: e.g. a float result into an integer tensor
            raise TypeError(
                f"in-place '{symbol}' on {describe(self)}: the result of {describe(other)} cannot be "
                f"stored in dtype {self.data.dtype} without changing its kind; write it out of "
                f"place (t = t {symbol[0]} x) or cast first (t.float())") from None
        except ValueError:  # numpy: non-broadcastable output operand
            raise ValueError(
                f"in-place '{symbol}' on {describe(self)}: {describe(other)} of shape "
                f"{np.shape(value)} does not broadcast to shape {self.shape}; an in-place op "
                f"cannot change a tensor's shape") from None
        self._version[0] += 1
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other, "+=")

    def __isub__(self, other):
        return self._inplace(np.subtract, other, "-=")

    def __imul__(self, other):
        return self._inplace(np.multiply, other, "*=")

    def __itruediv__(self, other):
        return self._inplace(np.true_divide, other, "/=")

    def __setitem__(self, index, value):
        self._check_inplace("t[index] = value", "e.g. t = t * keep + v * (1 - keep) with a 0/1 mask keep", value)
        array = array_of(value, "t[index] = value", "the value")
        try:
            self.data[ops.normalize_index(index)] = array
        except (ValueError, TypeError) as err:
            raise type(err)(f"t[index] = value on {describe(self)} with a value of shape "
                            f"{np.shape(array)}: {err}") from None
        self._version[0] += 1

    # === Python and numpy interop ===============================================================
    # Python's conversions and numpy's protocols, each once: numpy ufuncs dispatch through one
    # table to the Tensor method of the same op (looked up by name when called, so a new op only
    # needs a table entry); any other numpy function raises a TypeError naming the method to use.

    def _single(self, what: str):
        """The one element as a Python number (item(), float(), int(), index)."""
        if self.data.size != 1:
            raise ValueError(f"{what}: only a single-element tensor can be converted to a Python "
                             f"number, but {describe(self)} has {self.data.size} elements")
        return self.data.item()

    def __float__(self) -> float:
        return float(self._single("float()"))

    def __int__(self) -> int:
        return int(self._single("int()"))

    def __index__(self) -> int:  # as PyTorch: integer (or bool) tensors of one element only
        if self.data.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors of a single element can be used as an index, "
                            f"but {describe(self)} is {self.data.dtype}")
        return int(self._single("index"))

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        if self.data.size != 1:
            raise TypeError(f"format spec '{spec}' needs a single-element tensor (f\"{{loss:{spec}}}\"), "
                            f"but {describe(self)} has {self.data.size} elements; format its values "
                            f"instead, e.g. np.array2string(t.numpy(), precision=4)")
        return format(self.data.item(), spec)

    def tolist(self):
        return self.data.tolist()

    def numel(self) -> int:
        return self.data.size

    def dim(self) -> int:
        return self.data.ndim

    def clone(self) -> Tensor:
        """A copy with its own memory, recorded in the graph (its gradient is G)."""
        return ops.Clone.apply(self)

    def t(self) -> Tensor:
        """The 2-D transpose (0-D and 1-D tensors come back unchanged), as PyTorch's t()."""
        if self.data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, but {describe(self)} "
                               f"has {self.data.ndim}; use transpose(dim0, dim1) or permute(*dims)")
        return self.transpose()

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False) -> Tensor:
        """As PyTorch's: `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`. A cast
        (a numpy dtype, 'float32'-style string, tg.float32 or torch dtype) is recorded in the
        graph when both dtypes are floating; the device must be the CPU (`to('cpu')`: itself)."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.data.dtype
            elif _device.is_device(arg):
                device = arg
            else:
                dtype = arg
        _device.check_device(device, f"to({str(device)!r})")
        if dtype is None:
            return self.clone() if copy else self
        name = str(dtype)
        try:
            target = np.dtype(name.removeprefix("torch.") if name.startswith("torch.") else dtype)
        except TypeError:
            raise TypeError(f"to: expected a dtype (np.float32, tg.float64, 'float64', …) or 'cpu', got "
                            f"{dtype!r}; tinygrad_edu runs on the CPU, in numpy") from None
        if target == self.data.dtype:
            return self.clone() if copy else self
        if target.kind != "f":  # integer results cannot require grad: outside the graph, as PyTorch
            return wrap(self.data.astype(target))
        return self.cast(target)

    def cpu(self) -> Tensor:
        """The tensor itself: the engine runs on the CPU."""
        return self

    is_cuda = False

    # comparisons and in-place arithmetic by name, as PyTorch's (the operators are the ops)
    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def add_(self, other):
        return self.__iadd__(other)

    def sub_(self, other):
        return self.__isub__(other)

    def mul_(self, other):
        return self.__imul__(other)

    def div_(self, other):
        return self.__itruediv__(other)

    def clamp_(self, min=None, max=None) -> Tensor:  # noqa: A002 (PyTorch's names)
        self._check_inplace("clamp_", "t = t.clamp(min, max)")
        np.clip(self.data, min, max, out=self.data)
        self._version[0] += 1
        return self

    def fill_(self, value) -> Tensor:
        """Every element set to `value`, in place. A read-only array (a gradient's, which may be
        shared with other gradients) is replaced by a new one, so the manual-SGD habit
        `w.grad.zero_()` works and changes no other tensor."""
        if not self.data.flags.writeable and not (state.enabled and self.requires_grad):
            self.data = np.full_like(self.data, value)
        else:
            self._check_inplace("fill_", "t = tg.full(t.shape, value)")
            self.data[...] = value
        self._version[0] += 1
        return self

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def expand_as(self, other) -> Tensor:
        return self.expand(*other.shape)

    def view_as(self, other) -> Tensor:
        return self.view(*other.shape)

    def type_as(self, other) -> Tensor:
        return self.to(other.dtype)

    def type(self, dtype=None):
        """`t.type(dtype)`: a cast, as t.to(dtype); `t.type()`: the dtype's name ('tinygrad_edu.float32')."""
        return f"tinygrad_edu.{self.data.dtype}" if dtype is None else self.to(dtype)

    # new tensors of this one's dtype, as PyTorch's t.new_zeros(…)
    def new_zeros(self, *shape, dtype=None, requires_grad: bool = False) -> Tensor:
        return Tensor.zeros(*shape, dtype=dtype or self.data.dtype, requires_grad=requires_grad)

    def new_ones(self, *shape, dtype=None, requires_grad: bool = False) -> Tensor:
        return Tensor.ones(*shape, dtype=dtype or self.data.dtype, requires_grad=requires_grad)

    def new_full(self, shape, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
        return Tensor.full(shape, fill_value, dtype=dtype or self.data.dtype, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, requires_grad: bool = False) -> Tensor:
        return Tensor(data, dtype=dtype or self.data.dtype, requires_grad=requires_grad)

    def long(self) -> Tensor:
        return self.to(np.int64)

    def int(self) -> Tensor:
        return self.to(np.int32)

    def bool(self) -> Tensor:
        return self.to(np.bool_)

    def repeat(self, *sizes) -> Tensor:
        """Tile the tensor `sizes[i]` times along each axis (extra sizes add leading axes), as
        PyTorch's repeat: a reshape, a broadcast and a reshape, so the gradient sums the copies."""
        sizes = Tensor._shape(sizes)
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: {len(sizes)} repeat counts {sizes} are fewer than the {self.ndim} "
                             f"dimensions of {describe(self)}")
        if any(not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0 for k in sizes):
            raise ValueError(f"repeat: the counts must be non-negative ints, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        paired = [d for n in shape for d in (1, n)]              # (1, n0, 1, n1, …)
        tiled = [d for k, n in zip(sizes, shape) for d in (k, n)]  # (k0, n0, k1, n1, …)
        out = self.reshape(paired).broadcast_to(tuple(tiled))
        return out.reshape(tuple(k * n for k, n in zip(sizes, shape)))

    def __eq__(self, other):
        if other is None:  # PyTorch: `t == None` is False
            return False
        return self._compare(other, np.equal) if interop.comparable(other) else NotImplemented

    def __ne__(self, other):
        if other is None:
            return True
        return self._compare(other, np.not_equal) if interop.comparable(other) else NotImplemented

    # __hash__ (above) stays id(): a dict or set of tensors finds a tensor by identity (the same
    # object compares `is` before any ==), so tensors remain usable as keys

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """np.asarray(t): the values (the tensor's own array when no copy or cast is asked)."""
        data = self.data
        if dtype is not None and np.dtype(dtype) != data.dtype:
            if copy is False:
                raise ValueError(f"np.asarray(t, dtype={np.dtype(dtype)}, copy=False): {describe(self)} "
                                 "would have to be copied to change its dtype")
            return data.astype(dtype)
        return data.copy() if copy else data

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return interop.array_function(func, args, kwargs)

# Tensor's methods call the ops and the engine, which use Tensor: they are imported last,
# once Tensor exists (see the layering at the top of this file).
from . import autograd, interop, ops, selection  # noqa: E402
