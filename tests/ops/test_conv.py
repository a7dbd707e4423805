"""Convolution and pooling: F.conv1d, F.conv2d, F.max_pool2d, F.avg_pool2d and their modules.

Against PyTorch (same weights in -> same outputs and gradients out, float64, hypothesis-drawn
shapes, strides and paddings, any memory layout of the input), against finite differences,
second derivatives, the graph (one op each, with a label), the layers' initialisation and
state_dict, and the errors for bad input."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- drawing problems ------------------------------------------------------------------------

@st.composite
def conv_problems(draw, dims: int = 2, max_side: int = 7):
    """(x, weight, bias or None, stride, padding) as float64 arrays and ints/tuples."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, c, o = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    size = tuple(draw(st.integers(1, max_side)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    kernel = tuple(draw(st.integers(1, min(4, s + 2 * p))) for s, p in zip(size, padding))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    as_int = draw(st.booleans()) and len(set(stride)) == 1 and len(set(padding)) == 1
    x = rng.uniform(-2, 2, (n, c, *size))
    w = rng.uniform(-1, 1, (o, c, *kernel))
    b = rng.uniform(-1, 1, o) if draw(st.booleans()) else None
    return x, w, b, (stride[0] if as_int else stride), (padding[0] if as_int else padding)


@st.composite
def pool_problems(draw, max_side: int = 7):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    kernel = (draw(st.integers(1, min(4, h))), draw(st.integers(1, min(4, w))))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    # values at least 0.01 apart: max pooling has no ties, so finite differences are meaningful
    x = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.01 + rng.uniform(0, 0.001, shape)
    return x, kernel, stride, padding


def in_layout(a: np.ndarray, perm) -> np.ndarray:
    """The same values, stored in memory with the axes in order `perm` (a non-contiguous view)."""
    return np.ascontiguousarray(a.transpose(perm)).transpose(np.argsort(perm))


layouts = st.sampled_from([(0, 1, 2, 3), (1, 2, 3, 0), (0, 2, 3, 1), (3, 2, 1, 0)])


def _leaf(a, layout=None):
    data = a if layout is None or a.ndim != 4 else in_layout(a, layout)
    return Tensor(data, requires_grad=True)  # Tensor copies, keeping the memory order


def _conv_fn(dims):
    return F.conv1d if dims == 1 else F.conv2d


# --- against PyTorch -------------------------------------------------------------------------

@pytest.mark.parametrize("dims", [1, 2])
@SETTINGS
@given(data=st.data())
def test_conv_matches_torch_values_and_gradients(dims, data):
    torch = pytest.importorskip("torch")
    x, w, b, stride, padding = data.draw(conv_problems(dims))
    layout = data.draw(layouts)
    tx, tw = _leaf(x, layout), _leaf(w)
    tb = None if b is None else _leaf(b)
    y = _conv_fn(dims)(tx, tw, tb, stride=stride, padding=padding)
    X, W = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    B = None if b is None else torch.tensor(b, requires_grad=True)
    Y = getattr(torch.nn.functional, f"conv{dims}d")(X, W, B, stride=stride, padding=padding)
    np.testing.assert_allclose(y.data, Y.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(0).uniform(-1, 1, Y.shape)
    y.backward(g)
    Y.backward(torch.tensor(g))
    pairs = [(tx, X), (tw, W)] + ([] if b is None else [(tb, B)])
    for ours, theirs in pairs:
        assert ours.grad.shape == ours.shape and ours.grad.dtype == np.float64
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["max_pool2d", "avg_pool2d"])
@SETTINGS
@given(problem=pool_problems(), layout=layouts)
def test_pooling_matches_torch_values_and_gradients(kind, problem, layout):
    torch = pytest.importorskip("torch")
    x, kernel, stride, padding = problem
    tx = _leaf(x, layout)
    y = getattr(F, kind)(tx, kernel, stride, padding)
    X = torch.tensor(x, requires_grad=True)
    Y = getattr(torch.nn.functional, kind)(X, kernel, stride, padding)
    np.testing.assert_allclose(y.data, Y.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(1).uniform(-1, 1, Y.shape)
    y.backward(g)
    Y.backward(torch.tensor(g))
    np.testing.assert_allclose(tx.grad.data, X.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1), (2, 1), ((2, 3), (1, 2))])
