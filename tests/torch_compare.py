"""The PyTorch oracle's one comparison, shared by the test files that use it (they skip when
torch is not installed, before importing this)."""
import numpy as np
import torch

from tinygrad_edu import Tensor


def compare(ours, theirs, *arrays_in, grads=None, rtol=1e-7, atol=1e-10):
    """ours(*Tensors) and theirs(*torch tensors) on the same float64 inputs and upstream gradient:
    values and every input gradient agree (NaN and ±inf included, at the same places; an input
    PyTorch leaves without a gradient must get zeros)."""
    grads = grads or [True] * len(arrays_in)
    ts = [Tensor(np.array(a, dtype=np.float64), requires_grad=g) for a, g in zip(arrays_in, grads)]
    ps = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=g) for a, g in zip(arrays_in, grads)]
    out, ref = ours(*ts), theirs(*ps)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=atol)
    upstream = np.random.default_rng(0).uniform(0.5, 1.5, out.shape)
    out.backward(Tensor(upstream))
    ref.backward(torch.tensor(upstream))
    for t, p in zip(ts, ps):
        if p.requires_grad:
            theirs_grad = np.zeros(p.shape) if p.grad is None else p.grad.numpy()
            np.testing.assert_allclose(t.grad.data, theirs_grad, rtol=rtol, atol=atol)
