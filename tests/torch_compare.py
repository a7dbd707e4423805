"""The PyTorch oracle's comparisons, shared by the test files that use it (they skip when
torch is not installed, before importing this)."""
import numpy as np
import torch

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def close(ours, theirs, what="", rtol=1e-9, atol=1e-11):
    """Our Tensor (or array) equals PyTorch's tensor (or array) to rtol/atol; `what` names it."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    ours = ours.data if isinstance(ours, Tensor) else ours
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)


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


def compare_second_derivatives(ours, theirs, x_np=(0.3, -1.1, 2.0)):
    """g = ∂Σf/∂x and the derivative of Σg² (through g, under create_graph) agree with PyTorch."""
    x_np = np.array(x_np)
    x = Tensor(x_np, requires_grad=True)
    (g,) = tg.grad(ours(x).sum(), [x], create_graph=True)
    (h,) = tg.grad((g * g).sum(), [x])
    p = torch.tensor(x_np, requires_grad=True)
    (pg,) = torch.autograd.grad(theirs(p).sum(), p, create_graph=True)
    (ph,) = torch.autograd.grad((pg * pg).sum(), p)
    np.testing.assert_allclose(g.data, pg.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(h.data, ph.numpy(), rtol=1e-9, atol=1e-12)


def step_beside_torch(our_optimizer, torch_optimizer, steps, **kw):
    """Run an optimizer of ours and PyTorch's of the same name on the same parameter and loss,
    (x − 0.5)²·tanh(x) summed, asserting equal parameters after every step; returns both
    optimizers for checks of their state."""
    a = np.random.default_rng(0).normal(size=(3, 2))
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = our_optimizer([x], **kw), torch_optimizer([t], **kw)
    for _ in range(steps):
        ours.zero_grad()
        theirs.zero_grad()
        ((x - 0.5) ** 2 * x.tanh()).sum().backward()
        ((t - 0.5) ** 2 * t.tanh()).sum().backward()
        ours.step()
        theirs.step()
        np.testing.assert_allclose(x.numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-15)
    return ours, theirs
