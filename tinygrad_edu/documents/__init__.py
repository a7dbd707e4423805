"""The three write-ups' networks (`seeds/`), built from tensor ops in each write-up's notation,
their hand-derived backward passes in plain numpy, and the comparison with autograd.

    NETWORKS["000"].build() -> Network(loss, params, intermediates)   # every tensor named
    compare("000") -> list[Row];  print(format_table(rows))
"""
from .compare import Row, compare, compare_all, compare_network, format_table
from .network import Network
from .networks import NETWORKS

__all__ = ["NETWORKS", "Network", "Row", "compare", "compare_all", "compare_network", "format_table"]
