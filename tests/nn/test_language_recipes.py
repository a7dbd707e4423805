"""The sequence models' sampling and the training recipes, on the bundled samples and tiny sizes:
they learn (the validation loss falls), the same seed gives the same run, sampling follows
tg.manual_seed, and nanoGPT's learning-rate schedule is nanoGPT's."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import CharTokenizer, load_shakespeare, load_words
from tinygrad_edu.models import GPT, CharRNN, GPTConfig, generate, sample_next
from tinygrad_edu.recipes.language import NANOGPT_CPU, cosine_lr, plot_losses, recipe, train_char_rnn, train_gpt


def test_sample_next_draws_from_softmax_with_temperature_and_top_k():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]))
    tg.manual_seed(0)
    draws = np.stack([sample_next(logits) for _ in range(4000)])
    assert draws.shape == (4000, 2) and draws.dtype == np.int64
    np.testing.assert_allclose(np.bincount(draws[:, 0], minlength=3) / 4000, [0.1, 0.2, 0.7], atol=0.03)
    cold = np.stack([sample_next(logits, temperature=0.05) for _ in range(200)])
    assert (cold[:, 0] == 2).all() and (cold[:, 1] == 0).all()
    top1 = np.stack([sample_next(logits, top_k=1) for _ in range(100)])
    assert (top1[:, 0] == 2).all()
    top2 = np.stack([sample_next(logits, top_k=2) for _ in range(400)])
    assert set(top2[:, 0]) == {1, 2}
    tg.manual_seed(3)
    a = sample_next(logits)
    tg.manual_seed(3)
    np.testing.assert_array_equal(a, sample_next(logits))
    with pytest.raises(ValueError, match="temperature must be > 0"):
        sample_next(logits, temperature=0)


def test_generate_extends_and_respects_the_block():
    tg.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=7, block_size=4, n_layer=1, n_head=2, n_embd=8))
    out = generate(model, np.array([[1, 2]]), 6, top_k=3)
    assert out.shape == (1, 8) and out.dtype == np.int64 and (out[:, :2] == [1, 2]).all()
    assert out.min() >= 0 and out.max() < 7
    assert model.training   # back in training mode afterwards


def test_char_rnn_samples_words_that_end():
    tg.manual_seed(0)
    model = CharRNN(5, embedding_dim=3, hidden_size=4, cell="gru")
    words = model.sample_words(6, max_length=7)
    assert len(words) == 6 and all(len(w) <= 7 and (w != 0).all() for w in words)


def test_cosine_lr_is_nanogpts_schedule():
    assert cosine_lr(0, 2000, 1e-3, 1e-4, 100) == pytest.approx(1e-3 / 101)
    assert cosine_lr(99, 2000, 1e-3, 1e-4, 100) == pytest.approx(1e-3 * 100 / 101)
    assert cosine_lr(100, 2000, 1e-3, 1e-4, 100) == pytest.approx(1e-3)
    assert cosine_lr(1050, 2000, 1e-3, 1e-4, 100) == pytest.approx(1e-4 + 0.5 * 0.9e-3)
    assert cosine_lr(2000, 2000, 1e-3, 1e-4, 100) == pytest.approx(1e-4)
    assert recipe(n_layer=2)["n_layer"] == 2 and NANOGPT_CPU["n_layer"] == 4
    with pytest.raises(TypeError, match="unknown recipe keys"):
        recipe(layers=2)


def test_train_char_rnn_learns_words_and_repeats_with_the_seed():
    words = load_words(full=False)[:600]
    runs = [train_char_rnn(words, cell="lstm", embedding_dim=8, hidden_size=16, steps=60, eval_interval=30,
                           batch_size=16, lr=1e-2, samples=4, seed=2) for _ in range(2)]
    first, last = runs[0].evals[0][2], runs[0].evals[-1][2]
    assert last < first - 0.4 and first == pytest.approx(math.log(27), abs=0.3)   # from uniform guessing
    assert runs[0].losses == runs[1].losses and runs[0].samples == runs[1].samples
    assert len(runs[0].samples) == 4 and all(set(w) <= set("abcdefghijklmnopqrstuvwxyz") for w in runs[0].samples)
    assert runs[0].seconds > 0 and [e[0] for e in runs[0].evals] == [0, 30, 60]


def test_train_gpt_learns_text_and_starts_from_given_weights(tmp_path):
    text = load_shakespeare(full=False)[:8000]
    small = {"n_layer": 1, "n_head": 2, "n_embd": 16, "block_size": 16, "batch_size": 8, "eval_interval": 20,
             "eval_iters": 3, "warmup_iters": 5, "lr": 3e-3}
    run = train_gpt(text, max_iters=40, sample_tokens=30, **small)
    assert run.evals[-1][2] < run.evals[0][2] - 0.5
    assert len(run.samples) == 30 and set(run.samples) <= set(CharTokenizer(text).chars)
    again = train_gpt(text, max_iters=3, sample_tokens=0, initial=run.model.state_dict(), **small)
    assert again.losses[0] == pytest.approx(run.model.loss(*_first_batch(text, small)).item(), rel=1e-5)
    pytest.importorskip("matplotlib")
    assert plot_losses(run, tmp_path / "loss.png") is not None and (tmp_path / "loss.png").stat().st_size > 1000


def _first_batch(text, r):
    """The batch nanogpt_loop draws first for seed 1337."""
    from tinygrad_edu.data import get_batch, train_val_split
    tok = CharTokenizer(text)
    train, _ = train_val_split(tok.encode(text), 0.9)
    return get_batch(train, r["block_size"], r["batch_size"], np.random.default_rng(1337))
