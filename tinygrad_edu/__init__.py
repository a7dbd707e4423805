"""tinygrad_edu: a readable reverse-mode autograd engine for learning backpropagation."""
from . import functional
from ._random import manual_seed
from .anomaly import detect_anomaly
from .autograd import grad
from .combine import cat, maximum, minimum, stack, where
from .compile import CompileError, compile
from .derivation import GradientCheck, check_gradients
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .sampling import multinomial
from .selection import masked_fill, topk, tril, triu
from .tensor import Function, Tensor

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
    "eye", "cat", "stack", "where", "maximum", "minimum", "compile", "CompileError", "detect_anomaly",
    "tril", "triu", "masked_fill", "topk", "multinomial",
]


def __getattr__(name):
    # nn, optim and viz load on first use, so `import tinygrad_edu` stays light
    if name in ("nn", "optim", "viz", "documents", "data"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")
