"""`Module`: the base class of layers and models. It finds its parameters by looking at its
attributes (and inside lists, tuples and dicts), so a model is plain Python:

    class MLP(nn.Module):
        def __init__(self):
            self.fc1 = nn.Linear(64, 32)
            self.fc2 = nn.Linear(32, 10)
        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

`named_parameters()` gives PyTorch's dotted names (`fc1.weight`, `layers.0.bias`); parameters take
these names as their `.name` when an attribute is assigned or named_parameters() runs. State that
is saved but not learned (BatchNorm's running statistics) is a buffer: `register_buffer(name,
array)`; `state_dict()` holds parameters and buffers, so it loads into the same PyTorch model.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .._zero_grad import zero_gradients
from ..devices import check_device, is_device
from ..hooks import HookList, RemovableHandle
from ..tensor import Tensor
from . import serialization
from .parameter import Parameter


class Parameters(list):
    """What model.parameters() returns: a list (len, indexing, +) that is also an iterator, as
    PyTorch's generator is: `next(model.parameters())` is the first parameter."""

    _taken = 0

    def __next__(self):
        if self._taken >= len(self):
            raise StopIteration
        self._taken += 1
        return self[self._taken - 1]


class Module:
    """Base class: subclass it, assign parameters and sub-modules as attributes, write forward."""

    training = True  # class default, so subclasses need not call super().__init__()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        output = self.forward(*args, **kwargs)
        hooks = vars(self).get("_forward_hooks")
        if hooks:
            output = _run_forward_hooks(self, hooks, args, kwargs, output)
        return output

    def register_forward_hook(self, hook, *, prepend: bool = False,
                              with_kwargs: bool = False) -> RemovableHandle:
        """`hook(module, inputs, output)` runs after each forward (`inputs` the tuple of positional
        arguments; with_kwargs=True: `hook(module, inputs, kwargs, output)`). A value it returns
        other than None replaces the output, as in PyTorch. Returns a handle: `handle.remove()`."""
        if "_forward_hooks" not in vars(self):
            object.__setattr__(self, "_forward_hooks", HookList())
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}.register_forward_hook: the hook must be callable, "
                            f"got {type(hook).__name__}")
        return self._forward_hooks.add(_KeywordHook(hook) if with_kwargs else hook, prepend=prepend)

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        if isinstance(value, (Parameter, Module, list, tuple, dict)):
            # name the new value's parameters now, so errors say 'fc1.weight' (only the value's:
            # walking every parameter on each assignment made building N layers O(N²))
            _name_parameters(self._member_prefix(name), value)

    def _member_prefix(self, attribute: str) -> str:
        """The name under which `attribute`'s value appears in _members() ('' for a container's
        list of layers, whose items are named '0', '1', …)."""
        return attribute

    # --- discovery ----------------------------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, object]]:
        """(name, value) of everything that may hold parameters, in a stable order."""
        return iter(vars(self).items())

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first in the order they were assigned, as
        PyTorch: ('', self), ('fc1', …), ('block.0', …), … Each module once, under the first name
        it is found at (remove_duplicate=False: under every name). `memo` a set of modules to skip."""
        memo = set() if memo is None else memo
        if self in memo and remove_duplicate:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, child in _walk(self._members()):
            if isinstance(child, Module):
                yield from child.named_modules(memo, _join(prefix, name), remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, each once (named_modules() without the names)."""
        return (m for _, m in self.named_modules())

    def children(self) -> Iterator[Module]:
        return (m for _, m in _walk(self._members()) if isinstance(m, Module))

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((n, m) for n, m in _walk(self._members()) if isinstance(m, Module))

    def apply(self, fn) -> Module:
        """Call fn(m) on every sub-module, children first, then on this module, as PyTorch's
        (the habit `model.apply(init_weights)`); returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set requires_grad on every parameter (False freezes the model); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs in the order the attributes were assigned (depth
        first), each parameter once: where it is first found."""
        seen = set()
        for name, value in _depth_first(self, prefix, set()):
            if isinstance(value, Parameter) and id(value) not in seen:
                seen.add(id(value))
                _label(value, name)
                yield name, value

    def parameters(self) -> Parameters:
        return Parameters(p for _, p in self.named_parameters())

    # --- buffers: state that is saved but not learned (BatchNorm's running statistics) -------
    def register_buffer(self, name: str, value) -> None:
        """Make `value` (a Tensor, a numpy array that keeps its dtype, or None) the attribute
        `name` and part of state_dict(), as PyTorch's register_buffer. It is not a parameter."""
        if not isinstance(name, str) or not name.isidentifier():
            raise KeyError(f"{type(self).__name__}.register_buffer: the name must be an identifier, got {name!r}")
        if isinstance(value, Parameter):
            raise TypeError(f"{type(self).__name__}.register_buffer: '{name}' is a Parameter; a "
                            "buffer is state that is not learned (assign parameters as attributes)")
        if value is not None and not isinstance(value, Tensor):
            array = np.asarray(value)
            if array.dtype.kind not in "fiub":
                raise TypeError(f"{type(self).__name__}.register_buffer: '{name}' must be numeric, "
                                f"got dtype {array.dtype}")
            value = Tensor(array, dtype=array.dtype)
        if "_buffer_names" not in vars(self):
            self._buffer_names = set()
        self._buffer_names.add(name)
        setattr(self, name, value)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, object]]:
        """(dotted name, buffer Tensor) pairs, e.g. ('bn.running_mean', …); None buffers are skipped."""
        return ((name, value) for name, value, is_buffer in _named_state(self, prefix) if is_buffer)

    def buffers(self) -> list:
        return [b for _, b in self.named_buffers()]

    # --- training helpers ---------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: None (PyTorch's default), or zeros with
        set_to_none=False."""
        zero_gradients(self.parameters(), set_to_none)

    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False) -> Module:
        """As PyTorch's: `to(dtype)`, `to(device)`, `to(device, dtype)`. Converts every parameter
        and floating buffer to a floating dtype, in place (do it before creating the optimizer:
        its state buffers keep the dtype they were made with); integer buffers
        (num_batches_tracked) keep theirs, as in PyTorch. The device must be the CPU."""
        for arg in args:
            if is_device(arg):
                device = arg
            else:
                dtype = arg
        check_device(device, f"{type(self).__name__}.to({str(device)!r})")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: parameters need a floating dtype, got {dtype}")
        floating_buffers = [b for b in self.buffers() if b.data.dtype.kind == "f"]
        for p in self.parameters() + floating_buffers:
            if p.data.dtype != dtype:
                p.data = p.data.astype(dtype)
                p.grad = None
                p._version[0] += 1
        return self

    def cpu(self) -> Module:
        """The module itself: the engine runs on the CPU."""
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    # --- state --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """{dotted name: a copy of the array} for every parameter and buffer, in the order they
        were assigned (PyTorch's names and order for its layers: bn.weight, bn.bias,
        bn.running_mean, bn.running_var, bn.num_batches_tracked)."""
        return {name: t.data.copy() for name, t in self.named_state()}

    def named_state(self, prefix: str = "") -> Iterator[tuple[str, object]]:
        """(dotted name, Tensor) of every parameter and buffer: what state_dict() holds."""
        return ((name, value) for name, value, _ in _named_state(self, prefix))

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copy the given arrays into the parameters and buffers. Every key, shape and dtype is checked
        before anything is copied, so a dict that does not fit leaves the model untouched.
        strict=False ignores missing and unexpected keys (shapes must still fit)."""
        for p, value in serialization.check_state_dict(self, state_dict, strict):
            np.copyto(p.data, value, casting="same_kind")
            p._version[0] += 1

    def save(self, path) -> str:
        """Write state_dict() to an .npz file at `path`; returns the path."""
        return serialization.save(self, path)

    def load(self, path, strict: bool = True) -> Module:
        """Load parameters from an .npz file written by save()."""
        return serialization.load(self, path, strict)

    # --- display ------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [(n, m) for n, m in _walk(self._members()) if isinstance(m, Module)]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [f"  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in children]
        return head + "\n" + "\n".join(lines) + "\n)"


