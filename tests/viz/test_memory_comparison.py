"""viz.memory_comparison: the first-input task's gradients through time — the tanh RNN's
vanish, the LSTM's (forget bias 3) and attention's do not — and the exploding case."""
import warnings

import numpy as np
import pytest

from tinygrad_edu.viz.memory_task import (
    build_models,
    exploding_gradients,
    first_input_task,
    memory_comparison,
)
from tinygrad_edu.viz.through_time import decay


def test_the_task_answers_with_the_first_input():
    X, y = first_input_task(50, 12, seed=3)
    assert X.shape == (12, 50, 2) and X.dtype == np.float32
    assert np.array_equal(y, (X[0, :, 0] > 0).astype(np.int64))
    assert np.all(X[0, :, 1] == 1) and np.all(X[1:, :, 1] == 0)
    assert np.abs(X[1:, :, 0]).max() < 1.0 < np.abs(X[0, :, 0]).max()


def test_parameters_are_named_as_pytorch_layers():
    models = build_models(hidden=8)
    assert {n for n, _ in models["LSTM"].named_parameters()} == {
        "cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh", "head.weight", "head.bias"}
    forget = models["LSTM"].cell.bias_ih.data[8:16] + models["LSTM"].cell.bias_hh.data[8:16]
    assert np.allclose(forget, 3.0)
    assert "attention.in_proj_weight" in dict(models["attention"].named_parameters())


def test_at_initialisation_the_tanh_rnn_vanishes_and_the_lstm_does_not():
    c = memory_comparison(length=30, steps=0, exploding=False)
    d = c.decays("before")
    assert d["tanh RNN"] < 1e-6          # falls by more than six orders of magnitude
    assert d["LSTM"] > 1e-2              # keeps a useful share of it
    assert d["GRU"] < 1e-3               # PyTorch's init: z ≈ ½ halves it at every step
    assert 0.1 < d["attention"] < 10     # one hop to every step
    assert np.all(np.diff(np.log(c.before["tanh RNN"])) > 0)  # shrinking at every step back


def test_after_training_the_lstm_and_attention_learn_and_the_tanh_rnn_does_not():
    c = memory_comparison(length=30, steps=40, exploding=False)
    assert c.accuracy["LSTM"] >= 0.85 and c.accuracy["attention"] >= 0.85
    assert c.accuracy["tanh RNN"] <= 0.65
    assert c.decays("after")["LSTM"] > 1e-2 > 1e-4 > c.decays("after")["tanh RNN"]
    assert "accuracy" in c.table() and "tanh RNN" in c.table()


def test_exploding_gradients_and_what_clipping_does():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow of the unclipped step is expected, not a warning
        ex = exploding_gradients(length=30)
    assert decay(ex.norms) > 1e3                     # grows going back in time
    assert ex.total_norm > 1e4
    assert not np.isfinite(ex.loss_plain) or ex.loss_plain > ex.loss  # the plain step blows up
    assert np.isfinite(ex.loss_clipped) and ex.loss_clipped < ex.loss  # the clipped one helps
    assert "clip_grad_norm_" in ex.summary()


def test_plot(tmp_path):
    pytest.importorskip("matplotlib")
    c = memory_comparison(length=10, steps=2, hidden=4, examples=8)
    fig = c.plot(tmp_path / "memory.png")
    assert (tmp_path / "memory.png").stat().st_size > 20_000
    assert len(fig.axes) == 3 and all(ax.get_yscale() == "log" for ax in fig.axes)
    legend = " ".join(t.get_text() for t in fig.axes[1].get_legend().get_texts())
    assert "accuracy" in legend and "LSTM" in legend
