"""tinygrad_edu: a readable reverse-mode autograd engine for learning backpropagation."""
from . import functional
from ._random import manual_seed
from .anomaly import detect_anomaly
from .autograd import grad
from .combine import cat, maximum, minimum, stack, where
from .compile import CompileError
from .compile import compile as compile  # tg.compile; left out of __all__ (see there)
from .derivation import GradientCheck, check_gradients
from .devices import backends, cuda, device
from .function import Function
from .functional import (
    abs,  # noqa: F401
    exp,
    log,
    log_softmax,
    relu,
    sigmoid,
    sign,
    softmax,
    sqrt,
    tanh,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .grad_mode import no_grad as inference_mode  # torch.inference_mode: here, no_grad
from .gradcheck import GradcheckError, gradcheck
from .sampling import multinomial
from .selection import masked_fill, topk, tril, triu
from .serialization import load, save
from .tensor import Tensor

# PyTorch's top-level names; those that are also Python builtins (tg.sum, tg.max, tg.abs, tg.float
# …) are kept out of __all__ (below)
from .toplevel import (  # noqa: F401
    allclose,
    argmax,
    argmin,
    argsort,
    bmm,
    bool,
    clamp,
    clip,
    cumsum,
    double,
    einsum,
    empty,
    flatten,
    float,
    float32,
    float64,
    from_numpy,
    full_like,
    int,
    int32,
    int64,
    is_tensor,
    isnan,
    linalg,
    logsumexp,
    long,
    matmul,
    max,
    mean,
    min,
    mm,
    norm,
    numel,
    permute,
    pow,
    rand_like,
    randint,
    randn_like,
    randperm,
    reshape,
    sort,
    squeeze,
    std,
    sum,
    transpose,
    uint8,
    unsqueeze,
    var,
)

# creation functions, as torch.<name> (also Tensor.<name>)
tensor, zeros, ones, randn, rand, full = (Tensor.tensor, Tensor.zeros, Tensor.ones, Tensor.randn, Tensor.rand,
                                          Tensor.full)
zeros_like, ones_like, arange, linspace, eye = (Tensor.zeros_like, Tensor.ones_like, Tensor.arange,
                                                Tensor.linspace, Tensor.eye)

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "gradcheck", "GradcheckError", "manual_seed", "functional", "check_gradients", "GradientCheck",
    "tensor", "zeros", "ones", "randn", "rand", "full", "zeros_like", "ones_like", "arange", "linspace",
    "eye", "cat", "stack", "where", "maximum", "minimum", "CompileError", "detect_anomaly",
    # PyTorch's spellings (tg.exp, tg.einsum, tg.float32, tg.save …); those named like Python's
    # builtins (sum, max, min, abs, pow, float, int, bool, compile) are left out so `import *` cannot hide them
    "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "softmax", "log_softmax", "mean", "argmax", "argmin",
    "matmul", "bmm", "clamp", "clip", "flatten", "einsum", "from_numpy", "float32", "float64", "double",
    "int64", "long", "int32", "uint8", "save", "load", "device", "cuda", "inference_mode",
    "squeeze", "unsqueeze", "reshape", "transpose", "permute", "mm", "std", "var", "norm", "numel",
    "is_tensor", "allclose", "randint", "randperm", "sign", "isnan", "empty", "cumsum", "sort", "argsort",
    "backends", "full_like", "linalg", "logsumexp", "rand_like", "randn_like",
    "tril", "triu", "masked_fill", "topk", "multinomial",
]


def __getattr__(name):
    # nn, optim and viz load on first use, so `import tinygrad_edu` stays light
    if name in ("nn", "optim", "viz", "documents", "data", "utils"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")
