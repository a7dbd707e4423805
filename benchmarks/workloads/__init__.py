"""The workloads, in the order of the results table."""
from .chains import CHAIN_100K, CHAIN_200
from .cnn import CNN
from .gpt import GPT_STEP
from .lstm import LSTM
from .mlp import MLP_BIG, MLP_MNIST
from .planar import PLANAR
from .seed_net import SEED_NET

WORKLOADS = [SEED_NET, PLANAR, MLP_MNIST, MLP_BIG, CHAIN_200, CHAIN_100K, CNN, LSTM, GPT_STEP]

__all__ = ["WORKLOADS"]
