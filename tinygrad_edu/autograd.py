"""The engine: `Function` (one graph node per op) and reverse-mode differentiation.

Every op is a subclass of `Function` with
  * `forward(self, *arrays) -> np.ndarray`      the value, in numpy;
  * `backward(self, grad) -> tuple`             its LOCAL derivative only: given dL/d(output)
    as a Tensor, return dL/d(input) for each input (a Tensor, or None when not needed),
    written with Tensor operations so that the derivative is itself differentiable.
Everything shared lives here, once: recording the node, reducing a broadcast gradient back to
its input's shape, casting it to the input's dtype, summing the gradients of a reused tensor,
keeping `.grad` on every tensor of the graph, and checking that saved tensors were not
modified in place.
"""
from __future__ import annotations

import gc
import weakref

import numpy as np

from .grad_mode import enable_grad, no_grad, state
from .tensor import Tensor, describe

# How many threads are inside detect_anomaly() (kept by anomaly.py). Testing this plain global
# first keeps the anomaly checks free when nobody uses them (a thread-local read costs ~50 ns).
anomaly_threads = 0


class Function:
    name = "op"         # shown on the graph and in error messages
    derivative = ""     # the local derivative in textbook notation, shown on the graph
    uses_inputs = True  # backward reads the inputs' values: guard them against in-place edits
    uses_output = False  # backward reads the output's value (kept through a weak reference)
    is_view = False     # forward may return a numpy view of its first input (reshape, transpose…)

    # The engine's per-node fields are slots. An op's own parameters (axis, shape …) go in the
    # instance __dict__, which Python creates only for ops that have some: most nodes stay one
    # small object, which keeps both allocation and the cyclic garbage collector cheap.
    __slots__ = ("inputs", "needs_input_grad", "saved_versions", "output_ref")
    inputs: tuple
    needs_input_grad: tuple
    saved_versions: tuple             # only for ops with uses_inputs
    output_ref: "weakref.ref"         # only for ops with uses_output
    created_at = None   # the user's line of code, recorded only under detect_anomaly()

    @classmethod
    def apply(cls, *inputs: Tensor, **params) -> Tensor:
        fn = cls.__new__(cls)
        if params:
            fn.__dict__.update(params)
        try:
            # one and two inputs are most ops: passing them by name skips building an argument
            # list, a third of apply's own cost
            if len(inputs) == 2:
                data = fn.forward(inputs[0].data, inputs[1].data)
            elif len(inputs) == 1:
                data = fn.forward(inputs[0].data)
            else:
                data = fn.forward(*[t.data for t in inputs])
        except (ValueError, IndexError, TypeError) as err:
            message = str(err).removeprefix(f"{cls.name}: ")
            raise type(err)(f"{cls.name}: {message} (inputs: {', '.join(describe(t) for t in inputs)})") from None
        if anomaly_threads and state.anomaly:
            from .anomaly import check_forward
            check_forward(fn, inputs, data)
        version = _shared_version(data, inputs[0]) if cls.is_view else None
        if not state.enabled:
            return Tensor._wrap(data, None, version)
        if len(inputs) == 2:
            needs = (inputs[0].requires_grad, inputs[1].requires_grad)
        else:
            needs = tuple([t.requires_grad for t in inputs])
        if True not in needs:
            return Tensor._wrap(data, None, version)
        fn.inputs = inputs
        fn.needs_input_grad = _shared_flags.get(needs) or _shared(needs, _shared_flags)
        if cls.uses_inputs:
            # not shared like the flags: versions change with every optimizer step, so a table
            # of them would only grow (it kept up to 4096 tuples, ~0.5 MB, alive in training)
            if len(inputs) == 2:
                fn.saved_versions = (inputs[0]._version[0], inputs[1]._version[0])
            else:
                fn.saved_versions = tuple([t._version[0] for t in inputs])
        out = Tensor._wrap(data, fn, version)
        if cls.uses_output:
            fn.output_ref = weakref.ref(out)
        if anomaly_threads and state.anomaly:
            from .anomaly import record_creation
            record_creation(fn)
        return out

    @property
    def output(self) -> Tensor:
        out = self.output_ref()
        if out is None:
            raise RuntimeError(f"{self.name}: the output this op saved for backward no longer exists")
        return out

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: Tensor) -> tuple:
        raise NotImplementedError

    def check_saved_versions(self) -> None:
        """Raise if a tensor this op saved for backward was modified in place since."""
        if self.uses_inputs:
            for t, seen in zip(self.inputs, self.saved_versions):
                if t._version[0] != seen:
                    raise _modified_error(self, t, seen)
        if self.uses_output:
            out = self.output
            if out._version[0] != 0:
                raise _modified_error(self, out, 0)

    def __repr__(self) -> str:
        return f"<{self.name}>"


