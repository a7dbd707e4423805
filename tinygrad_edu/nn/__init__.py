"""`tinygrad_edu.nn`: Module, Parameter, layers, and saving/loading models (.npz)."""
from .conv import AvgPool2d, Conv1d, Conv2d, MaxPool2d
from .layers import LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module
from .parameter import Parameter
from .serialization import ModelFileNotFoundError, load, save

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "LeakyReLU",
           "save", "load", "ModelFileNotFoundError",
           "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d"]
