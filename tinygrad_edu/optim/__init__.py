"""`tinygrad_edu.optim`: optimizers that update parameters in place, as PyTorch's do."""
from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam"]
