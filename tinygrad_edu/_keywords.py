"""PyTorch's `dim=` / `keepdim=` beside numpy's `axis=` / `keepdims=`, for every reduction and
softmax: one decorator, so the aliasing (and its error) exists once."""
import functools

_UNSET = object()


def dim_keywords(method=None, *, dim_gives_indices: bool = False):
    """Let `method(self, axis=..., keepdims=...)` also be called with dim= and keepdim=.

    Giving both spellings of one argument is a TypeError. With `dim_gives_indices` (max, min),
    a call that names `dim=` is told so by `by_dim=True`, because PyTorch's `x.max(dim=1)`
    returns (values, indices)."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(self, *args, dim=_UNSET, keepdim=_UNSET, **kwargs):
            op = fn.__name__
            if dim is not _UNSET:
                if "axis" in kwargs or args:
                    given = "axis=" if "axis" in kwargs else "a positional axis"
                    raise TypeError(f"{op}: got both dim= and {given}; dim= is PyTorch's name for "
                                    f"numpy's axis=, give one of them")
                kwargs["axis"] = dim
                if dim_gives_indices:
                    kwargs["by_dim"] = True
            if keepdim is not _UNSET:
                if "keepdims" in kwargs:
                    raise TypeError(f"{op}: got both keepdim= and keepdims=; keepdim= is PyTorch's "
                                    f"name for numpy's keepdims=, give one of them")
                kwargs["keepdims"] = keepdim
            return fn(self, *args, **kwargs)
        return wrapper
    return decorate(method) if method is not None else decorate
