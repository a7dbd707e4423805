"""The seven workloads, in the order of the results table."""
from .chains import CHAIN_100K, CHAIN_200
from .cnn import CNN
from .mlp import MLP_BIG, MLP_MNIST
from .planar import PLANAR
from .seed_net import SEED_NET

WORKLOADS = [SEED_NET, PLANAR, MLP_MNIST, MLP_BIG, CHAIN_200, CHAIN_100K, CNN]

__all__ = ["WORKLOADS"]
