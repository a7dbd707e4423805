"""Every differentiable op: one `Function` subclass each, grouped by kind."""
from .arithmetic import Add, Div, Mul, Neg, Pow, PowScalar, Sub
from .clone import Clone
from .combine import Cat, Narrow, Pad, Stack
from .conv import Conv, ConvTranspose, ConvWeight
from .cumsum import CumSum
from .einsum import Einsum
from .elementwise import (
    ELU,
    GELU,
    Abs,
    Cast,
    Clip,
    Cos,
    Exp,
    LeakyReLU,
    Log,
    Log1p,
    Mask,
    NormalCDF,
    ReLU,
    Sigmoid,
    Sign,
    SiLU,
    Sin,
    Softplus,
    Sqrt,
    Tanh,
)
from .indexing import Embedding, GetItem, ScatterAdd, normalize_index
from .losses import BCEWithLogits, BinaryCrossEntropy, CrossEntropy
from .masking import MaskedFill, Tril, Triu
from .matmul import Linear, MatMul
from .normalization import BatchNorm, LayerNorm
from .pool import AvgPool, AvgPoolBackward, MaxPool, MaxUnpool
from .reduce import LogSoftmax, LogSumExp, Max, Mean, Min, Norm, Prod, Softmax, Std, Sum, Var, normalize_axis
from .select import Maximum, Minimum, Where
from .shape import BroadcastTo, Reshape, Transpose, transpose_axes
from .topk import TopK

__all__ = [
    "CumSum", "Einsum",
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "PowScalar",
    "Exp", "Log", "Sqrt", "Abs", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Clip", "Cast", "Mask",
    "Sum", "Mean", "Max", "Softmax", "LogSoftmax", "normalize_axis",
    "Reshape", "Transpose", "transpose_axes", "BroadcastTo", "GetItem", "ScatterAdd", "Embedding", "normalize_index",
    "MatMul", "Linear", "CrossEntropy", "BinaryCrossEntropy", "BCEWithLogits",
    "Clone",
    "BatchNorm", "LayerNorm",
    "Sin", "Cos", "Log1p", "Sign", "Softplus", "NormalCDF", "GELU", "SiLU", "ELU",
    "Where", "Maximum", "Minimum", "Min", "Prod", "Var", "Std", "LogSumExp", "Norm",
    "Cat", "Stack", "Narrow", "Pad",
    "Conv", "ConvTranspose", "ConvWeight", "MaxPool", "MaxUnpool", "AvgPool", "AvgPoolBackward",
    "MaskedFill", "Tril", "Triu", "TopK",
]