def test_max_pool_ties_send_the_gradient_to_the_first_max_like_torch(kernel, stride):
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 2, 5, 6))
    x[0, 1, 1:4, 2:5] = 1.0  # a plateau: every window on it is one big tie
    tx = Tensor(x, requires_grad=True)
    F.max_pool2d(tx, kernel, stride).sum().backward()
    X = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(X, kernel, stride).sum().backward()
    np.testing.assert_array_equal(tx.grad.data, X.grad.numpy())


def test_max_pool_tie_goes_to_the_first_element_in_row_major_order():
    x = Tensor(np.array([[[[1.0, 3.0], [3.0, 3.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[0.0, 1.0], [0.0, 0.0]]]])


def test_float32_cnn_matches_torch_float32():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 1, 12, 12)).astype(np.float32)
    ws = [rng.uniform(-0.3, 0.3, s).astype(np.float32) for s in [(4, 1, 3, 3), (4,), (6, 4, 3, 3), (6,)]]
    ours = [Tensor(w, requires_grad=True) for w in ws]
    theirs = [torch.tensor(w, requires_grad=True) for w in ws]

    def net(fn, pool, relu, params, x):
        h = pool(relu(fn(x, params[0], params[1], padding=1)), 2)
        return pool(relu(fn(h, params[2], params[3], stride=2)), (2, 1)).sum()
    out = net(F.conv2d, F.max_pool2d, F.relu, ours, Tensor(x))
    ref = net(torch.nn.functional.conv2d, torch.nn.functional.max_pool2d, torch.relu, theirs, torch.tensor(x))
    out.backward()
    ref.backward()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-5)
    for a, b in zip(ours, theirs):
        assert a.grad.dtype == np.float32
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_unbatched_inputs_like_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x, w, w1 = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal((3, 5, 2))
    np.testing.assert_allclose(F.conv2d(Tensor(x), Tensor(w), padding=1).data,
                               torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy())
    np.testing.assert_allclose(F.conv1d(Tensor(x), Tensor(w1)).data,
                               torch.nn.functional.conv1d(torch.tensor(x), torch.tensor(w1)).numpy())
    np.testing.assert_allclose(F.max_pool2d(Tensor(x), 2).data,
                               torch.nn.functional.max_pool2d(torch.tensor(x), 2).numpy())


# --- finite differences and second derivatives ---------------------------------------------

@pytest.mark.parametrize("dims", [1, 2])
@FEW
@given(data=st.data())
def test_conv_gradcheck(dims, data):
    x, w, b, stride, padding = data.draw(conv_problems(dims, max_side=5))
    inputs = [_leaf(x, data.draw(layouts)), _leaf(w)] + ([] if b is None else [_leaf(b)])
    fn = _conv_fn(dims)
    assert tg.gradcheck(lambda *t: fn(*t, stride=stride, padding=padding), inputs)


@pytest.mark.parametrize("kind", ["max_pool2d", "avg_pool2d"])
@FEW
@given(problem=pool_problems(max_side=5))
def test_pooling_gradcheck(kind, problem):
    x, kernel, stride, padding = problem
    assert tg.gradcheck(lambda t: getattr(F, kind)(t, kernel, stride, padding), [_leaf(x)])


@pytest.mark.parametrize("dims", [1, 2])
@FEW
@given(data=st.data())
def test_conv_second_derivatives_by_finite_differences(dims, data):
    """The gradients (a conv_transpose and a conv_weight op) are differentiable again."""
    x, w, b, stride, padding = data.draw(conv_problems(dims, max_side=4))
    fn = _conv_fn(dims)

    def gradients(x, w):
        y = fn(x, w, stride=stride, padding=padding)
        return tg.grad((y * y).sum(), [x, w], create_graph=True)
    assert tg.gradcheck(gradients, [_leaf(x), _leaf(w)])


