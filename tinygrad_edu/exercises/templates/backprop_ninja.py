"""Exercise backprop-ninja: every intermediate of an MLP with an embedding, batch norm, tanh and a
cross-entropy written out step by step (Karpathy's "becoming a backprop ninja", in this
library's names). The examples are ROWS (a batch of n = 32 contexts of 3 characters):

    emb = C[Xb]                      embcat = emb flattened to (n, 30)
    hprebn = embcat W1 + b1          batch norm over the batch (the rows):
    bnmeani = (1/n) Σ hprebn         bndiff = hprebn − bnmeani      bndiff2 = bndiff²
    bnvar = 1/(n−1) Σ bndiff2        bnvar_inv = (bnvar + 1e-5)^(−1/2)   bnraw = bndiff · bnvar_inv
    hpreact = bngain · bnraw + bnbias     h = tanh(hpreact)      logits = h W2 + b2
    logit_maxes = max over a row     norm_logits = logits − logit_maxes   counts = e^norm_logits
    counts_sum = Σ over a row        counts_sum_inv = 1/counts_sum   probs = counts · counts_sum_inv
    logprobs = log probs             loss = −mean over the batch of logprobs[i, Yb[i]]

Derive ∂loss/∂T for every one of the 26 tensors below (Σ over the batch keeps the axis:
keepdims=True where the forward kept it) and replace its TODO. Then grade it:

    tinygrad-edu check backprop_ninja.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(3)
n, block, vocab, n_embd, n_hidden = 32, 3, 27, 10, 64


def parameter(shape, name, scale, around=0.0):
    values = around + rng.standard_normal(shape) * scale
    return tg.Tensor(values, dtype=DTYPE, requires_grad=True, name=name)


# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
Xb = rng.integers(0, vocab, size=(n, block))     # the contexts (integers: no gradient)
Yb = rng.integers(0, vocab, size=n)              # the next characters
C = parameter((vocab, n_embd), "C", 1.0)
W1, b1 = parameter((block * n_embd, n_hidden), "W1", 0.3), parameter((n_hidden,), "b1", 0.1)
W2, b2 = parameter((n_hidden, vocab), "W2", 0.1), parameter((vocab,), "b2", 0.1)
bngain, bnbias = parameter((1, n_hidden), "bngain", 0.1, 1.0), parameter((1, n_hidden), "bnbias", 0.1)

emb = C[Xb].named("emb")
embcat = emb.reshape(n, -1).named("embcat")
hprebn = (embcat @ W1 + b1).named("hprebn")
bnmeani = ((1 / n) * hprebn.sum(0, keepdims=True)).named("bnmeani")
bndiff = (hprebn - bnmeani).named("bndiff")
bndiff2 = (bndiff ** 2).named("bndiff2")
bnvar = ((1 / (n - 1)) * bndiff2.sum(0, keepdims=True)).named("bnvar")
bnvar_inv = ((bnvar + 1e-5) ** -0.5).named("bnvar_inv")
bnraw = (bndiff * bnvar_inv).named("bnraw")
hpreact = (bngain * bnraw + bnbias).named("hpreact")
h = hpreact.tanh().named("h")
logits = (h @ W2 + b2).named("logits")
logit_maxes = logits.max(1, keepdims=True).named("logit_maxes")
norm_logits = (logits - logit_maxes).named("norm_logits")
counts = norm_logits.exp().named("counts")
counts_sum = counts.sum(1, keepdims=True).named("counts_sum")
counts_sum_inv = (counts_sum ** -1).named("counts_sum_inv")
probs = (counts * counts_sum_inv).named("probs")
logprobs = probs.log().named("logprobs")
loss = (-logprobs[np.arange(n), Yb].mean()).named("loss")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
(C, W1, b1, W2, b2, bngain, bnbias, emb, embcat, hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvar_inv,
 bnraw, hpreact, h, logits, logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs,
 logprobs) = (t.numpy() for t in (
    C, W1, b1, W2, b2, bngain, bnbias, emb, embcat, hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvar_inv,
    bnraw, hpreact, h, logits, logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs,
    logprobs))

# ── your derivation: replace each TODO by ∂loss/∂(that tensor), a numpy array of its shape ──
dlogprobs = TODO
dprobs = TODO
dcounts_sum_inv = TODO
dcounts_sum = TODO
dcounts = TODO
dnorm_logits = TODO
dlogit_maxes = TODO
dlogits = TODO
dh = TODO
dW2 = TODO
db2 = TODO
dhpreact = TODO
dbngain = TODO
dbnbias = TODO
dbnraw = TODO
dbnvar_inv = TODO
dbnvar = TODO
dbndiff2 = TODO
dbndiff = TODO
dbnmeani = TODO
dhprebn = TODO
dembcat = TODO
dW1 = TODO
db1 = TODO
demb = TODO
dC = TODO
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(loss, {
    "logprobs": dlogprobs, "probs": dprobs, "counts_sum_inv": dcounts_sum_inv, "counts_sum": dcounts_sum,
    "counts": dcounts, "norm_logits": dnorm_logits, "logit_maxes": dlogit_maxes, "logits": dlogits,
    "h": dh, "W2": dW2, "b2": db2, "hpreact": dhpreact, "bngain": dbngain, "bnbias": dbnbias,
    "bnraw": dbnraw, "bnvar_inv": dbnvar_inv, "bnvar": dbnvar, "bndiff2": dbndiff2, "bndiff": dbndiff,
    "bnmeani": dbnmeani, "hprebn": dhprebn, "embcat": dembcat, "W1": dW1, "b1": db1, "emb": demb, "C": dC})
