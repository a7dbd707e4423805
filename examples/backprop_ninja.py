"""Become a backprop ninja: an MLP with a hand-written batch normalisation and a cross-entropy
written out op by op, on real data (scikit-learn's 8×8 digits), every one of its intermediates
differentiated BY HAND in numpy and checked against autograd, all to 1e-10 in float64.

    python examples/backprop_ninja.py
    tinygrad-edu check examples/backprop_ninja.py

Each forward line names its result; the backward pass below derives one gradient per line,
in the reverse order, from the one above it (the chain rule, one local step at a time).
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor
from tinygrad_edu.data import load_split

# data: one batch of 32 digits (64 standardised pixels each), in float64
split = load_split("digits", seed=0)
batch = np.random.RandomState(0).choice(len(split.y_train), size=32, replace=False)
Xb = Tensor(split.X_train[batch].astype(np.float64), name="Xb")
Yb = split.y_train[batch]
n, n_in, n_hidden, n_classes = Xb.shape[0], Xb.shape[1], 64, 10

rng = np.random.RandomState(42)
W1 = Tensor(rng.randn(n_in, n_hidden) * (5 / 3) / n_in ** 0.5, requires_grad=True, name="W1")
b1 = Tensor(rng.randn(n_hidden) * 0.1, requires_grad=True, name="b1")   # useless under batch norm
W2 = Tensor(rng.randn(n_hidden, n_classes) * 0.1, requires_grad=True, name="W2")
b2 = Tensor(rng.randn(n_classes) * 0.1, requires_grad=True, name="b2")
bngain = Tensor(1 + rng.randn(1, n_hidden) * 0.1, requires_grad=True, name="bngain")
bnbias = Tensor(rng.randn(1, n_hidden) * 0.1, requires_grad=True, name="bnbias")
eps = 1e-5

# forward pass, one small step per line
hprebn = (Xb @ W1 + b1).named("hprebn")                       # linear layer
bnmeani = hprebn.mean(axis=0, keepdims=True).named("bnmeani")  # batch norm: the batch mean …
bndiff = (hprebn - bnmeani).named("bndiff")
bndiff2 = (bndiff ** 2).named("bndiff2")
bnvar = bndiff2.mean(axis=0, keepdims=True).named("bnvar")     # … the (biased) batch variance …
bnstd = (bnvar + eps).sqrt().named("bnstd")
bnvar_inv = (1 / bnstd).named("bnvar_inv")
bnraw = (bndiff * bnvar_inv).named("bnraw")                    # … normalise …
hpreact = (bngain * bnraw + bnbias).named("hpreact")           # … scale and shift
h = hpreact.tanh().named("h")                                  # non-linearity
logits = (h @ W2 + b2).named("logits")                         # output layer
logit_maxes = logits.max(axis=1, keepdims=True).named("logit_maxes")  # cross-entropy, written out
norm_logits = (logits - logit_maxes).named("norm_logits")      # subtract the max: exp cannot overflow
counts = norm_logits.exp().named("counts")
counts_sum = counts.sum(axis=1, keepdims=True).named("counts_sum")
counts_sum_inv = (counts_sum ** -1).named("counts_sum_inv")
probs = (counts * counts_sum_inv).named("probs")
logprobs = probs.log().named("logprobs")
loss = (-logprobs[np.arange(n), Yb].mean()).named("loss")

# backward pass, by hand: d<name> = ∂loss/∂<name>, each from the ones above it
V = {t.name: t.data for t in (Xb, W1, b1, W2, b2, bngain, hprebn, bnmeani, bndiff, bnvar, bnstd,
                              bnvar_inv, bnraw, h, logits, counts, counts_sum, counts_sum_inv, probs)}
d = {}
d["logprobs"] = np.zeros_like(V["probs"])
d["logprobs"][np.arange(n), Yb] = -1.0 / n                  # loss = −mean of the picked entries
d["probs"] = d["logprobs"] / V["probs"]                      # log: ∂ = 1/x
d["counts_sum_inv"] = (V["counts"] * d["probs"]).sum(axis=1, keepdims=True)   # broadcast → sum
d["counts"] = V["counts_sum_inv"] * d["probs"]
d["counts_sum"] = -V["counts_sum"] ** -2 * d["counts_sum_inv"]                # x⁻¹: ∂ = −x⁻²
d["counts"] = d["counts"] + np.ones_like(V["counts"]) * d["counts_sum"]        # counts used twice
d["norm_logits"] = V["counts"] * d["counts"]                 # exp: ∂ = eˣ
d["logit_maxes"] = -d["norm_logits"].sum(axis=1, keepdims=True)   # ≈ 0: the max does not matter
d["logits"] = d["norm_logits"].copy()
d["logits"][np.arange(n), V["logits"].argmax(axis=1)] += d["logit_maxes"][:, 0]
d["h"] = d["logits"] @ V["W2"].T
d["W2"] = V["h"].T @ d["logits"]
d["b2"] = d["logits"].sum(axis=0)
d["hpreact"] = (1 - V["h"] ** 2) * d["h"]                    # tanh: ∂ = 1 − tanh²
d["bngain"] = (V["bnraw"] * d["hpreact"]).sum(axis=0, keepdims=True)
d["bnraw"] = V["bngain"] * d["hpreact"]
d["bnbias"] = d["hpreact"].sum(axis=0, keepdims=True)
d["bndiff"] = V["bnvar_inv"] * d["bnraw"]
d["bnvar_inv"] = (V["bndiff"] * d["bnraw"]).sum(axis=0, keepdims=True)
d["bnstd"] = -V["bnstd"] ** -2 * d["bnvar_inv"]              # 1/x: ∂ = −1/x²
d["bnvar"] = d["bnstd"] / (2 * V["bnstd"])                   # √: ∂ = 1/(2√x)
d["bndiff2"] = np.ones_like(V["bndiff"]) / n * d["bnvar"]    # mean over the batch
d["bndiff"] = d["bndiff"] + 2 * V["bndiff"] * d["bndiff2"]   # bndiff used twice
d["bnmeani"] = -d["bndiff"].sum(axis=0, keepdims=True)
d["hprebn"] = d["bndiff"] + np.ones_like(V["hprebn"]) / n * d["bnmeani"]
d["W1"] = V["Xb"].T @ d["hprebn"]
d["b1"] = d["hprebn"].sum(axis=0)   # 0 up to rounding (batch norm subtracts any bias again):
                                    # there only the absolute error means something

result = tg.check_gradients(loss, d, rtol=1e-10, atol=1e-14)
print(f"loss = {loss.item():.4f} on a batch of {n} digits; {len(result.rows)} gradients derived by hand\n")
print(result)
