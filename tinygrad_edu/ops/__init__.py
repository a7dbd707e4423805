"""Every differentiable op: one `Function` subclass each, grouped by kind."""
from .arithmetic import Add, Div, Mul, Neg, Pow, PowScalar, Sub
from .clone import Clone
from .elementwise import Abs, Cast, Clip, Exp, LeakyReLU, Log, Mask, ReLU, Sigmoid, Sqrt, Tanh
from .indexing import GetItem, ScatterAdd, normalize_index
from .losses import BCEWithLogits, BinaryCrossEntropy, CrossEntropy
from .matmul import Linear, MatMul
from .reduce import LogSoftmax, Max, Mean, Softmax, Sum, normalize_axis
from .shape import BroadcastTo, Reshape, Transpose, transpose_axes

__all__ = [
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "PowScalar",
    "Exp", "Log", "Sqrt", "Abs", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Clip", "Cast", "Mask",
    "Sum", "Mean", "Max", "Softmax", "LogSoftmax", "normalize_axis",
    "Reshape", "Transpose", "transpose_axes", "BroadcastTo", "GetItem", "ScatterAdd", "normalize_index",
    "MatMul", "Linear", "CrossEntropy", "BinaryCrossEntropy", "BCEWithLogits",
    "Clone",
]
