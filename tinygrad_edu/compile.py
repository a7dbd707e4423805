"""`tg.compile(step)`: record a training step's numpy calls once, then replay them.

What a graph compiler does, in its simplest form. An eager step spends most of its time on
Python bookkeeping around small numpy calls: building Tensors and Function nodes, sorting the
graph, keeping a gradient dictionary. But if the step does the same thing every time, the
sequence of numpy calls is always the same; only the numbers in the arrays differ. So:

  1. trace: run the step eagerly while recording every call that computes numbers — each
     Function.forward (the forward ops, and the ops that backward builds its gradients from,
     accumulation included) and each optimizer update(param, grad, state, group). The trace
     is an `observer.Observer`: the engine tells it of each call, nothing is patched;
  2. check: run it again and record again. Where both recordings read the same tensor or array,
     it is an input of the program (parameters, data); where they read different arrays with
     equal values that nobody can change (Python numbers, the seed gradient of ones), it is a
     constant. A different array with other values was computed outside the recorded calls
     (a random dropout mask, numpy in a backward): it cannot be replayed, so CompileError;
  3. replay: later calls with tensors of the same shapes and dtypes run the recorded calls on
     a list of arrays ("slots", like a CPU's registers), with no Tensor, node or graph,
     and put the results where eager would: each parameter's `.grad`, the returned loss.

Same numpy calls in the same order ⇒ bitwise the same numbers as eager. What the trace cannot
see, as for tinygrad's TinyJit or torch.compile's graphs: the step's Python. A branch on a
value (`if loss.item() > 1`) or a counter is frozen as it went when traced (bool(tensor) while
tracing is refused); edits of arrays outside tensor ops (`p.data -= …`) are not replayed; and
only the step's tensor arguments are fresh inputs: other data is read where it was traced.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import grad_mode, observer
from .function import Function, version_number
from .grad_mode import state
from .tensor import Tensor, describe, wrap

_TRACES_BEFORE_GIVING_UP = 4   # consecutive calls that recorded different programs


class CompileError(RuntimeError):
    """The step does something a replay cannot reproduce; the message says what."""


def compile(step):
    """`fast = tg.compile(step)`: step(*tensors) runs forward, backward and optimizer.step()
    and returns the loss (a Tensor, its .item(), or None). See this module's docstring."""
    return CompiledStep(step)


class CompiledStep:
    def __init__(self, step):
        self.step = step
        self.programs = {}    # (shapes, dtypes, grad mode) -> _Program
        self.last = {}        # key -> the previous call's _Trace, waiting for its check
        self.mismatches = {}  # key -> consecutive calls that traced different programs
        self.refused = {}     # key -> the CompileError's message
        self.traces = self.replays = 0
        self.reason = ""      # why the most recent eager call ran eagerly (replays leave it)

    def __call__(self, *args):
        for i, t in enumerate(args):
            if not isinstance(t, Tensor):
                raise TypeError(f"compile: argument {i} of the step is a {type(t).__name__}; "
                                "a compiled step takes Tensors only")
        key = (tuple((t.shape, t.dtype) for t in args), state.enabled)
        if key in self.refused:
            raise CompileError(self.refused[key])
        program = self.programs.get(key)
        if program is not None:
            done, result = program.run(args)
            if done:
                self.replays += 1
                return result
            del self.programs[key]
            self.reason = "a tensor the step reads changed shape or dtype (or a .grad it adds to is None)"
        elif key not in self.last:
            self.reason = "first call with these shapes"
        if (observer.current() is not observer.NOBODY or self.mismatches.get(key, 0) >= _TRACES_BEFORE_GIVING_UP
                or (grad_mode.anomaly_threads and state.anomaly)):
            return self.step(*args)   # inside another trace, given up, or detect_anomaly(): eager
        return self._trace(key, args)

    def listing(self) -> str:
        """The replayed programs, one line per call: what the compiler made of the step."""
        return "\n\n".join("\n".join([f"# arguments {[shape for shape, _ in key[0]]}, grad mode {key[1]}"]
                                      + [text for _, text in sorted(p.sources)] + p.lines)
                           for key, p in self.programs.items())

    def _trace(self, key, args):
        trace = _Trace(args)
        with observer.observing(trace):
            trace.result = self.step(*args)
        self.traces += 1
        previous, self.last[key] = self.last.get(key), trace
        if previous is not None:
            try:
                program = _Program.build(previous, trace, args)
            except CompileError as err:
                self.refused[key] = str(err)
                raise CompileError(f"{err} (this call ran eagerly: its update is done)") from None
            if isinstance(program, str):
                self.mismatches[key] = self.mismatches.get(key, 0) + 1
                self.reason = program
            else:
                self.programs[key] = program
                del self.last[key]
        return trace.result


