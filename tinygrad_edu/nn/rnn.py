"""Multi-layer recurrent layers `nn.RNN`, `nn.LSTM` and `nn.GRU`, as PyTorch's: the same
arguments, parameter names (`weight_ih_l0`, …, `bias_hh_l1_reverse`), shapes and results.

The recurrence is unrolled in tensor ops, one cell step (recurrent.py) per time step, layer by
layer, so backpropagation through time is the ordinary backward pass over the graph and every
step can be seen in `viz.draw_graph`.

Shapes (L sequence length, N batch, D = 2 if bidirectional else 1, H hidden_size):
    input (L, N, input_size), or (N, L, input_size) with batch_first, or unbatched (L, input_size)
    hx    (D·num_layers, N, H), or (D·num_layers, H) for unbatched input; zeros when None
    output (L, N, D·H) (batch_first: (N, L, D·H); unbatched: (L, D·H)): the last layer's h_t,
          both directions side by side; h_n: every layer's and direction's last h
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import functional as F
from ..combine import cat, stack
from ..groups import mark_group
from ..tensor import as_tensor
from .module import Module
from .recurrent import (
    check_nonlinearity,
    check_size,
    floating_dtype,
    gru_step,
    lstm_step,
    rnn_step,
    uniform_parameter,
    zero_state,
)


class _RNNBase(Module):
    """The parameters, shape checks and the unrolled loop the three layers share."""

    gates = 1
    has_cell_state = False

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype=None):
        owner = type(self).__name__
        self.input_size = check_size(owner, "input_size", input_size)
        self.hidden_size = check_size(owner, "hidden_size", hidden_size)
        self.num_layers = check_size(owner, "num_layers", num_layers)
        for name, flag in (("bias", bias), ("batch_first", batch_first), ("bidirectional", bidirectional)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{owner}: {name} should be of type bool, got: {type(flag).__name__}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float, np.number)) or not 0 <= dropout <= 1:
            raise ValueError(f"{owner}: dropout should be a number in range [0, 1] representing the "
                             f"probability of an element being zeroed, got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{owner}: dropout option adds dropout after all but last recurrent layer, "
                          f"so non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        dtype = floating_dtype(owner, dtype)
        rows = self.gates * self.hidden_size
        for layer in range(self.num_layers):
            width = self.input_size if layer == 0 else self.hidden_size * self.num_directions
            for suffix in self._suffixes:
                name = f"l{layer}{suffix}"
                setattr(self, f"weight_ih_{name}", uniform_parameter((rows, width), self.hidden_size, dtype))
                setattr(self, f"weight_hh_{name}", uniform_parameter((rows, self.hidden_size), self.hidden_size, dtype))
                if self.bias:
                    setattr(self, f"bias_ih_{name}", uniform_parameter((rows,), self.hidden_size, dtype))
                    setattr(self, f"bias_hh_{name}", uniform_parameter((rows,), self.hidden_size, dtype))

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _suffixes(self) -> tuple:
        return ("", "_reverse")[:self.num_directions]

    def _weights(self, layer: int, suffix: str) -> tuple:
        name = f"l{layer}{suffix}"
        return (getattr(self, f"weight_ih_{name}"), getattr(self, f"weight_hh_{name}"),
                getattr(self, f"bias_ih_{name}", None), getattr(self, f"bias_hh_{name}", None))

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity!r}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False),
                              ("dropout", 0.0), ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)!r}"
        return text

    # --- the forward pass ---------------------------------------------------------------------
    def forward(self, input, hx=None):  # noqa: A002 (PyTorch's argument name)
        x, states, unbatched = self._prepare(input, hx)
        if self.batch_first:
            x = x.transpose(0, 1)                   # (N, L, ·) -> (L, N, ·)
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction, suffix in enumerate(self._suffixes):
                index = layer * self.num_directions + direction
                state = tuple(s[index] for s in states)
                where = f"l{layer}{suffix} · " if self.num_layers > 1 or self.bidirectional else ""
                steps, last = self._run_direction(x, state, self._weights(layer, suffix),
                                                  reverse=direction == 1, where=where)
                outputs.append(stack(steps, 0))
                finals.append(last)
            x = outputs[0] if len(outputs) == 1 else cat(outputs, -1)
            if layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, self.training)  # between layers, not after the last
        output = x.transpose(0, 1) if self.batch_first else x
        last = tuple(stack([f[k] for f in finals], 0) for k in range(len(states)))
        if unbatched:
            output = output.squeeze(0 if self.batch_first else 1)
            last = tuple(s.squeeze(1) for s in last)
        return output, (last if self.has_cell_state else last[0])

    def _run_direction(self, x, state: tuple, weights: tuple, reverse: bool, where: str = ""):
        """One layer in one direction: the cell applied at t = 1 … L (or L … 1); returns the
        h_t in time order and the final state. Each step's states are named h_t (c_t) and its
        ops marked as one group, which viz.draw_graph draws as a cluster "t = …"."""
        order = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
        steps = [None] * x.shape[0]
        for name, s in zip(("h", "c"), state):
            s.name = f"{name}_0" if s.name is None else s.name
        for t in order:
            x_t = x[t]
            x_t.name = f"x_{t + 1}" if x_t.name is None else x_t.name
            new = self._step(x_t, state, weights)
            for name, s in zip(("h", "c"), new):
                s.name = f"{name}_{t + 1}"
            mark_group(new, (x_t, *state), f"{where}t = {t + 1}")
            state = new
            steps[t] = state[0]
        return steps, state

    def _step(self, x, state: tuple, weights: tuple) -> tuple:
        raise NotImplementedError

    # --- checks, with PyTorch's wording ------------------------------------------------------
    def _prepare(self, input, hx):  # noqa: A002
        """(input as (L, N, ·) or (N, L, ·), the initial states as (D·layers, N, H) tensors, unbatched?)."""
        owner = type(self).__name__
        x = as_tensor(input, owner)
        if x.ndim not in (2, 3):
            raise ValueError(f"{owner}: Expected input to be 2D or 3D, got {x.ndim}D tensor instead "
                             f"(input of shape {x.shape})")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{owner}: input.size(-1) must be equal to input_size. Expected "
                             f"{self.input_size}, got {x.shape[-1]} (input of shape {x.shape})")
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(0 if self.batch_first else 1)
        batch = x.shape[0] if self.batch_first else x.shape[1]
        expected = (self.num_layers * self.num_directions, batch, self.hidden_size)
        names = ("hx", "cx") if self.has_cell_state else ("hx",)
        if hx is None:
            zeros = zero_state(expected, self.weight_ih_l0.dtype)
            return x, (zeros,) * len(names), unbatched
        if self.has_cell_state and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{owner}: hx must be a tuple (h_0, c_0) of two tensors, got {type(hx).__name__}")
        given = tuple(as_tensor(s, owner) for s in (hx if self.has_cell_state else (hx,)))
        rank = 2 if unbatched else 3
        if any(s.ndim != rank for s in given):
            kind = "unbatched 2-D" if unbatched else "batched 3-D"
            ranks = ", ".join(f"{s.ndim}-D" for s in given)
            raise ValueError(f"{owner}: For {kind} input, {' and '.join(names)} should also be "
                             f"{rank}-D but got ({ranks}) tensors (shapes "
                             f"{', '.join(str(s.shape) for s in given)}, input of shape {tuple(input.shape)})")
        if unbatched:
            given = tuple(s.unsqueeze(1) for s in given)
        for k, s in enumerate(given):
            if s.shape != expected:
                which = f"hidden[{k}]" if self.has_cell_state else "hidden"
                shown = expected if not unbatched else (expected[0], expected[2])
                got = s.shape if not unbatched else (s.shape[0], s.shape[2])
                raise ValueError(f"{owner}: Expected {which} size {shown}, got {list(got)} "
                                 f"({names[k]} has shape (num_layers·num_directions, batch, hidden_size))")
        return x, given, unbatched


class RNN(_RNNBase):
    """Elman RNN layers: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh) (or relu).
    `forward(input, hx=None)` returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, dtype=None):
        self.nonlinearity = check_nonlinearity("RNN", nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype)

    def _step(self, x, state, weights):
        return (rnn_step(x, state[0], *weights, nonlinearity=self.nonlinearity),)


class LSTM(_RNNBase):
    """LSTM layers (gates i, f, g, o; see recurrent.lstm_step). `forward(input, hx=None)` with
    hx = (h_0, c_0) returns (output, (h_n, c_n))."""

    gates = 4
    has_cell_state = True

    def _step(self, x, state, weights):
        return lstm_step(x, state[0], state[1], *weights)


class GRU(_RNNBase):
    """GRU layers (gates r, z, n; see recurrent.gru_step). `forward(input, hx=None)` returns
    (output, h_n)."""

    gates = 3

    def _step(self, x, state, weights):
        return (gru_step(x, state[0], *weights),)
