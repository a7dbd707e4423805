"""Gradients through time, compared: which models can carry the first input of a long sequence
to its end?

The task: a sequence of T inputs x_t = (v_t, m_t), v_1 ~ N(0, 1), the later v_t small noise
(N(0, 0.1²)), and m_t a marker that is 1 at t = 1 only; the answer is whether v_1 > 0.
Everything after the first step is a distraction, so a model must keep v_1 for T − 1 steps
(a recurrence), or look straight back at step 1 (attention). Four models of the same width read the sequence:

  tanh RNN    h_t = tanh(W_ih x_t + W_hh h_{t−1} + b)          nn.RNNCell
  LSTM        c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)     nn.LSTMCell (forget bias 1)
  GRU         h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}                   nn.GRUCell
  attention   h_t = W x_t; the last step attends over h_1 … h_T  nn.MultiheadAttention

and ‖∂L/∂h_t‖ (viz.gradient_through_time) is measured at initialisation and after training.
The tanh RNN multiplies its gradient by diag(1 − h²) W_hh at every step back, so it shrinks
geometrically; the LSTM's cell state adds (c_t = f ⊙ c_{t−1} + …), so with f near 1 its gradient
travels; attention reaches every step in one hop.

The other side, exploding gradients: a ReLU RNN whose W_hh is 1.5 × the identity (an IRNN,
Le et al. 2015, with too large a gain) multiplies its gradient by 1.5 per step back;
`exploding_gradients()` shows the norms and what nn.utils.clip_grad_norm_ does to the update.
"""
from __future__ import annotations

import numpy as np

from .. import _random
from .. import functional as F
from ..combine import stack
from ..grad_mode import no_grad
from ..nn import GRUCell, Linear, LSTMCell, Module, MultiheadAttention, RNNCell
from ..nn.utils import clip_grad_norm_
from ..optim import SGD, Adam
from ..tensor import Tensor
from .memory_plot import plot_memory_comparison
from .through_time import decay, gradient_through_time

NOISE = 0.1


def first_input_task(examples: int, length: int, seed: int = 0, noise: float = NOISE):
    """(X of shape (T, N, 2), y of shape (N,)): the answer y = [v_1 > 0] of each sequence;
    v_1 ~ N(0, 1), the later v_t ~ N(0, noise²)."""
    rng = np.random.default_rng(seed)
    X = np.zeros((length, examples, 2), dtype=np.float32)
    X[:, :, 0] = noise * rng.standard_normal((length, examples))
    X[0, :, 0] = rng.standard_normal(examples)
    X[0, :, 1] = 1.0
    return X, (X[0, :, 0] > 0).astype(np.int64)


class RecurrentClassifier(Module):
    """A cell read over the sequence, a Linear on h_T. forward(X) → (logits, [h_1 … h_T])."""

    def __init__(self, cell: Module):
        self.cell = cell
        self.head = Linear(cell.hidden_size, 2)

    def forward(self, X, state=None):
        X = X if isinstance(X, Tensor) else Tensor(X)
        states = []
        for t in range(X.shape[0]):
            state = self.cell(X[t], state)
            states.append(state[0] if isinstance(state, tuple) else state)
        return self.head(states[-1]), states


class AttentionClassifier(Module):
    """h_t = W x_t + b for each step; the last step's h_T attends over h_1 … h_T (one head);
    a Linear on the result. forward(X) → (logits, [h_1 … h_T])."""

    def __init__(self, hidden: int):
        self.embed = Linear(2, hidden)
        self.attention = MultiheadAttention(hidden, 1)
        self.head = Linear(hidden, 2)

    def forward(self, X, state=None):
        X = X if isinstance(X, Tensor) else Tensor(X)
        states = [self.embed(X[t]) for t in range(X.shape[0])]
        seq = stack(states, 0)                                     # (T, N, H)
        out, _ = self.attention(states[-1].unsqueeze(0), seq, seq, need_weights=False)
        return self.head(out[0]), states


def build_models(hidden: int = 16, seed: int = 0) -> dict:
    """The four models of the comparison, each initialised as PyTorch would, except the LSTM's
    forget-gate bias: 3 (b_if + b_hf), so that f = σ(3) ≈ 0.95 and the cell keeps what it holds
    for ~20 steps at first (a positive forget bias: Gers et al. 2000, Jozefowicz et al. 2015; one
    as large as ln T: Tallec & Ollivier's chrono initialisation, 2018). PyTorch's default (0)
    halves the cell at every step, and the LSTM then learns this task slowly too."""
    _random.manual_seed(seed)
    lstm = LSTMCell(2, hidden)
    with no_grad():
        for b in (lstm.bias_ih, lstm.bias_hh):
            b.data[hidden:2 * hidden] = 1.5   # f = σ(1.5 + 1.5 + …) ≈ 0.95: the two biases add up to 3
    return {"tanh RNN": RecurrentClassifier(RNNCell(2, hidden)),
            "LSTM": RecurrentClassifier(lstm),
            "GRU": RecurrentClassifier(GRUCell(2, hidden)),
            "attention": AttentionClassifier(hidden)}


