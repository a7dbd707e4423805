"""The backward engine: reverse-mode differentiation over the graph of `Function` nodes.

Everything shared by the ops lives here, once: reducing a broadcast gradient back to its
input's shape, casting it to the input's dtype, summing the gradients of a reused tensor,
keeping `.grad` on every tensor of the graph, and checking that saved tensors were not
modified in place. (The nodes themselves, `Function`, are in tensor.py.)
"""
from __future__ import annotations

import gc
import itertools
from heapq import heappop, heappush

import numpy as np

from . import anomaly, grad_mode, ops
from .broadcasting import broadcast_axes
from .grad_mode import backward_pass, state
from .hooks import tensor_hooks
from .tensor import Tensor, describe, wrap

# ---------------------------------------------------------------------------------------------
# shared gradient mechanics

def reduce_to_input(grad: Tensor, inp: Tensor) -> Tensor:
    """Sum a broadcast gradient back to the input's shape and cast it to the input's dtype."""
    g, x = grad.data, inp.data
    if g.shape != x.shape:
        grad = sum_to_shape(grad, x.shape)
    if g.dtype != x.dtype:
        grad = grad.cast(x.dtype)
    return grad


def sum_to_shape(grad: Tensor, shape: tuple) -> Tensor:
    """The adjoint of numpy broadcasting: sum over the axes that broadcasting added or stretched."""
    axes = broadcast_axes(grad.shape, shape)
    # the ops themselves, not Tensor.sum / reshape: the axes and shape need no checking here
    if axes:
        grad = ops.Sum.apply(grad, axis=axes, keepdims=True)
    if grad.shape != shape:
        grad = ops.Reshape.apply(grad, shape=shape)
    return grad


def _as_grad_tensor(grad, like: Tensor, create_graph: bool) -> Tensor:
    """The seed gradient as the engine's own Tensor: a copy of the caller's data (the engine
    makes deposited .grad arrays read-only), except a seed to be differentiated through."""
    if isinstance(grad, Tensor):
        g = grad if create_graph and grad.requires_grad else wrap(grad.data.copy())
    else:
        g = wrap(np.array(grad, dtype=like.dtype))
    if g.shape != like.shape:
        raise ValueError(f"backward: gradient of shape {g.shape} does not match "
                         f"{describe(like)} of shape {like.shape}")
    if g.dtype != like.dtype:
        g = g.cast(like.dtype)  # gradients have their tensor's dtype
    return g


def run_backward(roots, root_grads, create_graph: bool, deposit: bool, capture=None, on_step=None):
    """Propagate `root_grads` from `roots` down the graph.

    One traversal, no separate sort: the tensors reached so far wait in a heap keyed by their
    node's creation order, and the newest one is taken next. A node is created after the nodes
    of its inputs, so by the time a tensor is the newest one waiting, every tensor computed from
    it has already been taken and its gradient is complete. Leaves have no node and are taken
    last. `pending` maps id(tensor) to the gradient summed so far (keys are unique, so two
    tensors are never compared).

    deposit: accumulate each tensor's gradient into its `.grad` (leaves and intermediates).
    capture: ids of tensors whose gradient of this pass is returned in a dict.
    on_step: optional callback `on_step(tensor, grad, grad_fn, input_grads, pending)` for each
      tensor the pass reaches, once its gradient `grad` is complete: input_grads are what its
      op's backward returned (before reduce_to_input; None, or an input with needs_input_grad
      False, where no gradient flows; grad_fn None and input_grads () for a leaf), pending the engine's
      {id(tensor): gradient summed so far} of the tensors not yet reached.
      viz.backward_steps shows the pass with it.
    """
    pending, waiting = {}, []
    leaf_order = itertools.count(1)
    for r, g in zip(roots, root_grads):
        k = id(r)
        if k in pending:
            pending[k] = pending[k] + g
        else:
            pending[k] = g
            _wait(r, waiting, leaf_order)
    captured = {}
    anomaly_on = grad_mode.anomaly_threads and state.anomaly
    with _cyclic_gc_paused(), backward_pass(create_graph):
        while waiting:
            t = heappop(waiting)[1]
            g = pending.pop(id(t))
            if tensor_hooks and id(t) in tensor_hooks:
                g = _run_gradient_hooks(t, tensor_hooks[id(t)], g, create_graph)
            if deposit:
                _accumulate_grad(t, g, create_graph)
            if capture is not None and id(t) in capture:
                captured[id(t)] = g
            grad_fn = t.grad_fn
            if grad_fn is None:
                if on_step is not None:
                    on_step(t, g, None, (), pending)
                continue
            if grad_fn.uses_inputs or grad_fn.uses_output:  # it saved something to check
                grad_fn.check_saved_versions()
            if anomaly_on:
                input_grads = anomaly.backward_of(grad_fn, g)  # checked for NaN/inf
            else:
                input_grads = grad_fn.backward(g)
            for inp, ig, needed in zip(grad_fn.inputs, input_grads, grad_fn.needs_input_grad):
                if ig is None or not needed:
                    continue
                a, x = ig.data, inp.data
                if a.shape != x.shape or a.dtype != x.dtype:
                    ig = reduce_to_input(ig, inp)
                k = id(inp)
                prev = pending.get(k)
                if prev is None:
                    pending[k] = ig
                    _wait(inp, waiting, leaf_order)
                else:
                    pending[k] = prev + ig
            if on_step is not None:
                on_step(t, g, grad_fn, input_grads, pending)
    return captured


