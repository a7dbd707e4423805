"""Batch norm and layer norm: y = γ·x̂ + β with x̂ = (x − μ)/σ, σ = √(σ² + ε), each ONE op.

They differ only in the axes the statistics are taken over: batch norm over every axis but the
channels (axis 1), layer norm over the trailing `normalized_shape` axes. When μ and σ² are the
statistics of x itself over N elements, the chain rule through μ and σ gives the textbook
result (Ioffe & Szegedy 2015, "Batch Normalization", section 3):

    ∂x = (γ/σ)/N · (N·G − ΣG − x̂·Σ(G·x̂))        ∂γ = Σ G·x̂        ∂β = Σ G

When μ and σ² are constants (batch norm in eval mode: the running statistics) x̂ is affine in
x and ∂x = G·γ/σ.
"""
import numpy as np

from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor, wrap


def moments(x, axes: tuple):
    """Mean and biased variance over `axes`, kept as size-1 axes (numpy arrays or Tensors)."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    return mean, (centred * centred).mean(axis=axes, keepdims=True)


def _affine_axes(affine_shape: tuple) -> tuple:
    """The axes that γ and β are broadcast along: their gradients are summed over these."""
    return tuple(i for i, n in enumerate(affine_shape) if n == 1)


class _Normalization:
    """The two ops' shared forward and backward (a mixin: not an op of its own). Inputs: x, then
    γ (if has_weight), then β (if has_bias). Parameters: `axes` (of the
    statistics), `eps`, `affine_shape` (γ and β reshaped to broadcast against x), `stats`: the
    (mean, var) arrays to normalise with, broadcasting against x (None: x's own, computed by
    `moments`), and `batch_stats`: True when they are x's own statistics, so the gradient flows
    through them. Forward saves the statistics it used."""
    stats = None

    def forward(self, x, *affine):
        mean, var = moments(x, self.axes) if self.stats is None else self.stats
        self.save_for_backward(mean=mean, var=var)
        y = (x - mean) * (var + self.eps) ** -0.5
        weight, bias = self._split(affine)
        if weight is not None:
            y = y * weight.reshape(self.affine_shape)
        if bias is not None:
            y = y + bias.reshape(self.affine_shape)
        return y

    def _split(self, affine):
        weight = affine[0] if self.has_weight else None
        bias = affine[-1] if self.has_bias else None
        return weight, bias

    def backward(self, g):
        x = self.inputs[0]
        weight, bias = self._split(self.inputs[1:])
        need = self.needs_input_grad
        if self.batch_stats and is_grad_enabled():  # create_graph: μ(x), σ²(x) differentiable again
            mean, var = moments(x, self.axes)
        else:  # the forward's numbers (for batch statistics too: the same values, no graph needed)
            mean, var = wrap(self.saved.mean), wrap(self.saved.var)
        inv_std = (var + self.eps) ** -0.5
        x_hat = (x - mean) * inv_std
        g_hat = g if weight is None else g * weight.reshape(self.affine_shape)  # ∂L/∂x̂
        grad_x = None
        if need[0]:
            if self.batch_stats:  # (1/σ)·(G − mean(G) − x̂·mean(G·x̂)), with γ inside G
                grad_x = inv_std * (g_hat - g_hat.mean(axis=self.axes, keepdims=True)
                                    - x_hat * (g_hat * x_hat).mean(axis=self.axes, keepdims=True))
            else:
                grad_x = g_hat * inv_std
        sum_axes = _affine_axes(self.affine_shape)
        grads = [grad_x]
        if weight is not None:
            grads.append((g * x_hat).sum(axis=sum_axes).reshape(weight.shape) if need[1] else None)
        if bias is not None:
            grads.append(g.sum(axis=sum_axes).reshape(bias.shape) if need[-1] else None)
        return tuple(grads)


class BatchNorm(_Normalization, Function):
    name = "batch_norm"
    derivative = "∂x = (γ/σ)/N·(N·G − ΣG − x̂·Σ(G·x̂)), ∂γ = Σ G·x̂, ∂β = Σ G"
    derivative_running = "∂x = G·γ/σ (running statistics), ∂γ = Σ G·x̂, ∂β = Σ G"


class LayerNorm(_Normalization, Function):
    name = "layer_norm"
    derivative = "∂x = (γ/σ)/N·(N·G − ΣG − x̂·Σ(G·x̂)), ∂γ = Σ G·x̂, ∂β = Σ G"


def update_running_stats(running_mean, running_var, mean, var, count: int, momentum: float) -> None:
    """PyTorch's update, in place: r ← (1 − m)·r + m·s, with the batch mean, and the UNBIASED
    batch variance (σ² × n/(n − 1), n values per channel) for running_var (the normalisation
    itself uses the biased one)."""
    for running, batch in ((running_mean, mean), (running_var, var * (count / (count - 1)))):
        if running is None:
            continue
        target = running.data if isinstance(running, Tensor) else running
        np.copyto(target, (1 - momentum) * target + momentum * batch.reshape(target.shape),
                  casting="same_kind")
        if isinstance(running, Tensor):
            running._version[0] += 1
