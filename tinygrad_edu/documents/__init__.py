"""The three write-ups' networks (`seeds/`), built from tensor ops in each write-up's notation,
their hand-derived backward passes in plain numpy, and the comparison with autograd.

    NETWORKS["000"].build() -> Network(loss, params, intermediates)   # every tensor named
    compare("000") -> list[Row];  print(format_table(rows))
"""
from . import l_layer_sigmoid, sum_of_squares, two_layer_tanh
from .compare import Row, compare, compare_all, compare_network, format_table
from .network import Network

NETWORKS = {"000": two_layer_tanh, "001": l_layer_sigmoid, "002": sum_of_squares}

__all__ = ["NETWORKS", "Network", "Row", "compare", "compare_all", "compare_network", "format_table"]
