"""Write the course notebooks (`*.ipynb`, without outputs) from the cells below.

    python notebooks/build.py        # after editing a cell here

The notebooks are the files learners open; this script is only their source, so that a change
to a cell is reviewed as Python rather than as notebook JSON. tests/commands/test_notebooks.py runs every
notebook top to bottom in a real Jupyter kernel and checks what its cells show.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str):
    return new_code_cell(text.strip())


NOTEBOOKS = {}

NOTEBOOKS["01_first_steps"] = [
    md("""
# First steps: a tensor, backward, and the graph

A `Tensor` is a numpy array that remembers the operation that made it. Calling `backward()` on
a result walks those records in reverse and fills in `.grad` — for the parameters **and** for
every intermediate result, so you can compare each one with what you derived by hand.
"""),
    code("""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz

x = Tensor([[1.0, 2.0, 3.0]], name="x")
w = Tensor([[0.5], [-1.0], [0.25]], requires_grad=True, name="w")
z = (x @ w).named("z")              # z = x·w
a = z.sigmoid().named("a")          # a = σ(z)
loss = ((a - 1.0) ** 2).sum().named("loss")
loss.backward()
print("loss   =", loss.item())
print("dL/da  =", a.grad.numpy())
print("dL/dz  =", z.grad.numpy())
print("dL/dw  =", w.grad.numpy().ravel())
"""),
    md("""
## The same numbers by hand

With L = (a − 1)², a = σ(z), z = x·w, the chain rule gives
∂L/∂a = 2(a − 1), ∂L/∂z = ∂L/∂a · σ(z)(1 − σ(z)), ∂L/∂w = xᵀ · ∂L/∂z.
"""),
    code("""
a_ = 1 / (1 + np.exp(-(x.numpy() @ w.numpy())))
dA = 2 * (a_ - 1)
dZ = dA * a_ * (1 - a_)
dW = x.numpy().T @ dZ
for name, mine, auto in [("dL/da", dA, a.grad), ("dL/dz", dZ, z.grad), ("dL/dw", dW, w.grad)]:
    print(f"{name}: by hand {mine.ravel()}  autograd {auto.numpy().ravel()}  agree: {np.allclose(mine, auto.numpy())}")
"""),
    md("""
## The backprop graph

Each box is a tensor (its name, shape, values and gradient), each ellipse an op with its local
derivative. `color_by="grad"` shades every tensor by the size of its gradient.
"""),
    code("""
viz.draw_graph(loss, color_by="grad")
"""),
    md("""
## A small network, trained

`nn` and `optim` follow PyTorch: a model is a `Module`, an optimizer steps its parameters.
"""),
    code("""
from tinygrad_edu import nn, optim

tg.manual_seed(0)
X = Tensor([[0., 0], [0, 1], [1, 0], [1, 1]])
y = Tensor([[0.], [1], [1], [0]])
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
opt = optim.Adam(model.parameters(), lr=0.05)
for _ in range(300):
    opt.zero_grad()
    loss = F.binary_cross_entropy(model(X), y)
    loss.backward()
    opt.step()
print(f"final loss {loss.item():.4f}; predictions {model(X).numpy().ravel().round(2)}")
"""),
]

NOTEBOOKS["02_writeups_and_errata"] = [
    md("""
# Three write-ups, their formulas checked, and their errata

tinygrad_edu rebuilds the networks of three popular "backprop from scratch" write-ups from
tensor ops, in each write-up's own notation, and compares every gradient their hand-derived
formulas give with what autograd computes.
"""),
    code("""
from tinygrad_edu.documents import NETWORKS, compare, format_table

for key, network in NETWORKS.items():
    rows = compare(key)
    print(network.TITLE)
    print(format_table(rows))
    print("all agree:", all(row.ok for row in rows), end="\\n\\n")
"""),
    md("""
## The errata

Each erratum below is shown by running the write-up's code as written (kept in
`tinygrad_edu/documents/as_written/`), not by quoting it.
"""),
    code("""
from tinygrad_edu.documents import errata

found = errata.collect()
print(len(found), "errata")
for e in found[:5]:
    print("-", e.title)
"""),
]

NOTEBOOKS["03_check_your_derivation"] = [
    md("""
# Check your own derivation