@dataclass
class Outside:
    """An array a call read that no recorded call made: an input, a constant, or (if it changes
    from call to call) something a replay cannot reproduce."""
    array: np.ndarray
    tensor: Tensor | None   # the tensor that held it, if any
    owner: Tensor | None    # the leaf whose .grad it is (gradient accumulation), if any


@dataclass
class OpCall:
    """Function.apply ran node.forward: slots[out] = node.forward(*inputs)."""
    node: Function
    inputs: tuple           # for each input: a slot (int) or an Outside
    arrays: dict            # the node's array parameters: name -> slot or Outside
    out: int
    saved: tuple            # (name, slot) of each array forward saved for backward
    scalar: bool            # a 0-d result: forward may give it as a numpy scalar (made a 0-d array)

    def describe(self) -> str:
        return f"op '{self.node.name}'"


@dataclass
class UpdateCall:
    """Optimizer.step ran optimizer.update(param.data, grad, state, group)."""
    optimizer: object
    param: Tensor
    grad: object            # a slot or an Outside
    state: dict
    group: dict

    def describe(self) -> str:
        return f"{type(self.optimizer).__name__}.update"


class _Trace(observer.Observer):
    """One eager call, as a list of OpCall and UpdateCall records over "slots": slot i holds
    the step's i-th argument, then each array a recorded call made."""

    def __init__(self, args):
        self.slot = {id(t.data): i for i, t in enumerate(args)}   # id(array) -> slot
        self.size = len(args)
        self.calls = []
        self.keep = []        # every outside array seen: no id is reused while tracing
        self.made = {}        # slot -> the array a call made in it
        self.leaves = {}      # id(leaf) -> (leaf, its version when first read)
        self.updates = {}     # id(version counter) -> optimizer updates of the tensors sharing it
        self.items = []       # arrays whose .item() the step read
        self.branched = None  # bool(tensor) while tracing

    def ref(self, array, tensor=None):
        k = self.slot.get(id(array))
        if k is not None:
            return k
        self.keep.append(array)
        owner = next((leaf for leaf, _ in self.leaves.values() if leaf.grad is tensor is not None), None)
        return Outside(array, tensor, owner)

    def new_slot(self, array) -> int:
        self.made[self.size] = array
        self.slot[id(array)], self.size = self.size, self.size + 1
        return self.size - 1

    def forward(self, node: Function, inputs: tuple, out):
        """node.forward(*inputs' data) gave `out`; returns the array the output Tensor is to hold.
        A 0-d result may have come from forward as a numpy scalar (a full sum, a product of 0-d
        arrays) that apply made an array: the replay does the same."""
        scalar = out.ndim == 0
        for t in inputs:
            if t.grad_fn is None and id(t) not in self.leaves:
                self.leaves[id(t)] = (t, version_number(t))
        ins = tuple([self.ref(t.data, t) for t in inputs])
        arrays = {k: self.ref(v) for k, v in vars(node).items() if type(v) is np.ndarray}
        saved = vars(node.saved).items() if hasattr(node, "saved") else ()
        saved = tuple((k, self.new_slot(v)) for k, v in saved if type(v) is np.ndarray)
        self.calls.append(OpCall(node, ins, arrays, self.new_slot(out), saved, scalar))
        return out

    def update(self, optimizer, p: Tensor, grad, group_state: dict, group: dict) -> None:
        self.leaves.setdefault(id(p), (p, version_number(p)))
        self.updates[id(p._version)] = self.updates.get(id(p._version), 0) + 1
        self.calls.append(UpdateCall(optimizer, p, self.ref(grad), group_state, group))

    def read(self, t: Tensor, how: str) -> None:
        if how == "item":
            self.items.append(t.data)
        else:
            self.branched = describe(t)


