"""Training runs for the sequence models, shared by the examples, the notebook, the docs and
the PyTorch comparison (benchmarks/gpt_recipe.py):

    run = train_gpt(max_iters=2000)          # nanoGPT's CPU recipe on Shakespeare (4 layers, 4 heads,
    print(run.evals[-1], run.samples)        #   128 wide, block 64, batch 12, AdamW, cosine schedule)
    run = train_char_rnn(cell="lstm")        # makemore-style: English words in, new words out

Everything random (initial weights, batches, dropout, sampling) follows `seed`: the same seed
gives the same run. Times are CPU seconds of this process (time.process_time: on a shared
machine the wall clock also counts the time spent waiting for a core).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .. import _random, nn, optim
from ..data import text as text_data
from ..grad_mode import no_grad
from ..models import GPT, CharRNN, GPTConfig, generate
from ..viz.figures import finished as _finished
from ..viz.figures import pyplot as _pyplot
from .progress import Progress
from .threads import one_blas_thread


@dataclass
class LanguageRun:
    model: nn.Module
    tokenizer: text_data.CharTokenizer
    losses: list = field(default_factory=list)    # the training loss of every iteration
    evals: list = field(default_factory=list)     # (iteration, train loss, validation loss)
    seconds: float = 0.0                          # CPU time of the training steps
    eval_seconds: float = 0.0                     # CPU time of the evaluations
    samples: str | list = ""                      # text (GPT) or words (char-RNN) sampled at the end

    @property
    def val_loss(self) -> float:
        return self.evals[-1][2]


# --- nanoGPT's recipe ------------------------------------------------------------------------------

NANOGPT_CPU = {"n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 64, "batch_size": 12,
               "max_iters": 2000, "dropout": 0.0, "lr": 1e-3, "min_lr": 1e-4, "warmup_iters": 100,
               "weight_decay": 0.1, "betas": (0.9, 0.99), "grad_clip": 1.0, "eval_interval": 250,
               "eval_iters": 20}


def cosine_lr(it: int, max_iters: int, lr: float, min_lr: float, warmup_iters: int) -> float:
    """nanoGPT's schedule: linear warm-up over warmup_iters, then cosine decay to min_lr at max_iters."""
    if it < warmup_iters:
        return lr * (it + 1) / (warmup_iters + 1)
    if it > max_iters:
        return min_lr
    ratio = (it - warmup_iters) / max(1, max_iters - warmup_iters)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr - min_lr)


def shakespeare_data(text: str | None = None) -> tuple:
    """(tokenizer, train tokens, validation tokens): the plays (or `text`), 90 % / 10 %."""
    text = text_data.load_shakespeare() if text is None else text
    tokenizer = text_data.CharTokenizer(text)
    train, val = text_data.train_val_split(tokenizer.encode(text), 0.9)
    return tokenizer, train, val


def estimate_loss(loss_of_batch, splits: dict, block_size: int, batch_size: int, iters: int,
                  rng: np.random.Generator) -> dict:
    """nanoGPT's estimate: the mean loss over `iters` random batches of each split."""
    return {name: float(np.mean([loss_of_batch(*text_data.get_batch(data, block_size, batch_size, rng))
                                 for _ in range(iters)]))
            for name, data in splits.items()}


def recipe(**overrides) -> dict:
    """NANOGPT_CPU with some keys changed (a TypeError names an unknown key)."""
    unknown = set(overrides) - set(NANOGPT_CPU)
    if unknown:
        raise TypeError(f"unknown recipe keys {sorted(unknown)}; known: {sorted(NANOGPT_CPU)}")
    return {**NANOGPT_CPU, **overrides}


def nanogpt_loop(train_step, batch_loss, set_lr, train, val, r: dict, seed: int, progress: bool,
                 run: LanguageRun, desc: str = "tiny GPT") -> LanguageRun:
    """nanoGPT's training loop, for any engine: every eval_interval iterations (and at the end)
    the mean of `batch_loss(x, y)` over eval_iters batches of each split; each iteration
    `set_lr(lr)`, then `train_step(x, y)` (forward, backward, clipping, the optimizer's step;
    returns the loss) on a batch. Batches are drawn from numpy generators seeded by `seed`, so
    two engines given the same seed see the same batches."""
    batch_rng, eval_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    max_iters = r["max_iters"]

    def evaluate(it):
        start = time.process_time()
        est = estimate_loss(batch_loss, {"train": train, "val": val}, r["block_size"], r["batch_size"],
                            r["eval_iters"], eval_rng)
        run.evals.append((it, est["train"], est["val"]))
        run.eval_seconds += time.process_time() - start

    with Progress(max_iters, desc, progress, unit="iter", postfix_every=10) as bar:
        for it in range(max_iters):
            if it % r["eval_interval"] == 0:
                evaluate(it)
            start = time.process_time()
            set_lr(cosine_lr(it, max_iters, r["lr"], r["min_lr"], r["warmup_iters"]))
            run.losses.append(train_step(*text_data.get_batch(train, r["block_size"], r["batch_size"], batch_rng)))
            run.seconds += time.process_time() - start
            bar.step(it, run.losses[-1])
    evaluate(max_iters)
    return run


