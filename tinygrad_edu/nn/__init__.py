"""`tinygrad_edu.nn`: Module, Parameter, layers, saving/loading models (.npz), `nn.init` (weight
initialisers) and `nn.utils` (clip_grad_norm_, clip_grad_value_); recurrent cells and layers (RNN,
LSTM, GRU); MultiheadAttention; `nn.functional` (the same module as tinygrad_edu.functional)."""
import sys

from .. import functional
from . import init, utils
from .attention import MultiheadAttention
from .containers import ModuleDict, ModuleList
from .conv import AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, MaxPool2d
from .dropout import Dropout, Dropout2d
from .embedding import Embedding
from .layers import (
    ELU,
    GELU,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sequential,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
    Unflatten,
)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .parameter import Parameter
from .recurrent import GRUCell, LSTMCell, RNNCell
from .rnn import GRU, LSTM, RNN
from .serialization import ModelFileNotFoundError, load, save

# `import tinygrad_edu.nn.functional as F`, as PyTorch's scripts write it: the same module object
# as tinygrad_edu.functional
sys.modules[__name__ + ".functional"] = functional

__all__ = ["functional", "Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "LeakyReLU",
           "save", "load", "ModelFileNotFoundError", "init", "utils",
           "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Dropout", "Dropout2d", "Embedding", "Flatten", "Identity",
           "ModuleList", "ModuleDict", "Softmax", "LogSoftmax", "GELU", "SiLU",
           "CrossEntropyLoss", "NLLLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss",
           "L1Loss", "HuberLoss", "SmoothL1Loss", "Softplus", "ELU", "Unflatten",
           "AdaptiveAvgPool2d", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
           "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "MultiheadAttention"]
