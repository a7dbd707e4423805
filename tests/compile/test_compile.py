"""tg.compile(step): replays of a traced training step equal the eager steps bitwise, fall back to
eager when shapes change, and refuse (CompileError) what a replay cannot reproduce."""
import numpy as np
import pytest
from fuzz_graphs import TinygradOps, recipes, run
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, optim
from tinygrad_edu.compile import CompileError
from tinygrad_edu.observer import NOBODY
from tinygrad_edu.observer import current as current_observer


def seed_net(momentum=0.0):
    rng = np.random.default_rng(0)
    X = Tensor(np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64))
    Y = Tensor(np.array([[0], [1], [1], [0]], dtype=np.float64))
    params = [Tensor(rng.random((3, 4)), requires_grad=True), Tensor(rng.random((4, 1)), requires_grad=True)]
    opt = optim.SGD(params, lr=1.0, momentum=momentum)

    def step():
        a1 = (X @ params[0]).sigmoid()
        a2 = (a1 @ params[1]).sigmoid()
        loss = F.mse_loss(a2, Y, reduction="sum")
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    return step, params


def mlp(kind, batch=16):
    """F.linear + relu + F.cross_entropy; the step takes the batch (X, labels) as arguments."""
    rng = np.random.default_rng(1)
    shapes = [(12, 6), (12,), (4, 12), (4,)]
    params = [Tensor((rng.standard_normal(s) * 0.4).astype(np.float32), requires_grad=True) for s in shapes]
    opt = optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=1e-3) if kind == "sgd" else (
        optim.Adam(params, lr=0.01) if kind == "adam" else optim.AdamW(params, lr=0.01))

    def step(x, labels):
        h = F.linear(x, params[0], params[1]).relu()
        loss = F.cross_entropy(F.linear(h, params[2], params[3]), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    step.opt = opt
    return step, params


def batches(n, sizes=(16,), seed=2):
    rng = np.random.default_rng(seed)
    for i in range(n):
        b = sizes[i % len(sizes)]
        yield (Tensor(rng.standard_normal((b, 6)).astype(np.float32)),
               Tensor(rng.integers(0, 4, b), dtype=np.int64))


def chain(n_ops=200):
    x = Tensor(np.random.default_rng(4).uniform(-1, 1, 8), requires_grad=True)

    def step():
        y = x
        for i in range(n_ops):
            kind = i % 4
            y = y * 1.0001 if kind == 0 else y + 0.0001 if kind == 1 else y.tanh() if kind == 2 else y * x
        loss = y.sum()
        x.grad = None
        loss.backward()
        return loss.item()
    return step, [x]


def value(r):
    return r.data if isinstance(r, Tensor) else r


def assert_same(eager_params, compiled_params):
    for a, b in zip(eager_params, compiled_params):
        assert np.array_equal(a.data, b.data)
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            assert np.array_equal(a.grad.data, b.grad.data)
            assert not b.grad.data.flags.writeable   # deposited as eager deposits it


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_seed_net_steps_equal_eager_bitwise(momentum):
    eager, p_eager = seed_net(momentum)
    step, p_compiled = seed_net(momentum)
    fast = tg.compile(step)
    for _ in range(8):
        assert eager() == fast()
        assert_same(p_eager, p_compiled)
    assert (fast.traces, fast.replays) == (2, 6)


@pytest.mark.parametrize("kind", ["sgd", "adam", "adamw"])
def test_mlp_with_new_batches_equals_eager_bitwise(kind):
    eager, p_eager = mlp(kind)
    step, p_compiled = mlp(kind)
    fast = tg.compile(step)
    for (x, y), (x2, y2) in zip(batches(7), batches(7)):
        le, lc = eager(x, y), fast(x2, y2)
        assert isinstance(lc, Tensor) and np.array_equal(le.data, lc.data)
        assert_same(p_eager, p_compiled)
    assert fast.replays == 5


def test_a_learning_rate_changed_between_calls_is_used_by_the_replay():
    eager, p_eager = mlp("adam")
    step, p_compiled = mlp("adam")
    fast = tg.compile(step)
    for k, ((x, y), (x2, y2)) in enumerate(zip(batches(6), batches(6))):
        for opt in (eager.opt, step.opt):
            opt.param_groups[0]["lr"] = 0.01 / (1 + k)   # as a scheduler does, outside the step
        assert np.array_equal(eager(x, y).data, fast(x2, y2).data)
        assert_same(p_eager, p_compiled)
    assert fast.replays == 4


def test_the_listing_shows_the_replayed_calls():
    step, _ = seed_net()
    fast = tg.compile(step)
    for _ in range(3):
        fast()
    listing = fast.listing()
    assert "matmul(" in listing and "sigmoid(" in listing and listing.count("SGD.update(") == 2


def test_under_detect_anomaly_the_step_runs_eagerly():
    step, _ = seed_net()
    fast = tg.compile(step)
    with tg.detect_anomaly():
        for _ in range(3):
            fast()
    assert (fast.traces, fast.replays) == (0, 0)


def test_chain_of_200_ops_equals_eager_bitwise():
    eager, x_eager = chain()
    step, x_compiled = chain()
    fast = tg.compile(step)
    for _ in range(5):
        assert eager() == fast()
        assert_same(x_eager, x_compiled)
    assert fast.replays == 3


def test_a_small_cnn_equals_eager_bitwise():
    """conv2d + max_pool2d: their forwards keep arrays on the node (patches, winners) that the
    backward ops read; each replay starts the node afresh, as eager does."""
    def make():
        rng = np.random.default_rng(5)
        w = Tensor(rng.standard_normal((3, 2, 3, 3)) * 0.3, requires_grad=True)
        v = Tensor(rng.standard_normal((4, 27)) * 0.3, requires_grad=True)
        opt = optim.SGD([w, v], lr=0.1, momentum=0.5)

        def step(x, labels):
            h = F.max_pool2d(F.conv2d(x, w, padding=1).relu(), 2)
            loss = F.cross_entropy(h.reshape(x.shape[0], -1) @ v.T, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss
        return step, [w, v]
    eager, p_eager = make()
    step, p_compiled = make()
    fast = tg.compile(step)
    rng = np.random.default_rng(6)
    for _ in range(6):
        x, y = rng.standard_normal((5, 2, 6, 6)), rng.integers(0, 4, 5)
        labels = Tensor(y, dtype=np.int64)   # float labels would be converted outside the ops: refused
        assert np.array_equal(eager(Tensor(x), labels).data, fast(Tensor(x), labels).data)
        assert_same(p_eager, p_compiled)
    assert fast.replays == 4


def test_a_new_batch_size_runs_eagerly_and_is_traced_for_its_own_replay():
    eager, p_eager = mlp("sgd")
    step, p_compiled = mlp("sgd")
    fast = tg.compile(step)
    sizes = (16, 16, 16, 5, 5, 16, 5, 5)   # the short batch: eager twice (traced), then replayed
    for (x, y), (x2, y2) in zip(batches(8, sizes), batches(8, sizes)):
        assert np.array_equal(eager(x, y).data, fast(x2, y2).data)
        assert_same(p_eager, p_compiled)
    assert (fast.traces, fast.replays) == (4, 4)


def test_a_parameter_given_another_shape_stops_the_replay():
    step, params = seed_net()
    fast = tg.compile(step)
    for _ in range(3):
        fast()
    params[1].data = np.zeros((4, 2))   # eager now fails in mse_loss; so must the compiled step
    with pytest.raises(ValueError):
        fast()
    assert fast.reason.startswith("a tensor the step reads changed shape or dtype")


def test_gradients_accumulated_over_calls_equal_eager_bitwise():
    """Without zero_grad the step adds to the .grad of the previous call: that .grad is an input."""
    def make():
        w = Tensor(np.linspace(-1, 1, 5), requires_grad=True)

        def step(x):
            loss = (w * x).tanh().sum()
            loss.backward()
            return loss
        return step, w
    eager, w_eager = make()
    step, w_compiled = make()
    fast = tg.compile(step)
    rng = np.random.default_rng(3)
    for _ in range(6):
        x = rng.standard_normal(5)
        assert np.array_equal(eager(Tensor(x)).data, fast(Tensor(x)).data)
        assert np.array_equal(w_eager.grad.data, w_compiled.grad.data)
    assert fast.replays >= 3
    w_compiled.grad = None       # what the replay adds to is gone: eager again, and a new trace
    w_eager.grad = None
    assert np.array_equal(eager(Tensor(x)).data, fast(Tensor(x)).data)
    assert np.array_equal(w_eager.grad.data, w_compiled.grad.data)


def test_a_step_that_settles_after_its_first_calls_is_replayed_once_two_traces_agree():
    x = Tensor(np.arange(4.0), requires_grad=True)
    calls = []

    def step():
        calls.append(1)
        y = (x * 2).tanh() if len(calls) == 1 else x.tanh()   # e.g. lazy set-up on the first call
        loss = y.sum()
        x.grad = None
        loss.backward()
        return loss
    fast = tg.compile(step)
    results = [fast().item() for _ in range(5)]
    assert results[1:] == [float(np.tanh(np.arange(4.0)).sum())] * 4
    assert (fast.traces, fast.replays) == (3, 2)
    assert fast.reason == "the step made 8 calls, then 6"


def test_dropout_is_refused_with_a_clear_error():
    x = Tensor(np.ones((4, 3)), requires_grad=True)

    def step():
        loss = F.dropout(x, 0.5).sum()
        x.grad = None
        loss.backward()
        return loss
    fast = tg.compile(step)
    tg.manual_seed(0)
    fast()
    with pytest.raises(CompileError, match="random mask.*this call ran eagerly"):
        fast()
    runs = fast.traces
    with pytest.raises(CompileError, match="random mask"):   # from now on, before running
        fast()
    assert fast.traces == runs


def test_a_branch_on_a_tensor_value_is_refused():
    x = Tensor(np.ones(3), requires_grad=True)

    def step():
        loss = (x * x).sum()
        if loss > 1:
            loss = loss * 2
        x.grad = None
        loss.backward()
        return loss
    fast = tg.compile(step)
    fast()
    with pytest.raises(CompileError, match="branches on the value"):
        fast()


def test_an_in_place_edit_outside_an_optimizer_is_refused():
    w = Tensor(np.ones(3), requires_grad=True)

    def step():
        loss = (w * w).sum()
        w.grad = None
        loss.backward()
        with tg.no_grad():
            for p in [w]:   # hand-written SGD
                p -= 0.1 * p.grad
        return loss
    fast = tg.compile(step)
    fast()
    with pytest.raises(CompileError, match="in place outside an optimizer"):
        fast()


def test_numpy_in_a_backward_is_refused():
    a = Tensor(np.arange(4.0), requires_grad=True)

    def step():
        loss = tg.where(a > 1, a, a * 3).sum()   # where's backward computes its mask in numpy
        a.grad = None
        loss.backward()
        return loss
    fast = tg.compile(step)
    fast()
    with pytest.raises(CompileError, match="numpy inside an op's backward"):
        fast()


def test_the_step_must_return_the_loss():
    w = Tensor(np.ones(3), requires_grad=True)

    def step():
        loss = (w * w).sum()
        w.grad = None
        loss.backward()
        return "done"
    fast = tg.compile(step)
    fast()
    with pytest.raises(CompileError, match="must return its loss"):
        fast()


def test_arguments_must_be_tensors():
    with pytest.raises(TypeError, match="argument 0 of the step is a ndarray"):
        tg.compile(lambda x: x)(np.ones(2))


def test_tracing_leaves_eager_untouched_even_when_the_step_raises():
    def step():
        raise KeyError("boom")
    with pytest.raises(KeyError):
        tg.compile(step)()
    assert current_observer() is NOBODY   # no observer left installed
    assert Tensor.item.__name__ == "item" and Tensor.__bool__.__name__ == "__bool__"


class _Constants(TinygradOps):
    """The fuzzer's ops, with its constant weights made once (not a new tensor every call)."""

    def __init__(self):
        super().__init__()
        self.made = {}

    def const(self, a):
        if id(a) not in self.made:
            self.made[id(a)] = (a, super().const(a))
        return self.made[id(a)][1]


@settings(max_examples=60, deadline=None)
@given(recipe=recipes(max_steps=6), seed=st.integers(0, 2**16))
def test_fuzzed_graphs_replay_bitwise_or_are_refused(recipe, seed):
    """Any graph of the fuzzer: compiled forward + backward gives the eager numbers bitwise on new
    leaf values, or compile refuses it; never a different number."""
    ops = _Constants()

    def step(*leaves):
        out = run(ops, recipe, leaves)[1]
        out.backward()
        return out
    fast = tg.compile(step)
    rng = np.random.default_rng(seed)
    for _ in range(4):
        # the same values in another order, rescaled: other maxima, other winners of max pooling
        values = [rng.permutation(a.ravel()).reshape(a.shape) * rng.uniform(0.9, 1.1, a.shape)
                  for a in recipe.leaves]
        eager_leaves = [Tensor(v, requires_grad=True) for v in values]
        compiled_leaves = [Tensor(v, requires_grad=True) for v in values]
        expected = step(*eager_leaves)
        try:
            got = fast(*compiled_leaves)
        except CompileError:
            return
        assert np.array_equal(expected.data, got.data, equal_nan=True)
        for e, c in zip(eager_leaves, compiled_leaves):
            assert (e.grad is None) == (c.grad is None)
            if e.grad is not None:
                assert np.array_equal(e.grad.data, c.grad.data, equal_nan=True)