def gpt_for(tokenizer, r: dict) -> GPT:
    return GPT(GPTConfig(vocab_size=tokenizer.vocab_size, block_size=r["block_size"], n_layer=r["n_layer"],
                         n_head=r["n_head"], n_embd=r["n_embd"], dropout=r["dropout"]))


def train_gpt(text: str | None = None, max_iters: int = 2000, seed: int = 1337, progress: bool = False,
              sample_tokens: int = 300, temperature: float = 0.8, top_k: int | None = None, initial: dict | None = None,
              **overrides) -> LanguageRun:
    """Train a GPT with nanoGPT's CPU recipe (NANOGPT_CPU; any of its keys can be overridden,
    e.g. n_layer=2, eval_interval=100) on the plays, and sample `sample_tokens` characters.
    `initial`: a state_dict to start from (else the seed's initialisation)."""
    r = recipe(**overrides, max_iters=max_iters)
    tokenizer, train, val = shakespeare_data(text)
    _random.manual_seed(seed)
    model = gpt_for(tokenizer, r)
    if initial is not None:
        model.load_state_dict(initial)
    opt = model.configure_optimizer(lr=r["lr"], weight_decay=r["weight_decay"], betas=r["betas"])

    def train_step(x, y) -> float:
        loss = model.loss(x, y)
        opt.zero_grad()
        loss.backward()
        if r["grad_clip"]:
            nn.utils.clip_grad_norm_(model.parameters(), r["grad_clip"])
        opt.step()
        return loss.item()

    def batch_loss(x, y) -> float:
        model.eval()
        with no_grad():
            loss = model.loss(x, y).item()
        model.train()
        return loss

    def set_lr(lr):
        for group in opt.param_groups:
            group["lr"] = lr

    with one_blas_thread():
        run = nanogpt_loop(train_step, batch_loss, set_lr, train, val, r, seed, progress, LanguageRun(model, tokenizer))
        if sample_tokens:
            start = np.array([tokenizer.encode("\n")])
            run.samples = tokenizer.decode(generate(model, start, sample_tokens, temperature, top_k)[0, 1:])
    return run


# --- makemore's words -----------------------------------------------------------------------------

def train_char_rnn(words: list | None = None, cell: str = "lstm", embedding_dim: int = 32, hidden_size: int = 128,
                   steps: int = 1500, batch_size: int = 32, lr: float = 3e-3, eval_interval: int = 250,
                   seed: int = 0, progress: bool = False, samples: int = 12, temperature: float = 1.0) -> LanguageRun:
    """Train a CharRNN (Embedding → LSTM/GRU/RNN → Linear) on words with Adam: each step a
    random batch of words, trimmed to its longest; the validation loss is over held-out words
    (10 %, at most 1,000). Samples `samples` new words at the end."""
    words = text_data.load_words() if words is None else list(words)
    rng = np.random.default_rng(seed)
    words = [words[i] for i in rng.permutation(len(words))]
    held_out = min(1000, len(words) // 10)
    data = text_data.word_sequences(words)
    lengths = np.array([len(w) + 1 for w in words])
    train = slice(held_out, None)
    val_x, val_y = data.x[:held_out], data.y[:held_out]
    _random.manual_seed(seed)
    model = CharRNN(data.tokenizer.vocab_size, embedding_dim, hidden_size, cell=cell)
    opt = optim.Adam(model.parameters(), lr=lr)
    run = LanguageRun(model, data.tokenizer)
    train_x, train_y, train_len = data.x[train], data.y[train], lengths[train]

    def evaluate(it):
        start = time.process_time()
        model.eval()
        with no_grad():
            val = float(np.mean([model.loss(val_x[i:i + 250], val_y[i:i + 250]).item()
                                 for i in range(0, len(val_x), 250)]))
        model.train()
        run.evals.append((it, float(np.mean(run.losses[-eval_interval:])) if run.losses else float("nan"), val))
        run.eval_seconds += time.process_time() - start

    with one_blas_thread(), Progress(steps, f"char {cell.upper()}", progress, unit="step", postfix_every=10) as bar:
        for it in range(steps):
            if it % eval_interval == 0:
                evaluate(it)
            start = time.process_time()
            rows = rng.integers(0, len(train_x), batch_size)
            width = train_len[rows].max()
            loss = model.loss(train_x[rows, :width], train_y[rows, :width])
            opt.zero_grad()
            loss.backward()
            opt.step()
            run.losses.append(loss.item())
            run.seconds += time.process_time() - start
            bar.step(it, run.losses[-1])
        evaluate(steps)
        if samples:
            run.samples = [data.tokenizer.decode(w) for w in model.sample_words(samples, temperature=temperature)]
    return run


# --- the loss curve ---------------------------------------------------------------------------------

def plot_losses(run: LanguageRun, path=None, title: str = ""):
    """The training loss of every iteration (light) and the evaluations' train and validation
    losses (marked): saved to `path` (PNG or SVG by the suffix) when given, and returned (shown
    inline in Jupyter); None when matplotlib is not installed."""
    plt = _pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(np.arange(len(run.losses)), run.losses, lw=0.6, alpha=0.45, label="training batch")
    if run.evals:
        its, tr, va = zip(*run.evals)
        ax.plot(its, tr, "o-", ms=3, label="train (estimate)")
        ax.plot(its, va, "s-", ms=3, label="validation")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _finished(fig, path)
    plt.close(fig)   # returned, it is shown once in Jupyter (not also as an open figure)
    return fig
