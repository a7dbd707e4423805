"""Recurrent cells: one time step of an Elman RNN, an LSTM and a GRU, as PyTorch's
`nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell` (same parameter names, layouts, gate order and
initialisation), written in tensor ops so that every gate is a node of the graph.

Parameters: `weight_ih` (G·hidden, input), `weight_hh` (G·hidden, hidden), `bias_ih` and
`bias_hh` (G·hidden,), with G = 1 (RNN), 4 (LSTM: gates i, f, g, o) or 3 (GRU: r, z, n), each
initialised uniform in ±1/√hidden_size. In the formulas below W_i· x + b_i· is one row block of
`x weight_ihᵀ + bias_ih` and W_h· h + b_h· one of `h weight_hhᵀ + bias_hh`.

The step functions (`rnn_step`, `lstm_step`, `gru_step`) are shared with the multi-layer
`nn.RNN`, `nn.LSTM` and `nn.GRU` (rnn.py), which call them once per time step.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from .. import functional as F
from ..groups import mark_group
from ..tensor import DEFAULT_DTYPE, Tensor, as_tensor, wrap
from .module import Module
from .parameter import Parameter

NONLINEARITIES = ("tanh", "relu")


def rnn_step(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity: str = "tanh"):
    """Elman (1990): h' = tanh(W_ih x + b_ih + W_hh h + b_hh)  (or relu)."""
    pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def lstm_step(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """Hochreiter & Schmidhuber (1997), with the forget gate of Gers, Schmidhuber & Cummins (2000):
        i = σ(W_ii x + b_ii + W_hi h + b_hi)      input gate
        f = σ(W_if x + b_if + W_hf h + b_hf)      forget gate
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)   candidate cell
        o = σ(W_io x + b_io + W_ho h + b_ho)      output gate
        c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    Returns (h', c')."""
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_next.tanh(), c_next


def gru_step(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """Cho et al. (2014), in PyTorch's form (the reset gate applied after W_hn):
        r = σ(W_ir x + b_ir + W_hr h + b_hr)        reset gate
        z = σ(W_iz x + b_iz + W_hz h + b_hz)        update gate
        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate state
        h' = (1 − z) ⊙ n + z ⊙ h"""
    x_r, x_z, x_n = F.linear(x, w_ih, b_ih).chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def check_size(owner: str, name: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{owner}: {name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{owner}: {name} must be greater than zero, got {value}")
    return int(value)


def check_nonlinearity(owner: str, nonlinearity: str) -> str:
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"{owner}: unknown nonlinearity {nonlinearity!r}; use 'tanh' or 'relu'")
    return nonlinearity


def uniform_parameter(shape: tuple, hidden_size: int, dtype) -> Parameter:
    """PyTorch's recurrent initialisation: uniform in ±1/√hidden_size (tg.manual_seed's generator)."""
    bound = 1.0 / math.sqrt(hidden_size)
    return Parameter(_random.generator().uniform(-bound, bound, shape).astype(dtype))


def zero_state(shape: tuple, dtype) -> Tensor:
    """The initial state when none is given: zeros, read-only, so that tg.compile sees a constant
    (equal values that nothing can change) rather than data made inside the step."""
    zeros = np.zeros(shape, dtype=dtype)
    zeros.flags.writeable = False
    return wrap(zeros)


def floating_dtype(owner: str, dtype) -> np.dtype:
    dtype = np.dtype(dtype or DEFAULT_DTYPE)
    if dtype.kind != "f":
        raise TypeError(f"{owner}: dtype must be floating, got {dtype}")
    return dtype


class _CellBase(Module):
    """The parameters and input checks the three cells share; `gates` is G."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=None):
        owner = type(self).__name__
        self.input_size = check_size(owner, "input_size", input_size)
        self.hidden_size = check_size(owner, "hidden_size", hidden_size)
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"{owner}: bias should be of type bool, got: {type(bias).__name__}")
        dtype = floating_dtype(owner, dtype)
        rows = self.gates * self.hidden_size
        self.weight_ih = uniform_parameter((rows, self.input_size), self.hidden_size, dtype)
        self.weight_hh = uniform_parameter((rows, self.hidden_size), self.hidden_size, dtype)
        self.bias_ih = uniform_parameter((rows,), self.hidden_size, dtype) if bias else None
        self.bias_hh = uniform_parameter((rows,), self.hidden_size, dtype) if bias else None

    def extra_repr(self) -> str:
        extra = "" if self.bias_ih is not None else ", bias=False"
        return f"{self.input_size}, {self.hidden_size}{extra}"

    def _marked(self, outputs: tuple, inputs: tuple) -> tuple:
        """The step's ops form one group, drawn as a cluster "LSTMCell step k" (groups.py)."""
        mark_group(outputs, inputs, f"{type(self).__name__} step")
        return outputs

    def _input(self, x) -> Tensor:
        owner = type(self).__name__
        x = as_tensor(x, owner)
        if x.ndim not in (1, 2):
            raise ValueError(f"{owner}: Expected input to be 1D or 2D, got {x.ndim}D instead "
                             f"(input of shape {x.shape}; a sequence goes to nn.{owner[:-4]})")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{owner}: input has inconsistent input_size: got {x.shape[-1]}, "
                             f"expected {self.input_size} (input of shape {x.shape})")
        return x

    def _state(self, state, x: Tensor, what: str) -> Tensor:
        """The hidden (or cell) state for input x: zeros when None, else checked against x."""
        owner = type(self).__name__
        if state is None:
            return zero_state(x.shape[:-1] + (self.hidden_size,), self.weight_ih.dtype)
        state = as_tensor(state, owner)
        expected = x.shape[:-1] + (self.hidden_size,)
        if state.ndim != x.ndim:
            raise ValueError(f"{owner}: Expected {what} to be {x.ndim}D like the input, got "
                             f"{state.ndim}D instead ({what} of shape {state.shape}, input of shape "
                             f"{x.shape}; expected {what} of shape {expected})")
        if state.ndim == 2 and state.shape[0] != x.shape[0]:
            raise ValueError(f"{owner}: Input batch size {x.shape[0]} doesn't match {what} batch "
                             f"size {state.shape[0]} ({what} of shape {state.shape}, expected {expected})")
        if state.shape[-1] != self.hidden_size:
            raise ValueError(f"{owner}: {what} has inconsistent hidden_size: got {state.shape[-1]}, "
                             f"expected {self.hidden_size} ({what} of shape {state.shape}, expected {expected})")
        return state


class RNNCell(_CellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (Elman 1990), or relu with nonlinearity='relu'.
    `cell(x, hx=None)`: x of shape (batch, input_size) or (input_size,); hx zeros when None."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype=None):
        self.nonlinearity = check_nonlinearity("RNNCell", nonlinearity)
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, x, hx=None):
        x = self._input(x)
        h = self._state(hx, x, "hidden")
        h_next = rnn_step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                          self.nonlinearity)
        return self._marked((h_next,), (x, h))[0]

    def extra_repr(self) -> str:
        extra = "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}"
        return super().extra_repr() + extra


class LSTMCell(_CellBase):
    """One LSTM step (gates i, f, g, o; see `lstm_step`). `cell(x, hx=None)` with hx = (h, c),
    zeros when None; returns (h', c')."""

    gates = 4

    def forward(self, x, hx=None):
        x = self._input(x)
        if hx is None:
            h = c = self._state(None, x, "hx[0]")
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"LSTMCell: hx must be a tuple (h, c) of two tensors, got "
                                f"{type(hx).__name__}")
            h, c = self._state(hx[0], x, "hx[0]"), self._state(hx[1], x, "hx[1]")
        return self._marked(lstm_step(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh),
                            (x, h, c))


class GRUCell(_CellBase):
    """One GRU step (gates r, z, n; see `gru_step`). `cell(x, hx=None)`; hx zeros when None."""

    gates = 3

    def forward(self, x, hx=None):
        x = self._input(x)
        h = self._state(hx, x, "hidden")
        h_next = gru_step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return self._marked((h_next,), (x, h))[0]