def _run_forward_hooks(module: Module, hooks: HookList, args: tuple, kwargs: dict, output):
    for hook in hooks:
        if isinstance(hook, _KeywordHook):
            result = hook.hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result
    return output


class _KeywordHook:
    """A forward hook registered with with_kwargs=True: called with the keyword arguments too."""

    def __init__(self, hook):
        self.hook = hook

    def __call__(self, *args):
        return self.hook(*args)


def _depth_first(module: Module, prefix: str, seen: set) -> Iterator[tuple[str, object]]:
    """The module itself, then each member in order, entering sub-modules (each module once)."""
    seen.add(id(module))
    yield prefix, module
    for name, value in _walk(module._members()):
        full = _join(prefix, name)
        if isinstance(value, Module):
            if id(value) not in seen:
                yield from _depth_first(value, full, seen)
        else:
            yield full, value


def _named_state(module: Module, prefix: str = "") -> Iterator[tuple[str, object, bool]]:
    """(dotted name, tensor, is_buffer) for every parameter (each once) and every non-None
    buffer, depth first in the order the attributes were assigned."""
    seen_params: set = set()
    modules_by_name: dict = {}
    for name, value in _depth_first(module, prefix, set()):
        if isinstance(value, Module):
            modules_by_name[name] = value
        elif isinstance(value, Parameter):
            if id(value) not in seen_params:
                seen_params.add(id(value))
                yield name, value, False
        elif value is not None and _is_buffer_name(modules_by_name, name):
            if not isinstance(value, Tensor):
                raise TypeError(f"buffer '{name}' is a {type(value).__name__}, not a Tensor: replace "
                                "a buffer with register_buffer(name, array), which makes it one")
            yield name, value, True


def _is_buffer_name(modules_by_name: dict, name: str) -> bool:
    """Is `name` ('bn.running_mean') a buffer registered on the module named 'bn'?"""
    owner_name, _, attribute = name.rpartition(".")
    owner = modules_by_name.get(owner_name)
    return owner is not None and attribute in vars(owner).get("_buffer_names", ())


def _walk(members) -> Iterator[tuple[str, object]]:
    """Expand lists, tuples and dicts: ('layers', [a, b]) -> ('layers.0', a), ('layers.1', b)."""
    for name, value in members:
        if isinstance(value, (list, tuple)):
            yield from _walk((_join(name, str(i)), v) for i, v in enumerate(value))
        elif isinstance(value, dict):
            yield from _walk((_join(name, str(k)), v) for k, v in value.items())
        else:
            yield name, value


def _name_parameters(prefix: str, value) -> None:
    """Label the parameters inside `value` (a Parameter, Module, list, tuple or dict) with the
    dotted names they have under `prefix`."""
    for path, member in _walk([(prefix, value)]):
        if isinstance(member, Module):
            for _ in member.named_parameters(path):
                pass
        elif isinstance(member, Parameter):
            _label(member, path)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _label(p: Parameter, name: str) -> None:
    """Give a parameter its dotted name, so graphs and error messages show 'fc1.weight'. A name
    given here may later be replaced by a more qualified one (a module assigned into a model:
    'weight' -> 'fc1.weight'); a name the user gave is never touched."""
    auto = getattr(p, "_auto_name", None)
    if p.name is None or (p.name == auto and name.count(".") > auto.count(".")):
        p.name = p._auto_name = name
