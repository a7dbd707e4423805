"""`Function`: one op of the graph, and the node that records it.

An op is a subclass that states four things:

    class Exp(Function):
        name, derivative = "exp", "∂/∂x = G·eˣ"        # shown on the graph and in errors
        def forward(self, x):                           # the value, in numpy
            return np.exp(x)
        def backward(self, g):                          # dL/d(input) for each input, given
            return (g * self.output,)                   # dL/d(output) = G, in Tensor ops

`apply` runs forward and, when an input requires grad, records the node in the graph; the
engine (autograd.py) later calls its backward and does everything shared by the ops (broadcast
reduction, dtype casts, summing the gradients of reused tensors). Writing backward with Tensor
operations makes the derivative itself differentiable: gradients of gradients need nothing more.

What an op keeps:
  * its parameters, given to apply by keyword (`Sum.apply(x, axis=1)`), as plain attributes
    (`self.axis`);
  * what forward computes for backward (a shape, a mask, a patch matrix), through
    `self.save_for_backward(name=value, …)`, read back as `self.saved.name` — PyTorch's
    `ctx.save_for_backward`, with names;
  * its inputs (`self.inputs`, when `uses_inputs`) and its output (`self.output`, when
    `uses_output`), which backward may read: the node remembers their version numbers, and the
    engine refuses to run backward if one was modified in place since.
"""
from __future__ import annotations

import itertools
import types
import weakref

import numpy as np

from . import grad_mode, observer
from .grad_mode import state


class Function:
    """One op of the graph, and the node that records it (see this module's docstring)."""
    name = "op"          # shown on the graph and in error messages
    derivative = ""      # the local derivative in textbook notation, shown on the graph
    uses_inputs = True   # backward reads the inputs' values: guard them against in-place edits
    uses_output = False  # backward reads the output's value (kept through a weak reference)
    is_view = False      # forward may return a numpy view of its first input (reshape, transpose…)

    # The engine's fields are slots; the op's parameters go in the instance __dict__.
    __slots__ = ("inputs", "needs_input_grad", "sequence_nr", "saved_versions", "output_ref", "saved")
    inputs: tuple                 # the input Tensors
    needs_input_grad: tuple       # for each input, whether it requires grad
    sequence_nr: int              # creation order: the engine runs backward from the newest node
    saved_versions: tuple         # the inputs' version numbers when recorded (uses_inputs)
    output_ref: weakref.ref       # the output Tensor (uses_output)
    saved: types.SimpleNamespace  # what forward saved for backward
    created_at = None             # the user's line of code, recorded only under detect_anomaly()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls):  # apply makes the node with cls()
            raise TypeError(f"{cls.__name__}: an op defines no __init__; its parameters are given "
                            f"to apply by keyword ({cls.__name__}.apply(x, axis=1) sets self.axis)")

    @classmethod
    def apply(cls, *inputs: Tensor, **params) -> Tensor:
        """Run the op on `inputs` with `params`; record it when an input requires grad."""
        node = cls()
        if params:
            node.__dict__.update(params)
        out = _run_forward(node, inputs)
        if observer.watching:  # tg.compile is tracing a step
            out.data = observer.current().forward(node, inputs, out.data)
        if grad_mode.anomaly_threads and state.anomaly:
            anomaly.check_forward(node, inputs, out.data)
        if cls.is_view:
            out._counter = _shared_version(out.data, inputs[0])
        recording = state.enabled
        if not recording:
            if recording is False:  # the user's no_grad() (None: the engine's backward pass)
                _mark_under_no_grad(out, inputs)
            return out
        needs = _requires_grad(inputs)
        if True not in needs:
            return out
        node.inputs, node.needs_input_grad = inputs, needs
        node.sequence_nr = next(_creation_order)
        if cls.uses_inputs:
            node.saved_versions = _versions(inputs)
        if cls.uses_output:
            node.output_ref = weakref.ref(out)
        out.grad_fn, out.requires_grad = node, True
        if grad_mode.anomaly_threads and state.anomaly:
            anomaly.record_creation(node)
        return out

    def save_for_backward(self, **named) -> None:
        """Keep what backward needs, by name: `self.save_for_backward(mask=m)` in forward,
        `self.saved.mask` in backward."""
        self.saved = types.SimpleNamespace(**named)

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
                if t._counter is not None and t._counter[0] != seen:   # _counter None: never edited
                    raise _modified_error(self, t, seen)
        if self.uses_output:
            out = self.output_ref()   # (None: freed, which backward's self.output reports)
            if out is not None and out._counter is not None and out._counter[0] != 0:
                raise _modified_error(self, out, 0)

    def __repr__(self) -> str:
        return f"<{self.name}>"


