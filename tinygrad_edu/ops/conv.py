"""Convolution (cross-correlation, as in PyTorch), 1-D and 2-D, each one op in the graph.

For Y = X ⋆ W + b (stride s, padding p) with upstream gradient G:
    ∂X = G ⋆ W full and flipped — a transposed convolution (`conv_transpose2d`)
    ∂W = X ⋆ G                  — the weight gradient (`conv2d_weight`)
    ∂b = Σ G over batch and positions
The three ops are each other's derivatives (all three are bilinear), so derivatives of any
order stay in this family.

How it is computed (im2col): every patch that the kernel sees becomes one column of a matrix,
and the convolution is one matmul, W (O, C·kh·kw) @ cols (C·kh·kw, OH·OW·N). The columns are
ordered (oh, ow, n), batch last: copying the patches out of channels-first, batch-last memory
(C, H, W, N) moves N contiguous numbers at a time, and the matmul's result (O, OH, OW, N) IS that
layout for the next layer (speed: see benchmarks/README.md). The result
is handed out as an (N, O, OH, OW) view of that memory; numpy's elementwise ops keep the memory
order of their input, so ReLU and pooling pass it on and the next im2col reads it without a
transpose. 1-D convolutions run as 2-D ones with height 1.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function


def _as_2d(a: np.ndarray) -> np.ndarray:
    """(N, C, L) -> (N, C, 1, L): a 1-D convolution is a 2-D one of height 1."""
    return a[:, :, None, :] if a.ndim == 3 else a


def _back_to(a4: np.ndarray, ndim: int) -> np.ndarray:
    return a4[:, :, 0, :] if ndim == 3 else a4


def _chwn(x: np.ndarray, padding: tuple) -> np.ndarray:
    """x (N, C, H, W) as contiguous (C, H + 2ph, W + 2pw, N) memory, zero-padded."""
    n, c, h, w = x.shape
    ph, pw = padding
    xt = x.transpose(1, 2, 3, 0)
    if ph == pw == 0:
        return np.ascontiguousarray(xt)  # no copy when x already has this memory order
    buf = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
    buf[:, ph:ph + h, pw:pw + w] = xt
    return buf


def im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple):
    """The (C·kh·kw, OH·OW·N) patch matrix of x (N, C, H, W), and (OH, OW)."""
    xp = _chwn(x, padding)
    c, hp, wp, n = xp.shape
    (kh, kw), (sh, sw) = kernel, stride
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    sc, sy, sx, sn = xp.strides
    patches = as_strided(xp, (c, kh, kw, oh, ow, n), (sc, sy, sx, sy * sh, sx * sw, sn), writeable=False)
    return patches.reshape(c * kh * kw, oh * ow * n), (oh, ow)


def col2im(cols: np.ndarray, x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple) -> np.ndarray:
    """The adjoint of im2col: add every column back onto the pixels its patch came from.
    A loop over the kh·kw kernel offsets, each one strided slice-add of the whole batch."""
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    buf = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=cols.dtype)
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    patches = cols.reshape(c, kh, kw, oh, ow, n)
    for i in range(kh):
        for j in range(kw):
            buf[:, i:i + sh * oh:sh, j:j + sw * ow:sw] += patches[:, i, j]
    return buf[:, ph:ph + h, pw:pw + w].transpose(3, 0, 1, 2)


def _geometry(op: Function, one_d: bool, kind: str) -> dict:
    """The parameters a derivative op shares with `op`, and its name (conv1d… for 1-D)."""
    return {"stride": op.stride, "padding": op.padding, "name": kind.replace("2d", "1d") if one_d else kind}


def _rows(g4: np.ndarray) -> np.ndarray:
    """G (N, O, OH, OW) as the (O, OH·OW·N) matrix that pairs with im2col's columns."""
    return g4.transpose(1, 2, 3, 0).reshape(g4.shape[1], -1)