@pytest.mark.parametrize("dims", [1, 2])
@FEW
@given(data=st.data())
def test_conv_hessian_vector_products_match_torch(dims, data):
    torch = pytest.importorskip("torch")
    x, w, b, stride, padding = data.draw(conv_problems(dims, max_side=5))
    b = np.ones(w.shape[0]) * 0.5 if b is None else b
    ours = [_leaf(a) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    rng = np.random.default_rng(5)
    directions = [rng.uniform(-1, 1, a.shape) for a in (x, w, b)]

    def hvp(conv, grad, tensor, params):
        y = conv(*params, stride=stride, padding=padding)
        first = grad((y * y * y).sum(), params, create_graph=True)
        dot = sum((g * tensor(v)).sum() for g, v in zip(first, directions))
        return grad(dot, params)
    h = hvp(_conv_fn(dims), lambda o, i, **k: tg.grad(o, i, **k), Tensor, ours)
    H = hvp(getattr(torch.nn.functional, f"conv{dims}d"), lambda o, i, **k: torch.autograd.grad(o, i, **k),
            torch.tensor, theirs)
    for a, b_ in zip(h, H):
        np.testing.assert_allclose(a.data, b_.numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kind", ["max_pool2d", "avg_pool2d"])
@FEW
@given(problem=pool_problems(max_side=5))
def test_pooling_second_derivatives(kind, problem):
    x, kernel, stride, padding = problem
    pool = getattr(F, kind)

    def gradient(t):
        y = pool(t, kernel, stride, padding)
        return tg.grad((y * y * y).sum(), [t], create_graph=True)[0]
    assert tg.gradcheck(gradient, [_leaf(x)])


# --- the graph -------------------------------------------------------------------------------

def test_each_is_one_op_in_the_graph_with_a_derivative_label():
    x = Tensor(np.ones((1, 2, 5, 5)), requires_grad=True)
    w, b = Tensor(np.ones((3, 2, 3, 3)), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    y = F.conv2d(x, w, b, padding=1)
    assert y.grad_fn.name == "conv2d" and y.grad_fn.inputs == (x, w, b)
    x1, w1 = Tensor(np.ones((1, 2, 5)), requires_grad=True), Tensor(np.ones((3, 2, 2)), requires_grad=True)
    assert F.conv1d(x1, w1).grad_fn.name == "conv1d"
    for fn, name in ((F.max_pool2d, "max_pool2d"), (F.avg_pool2d, "avg_pool2d")):
        out = fn(y, 2)
        assert out.grad_fn.name == name and out.grad_fn.inputs == (y,)
    for t in (y, F.conv1d(x1, w1), F.max_pool2d(y, 2), F.avg_pool2d(y, 2)):
        assert "∂" in t.grad_fn.derivative


def test_derivative_ops_are_named_in_the_graph_of_a_second_derivative():
    x = Tensor(np.random.default_rng(0).standard_normal((1, 1, 4, 4)), requires_grad=True)
    w = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    y = F.max_pool2d(F.conv2d(x, w), 2)
    gx, gw = tg.grad((y * y).sum(), [x, w], create_graph=True)
    assert gx.grad_fn.name == "conv_transpose2d"
    assert gw.grad_fn.name == "conv2d_weight"
    assert gx.grad_fn.inputs[0].grad_fn.name == "max_unpool2d"


def test_patch_matrix_is_not_kept_past_the_backward_pass():
    x = Tensor(np.ones((2, 3, 6, 6)))
    w = Tensor(np.ones((4, 3, 3, 3)), requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.saved.cols is not None  # saved for the weight gradient ...
    y.sum().backward()
    assert y.grad_fn.saved.cols is None  # ... and handed over to it
    first = w.grad.data.copy()
    y.sum().backward()  # a second pass recomputes it
    np.testing.assert_allclose(w.grad.data, 2 * first)
    frozen = F.conv2d(x, Tensor(np.ones((4, 3, 3, 3))), None)
    assert frozen.grad_fn is None
    with_input_grad = F.conv2d(Tensor(np.ones((2, 3, 6, 6)), requires_grad=True), Tensor(np.ones((4, 3, 3, 3))))
    assert "cols" not in vars(with_input_grad.grad_fn)  # no weight gradient: nothing kept


def test_memory_after_backward_holds_no_patch_matrix():
    """tracemalloc: with the graph still alive after backward, what the step holds is far less
    than one patch matrix (8 channels · 9 offsets per output pixel, against 1 output channel)."""
    import tracemalloc
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((4, 8, 16, 16)).astype(np.float32))
    conv = nn.Conv2d(8, 1, 3, padding=1)
    cols_bytes = 8 * 9 * 16 * 16 * 4 * 4
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        loss = F.max_pool2d(conv(x).relu(), 2).sum()
        during = tracemalloc.get_traced_memory()[0] - base
        loss.backward()
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert during > cols_bytes  # the forward keeps it for the weight gradient ...
    assert after < cols_bytes / 2, (during, after)  # ... and backward lets it go
    assert loss.grad_fn is not None


# --- modules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("layer,args,weight_shape", [
    (nn.Conv2d, (16, 32, 3), (32, 16, 3, 3)),
    (nn.Conv2d, (4, 6, (2, 5)), (6, 4, 2, 5)),
    (nn.Conv1d, (8, 12, 5), (12, 8, 5)),
])
def test_conv_layers_are_initialised_as_pytorch(layer, args, weight_shape):
    tg.manual_seed(0)
    m = layer(*args)
    assert m.weight.shape == weight_shape and m.bias.shape == (weight_shape[0],)
    assert m.weight.dtype == np.float32
    bound = 1 / np.sqrt(np.prod(weight_shape[1:]))  # kaiming_uniform(a=√5): 1/√fan_in
    for p in (m.weight, m.bias):
        assert np.abs(p.data).max() <= bound
    w = m.weight.data
    assert np.abs(w).max() > 0.9 * bound
    assert abs(w.mean()) < 0.1 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.15)
    tg.manual_seed(0)
    np.testing.assert_array_equal(layer(*args).weight.data, w)  # drawn from tg.manual_seed