A two-layer ReLU network with a softmax cross-entropy loss (as in CS231n's assignment). We
derive its backward pass by hand in numpy, then let `tg.check_gradients` compare every formula
with autograd — and see what it says when a formula is wrong.
"""),
    code("""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz

N, D, H, C = 50, 4, 10, 3
rng = np.random.default_rng(0)
X = Tensor(rng.standard_normal((N, D)), name="X")
y = rng.integers(C, size=N)
W1 = Tensor(0.5 * rng.standard_normal((D, H)), requires_grad=True, name="W1")
b1 = Tensor(0.1 * rng.standard_normal(H), requires_grad=True, name="b1")
W2 = Tensor(0.5 * rng.standard_normal((H, C)), requires_grad=True, name="W2")
b2 = Tensor(0.1 * rng.standard_normal(C), requires_grad=True, name="b2")

z1 = (X @ W1 + b1).named("z1")
h = z1.relu().named("h")
scores = (h @ W2 + b2).named("scores")
loss = F.cross_entropy(scores, y)
"""),
    md("The backward pass by hand: dscores = (probs − onehot)/N, dW2 = hᵀ dscores, "
       "dh = dscores W2ᵀ, dz1 = dh where z1 > 0 …"),
    code("""
s = scores.numpy()
probs = np.exp(s - s.max(axis=1, keepdims=True))
probs /= probs.sum(axis=1, keepdims=True)
dscores = (probs - np.eye(C)[y]) / N
dW2, db2 = h.numpy().T @ dscores, dscores.sum(axis=0)
dh = dscores @ W2.numpy().T
dz1 = dh * (z1.numpy() > 0)
dW1, db1 = X.numpy().T @ dz1, dz1.sum(axis=0)

result = tg.check_gradients(loss, {"scores": dscores, "W2": dW2, "b2": db2, "h": dh,
                                   "z1": dz1, "W1": dW1, "b1": db1})
print("all agree:", result.ok)
result
"""),
    md("""
## A slip

Forget the 1/N of the mean loss in dscores: every formula below it inherits the factor, and the
check names it and points at the first wrong row.
"""),
    code("""
wrong = tg.check_gradients(loss, {"scores": dscores * N, "W2": dW2, "h": dh})
print("all agree:", wrong.ok, "| first wrong:", wrong.first_wrong.name)
print(wrong.first_wrong.diagnosis)
"""),
    md("""
## A slip in one local step

Here dh is right but dz1 forgot the ReLU's mask: the check says which step lies between them.
"""),
    code("""
slip = tg.check_gradients(loss, {"h": dh, "z1": dh})
print(slip)
"""),
    code("""
viz.draw_graph(loss, check=slip, show_data=False)
"""),
]

NOTEBOOKS["04_gradient_flow"] = [
    md("""
# Gradient flow: where gradients vanish

A deep network of sigmoids multiplies the gradient by σ'(z) ≤ ¼ at every layer on the way
back, so the first layers learn slowly. The same network with ReLU keeps the gradient's size.
"""),
    code("""
from tinygrad_edu import viz

comparison = viz.vanishing_gradient_comparison()
print(comparison.table())
ratio_sigmoid = comparison.first_last_ratio("sigmoid")
ratio_relu = comparison.first_last_ratio("relu")
print(f"layer 1 / layer 10 gradient norm: sigmoid {ratio_sigmoid:.1e}, relu {ratio_relu:.2f}")
"""),
    code("""
%matplotlib inline
comparison.plot()
"""),
    md("""
## On the graph

The same effect, drawn: shade each tensor of a 6-layer sigmoid network by its gradient norm.
"""),
    code("""
from tinygrad_edu.viz.vanishing import build_deep_network

params, forward = build_deep_network("sigmoid", layers=6, width=4, examples=8)
loss = forward()
loss.backward()
viz.draw_graph(loss, color_by="grad", show_data=False)
"""),
]

NOTEBOOKS["05_cnn"] = [
    md("""
# A convolutional network on handwritten digits

Conv → batch norm → ReLU → max-pool, twice, then dropout and a linear layer: the model of a
course's "convolutions for image classification" chapter, built from tinygrad_edu's layers (the
same names as PyTorch's). Each conv layer is ONE op in the graph, with its own local derivative.
"""),
    code("""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim, viz
from tinygrad_edu.data import batches, load_split
from tinygrad_edu.recipes.progress import Progress

X_train, X_test, y_train, y_test = load_split("digits", test_fraction=0.25, seed=0)
X_train, X_test = X_train.reshape(-1, 1, 8, 8), X_test.reshape(-1, 1, 8, 8)
print("images:", X_train.shape, X_test.shape)


class CNN(nn.Module):
    def __init__(self):
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.pool, self.dropout = nn.MaxPool2d(2), nn.Dropout(0.25)
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool(self.bn1(self.conv1(x)).relu())
        x = self.pool(self.bn2(self.conv2(x)).relu())
        return self.fc(self.dropout(x.flatten(1)))


tg.manual_seed(0)
model = CNN()
print(model)
"""),
    md("Training: the progress bar is tqdm's, shown as a widget in Jupyter."),
    code("""
opt = optim.Adam(model.parameters(), lr=3e-3)
epochs = 12
sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
recorder = viz.GradientFlowRecorder(model)
with Progress(epochs, "digits CNN", True, unit="epoch") as bar:
    for epoch in range(epochs):
        for xb, yb in batches(X_train, y_train, 64, shuffle=True, seed=epoch, drop_last=True):
            opt.zero_grad()
            loss = F.cross_entropy(model(Tensor(xb)), yb)
            loss.backward()
            opt.step()
        recorder.record(loss)
        sched.step()
        bar.step(epoch, loss.item())

model.eval()
with tg.no_grad():
    accuracy = np.mean(model(Tensor(X_test)).numpy().argmax(axis=1) == y_test)
print(f"test accuracy {accuracy:.1%}")
"""),
    md("""
## Gradient flow per layer

The norm of each layer's parameter gradients at the last step of every epoch, and the share of
dead ReLUs. In the graph below, look at `conv1.bias` and `conv2.bias`: they get almost no
gradient, because the batch norm right after each conv subtracts the channel mean, which
removes any constant the bias adds.
"""),
    code("""
print(recorder.table())
"""),
    md("## One training step's backprop graph: one cluster per layer"),
    code("""
model.train()
loss = F.cross_entropy(model(Tensor(X_train[:8])), y_train[:8])
loss.backward()
viz.draw_graph(loss, module=model, color_by="grad")
"""),
]


NOTEBOOKS["06_sequences"] = [
    md("""
# Sequences: a recurrent cell's graph, an LSTM that learns words, attention, a tiny GPT

A recurrent network applies the same cell at every time step, feeding its hidden state forward:
unrolled, it is an ordinary graph, and backpropagation through time is ordinary backprop on it.
Attention replaces the recurrence: every position looks at every earlier one at once, with
weights it computes itself. Everything below runs on tinygrad_edu's tensor ops, on real text
that ships with the package (no download).
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn, viz
from tinygrad_edu.data import load_shakespeare, load_words
from tinygrad_edu.models import generate
from tinygrad_edu.recipes.language import plot_losses, train_char_rnn, train_gpt

tg.manual_seed(0)
cell = nn.RNNCell(input_size=2, hidden_size=3)       # h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
xs = Tensor(np.random.default_rng(0).standard_normal((3, 1, 2)).astype(np.float32), name="x")
h = None
for t in range(3):
    h = cell(xs[t], h).named(f"h{t + 1}")
loss = (h ** 2).sum().named("loss")
loss.backward()
print("the same weight_hh at every step; its gradient sums the three steps':")
print(cell.weight_hh.grad.numpy())
viz.draw_graph(loss, color_by="grad")
"""),
    md("""
## An LSTM learns English words

makemore's recipe: each word is read one character at a time, "." marks its start and end, and
the model predicts the next character. The LSTM's cell state carries what it has seen; after a
few hundred steps on a sample of Webster's word list (2,345 words) it writes words of its own.
"""),
    code("""
words = load_words(full=False)                       # the bundled sample: every 100th word
run = train_char_rnn(words, cell="lstm", embedding_dim=24, hidden_size=64, steps=600, eval_interval=100,
                     batch_size=32, lr=5e-3, progress=True, samples=12)
print(f"{len(words)} words; validation loss {run.evals[0][2]:.3f} -> {run.evals[-1][2]:.3f} nats per character")
print("sampled words:", " ".join(run.samples))
plot_losses(run, title="char LSTM on English words")
"""),
    md("""
## A tiny GPT: token and position embeddings, causal self-attention, a GELU MLP

nanoGPT's architecture, two layers, trained for a little while on 45 KB of Hamlet (the
`text` extra has all 37 plays; `examples/tiny_gpt.py --recipe` is nanoGPT's full CPU recipe).
"""),
    code("""
run = train_gpt(load_shakespeare(full=False), max_iters=400, n_layer=2, n_head=4, n_embd=48, block_size=32,
                batch_size=16, lr=3e-3, min_lr=3e-4, warmup_iters=20, eval_interval=100, eval_iters=5,
                progress=True, sample_tokens=200)
gpt, tok = run.model, run.tokenizer
print(f"{gpt.num_parameters():,} parameters; validation loss {run.evals[0][2]:.3f} -> {run.evals[-1][2]:.3f}")
print("sampled:")
print(run.samples)
"""),
    md("""
## Attention weights as a heat map

Row t is how much position t draws from each position ≤ t (each row sums to 1; the future is
masked out, so the upper triangle is empty). Each head learns its own pattern.
"""),
    code("""
phrase = "To be, or not to be: that is the"[:gpt.config.block_size]
attention = gpt.transformer.h[0].attn
attention.keep_weights = True
with tg.no_grad():
    gpt.eval()
    gpt(tok.encode(phrase)[None, :])
attention.keep_weights = False
weights = attention.weights[0]                        # (heads, T, T)
print("rows sum to 1:", np.allclose(weights.sum(-1), 1), "| nothing above the diagonal:",
      bool((np.triu(weights, 1) == 0).all()))
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for head, ax in enumerate(axes):
    ax.imshow(weights[head], cmap="viridis")
    ax.set_xticks(range(len(phrase)), list(phrase), fontsize=7)
    ax.set_yticks(range(len(phrase)), list(phrase), fontsize=7)
    ax.set_title(f"layer 0, head {head}")
fig.tight_layout()
"""),
    md("## Sampling: temperature and top-k"),
    code("""
tg.manual_seed(1)
for temperature in (0.5, 1.0):
    start = tok.encode("HAMLET:\\n")[None, :]
    text = tok.decode(generate(gpt, start, 120, temperature=temperature, top_k=10)[0])
    print(f"--- temperature {temperature}:")
    print(text)
"""),
]

NOTEBOOKS["07_watching_learning"] = [
    md("""
# Watching a network learn: gradients through time, and a monitor that names what is wrong

Two views of where gradients vanish or explode. **Through time**: how much of the loss's
gradient reaches each step of a recurrence, ‖∂L/∂h_t‖. **During training**: the statistics of
Karpathy's makemore lecture on activations and gradients, recorded every step and read out in
sentences by `viz.TrainingMonitor`.
"""),
    md("""
## Through time, on your own recurrence

Keep each step's h_t in a list as the loop makes it; `viz.gradient_through_time` returns
‖∂L/∂h_t‖ for t = 1 … T (no `.grad` is touched).
"""),
    code("""
%matplotlib inline
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, viz

tg.manual_seed(0)
T, batch = 25, 16
cell, head = nn.RNNCell(2, 16), nn.Linear(16, 2)
xs = np.random.default_rng(0).standard_normal((T, batch, 2)).astype(np.float32)
y = (xs[0, :, 0] > 0).astype(np.int64)        # the answer is in the first input
hs, h = [], None
for t in range(T):
    h = cell(Tensor(xs[t]), h)
    hs.append(h)
loss = F.cross_entropy(head(h), y)
norms = viz.gradient_through_time(loss, hs)
print(f"tanh RNN: ‖∂L/∂h_1‖ = {norms[0]:.1e}, ‖∂L/∂h_T‖ = {norms[-1]:.1e}, ratio {norms[0] / norms[-1]:.1e}")
"""),
    code("""
viz.plot_gradient_through_time({"tanh RNN (PyTorch's init)": norms})
"""),
    md("""
## Four models on the same task

`viz.memory_comparison()` trains a tanh RNN, an LSTM, a GRU and an attention layer on a task
whose answer is the first of 30 inputs, and measures ‖∂L/∂h_t‖ before and after (here a short
run of 30 Adam steps; the docs' picture uses 100). The third panel: exploding gradients, and
what `nn.utils.clip_grad_norm_` does to the step.
"""),
    code("""
comparison = viz.memory_comparison(steps=30, examples=32)
print(comparison.table())
"""),
    code("""
comparison.plot()
"""),
    md("""
## During training: the monitor

A tanh MLP on the digits with a careless initialisation (every weight ~ N(0, 1)), then fixed one
step at a time. Each network is trained alike with a `TrainingMonitor` recording every step;
`diagnose()` names what it saw.
"""),
    code("""
from tinygrad_edu.recipes import fix_step_by_step, stages_table

stages = fix_step_by_step(epochs=2)
print(stages_table(stages))
"""),
    code("""
careless = stages[0]
for finding in careless.findings:
    print(f"{finding.kind} ({finding.where}): {finding.message}")
print("after gain/√fan_in:", stages[2].findings)
"""),
    md("In Jupyter the monitor shows itself as a table of its last step, with its findings:"),
    code("""
careless.monitor
"""),
    code("""
careless.monitor.plot()
"""),
]


def build() -> list[Path]:
    written = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print("wrote", path.relative_to(HERE.parent))
