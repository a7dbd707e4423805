"""Joining tensors and cutting them apart: cat, stack, narrow (the pieces of split/chunk), pad.
Each one's gradient is the opposite move: cat's is G cut into the inputs' pieces, narrow's is G
padded back with zeros, pad's is G narrowed back."""
import numpy as np

from ..function import Function


class Cat(Function):
    """np.concatenate along `axis` (tensors of equal shape except along it)."""
    name, derivative = "cat", "∂ = G cut back into the inputs' pieces"
    uses_inputs = False

    def forward(self, *arrays):
        self.save_for_backward(sizes=[a.shape[self.axis] for a in arrays])
        return np.concatenate(arrays, axis=self.axis)

    def backward(self, g):
        grads, start = [], 0
        for size, need in zip(self.saved.sizes, self.needs_input_grad):
            grads.append(Narrow.apply(g, axis=self.axis, start=start, length=size) if need else None)
            start += size
        return tuple(grads)


class Stack(Function):
    """np.stack along a new `axis` (tensors of equal shape)."""
    name, derivative = "stack", "∂ = G taken apart along the new axis"
    uses_inputs = False

    def forward(self, *arrays):
        return np.stack(arrays, axis=self.axis)

    def backward(self, g):
        shape = g.shape[:self.axis] + g.shape[self.axis + 1:]
        return tuple(Narrow.apply(g, axis=self.axis, start=i, length=1).reshape(shape) if need else None
                     for i, need in enumerate(self.needs_input_grad))


class Narrow(Function):
    """x[..., start:start + length, ...] along `axis` (a numpy view)."""
    name, derivative = "narrow", "∂ = G padded back with zeros"
    uses_inputs = False
    is_view = True  # a numpy view: it shares the input's version counter

    def forward(self, x):
        self.save_for_backward(in_size=x.shape[self.axis])
        index = (slice(None),) * self.axis + (slice(self.start, self.start + self.length),)
        return x[index]

    def backward(self, g):
        widths = [(0, 0)] * g.ndim
        widths[self.axis] = (self.start, self.saved.in_size - self.start - self.length)
        return (Pad.apply(g, widths=tuple(widths), value=0.0),)


class Pad(Function):
    """Constant padding: `widths` holds (before, after) for every axis (numpy's order)."""
    name, derivative = "pad", "∂ = G with the padding cut off"
    uses_inputs = False

    def forward(self, x):
        # a filled array and one slice assignment: np.pad's Python costs ~30 µs a call, more than
        # the copy itself for the pieces of a split (every narrow's gradient comes through here)
        shape = tuple(n + before + after for n, (before, after) in zip(x.shape, self.widths))
        out = np.full(shape, self.value, dtype=x.dtype) if self.value else np.zeros(shape, dtype=x.dtype)
        out[tuple(slice(before, before + n) for n, (before, _) in zip(x.shape, self.widths))] = x
        return out

    def backward(self, g):
        out = g
        for axis, (before, after) in enumerate(self.widths):
            if before or after:
                out = Narrow.apply(out, axis=axis, start=before, length=g.shape[axis] - before - after)
        return (out,)