_creation_order = itertools.count()  # Function.sequence_nr: a node is always created after its inputs' nodes


# --- the inputs by name ---------------------------------------------------------------------
# Speed: almost every op has one or two inputs, and reading them by name rather than through a
# comprehension (a function call of its own in Python 3.11) makes the 200-op chain's step 16 %
# shorter (benchmarks/README.md). Each helper means the comprehension in its last line; two
# inputs are tested first, as most ops have two.

def _run_forward(node: Function, inputs: tuple) -> Tensor:
    """node.forward on the inputs' arrays, its result in a new Tensor; numpy's complaints about
    the inputs re-raised naming the op."""
    try:
        if len(inputs) == 2:
            return wrap(node.forward(inputs[0].data, inputs[1].data))
        if len(inputs) == 1:
            return wrap(node.forward(inputs[0].data))
        return wrap(node.forward(*[t.data for t in inputs]))
    except (ValueError, IndexError, TypeError) as err:
        raise _naming_the_op(node, inputs, err) from err


def _requires_grad(inputs: tuple) -> tuple:
    """Whether each input requires grad (a shared tuple: see _SHARED)."""
    if len(inputs) == 2:
        needs = (inputs[0].requires_grad, inputs[1].requires_grad)
    elif len(inputs) == 1:
        needs = (inputs[0].requires_grad,)
    else:
        needs = tuple([t.requires_grad for t in inputs])
    return _SHARED.get(needs, needs)


def _versions(inputs: tuple) -> tuple:
    """The inputs' version numbers; for inputs never edited in place (almost all), the constants
    (0,) and (0, 0), shared by every node."""
    if len(inputs) == 2:
        a, b = inputs
        return (0, 0) if a._counter is None and b._counter is None else (version_number(a), version_number(b))
    if len(inputs) == 1:
        return (0,) if inputs[0]._counter is None else (version_number(inputs[0]),)
    return tuple([version_number(t) for t in inputs])


# Speed: the few tuples of needs_input_grad — (True,), (False, True), … — made once and shared:
# one object fewer per node for Python's cyclic collector, which keeps revisiting a growing
# graph (a 100,000-op chain 12 % slower without; benchmarks/README.md).
_SHARED = {v: v for n in (1, 2) for v in itertools.product((False, True), repeat=n)}


def _naming_the_op(node: Function, inputs: tuple, err: Exception) -> Exception:
    """numpy's complaint about an op's inputs, as one that names the op and its inputs (a
    built-in exception: numpy's own types take other arguments)."""
    kind = next(k for k in (ValueError, IndexError, TypeError) if isinstance(err, k))
    message = str(err).removeprefix(f"{node.name}: ")
    return kind(f"{node.name}: {message} (inputs: {', '.join(describe(t) for t in inputs)})")


def _mark_under_no_grad(out: Tensor, inputs: tuple) -> None:
    """A result that would have had a graph but for no_grad(): backward() will say why it has none."""
    for t in inputs:
        if t.requires_grad or t._under_no_grad:
            out._under_no_grad = True
            return


def version_number(t: Tensor) -> int:
    """How many times `t` (or a view sharing its memory) was edited in place."""
    counter = t._counter
    return 0 if counter is None else counter[0]


def _shared_version(data: np.ndarray, source: Tensor) -> list | None:
    """The source's version counter if `data` is a view of its memory (numpy sets `.base` to the
    array that owns the memory), so that an in-place edit through either one is seen by both."""
    x, base = source.data, data.base
    if data is x or (base is not None and (base is x or base is x.base)):
        return source._version
    return None


def _modified_error(node: Function, t: Tensor, seen: int) -> RuntimeError:
    where = f" (created at {node.created_at})" if node.created_at else ""
    return RuntimeError(
        f"one of the tensors needed for gradient computation has been modified by an in-place "
        f"operation: {describe(t)}, saved by op '{node.name}'{where}, is at version "
        f"{t._version[0]}; expected version {seen}. Its gradient would be computed from the new "
        f"values, so it would be wrong. Call backward() before changing the tensor (e.g. before "
        f"optimizer.step()), or change it out of place (x = x * 2 makes a new tensor).")


# Function makes Tensors, and tensor.py imports the ops, which subclass Function: so Function
# is defined first and the modules it uses when called are imported last (see tensor.py).
from . import anomaly  # noqa: E402
from .tensor import Tensor, describe, wrap  # noqa: E402
