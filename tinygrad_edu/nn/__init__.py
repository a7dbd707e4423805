"""`tinygrad_edu.nn`: Module, Parameter, layers, and saving/loading models (.npz)."""
from .layers import LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module
from .parameter import Parameter
from .serialization import ModelFileNotFoundError, load, save

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "LeakyReLU",
           "save", "load", "ModelFileNotFoundError"]