_shared_flags: dict = {}


def _shared(values: tuple, table: dict) -> tuple:
    """One shared copy of each small tuple of flags, such as (True, False):
    nodes then keep no tuple of their own, which is fewer objects for the garbage collector."""
    shared = table.get(values)
    if shared is None:
        if len(table) >= 4096:
            table.clear()
        shared = table[values] = values
    return shared


def _shared_version(data: np.ndarray, source: Tensor) -> list | None:
    """The source's version counter if `data` is a view of its memory (numpy sets `.base` to the
    array that owns the memory), so that an in-place edit through either one is seen by both."""
    x, base = source.data, data.base
    if data is x or (base is not None and (base is x or base is x.base)):
        return source._version
    return None


def _modified_error(fn: Function, t: Tensor, seen: int) -> RuntimeError:
    where = f" (created at {fn.created_at})" if fn.created_at else ""
    return RuntimeError(
        f"one of the tensors needed for gradient computation has been modified by an in-place "
        f"operation: {describe(t)}, saved by op '{fn.name}'{where}, is at version "
        f"{t._version[0]}; expected version {seen}. Its gradient would be computed from the new "
        f"values, so it would be wrong. Call backward() before changing the tensor (e.g. before "
        f"optimizer.step()), or change it out of place (x = x * 2 makes a new tensor).")


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
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead or grad.shape != shape:
        grad = grad.reshape(shape)
    return grad


def _as_grad_tensor(grad, like: Tensor, create_graph: bool) -> Tensor:
    """The seed gradient as the engine's own Tensor: a copy of the caller's data (the engine
    makes deposited .grad arrays read-only), except a seed to be differentiated through."""
    if isinstance(grad, Tensor):
        g = grad if create_graph and grad.requires_grad else Tensor._wrap(grad.data.copy())
    else:
        g = Tensor._wrap(np.array(grad, dtype=like.dtype))
    if g.shape != like.shape:
        raise ValueError(f"backward: gradient of shape {g.shape} does not match "
                         f"{describe(like)} of shape {like.shape}")
    if g.dtype != like.dtype:
        g = g.cast(like.dtype)  # gradients have their tensor's dtype
    return g


def topological_order(roots, all_inputs: bool = False) -> list:
    """Tensors of the graph below `roots`, each after every tensor computed from it (iterative).

    Only tensors that require grad are followed, unless all_inputs: then also the inputs that
    do not (data, constants), as a drawing of the graph needs them."""
    order, visited = [], set()
    stack = [(r, False) for r in roots]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        k = id(t)
        if k in visited:
            continue
        visited.add(k)
        fn = t._ctx
        if fn is None:  # a leaf: nothing below it, so it is finished at once
            order.append(t)
            continue
        stack.append((t, True))
        for inp in fn.inputs:
            if (all_inputs or inp.requires_grad) and id(inp) not in visited:
                stack.append((inp, False))
    order.reverse()
    return order


