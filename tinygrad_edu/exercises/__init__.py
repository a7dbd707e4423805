"""Exercises a teacher hands out: a file with the forward pass written (named tensors) and a
TODO for each gradient to derive, graded by `tinygrad-edu check FILE`.

    EXERCISES["attention"].asks          # what it asks, one line
    EXERCISES["attention"].text()        # the file's text
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Exercise:
    name: str
    asks: str

    @property
    def template(self) -> Path:
        return TEMPLATES / (self.name.replace("-", "_") + ".py")

    def text(self) -> str:
        return self.template.read_text(encoding="utf-8")


EXERCISES = {e.name: e for e in (
    Exercise("two-layer-tanh", "write-up 000: a tanh/sigmoid network with mean BCE, columns are examples; "
             "∂J/∂ of A2, Z2, W2, b2, A1, Z1, W1, b1"),
    Exercise("l-layer-sigmoid", "write-up 001: three sigmoid layers (two square), mean BCE, columns are "
             "examples; ∂J/∂ of every A, Z, W, b"),
    Exercise("sum-of-squares", "write-up 002: two sigmoid layers, no biases, rows are examples, loss "
             "Σ(y − output)²; ∂L/∂ of output, z2, weights2, layer1, z1, weights1"),
    Exercise("backprop-ninja", "an MLP with an embedding, batch norm, tanh and a hand-written "
             "cross-entropy, rows are examples; every one of its 26 intermediates"),
    Exercise("softmax-cross-entropy", "a linear layer and cross-entropy in one step: ∂J/∂logits = "
             "(p − y)/N, then W and b"),
    Exercise("layer-norm", "layer norm step by step (mean, centring, variance, 1/√, scale and "
             "shift); every intermediate and the input"),
    Exercise("conv2d", "one conv2d layer (stride 1, padding 1): ∂J/∂ of the weights, the bias "
             "and the input"),
    Exercise("max-pool", "2×2 max pooling: ∂J/∂ of the input"),
    Exercise("rnn-bptt", "backpropagation through time in a tanh RNN over 4 steps: every hidden "
             "state and pre-activation, then W_hh, W_xh, b"),
    Exercise("lstm-cell", "one LSTM cell step, the four gates i, f, g, o: ∂J/∂ of h's parts, c, "
             "the gates, the weights, c_prev and h_prev"),
    Exercise("attention", "one causal self-attention head (scores, scale 1/√d, mask, softmax, "
             "weighted sum): every step, the three projections and the input"),
)}