class _Program:
    """The checked trace as straight-line code over slots."""

    @staticmethod
    def build(first: _Trace, second: _Trace, args):
        """The program of `second`, checked against `first`; a str (why not) if they differ."""
        if second.branched:
            raise CompileError(f"compile: the step branches on the value of {second.branched} "
                               "(bool(tensor)); a replay cannot take a different branch")
        if len(first.calls) != len(second.calls):
            return f"the step made {len(first.calls)} calls, then {len(second.calls)}"
        program = _Program()
        program.template = [None] * second.size
        program.bound = []    # (slot, tensor, is_grad, shape, dtype): slot = (tensor.grad or tensor).data
        program.code, program.lines, program.sources = [], [], []
        program.constant, program.made = set(), second.made   # slots whose value never changes
        program.sources += [(i, f"# s{i}: argument {i}") for i in range(len(args))]
        for i, (a, b) in enumerate(zip(first.calls, second.calls)):
            why = program.add(i, a, b)
            if why:
                return why
        program.deposits = []   # (leaf or argument index, slot of its .grad or None)
        arg_of = {id(t): i for i, t in enumerate(args)}
        for t, version in second.leaves.values():
            if version_number(t) != version + second.updates.get(id(t._counter), 0):
                raise CompileError(f"compile: the step edits {describe(t)} in place outside an "
                                   "optimizer; a replay would not repeat the edit")
        for t, _ in second.leaves.values():
            if t.requires_grad and (t.grad is None or id(t.grad.data) in second.slot):
                target = arg_of.get(id(t), t)
                program.deposits.append((target, None if t.grad is None else second.slot[id(t.grad.data)]))
        program.result = program.result_of(second)
        del program.made   # the traced arrays: only the folded ones are kept, in the template
        return program

    def add(self, i: int, a, b):
        """Call i of the program, from its records a (first trace) and b (second)."""
        if type(a) is not type(b) or (isinstance(b, UpdateCall) and a.param is not b.param) or (
                isinstance(b, OpCall) and type(a.node) is not type(b.node)):
            return f"call {i} was {a.describe()}, then {b.describe()}"
        if isinstance(b, UpdateCall):
            grad = self.slot_of(i, b, first=a.grad, second=b.grad)
            if isinstance(grad, str) or a.state is not b.state or a.group is not b.group:
                return grad if isinstance(grad, str) else f"call {i}: another optimizer state"
            self.code.append(_update(b.optimizer, b.param, grad, b.state, b.group))
            self.lines.append(f"{type(b.optimizer).__name__}.update({describe(b.param)}, grad=s{grad})")
            return None
        node, out, saved = b.node, b.out, b.saved
        if len(b.inputs) != len(a.inputs) or set(b.arrays) != set(a.arrays) or not _same_params(a.node, node):
            return f"call {i} ({node.name}) had other parameters"
        ins = [self.slot_of(i, b, x, y) for x, y in zip(a.inputs, b.inputs)]
        arrays = {k: self.slot_of(i, b, a.arrays[k], y) for k, y in b.arrays.items()}
        for s in ins + list(arrays.values()):
            if isinstance(s, str):
                return s
        folded = self.constant.issuperset(ins + list(arrays.values()))
        if folded:   # constant folding: inputs that never change give the traced output every time
            for s in [out] + [s for _, s in saved]:
                self.template[s] = self.made[s]
                self.constant.add(s)
        else:
            self.code.append(_op(node, ins, arrays, out, saved, b.scalar))
        named = [f"s{s}" for s in ins] + [f"{k}=s{s}" for k, s in arrays.items()]
        self.lines.append(f"s{out} = {node.name}({', '.join(named)})"
                          + "".join(f"; s{s} = its {k}" for k, s in saved) + ("   # folded" if folded else ""))
        return None

    def slot_of(self, i: int, call, first, second):
        """The slot the replay reads for one input of call i (a str when the traces differ)."""
        if isinstance(second, int):
            return second if first == second else f"call {i} ({call.describe()}) read another array"
        if isinstance(first, int):
            return f"call {i} ({call.describe()}) read another array"
        x, t, owner = first.array, first.tensor, first.owner
        y, u, owner2 = second.array, second.tensor, second.owner
        if x.shape != y.shape or x.dtype != y.dtype:
            return f"call {i} ({call.describe()}) read an array of shape {x.shape}, then {y.shape}"
        s = len(self.template)
        self.template.append(y)
        if owner2 is not None and owner is owner2:   # a .grad the step adds to: an input
            self.bound.append((s, owner2, True, y.shape, y.dtype))
            self.sources.append((s, f"# s{s}: the .grad of {describe(owner2)}"))
        elif u is not None and t is u:           # the same tensor both times: an input
            self.bound.append((s, u, False, y.shape, y.dtype))
            self.sources.append((s, f"# s{s}: {describe(u)}"))
        elif x is y:                             # the same array (an op's parameter): an input
            self.sources.append((s, f"# s{s}: an array of shape {y.shape} ({y.dtype})"))
        elif x.flags.writeable or y.flags.writeable or not np.array_equal(x, y, equal_nan=True):
            raise CompileError(
                f"compile: {call.describe()} (call {i} of the step) reads a {y.shape} {y.dtype} array "
                f"that was computed outside the recorded ops and changes from call to call — a "
                f"random mask (dropout), numpy inside an op's backward, or a tensor made from data "
                f"inside the step; make it an argument of the step, or run the step eagerly")
        else:                                    # equal and read-only: a constant
            self.sources.append((s, f"# s{s}: constant {np.array2string(y, threshold=4, precision=4)}"))
            self.constant.add(s)
        return s

    def result_of(self, trace: _Trace):
        r = trace.result
        if r is None:
            return None
        if isinstance(r, Tensor) and id(r.data) in trace.slot:
            return ("tensor", trace.slot[id(r.data)])
        if isinstance(r, float) and trace.items and id(trace.items[-1]) in trace.slot:
            last = trace.items[-1]
            if last.item() == r or (r != r and last.item() != last.item()):
                return ("item", trace.slot[id(last)])
        raise CompileError("compile: the step must return its loss as a Tensor, its .item() "
                           f"(the last one read), or None; it returned a {type(r).__name__}")

    def run(self, args):
        """Replay; (False, None) if a bound tensor changed shape or dtype (nothing ran yet)."""
        slots = self.template.copy()
        for i, t in enumerate(args):
            slots[i] = t.data
        for s, t, is_grad, shape, dtype in self.bound:
            if is_grad:
                t = t.grad
            data = None if t is None else t.data
            if data is None or data.shape != shape or data.dtype != dtype:
                return False, None
            slots[s] = data
        for instruction in self.code:
            instruction(slots)
        for target, s in self.deposits:
            leaf = args[target] if isinstance(target, int) else target
            if s is None:
                leaf.grad = None
            else:
                g = slots[s]
                g.flags.writeable = False   # as eager deposits it
                leaf.grad = wrap(g)
        if self.result is None:
            return True, None
        kind, s = self.result
        return True, (wrap(slots[s]) if kind == "tensor" else slots[s].item())