class Conv(Function):
    """conv2d (or conv1d): inputs x, weight and optionally bias; parameters stride and padding
    (pairs). `keep_cols` saves the patch matrix for the weight gradient, which takes it over
    (it is large: a second backward pass computes it again)."""
    name, derivative = "conv2d", "∂X = G ⋆ W (full, flipped), ∂W = X ⋆ G, ∂b = Σ G"
    keep_cols = False

    def forward(self, x, w, b=None):
        x4, w4 = _as_2d(x), _as_2d(w)
        n, o = x4.shape[0], w4.shape[0]
        cols, (oh, ow) = im2col(x4, w4.shape[2:], self.stride, self.padding)
        y = w4.reshape(o, -1) @ cols
        if b is not None:
            y += b[:, None]
        self.save_for_backward(cols=cols if self.keep_cols else None)
        return _back_to(y.reshape(o, oh, ow, n).transpose(3, 0, 1, 2), x.ndim)

    def backward(self, g):
        x, w = self.inputs[0], self.inputs[1]
        need = self.needs_input_grad
        one_d = x.ndim == 3
        gx = gw = gb = None
        if need[0]:
            gx = ConvTranspose.apply(g, w, x_shape=x.shape, **_geometry(self, one_d, "conv_transpose2d"))
        if need[1]:
            cols, self.saved.cols = self.saved.cols, None
            gw = ConvWeight.apply(x, g, kernel=w.shape[2:], cols=cols,
                                  **_geometry(self, one_d, "conv2d_weight"))
        if len(need) == 3 and need[2]:
            gb = g.sum(axis=(0, 2) if one_d else (0, 2, 3))
        return gx, gw, gb


class ConvTranspose(Function):
    """∂X of a convolution: G (N, O, OH, OW) and weight (O, C, kh, kw) -> x_shape, by col2im of
    Wᵀ G. Its own derivatives: ∂G = G′ ⋆ W (the convolution), ∂W = G′ ⋆ G (its weight gradient)."""
    name, derivative = "conv_transpose2d", "∂G = G′ ⋆ W, ∂W = G′ ⋆ G"

    def forward(self, g, w):
        g4, w4 = _as_2d(g), _as_2d(w)
        s = self.x_shape
        x_shape = (s[0], s[1], 1, s[2]) if len(s) == 3 else tuple(s)
        cols = w4.reshape(w4.shape[0], -1).T @ _rows(g4)
        return _back_to(col2im(cols, x_shape, w4.shape[2:], self.stride, self.padding), g.ndim)

    def backward(self, gg):
        g, w = self.inputs
        need = self.needs_input_grad
        one_d = g.ndim == 3
        d_g = d_w = None
        if need[0]:
            d_g = Conv.apply(gg, w, **_geometry(self, one_d, "conv2d"))
        if need[1]:
            d_w = ConvWeight.apply(gg, g, kernel=w.shape[2:], **_geometry(self, one_d, "conv2d_weight"))
        return d_g, d_w


class ConvWeight(Function):
    """∂W of a convolution: x (N, C, H, W) and G (N, O, OH, OW) -> (O, C, kh, kw) = G colsᵀ.
    Its own derivatives: ∂X = G ⋆ W′ full and flipped, ∂G = X ⋆ W′. `cols`: x's patch matrix,
    when the convolution's forward saved it."""
    name, derivative = "conv2d_weight", "∂X = G ⋆ W′ (full, flipped), ∂G = X ⋆ W′"
    cols = None

    def forward(self, x, g):
        x4, g4 = _as_2d(x), _as_2d(g)
        kernel = (1, *self.kernel) if x.ndim == 3 else tuple(self.kernel)
        cols = self.cols
        if cols is None:
            cols, _ = im2col(x4, kernel, self.stride, self.padding)
        o, c = g4.shape[1], x4.shape[1]
        dw = (cols @ _rows(g4).T).T.reshape(o, c, *kernel)  # (cols Gᵀ)ᵀ, not G colsᵀ (speed)
        return _back_to(dw, x.ndim)

    def backward(self, gw):
        x, g = self.inputs
        need = self.needs_input_grad
        one_d = x.ndim == 3
        d_x = d_g = None
        if need[0]:
            d_x = ConvTranspose.apply(g, gw, x_shape=x.shape, **_geometry(self, one_d, "conv_transpose2d"))
        if need[1]:
            d_g = Conv.apply(x, gw, **_geometry(self, one_d, "conv2d"))
        return d_x, d_g