def _through_time(model, X, y) -> np.ndarray:
    logits, states = model(X)
    return gradient_through_time(F.cross_entropy(logits, y), states)


def accuracy(model, X, y) -> float:
    with no_grad():
        logits, _ = model(X)
    return float(np.mean(logits.data.argmax(axis=1) == y))


class MemoryComparison:
    """What memory_comparison() measured: `before[label]`, `after[label]` (‖∂L/∂h_t‖, t = 1 … T),
    `accuracy[label]` on held-out sequences after training, `exploding` (see
    exploding_gradients)."""

    def __init__(self, before, after, accuracy, length, steps, exploding=None):
        self.before, self.after, self.accuracy = before, after, accuracy
        self.length, self.steps, self.exploding = length, steps, exploding

    def decays(self, when: str = "before") -> dict:
        """{label: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖}: how much of the gradient reaches the first step."""
        return {label: decay(norms) for label, norms in getattr(self, when).items()}

    def table(self) -> str:
        lines = [f"first-input task, T = {self.length}: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ and accuracy after "
                 f"{self.steps} Adam steps"]
        for label in self.before:
            lines.append(f"  {label:9s}  at init {decay(self.before[label]):8.1e}   trained "
                         f"{decay(self.after[label]):8.1e}   accuracy {self.accuracy[label]:.0%}")
        if self.exploding is not None:
            lines.append(self.exploding.summary())
        return "\n".join(lines)

    def plot(self, path=None):
        return plot_memory_comparison(self, path)


def memory_comparison(length: int = 30, hidden: int = 16, steps: int = 100, lr: float = 0.005,
                      examples: int = 64, seed: int = 0, exploding: bool = True) -> MemoryComparison:
    """Train each model of build_models() with Adam on the first-input task, measuring
    ‖∂L/∂h_t‖ on a fixed batch before and after; the accuracy on 512 held-out sequences."""
    X, y = first_input_task(examples, length, seed)
    X_test, y_test = first_input_task(512, length, seed + 1)
    before, after, acc = {}, {}, {}
    for label, model in build_models(hidden, seed).items():
        before[label] = _through_time(model, X, y)
        optimizer = Adam(model.parameters(), lr=lr)
        for step in range(steps):
            Xb, yb = first_input_task(examples, length, seed + 100 + step)
            logits, _ = model(Xb)
            loss = F.cross_entropy(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        after[label] = _through_time(model, X, y)
        acc[label] = accuracy(model, X_test, y_test)
    return MemoryComparison(before, after, acc, length, steps,
                            exploding_gradients(length, hidden, seed=seed) if exploding else None)


class ExplodingGradients:
    """A ReLU RNN with W_hh = gain × I: `norms` (‖∂L/∂h_t‖), the total norm of
    the parameters' gradient, and the loss after one SGD step without and with
    nn.utils.clip_grad_norm_ (which rescales every gradient by max_norm / ‖∇θ‖ when ‖∇θ‖ is
    larger: the step keeps its direction and its length is capped)."""

    def __init__(self, gain, norms, total_norm, max_norm, loss, loss_plain, loss_clipped, lr):
        self.gain, self.norms, self.total_norm, self.max_norm = gain, norms, total_norm, max_norm
        self.loss, self.loss_plain, self.loss_clipped, self.lr = loss, loss_plain, loss_clipped, lr

    def summary(self) -> str:
        return (f"exploding: ReLU RNN, W_hh = {self.gain:g} I: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = "
                f"{decay(self.norms):.1e}, ‖∇θ‖ = {self.total_norm:.2e}; one SGD step (lr {self.lr:g}) takes the "
                f"loss {self.loss:.3g} → {self.loss_plain:.3g}; after clip_grad_norm_(…, {self.max_norm:g}) "
                f"→ {self.loss_clipped:.3g}")


def exploding_gradients(length: int = 30, hidden: int = 16, gain: float = 1.5, max_norm: float = 1.0,
                        lr: float = 0.1, seed: int = 0) -> ExplodingGradients:
    X, y = first_input_task(128, length, seed)
    losses = {}
    for clip in (False, True):
        _random.manual_seed(seed)
        model = RecurrentClassifier(RNNCell(2, hidden, nonlinearity="relu"))
        with no_grad():
            model.cell.weight_hh.data[...] = gain * np.eye(hidden)
        with np.errstate(over="ignore", invalid="ignore"):  # the unclipped step overflows: the point
            logits, states = model(X)
            loss = F.cross_entropy(logits, y)
            norms = gradient_through_time(loss, states)
            loss.backward()
            total = clip_grad_norm_(model.parameters(), max_norm if clip else float("inf")).item()
            SGD(model.parameters(), lr=lr).step()
            with no_grad():
                losses[clip] = F.cross_entropy(model(X)[0], y).item()
    return ExplodingGradients(gain, norms, total, max_norm, loss.item(), losses[False], losses[True], lr)
