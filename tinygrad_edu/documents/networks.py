"""The three write-ups' networks by key (`seeds/`: 000, 001, 002)."""
from . import l_layer_sigmoid, sum_of_squares, two_layer_tanh

NETWORKS = {"000": two_layer_tanh, "001": l_layer_sigmoid, "002": sum_of_squares}