def run_backward(roots, root_grads, create_graph: bool, deposit: bool, capture=None, on_step=None):
    """Propagate `root_grads` from `roots` down the graph.

    deposit: accumulate each tensor's gradient into its `.grad` (leaves and intermediates).
    capture: ids of tensors whose gradient of this pass is returned in a dict.
    on_step: optional callback `on_step(tensor, grad, grad_fn, input_grads, pending)` after each
      op's local derivative is applied: input_grads reduced to each input's shape and dtype
      (None where no gradient flows or none is needed), pending the engine's own
      {id(tensor): gradient summed so far} of the tensors not yet reached (read, don't change).
      viz.backward_steps shows the pass step by step with it.
    """
    pending = {}
    for r, g in zip(roots, root_grads):
        k = id(r)
        pending[k] = g if k not in pending else pending[k] + g
    captured = {}
    with _cyclic_gc_paused(), (enable_grad() if create_graph else no_grad()):
        for t in topological_order(roots):
            g = pending.pop(id(t), None)
            if g is None:
                continue
            if deposit:
                _accumulate_grad(t, g, create_graph)
            if capture is not None and id(t) in capture:
                captured[id(t)] = g
            fn = t._ctx
            if fn is None:
                continue
            fn.check_saved_versions()
            if anomaly_threads and state.anomaly:
                from .anomaly import backward_of
                input_grads = backward_of(fn, g)  # fn.backward(g), checked for NaN/inf
            else:
                input_grads = fn.backward(g)
            reduced = []
            for inp, ig, needed in zip(fn.inputs, input_grads, fn.needs_input_grad):
                if ig is None or not needed:
                    reduced.append(None)
                    continue
                if ig.data.shape != inp.data.shape or ig.data.dtype != inp.data.dtype:
                    ig = reduce_to_input(ig, inp)
                reduced.append(ig)
                k = id(inp)
                prev = pending.get(k)
                pending[k] = ig if prev is None else prev + ig
            if on_step is not None:
                on_step(t, g, fn, tuple(reduced), pending)
    return captured


class _cyclic_gc_paused:
    """Pause Python's cyclic garbage collector during a backward pass.

    Backward allocates a few objects per node, and every ~700 allocations the collector
    traverses the live objects again — the whole (possibly huge) graph — to look for
    reference cycles. A pass makes none (a node refers only to its inputs, and to its output
    weakly), so refcounting frees its garbage; anything else only waits until the collector
    resumes. On a 100,000-op chain the traversals took about half of the time. Nested passes
    leave the collector as they found it."""

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
        g.data.flags.writeable = False
    else:
        g = _differentiable(g)
    t.grad = g if t.grad is None else _add_grads(t.grad, g)


def _differentiable(g: Tensor) -> Tensor:
    """Under create_graph every gradient can be differentiated again. One that is constant (the
    gradient of a linear function, or of an unused input) becomes a leaf that requires grad:
    its own derivative is then 0 rather than an error."""
    if g.requires_grad:
        return g
    out = Tensor._wrap(g.data)
    out.requires_grad = True
    return out


def _add_grads(a: Tensor, b: Tensor) -> Tensor:
    out = a + b
    if not out.requires_grad:
        out.data.flags.writeable = False
    return out


def backward(root: Tensor, grad=None, create_graph: bool = False) -> None:
    if not root.requires_grad:
        raise RuntimeError(f"backward: {describe(root)} does not require grad and has no grad_fn; "
                           "create the leaves with requires_grad=True")
    if grad is None:
        if root.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for a single-element output, but "
                f"{describe(root)} has shape {root.shape}; a gradient argument is needed "
                f"(t.backward(grad) with grad of shape {root.shape})")
        grad = Tensor._wrap(np.ones(root.shape, dtype=root.dtype))
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
            if o.size != 1:
                raise RuntimeError(f"grad: output of shape {o.shape} is not a single element; "
                                   "a grad_outputs argument is needed")
            g = Tensor._wrap(np.ones(o.shape, dtype=o.dtype))
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
            g = Tensor._wrap(np.zeros(x.shape, dtype=x.dtype))
        result.append(_differentiable(g) if create_graph else g)
    return tuple(result)