def _run_gradient_hooks(t: Tensor, hooks, g: Tensor, create_graph: bool) -> Tensor:
    """t.register_hook's functions, in the order registered, once t's gradient is complete: a
    Tensor one returns replaces the gradient that is deposited and flows on (as PyTorch)."""
    if not create_graph:
        g.data.setflags(write=False)  # it may be shared with another tensor's gradient
    for hook in hooks:
        result = hook(g)
        if result is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        if not isinstance(result, Tensor):
            raise TypeError(f"gradient hook '{name}' of {describe(t)} returned a "
                            f"{type(result).__name__}; a hook returns a Tensor or None")
        if result.shape != g.shape or result.dtype != g.dtype:
            raise RuntimeError(f"gradient hook '{name}' of {describe(t)} changed the gradient's shape "
                               f"or dtype: it got {g.shape} ({g.dtype}) and returned {result.shape} "
                               f"({result.dtype})")
        g = result if create_graph or not result.requires_grad else result.detach()
    return g


def _wait(t: Tensor, waiting: list, leaf_order) -> None:
    """Put a tensor reached by the pass in the heap: a node under the negated creation order
    (heapq pops the smallest key), a leaf under a positive count, after every node."""
    grad_fn = t.grad_fn
    heappush(waiting, (-grad_fn.sequence_nr if grad_fn is not None else next(leaf_order), t))


class _cyclic_gc_paused:
    """Pause Python's cyclic garbage collector during a backward pass (speed: it would revisit
    the whole graph again and again; a pass makes no cycles, see benchmarks/README.md). Nested
    passes leave the collector as they found it."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()
        return False


def _accumulate_grad(t: Tensor, g: Tensor, create_graph: bool) -> None:
    if not create_graph:
        # .grad arrays may share memory (add passes one gradient to both inputs, reshape gives
        # a view): make them read-only so that an in-place edit fails loudly instead of
        # silently changing another tensor's gradient. Accumulation is always out of place.
        g.data.setflags(write=False)
        if t.grad is None and t.grad_fn is None:
            # a leaf's .grad is its own Tensor object (the array may be shared): w.grad.zero_()
            # changes w's alone (an intermediate's keeps the op's: one object fewer per node)
            g = wrap(g.data)
    else:
        g = _differentiable(g)
    t.grad = g if t.grad is None else _add_grads(t.grad, g)


def _differentiable(g: Tensor) -> Tensor:
    """Under create_graph every gradient can be differentiated again. One that is constant (the
    gradient of a linear function, or of an unused input) becomes a leaf that requires grad:
    its own derivative is then 0 rather than an error."""
    if g.requires_grad:
        return g
    out = wrap(g.data)
    out.requires_grad = True
    return out


def _add_grads(a: Tensor, b: Tensor) -> Tensor:
    out = a + b
    if not out.requires_grad:
        out.data.flags.writeable = False
    return out


def backward(root: Tensor, grad=None, create_graph: bool = False) -> None:
    if not root.requires_grad:
        if root._under_no_grad:
            raise RuntimeError(f"backward: {describe(root)} was computed while no_grad() was on (or "
                               f"set_grad_enabled(False)), so no graph was recorded and it has no grad_fn; "
                               f"compute it outside the `with tg.no_grad():` block to differentiate it")
        raise RuntimeError(f"backward: {describe(root)} does not require grad and has no grad_fn; "
                           "create the leaves with requires_grad=True")
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for a single-element output, but "
                f"{describe(root)} has {root.data.size} elements; a gradient argument is needed "
                f"(t.backward(grad) with grad of the same shape), or reduce it first "
                f"(t.sum().backward())")
        grad = wrap(np.ones(root.shape, dtype=root.dtype))
    else:
        grad = _as_grad_tensor(grad, root, create_graph)
    run_backward([root], [grad], create_graph, deposit=True)


def grad(outputs, inputs, grad_outputs=None, create_graph: bool = False, allow_unused: bool = True):
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple; no `.grad` is touched.

    An input that the outputs do not depend on gets a zero gradient (PyTorch's
    `materialize_grads=True`), so that e.g. the second derivative of relu is 0, not an error;
    pass allow_unused=False to make that an error instead.
    """
    single_out = isinstance(outputs, Tensor)
    outputs = [outputs] if single_out else list(outputs)
    single_in = isinstance(inputs, Tensor)
    inputs = [inputs] if single_in else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)) and single_out:
        grad_outputs = [grad_outputs]
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            raise RuntimeError(f"grad: input {i} ({describe(x)}) does not require grad")
    roots, root_grads = [], []
    for o, g in zip(outputs, grad_outputs):
        if not o.requires_grad:
            raise RuntimeError(f"grad: output {describe(o)} does not require grad and has no grad_fn")
        if g is None:
            if o.data.size != 1:
                raise RuntimeError(f"grad: output of shape {o.shape} is not a single element; "
                                   "a grad_outputs argument is needed")
            g = wrap(np.ones(o.shape, dtype=o.dtype))
        roots.append(o)
        root_grads.append(_as_grad_tensor(g, o, create_graph))
    captured = run_backward(roots, root_grads, create_graph, deposit=False,
                            capture={id(x) for x in inputs})
    result = []
    for i, x in enumerate(inputs):
        g = captured.get(id(x))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} ({describe(x)}) was not used to compute the outputs")
            g = wrap(np.zeros(x.shape, dtype=x.dtype))
        result.append(_differentiable(g) if create_graph else g)
    return tuple(result)
