"""Write-up 000's statements as written (seeds/000_2b23177e2672b10f.txt). It has no code: these
are its equations transcribed literally into numpy, one function per statement, nothing fixed."""
# ruff: noqa
import numpy as np


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def neuron(x, w, b):
    """§3 "a neuron computes: z = wx + b; a = sigmoid(x); yhat = a"."""
    z = np.dot(w, x) + b
    a = sigmoid(x)
    return a


def layer_Z(W, X, b):
    """§4 "the Z vector is evaluated using the formula z = w.T + b for each column of X"."""
    return W.T + b


def layer_Z_product(W, X):
    """§4 "Vector Z = W.T * X", W.T of dimension (k, nx), X (nx, m)."""
    return W.T * X


def hidden_layer(W1, X, b1):
    """§3 "the input layer is multiplied with W[1].T and passed through a sigmoid function to get
    the output from the first hidden layer"."""
    return sigmoid(np.dot(W1.T, X) + b1)
