"""2-D max and average pooling, each one op in the graph, with its adjoint as its derivative.

Both run as a loop over the kh·kw offsets of the window: the pixel at offset (i, j) of every
window of the batch is one strided slice of the input, x[:, :, i::s, j::s], so each step is one
whole-batch numpy operation (and keeps the input's memory order, see ops/conv.py).

max_pool2d:  Y = max over each window;  ∂X = G routed to the window's max (the FIRST one in
             row-major order when several are equal, as PyTorch does) — `max_unpool2d`.
avg_pool2d:  Y = mean over each window (padding counts as zeros, PyTorch's default);
             ∂X = G / (kh·kw) spread over the window — `avg_pool2d_backward`.
Each pair is linear in G, so the adjoint's derivative is the pooling op again.
"""
import numpy as np

from ..function import Function


def _window_slices(kernel: tuple, stride: tuple, out_hw: tuple):
    """For each kernel offset (i, j): the index that picks it from every window at once."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out_hw
    for i in range(kh):
        for j in range(kw):
            yield i * kw + j, (Ellipsis, slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw))


def _out_hw(shape: tuple, kernel: tuple, stride: tuple, padding: tuple) -> tuple:
    return tuple((n + 2 * p - k) // s + 1 for n, k, s, p in zip(shape[-2:], kernel, stride, padding))


def _pad(x: np.ndarray, padding: tuple, value: float) -> np.ndarray:
    ph, pw = padding
    if ph == pw == 0:
        return x
    out = np.full((*x.shape[:-2], x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw), value, dtype=x.dtype)
    out[..., ph:ph + x.shape[-2], pw:pw + x.shape[-1]] = x
    return out


def memory_order(x: np.ndarray) -> tuple:
    """x's axes from the slowest-varying in memory to the fastest, e.g. (1, 2, 3, 0) for an
    (N, C, H, W) view of channels-first, batch-last memory."""
    strides = x.strides
    return tuple(sorted(range(x.ndim), key=lambda a: -strides[a]))


def _inverse(order: tuple) -> list:
    return [order.index(a) for a in range(len(order))]


def _in_order(a: np.ndarray, order: tuple) -> np.ndarray:
    """a itself if its memory is laid out in the given axis order, else such a copy."""
    if memory_order(a) == order:
        return a
    return np.ascontiguousarray(a.transpose(order)).transpose(_inverse(order))


def _gradient_buffer(op: Function, dtype) -> np.ndarray:
    """The (padded) input's gradient, in the input's memory order: zeros, or left empty when
    the windows tile it exactly (every element is then written once)."""
    shape = (*op.in_shape[:-2], *(n + 2 * p for n, p in zip(op.in_shape[-2:], op.padding)))
    tiled = all(s == k and n % k == 0 for n, k, s in zip(shape[-2:], op.kernel, op.stride))
    return (np.empty if tiled else np.zeros)([shape[a] for a in op.order], dtype=dtype).transpose(_inverse(op.order))


def _overlapping(op: Function) -> bool:
    return any(s < k for s, k in zip(op.stride, op.kernel))


def _crop(x: np.ndarray, shape: tuple, padding: tuple) -> np.ndarray:
    ph, pw = padding
    return x[..., ph:ph + shape[-2], pw:pw + shape[-1]]


class MaxPool(Function):
    """Window maxima. Saves, per output element, the offset of the window's first maximum
    (`argmax`, one byte each) for the backward pass. Given an `argmax` it picks those elements
    instead (that is the derivative of max_unpool2d)."""
    name, derivative = "max_pool2d", "∂X = G at each window's (first) max"
    uses_inputs = False
    argmax = None

    def forward(self, x):
        xp = _pad(x, self.padding, -np.inf)
        offsets = [xp[index] for _, index in
                   _window_slices(self.kernel, self.stride, _out_hw(x.shape, self.kernel, self.stride, self.padding))]
        if self.argmax is not None:  # pick the given winners
            best = np.zeros(offsets[0].shape, dtype=x.dtype)
            for k, v in enumerate(offsets):
                np.copyto(best, v, where=self.argmax == k)
            argmax = self.argmax
        else:
            best = offsets[0].copy(order="K")
            for v in offsets[1:]:
                np.maximum(best, v, out=best)
            argmax = _first_max(offsets, best)
        self.save_for_backward(argmax=argmax, in_shape=x.shape, order=memory_order(x))
        return best

    def backward(self, g):
        saved = self.saved
        return (MaxUnpool.apply(g, argmax=saved.argmax, in_shape=saved.in_shape, order=saved.order,
                                kernel=self.kernel, stride=self.stride, padding=self.padding),)


def _first_max(offsets: list, best: np.ndarray) -> np.ndarray:
    """The first offset k (row-major in the window) whose value equals the window's max. Going
    from the last offset to the first, arg −= [v_k = max]·(arg − k) leaves the smallest such k;
    in byte arithmetic (speed: see benchmarks/README.md)."""
    last = len(offsets) - 1
    dtype = np.uint8 if last < 256 else np.int32
    arg = np.full_like(best, last, dtype=dtype)  # in best's memory order
    for k in range(last - 1, -1, -1):
        hit = np.equal(offsets[k], best).view(np.uint8)
        arg -= hit * (arg - dtype(k))
    return arg


class MaxUnpool(Function):
    """∂X of max pooling: G (one value per window) put back at each window's winner, zeros
    elsewhere (summed where overlapping windows share a winner)."""
    name, derivative = "max_unpool2d", "∂G = G′ at each window's max"
    uses_inputs = False

    def forward(self, g):
        dx = _gradient_buffer(self, g.dtype)
        g = _in_order(g, self.order)  # mixing memory orders makes every step below 3× slower
        overlapping = _overlapping(self)
        for k, index in _window_slices(self.kernel, self.stride, g.shape[-2:]):
            hit = self.argmax == k
            if overlapping:
                dx[index] += g * hit
            else:  # each pixel is in one window at most
                np.multiply(g, hit, out=dx[index])
        return _crop(dx, self.in_shape, self.padding)

    def backward(self, gg):
        return (MaxPool.apply(gg, argmax=self.argmax, kernel=self.kernel, stride=self.stride,
                              padding=self.padding),)


class AvgPool(Function):
    name, derivative = "avg_pool2d", "∂X = G / (kh·kw) spread over each window"
    uses_inputs = False

    def forward(self, x):
        self.save_for_backward(in_shape=x.shape, order=memory_order(x))
        xp = _pad(x, self.padding, 0.0)
        slices = _window_slices(self.kernel, self.stride, _out_hw(x.shape, self.kernel, self.stride, self.padding))
        _, first = next(slices)
        total = xp[first].copy(order="K")
        for _, index in slices:
            total += xp[index]
        total *= np.asarray(1.0 / (self.kernel[0] * self.kernel[1]), dtype=x.dtype)
        return total

    def backward(self, g):
        return (AvgPoolBackward.apply(g, in_shape=self.saved.in_shape, order=self.saved.order, kernel=self.kernel,
                                      stride=self.stride, padding=self.padding),)


class AvgPoolBackward(Function):
    name, derivative = "avg_pool2d_backward", "∂G = avg_pool2d(G′)"
    uses_inputs = False

    def forward(self, g):
        dx = _gradient_buffer(self, g.dtype)
        share = _in_order(g, self.order) * np.asarray(1.0 / (self.kernel[0] * self.kernel[1]), dtype=g.dtype)
        overlapping = _overlapping(self)
        for _, index in _window_slices(self.kernel, self.stride, g.shape[-2:]):
            if overlapping:
                dx[index] += share
            else:
                dx[index] = share
        return _crop(dx, self.in_shape, self.padding)

    def backward(self, gg):
        return (AvgPool.apply(gg, kernel=self.kernel, stride=self.stride, padding=self.padding),)