def test_init_statistics_match_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Conv2d(16, 32, 3).weight.detach().numpy()
    ours = nn.Conv2d(16, 32, 3).weight.data
    assert abs(ours.std() - theirs.std()) < 0.1 * theirs.std()
    assert abs(np.abs(ours).max() - np.abs(theirs).max()) < 0.05 * np.abs(theirs).max()


class SmallCNN(nn.Module):
    def __init__(self):
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, (3, 2), stride=(1, 2), bias=False)
        self.avg = nn.AvgPool2d(2, stride=1)
        self.head = nn.Conv1d(6, 3, 2)

    def forward(self, x):
        h = self.pool(self.conv1(x).relu())
        h = self.avg(self.conv2(h).relu())
        return self.head(h.reshape(h.shape[0], h.shape[1], -1))


def test_state_dict_keys_and_shapes_match_torch_and_load_into_it():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class TorchCNN(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = tnn.Conv2d(1, 4, 3, padding=1)
            self.pool = tnn.MaxPool2d(2)
            self.conv2 = tnn.Conv2d(4, 6, (3, 2), stride=(1, 2), bias=False)
            self.avg = tnn.AvgPool2d(2, stride=1)
            self.head = tnn.Conv1d(6, 3, 2)

        def forward(self, x):
            h = self.pool(torch.relu(self.conv1(x)))
            h = self.avg(torch.relu(self.conv2(h)))
            return self.head(h.reshape(h.shape[0], h.shape[1], -1))
    ours, theirs = SmallCNN().double(), TorchCNN().double()
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    assert {k: v.shape for k, v in state.items()} == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    x = np.random.default_rng(0).standard_normal((2, 1, 10, 12))
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_module_reprs_and_arguments_like_torch():
    assert repr(nn.Conv2d(1, 8, 3, padding=1)) == "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(nn.Conv1d(2, 3, 5, bias=False)) == "Conv1d(2, 3, kernel_size=(5,), stride=(1,), bias=False)"
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None
    assert [n for n, _ in nn.Conv2d(1, 2, 3).named_parameters()] == ["weight", "bias"]
    assert nn.MaxPool2d(2).stride == 2 and nn.AvgPool2d(3, 1).stride == 1
    assert list(nn.MaxPool2d(2).parameters()) == []


def test_conv_layer_trains():
    """A conv → relu → pool → linear model lowers its loss under SGD."""
    from tinygrad_edu import optim
    tg.manual_seed(1)
    rng = np.random.default_rng(1)
    x = Tensor(rng.standard_normal((16, 1, 6, 6)).astype(np.float32))
    labels = (x.data[:, 0, :3].sum(axis=(1, 2)) > 0).astype(np.int64)
    conv, fc = nn.Conv2d(1, 4, 3, padding=1), nn.Linear(36, 2)
    opt = optim.SGD(conv.parameters() + fc.parameters(), lr=0.1)
    losses = []
    for _ in range(30):
        h = F.max_pool2d(conv(x).relu(), 2)
        loss = F.cross_entropy(fc(h.reshape(16, -1)), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


# --- bad input -------------------------------------------------------------------------------

def _x(*shape):
    return Tensor(np.zeros(shape))


@pytest.mark.parametrize("call,error,words", [
    (lambda: F.conv2d(_x(2, 3, 8, 8), _x(4, 2, 3, 3)), ValueError,
     ["conv2d", "2 channels", "3 channels", "(2, 3, 8, 8)", "(4, 2, 3, 3)"]),
    (lambda: F.conv1d(_x(2, 3, 8), _x(4, 1, 3)), ValueError, ["conv1d", "1 channels", "3 channels"]),
    (lambda: F.conv2d(_x(1, 1, 3, 3), _x(1, 1, 5, 5), padding=0), ValueError,
     ["conv2d", "kernel size (5, 5)", "padded input size (3, 3)", "(1, 1, 3, 3)"]),
    (lambda: F.conv2d(_x(1, 1, 3, 3), _x(1, 1, 5, 5), padding=(1, 0)), ValueError,
     ["padded input size (5, 3)"]),
    (lambda: F.conv2d(_x(1, 1, 8, 8), _x(1, 1, 3, 3), padding=-1), ValueError,
     ["conv2d", "padding", "non-negative", "-1"]),
    (lambda: F.conv2d(_x(1, 1, 8, 8), _x(1, 1, 3, 3), stride=0), ValueError, ["conv2d", "stride", "positive"]),
    (lambda: F.conv2d(_x(1, 1, 8, 8), _x(1, 1, 3, 3), stride=(1, 2, 3)), TypeError, ["stride", "2 ints"]),
    (lambda: F.conv2d(_x(8, 8), _x(1, 1, 3, 3)), ValueError, ["conv2d", "4-D", "(8, 8)", "2 dimensions"]),
    (lambda: F.conv1d(_x(1, 2, 3, 8), _x(1, 2, 3)), ValueError, ["conv1d", "3-D", "(1, 2, 3, 8)"]),
    (lambda: F.conv2d(_x(1, 1, 8, 8), _x(1, 3, 3)), ValueError, ["conv2d", "weight", "4-D", "(1, 3, 3)"]),
    (lambda: F.conv2d(_x(1, 1, 8, 8), _x(2, 1, 3, 3), _x(3)), ValueError, ["conv2d", "bias", "(2,)", "(3,)"]),
    (lambda: F.conv2d(Tensor(np.zeros((1, 1, 8, 8), np.float32)), _x(2, 1, 3, 3)), TypeError,
     ["conv2d", "float32", "float64", "same dtype"]),
    (lambda: F.conv2d(Tensor(np.zeros((1, 1, 4, 4), np.int64), dtype=np.int64), _x(1, 1, 3, 3)), TypeError,
     ["conv2d", "floating", "int64"]),
    (lambda: F.max_pool2d(_x(1, 1, 3, 3), 4), ValueError, ["max_pool2d", "output size (0, 0)", "(1, 1, 3, 3)"]),
    (lambda: F.avg_pool2d(_x(1, 1, 8, 8), 3, padding=2), ValueError, ["avg_pool2d", "half", "padding=(2, 2)"]),
    (lambda: F.max_pool2d(_x(1, 1, 8, 8), 2, padding=-1), ValueError, ["max_pool2d", "padding", "non-negative"]),
    (lambda: F.max_pool2d(_x(1, 1, 8, 8), 0), ValueError, ["max_pool2d", "kernel_size", "positive"]),
    (lambda: F.max_pool2d(_x(8, 8), 2), ValueError, ["max_pool2d", "4-D", "(8, 8)"]),
    (lambda: nn.Conv2d(0, 2, 3), ValueError, ["Conv2d", "in_channels", "0"]),
    (lambda: nn.Conv2d(1, 2, (3, 3, 3)), TypeError, ["Conv2d", "kernel_size", "2 ints"]),
    (lambda: nn.Conv1d(1, 2, 3, padding=-2), ValueError, ["Conv1d", "padding", "non-negative"]),
    (lambda: nn.MaxPool2d(2, stride=0), ValueError, ["MaxPool2d", "stride", "positive"]),
    (lambda: nn.Conv2d(3, 4, 3)(_x(1, 2, 8, 8)), ValueError, ["conv2d", "weight", "3 channels", "2 channels"]),
])
def test_bad_input_is_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value}"


def test_a_layers_error_names_its_parameter():
    class Net(nn.Module):
        def __init__(self):
            self.features = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            return self.features(x)
    with pytest.raises(ValueError, match="features.weight"):
        Net()(_x(1, 1, 8, 8))


@pytest.mark.parametrize("size,kernel,stride,padding", [(6, 3, 2, 0), (7, 2, 3, 1), (5, 4, 4, 2)])
def test_output_size_is_floored_as_in_torch(size, kernel, stride, padding):
    """(n + 2p − k)/s need not be an integer: like PyTorch, the last partial step is dropped."""
    expected = (size + 2 * padding - kernel) // stride + 1
    y = F.conv2d(_x(1, 1, size, size), _x(1, 1, kernel, kernel), stride=stride, padding=padding)
    assert y.shape == (1, 1, expected, expected)
    if 2 * padding <= kernel:
        assert F.max_pool2d(_x(1, 1, size, size), kernel, stride, padding).shape == (1, 1, expected, expected)
    torch = pytest.importorskip("torch")
    assert tuple(torch.nn.functional.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel, kernel),
                                            stride=stride, padding=padding).shape) == y.shape


def test_same_and_valid_padding_like_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 5))
    for padding in ("same", "valid"):
        ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=padding).numpy()
        np.testing.assert_allclose(F.conv2d(Tensor(x), Tensor(w), padding=padding).data, ref, rtol=1e-12)
    assert nn.Conv2d(3, 4, 3, padding="same")(Tensor(x.astype(np.float32))).shape == (2, 4, 7, 6)
    assert repr(nn.Conv1d(1, 2, 3, padding="same")) == torch.nn.Conv1d(1, 2, 3, padding="same").__repr__()
    with pytest.raises(ValueError, match="strided"):
        F.conv2d(Tensor(x), Tensor(w), stride=2, padding="same")
    with pytest.raises(ValueError, match="even kernel size"):
        F.conv2d(Tensor(x), Tensor(rng.standard_normal((4, 3, 2, 3))), padding="same")


def test_finite_input_emits_no_numpy_warning():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 2, 5, 5)) * 1e3, requires_grad=True)
    w = Tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    with np.errstate(all="raise"):
        y = F.max_pool2d(F.conv2d(x, w, padding=1), 2, padding=1) + F.avg_pool2d(F.conv2d(x, w), 3, 1)[..., :3, :3]
        y.sum().backward()