def _op(node: Function, ins: list, arrays: dict, out: int, saved: tuple, scalar: bool):
    """One recorded forward as a replay instruction: slots[out] = node.forward(*slots[ins]),
    the node's array parameters taken from their slots first, and the arrays forward saves
    for backward put in theirs after."""
    forward, params = node.forward, vars(node)
    if not (arrays or saved or scalar) and len(ins) <= 2:
        return _plain_op(forward, ins, out)

    def run(slots):
        for k, s in arrays.items():
            params[k] = slots[s]
        result = forward(*[slots[s] for s in ins])
        slots[out] = np.asarray(result) if scalar else result   # as the trace did
        if saved:
            kept = vars(node.saved)
            for k, s in saved:
                slots[s] = kept[k]
    return run


def _plain_op(forward, ins: list, out: int):
    """Most ops: one or two inputs and nothing else to move (the replay of the chain200
    benchmark spends most of its Python time here: each step fewer counts)."""
    if len(ins) == 2:
        a, b = ins

        def run(slots):
            slots[out] = forward(slots[a], slots[b])
    else:
        a, = ins

        def run(slots):
            slots[out] = forward(slots[a])
    return run


def _update(opt, p: Tensor, grad: int, group_state: dict, group: dict):
    update = opt.update

    def run(slots):
        update(p.data, slots[grad], group_state, group)
        p._version[0] += 1   # as Optimizer.step
    return run


def _same_params(a: Function, b: Function) -> bool:
    """The two nodes' parameters other than arrays agree: plain values equal, functions of the
    same code over equal closures (a node in a closure, or a method's node, is the traced node
    itself)."""
    pa = vars(a)
    return all(_same(pa.get(k), v, b.name, k) for k, v in vars(b).items() if type(v) is not np.ndarray)


_PLAIN = (type(None), bool, int, float, complex, str, slice, type(Ellipsis), type, np.dtype, np.generic)


def _same(x, y, op: str, key: str) -> bool:
    if type(x) is not type(y):
        return False
    if x is y or isinstance(y, Function):
        return True
    if isinstance(y, _PLAIN):
        return x == y or (x != x and y != y)
    if isinstance(y, (tuple, list)):
        return len(x) == len(y) and all(_same(u, v, op, key) for u, v in zip(x, y))
    if isinstance(y, np.ndarray):   # inside a tuple: computed outside the ops (e.g. by numpy)
        raise CompileError(f"compile: op '{op}' takes arrays computed outside the recorded ops as its "
                           f"parameter '{key}', new ones each call; a replay cannot recompute them")
    if hasattr(y, "__func__"):      # a bound method
        return _same(x.__func__, y.__func__, op, key) and _same(x.__self__, y.__self__, op, key)
    if hasattr(y, "__code__"):      # a function: the same code over the same captured values
        cells = [(c.cell_contents, d.cell_contents) for c, d in zip(x.__closure__ or (), y.__closure__ or ())]
        return x.__code__ is y.__code__ and all(_same(u, v, op, key) for u, v in cells)
    return False
