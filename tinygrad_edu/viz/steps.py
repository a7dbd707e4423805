"""`backward_steps`: the backward pass, one step per op, with the engine's real numbers.

The steps come from the engine itself (`run_backward`'s `on_step` hook), run with
`deposit=False`, so the user's `.grad` fields are left untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..autograd import reduce_to_input, run_backward
from ..tensor import Tensor, wrap
from .formulas import expression_name, gradient_name, worked_lines
from .walk import GraphWalk


@dataclass
class BackwardStep:
    """One op's local derivative applied to the gradient of its output.

    forward: what the op computed, in its inputs' names ("A2 = σ(Z2)").
    grad: dL/d(output), the gradient the op received; input_grads: what it produced for each
    input (None where no gradient flows, e.g. data), already summed back to the input's shape.
    grads_so_far: {id(tensor): gradient accumulated so far} after this step — a tensor used
    twice shows a partial sum until its second use has been processed. worked: for each input,
    the local derivative with the numbers put in (small tensors) and the gradient it gives, as
    text (None where no gradient flows); see formulas.worked_lines.
    """
    index: int
    op: str
    forward: str
    derivative: str
    fn: object
    output: Tensor
    output_name: str
    grad: np.ndarray
    inputs: tuple
    input_names: tuple
    input_grads: tuple
    grads_so_far: dict = field(repr=False)
    worked: tuple = ()

    def describe(self) -> str:
        lines = [f"step {self.index + 1}: {self.op}   {self.forward}   {self.derivative}".rstrip(),
                 f"  received {gradient_name(self.output_name)} of shape {self.grad.shape}"]
        for name, g, worked in zip(self.input_names, self.input_grads, self.worked or self.inputs):
            lines.append(f"  → {gradient_name(name)}: " + ("no gradient" if g is None else f"shape {g.shape}"))
            if g is not None and isinstance(worked, str):
                lines.extend("      " + line for line in worked.split("\n"))
        return "\n".join(lines)


def backward_steps(root: Tensor, grad=None, module=None, params=None) -> list:
    """The sequence of backward steps from `root`, in the engine's order.

    `grad` defaults to ones (dL/dL = 1 for a scalar loss). Leaves' `.grad` are not changed.
    """
    if not root.requires_grad:
        raise RuntimeError("backward_steps: the root does not require grad, so there is no "
                           "backward pass to show; create the leaves with requires_grad=True")
    seed = np.ones(root.shape, dtype=root.dtype) if grad is None else np.asarray(
        grad.data if isinstance(grad, Tensor) else grad, dtype=root.dtype)
    if seed.shape != root.shape:
        raise ValueError(f"backward_steps: grad of shape {seed.shape} does not match the root's "
                         f"shape {root.shape}")
    walk = GraphWalk(root, module=module, params=params)
    done = {}  # id(tensor) -> its whole gradient, once the pass has reached it
    steps = []

    def on_step(t, g, grad_fn, input_grads, pending):
        done[id(t)] = np.array(g.data)
        if grad_fn is None:  # a leaf: its gradient is complete, and no op to show
            return
        so_far = dict(done)
        so_far.update((k, np.array(v.data)) for k, v in pending.items())
        produced = tuple(None if ig is None or not needed else np.array(reduce_to_input(ig, inp).data)
                         for inp, ig, needed in zip(grad_fn.inputs, input_grads, grad_fn.needs_input_grad))
        name = walk.name(t)
        forward = name
        if walk.has_own_name(t):
            forward = f"{name} = {expression_name(t, walk.name, walk.has_own_name)}"
        steps.append(BackwardStep(
            index=len(steps), op=grad_fn.name, forward=forward, derivative=grad_fn.derivative,
            fn=grad_fn, output=t, output_name=name, grad=done[id(t)], inputs=tuple(grad_fn.inputs),
            input_names=tuple(walk.name(i) for i in grad_fn.inputs),
            input_grads=produced, grads_so_far=so_far,
            worked=worked_lines(grad_fn, done[id(t)], t, produced)))

    run_backward([root], [wrap(seed)], create_graph=False, deposit=False, on_step=on_step)
    return steps


def all_gradients(root: Tensor) -> dict:
    """{id(tensor): dL/d(tensor) as an array} for every tensor the backward pass from `root`
    reaches, computed by the engine without touching any `.grad` (what a picture of a graph
    checked with tg.check_gradients shows: that check uses tg.grad, so no `.grad` is set)."""
    if not root.requires_grad:
        return {}
    found = {}

    def on_step(t, g, grad_fn, input_grads, pending):
        found[id(t)] = np.array(g.data)

    seed = wrap(np.ones(root.shape, dtype=root.dtype))
    run_backward([root], [seed], create_graph=False, deposit=False, on_step=on_step)
    return found
