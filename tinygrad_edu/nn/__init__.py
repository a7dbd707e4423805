"""`tinygrad_edu.nn`: Module, Parameter, layers, saving/loading models (.npz), `nn.init` (weight
initialisers) and `nn.utils` (clip_grad_norm_)."""
from . import init, utils
from .layers import LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module
from .parameter import Parameter
from .serialization import ModelFileNotFoundError, load, save

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "LeakyReLU",
           "save", "load", "ModelFileNotFoundError", "init", "utils"]
