"""numpy's protocols on a Tensor, designed once (Tensor.__array_ufunc__ / __array_function__).

A numpy ufunc of an op the engine has (`np.exp(t)`, `np.maximum(t, 0)`, `np_array * t`) runs
that op's Tensor method, so the result is a Tensor recorded in the graph. The table maps a
ufunc's name to the method's name, looked up when called: an op added later needs one entry.
Every other numpy function on a Tensor in a graph (one that requires grad) raises a TypeError
that names the method to use instead, rather than silently computing on the values and leaving
the graph. A tensor outside any graph (a gradient, data) goes through such a function as its
array, as numpy's would: `np.linalg.norm(t.grad)`, `np.percentile(t, 50)`. `np.asarray(t)` (the
values) is Tensor.__array__.
"""
from __future__ import annotations

import sys

import numpy as np

from .tensor import Tensor, as_tensor

# numpy ufunc name → the Tensor method that is the same op ("tg.<name>": the package's function)
UFUNC_METHODS = {
    "add": "__add__", "subtract": "__sub__", "multiply": "__mul__", "divide": "__truediv__",
    "true_divide": "__truediv__", "power": "__pow__", "matmul": "__matmul__",
    "negative": "__neg__", "positive": "__pos__",
    "exp": "exp", "log": "log", "sqrt": "sqrt", "absolute": "abs", "tanh": "tanh",
    "sin": "sin", "cos": "cos", "log1p": "log1p", "sign": "sign",
    "maximum": "tg.maximum", "minimum": "tg.minimum",
    "equal": "__eq__", "not_equal": "__ne__", "less": "__lt__", "less_equal": "__le__",
    "greater": "__gt__", "greater_equal": "__ge__",
}

# numpy functions whose Tensor (or tg.) spelling differs from numpy's name: numpy name → how to
# write it, and the method or function that must exist for the hint to be given
FUNCTION_HINTS = {
    "amax": ("t.max(axis)", "max"), "amin": ("t.min(axis)", "min"),
    "concatenate": ("tg.cat(tensors, dim=0)", "cat"), "stack": ("tg.stack(tensors, dim=0)", "stack"),
    "where": ("tg.where(cond, a, b)", "where"), "dot": ("a @ b", "__matmul__"),
    "square": ("t ** 2", "__pow__"), "swapaxes": ("t.transpose(dim0, dim1)", "transpose"),
    "expand_dims": ("t.unsqueeze(dim)", "unsqueeze"), "ravel": ("t.reshape(-1)", "reshape"),
    "broadcast_to": ("t.broadcast_to(shape)", "broadcast_to"), "clip": ("t.clip(min, max)", "clip"),
    "copy": ("t.clone()", "clone"), "shape": ("t.shape", "shape"), "ndim": ("t.ndim", "ndim"),
    "size": ("t.size (or t.numel())", "size"), "round": ("np.round(t.numpy())", None),
}


def comparable(other) -> bool:
    """What `t == other` compares elementwise; anything else falls back to Python's identity."""
    return isinstance(other, (Tensor, np.ndarray, np.generic, int, float, bool, list, tuple))


def array_ufunc(ufunc, method: str, inputs: tuple, kwargs: dict):
    if method == "__call__" and not kwargs:  # the common case first: np_array * t, np.exp(t)
        bound = _resolve(UFUNC_METHODS.get(ufunc.__name__, ""))
        if bound is not None:
            first = inputs[0]
            if not isinstance(first, Tensor):  # a binary ufunc with the Tensor second: the
                first = as_tensor(first, ufunc.__name__, like=inputs[1])  # array (or number) becomes the left operand
            return bound(first, *inputs[1:])
    if not in_graph(inputs, kwargs):  # no graph to leave: numpy's own result, on the arrays
        return getattr(ufunc, method)(*_arrays(inputs), **_arrays(kwargs))
    name = ufunc.__name__
    if method != "__call__":
        raise TypeError(f"np.{name}.{method}(t): numpy's ufunc methods do not work on a Tensor; "
                        f"use a Tensor reduction (t.sum(axis), t.max(axis) …), or apply it to "
                        f"t.numpy() for the values (not recorded in the graph)")
    if kwargs:
        raise TypeError(f"np.{name}(t, {', '.join(f'{k}=…' for k in kwargs)}): numpy's keywords are "
                        f"not supported on a Tensor; call it without them (the result is a new "
                        f"Tensor), or apply it to t.numpy()")
    raise TypeError(function_message(ufunc))


def array_function(func, args: tuple, kwargs: dict):
    """A numpy function that has no Tensor dispatch: refused for a tensor in a graph, else run on
    the arrays."""
    if in_graph(args, kwargs):
        raise TypeError(function_message(func))
    return func(*_arrays(args), **_arrays(kwargs))


def in_graph(args, kwargs) -> bool:
    """Whether any Tensor among the arguments (inside lists, tuples and dicts too) requires grad."""
    stack = [args, kwargs]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            if item.requires_grad:
                return True
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def _arrays(item):
    """The arguments with every Tensor replaced by its array."""
    if isinstance(item, Tensor):
        return item.data
    if isinstance(item, (list, tuple)):
        return type(item)(_arrays(x) for x in item)
    if isinstance(item, dict):
        return {k: _arrays(v) for k, v in item.items()}
    return item


def function_message(func) -> str:
    """The TypeError for a numpy function that has no Tensor dispatch: the method to use."""
    name = func.__name__
    module = getattr(func, "__module__", None) or "numpy"
    space = "np." + (module.removeprefix("numpy").strip(".") + "." if module.startswith("numpy.") else "")
    call = f"{space}{name}(t)"
    function = _resolve(f"tg.{name}")
    # tg.sum, tg.exp …, PyTorch's top-level twins of a method, are not the spelling to suggest
    twin = getattr(function, "__module__", "").endswith((".toplevel", ".functional")) and _resolve(name)
    method = f"tg.{name}(…)" if function is not None and not twin else f"t.{name}(…)"
    hint, needs = FUNCTION_HINTS.get(name, (method, name))
    if needs is None or _exists(needs):
        if needs is None:
            return (f"{call}: numpy functions do not run on a Tensor that requires grad; use {hint} "
                    f"(not recorded in the graph)")
        return (f"{call}: numpy functions do not run on a Tensor that requires grad (their result "
                f"would leave the graph); use {hint}, or {space}{name}(t.detach()) for the values alone")
    return (f"{call}: tinygrad_edu has no {name} op; call numpy on the values instead, "
            f"np.{name}(t.numpy(), …) (not recorded in the graph)")


def _resolve(name: str):
    """The op a table entry names, looked up now (None if the engine has no such op)."""
    if name.startswith("tg."):
        return getattr(sys.modules.get(__package__), name[3:], None)
    return getattr(Tensor, name, None) if name else None


def _exists(name: str) -> bool:
    return _resolve(name) is not None or _resolve(f"tg.{name}") is not None
