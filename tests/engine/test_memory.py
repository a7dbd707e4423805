"""Memory: a graph holds no reference cycles, so dropping its root frees it at once (checked with
the cyclic garbage collector OFF); training for many steps keeps memory flat."""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


@pytest.fixture
def no_cyclic_gc():
    """Only reference counting frees objects: anything in a cycle would stay alive."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _graph_objects(root):
    """Every tensor and every op node reachable from root (iteratively)."""
    tensors, nodes, stack, seen = [], [], [root], set()
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        tensors.append(t)
        if t.grad is not None:
            tensors.append(t.grad)
        if t.grad_fn is not None:
            nodes.append(t.grad_fn)
            stack.extend(t.grad_fn.inputs)
    return tensors, nodes


def _weak_refs_to_graph(root, keep):
    tensors, nodes = _graph_objects(root)
    kept = {id(k) for k in keep}
    refs = [weakref.ref(o) for o in tensors + nodes if id(o) not in kept]
    assert len(refs) > 10 and any(isinstance(r(), tg.Function) for r in refs)
    return refs


def _mlp_loss(x, w1, b1, w2, labels, reuse=True):
    h = (x @ w1 + b1).tanh()
    if reuse:
        h = h + 0.1 * h * h  # a tensor used twice
    logits = h.reshape(h.shape[0], -1)[:, :3] @ w2
    return F.cross_entropy(logits, labels) + 1e-3 * (w1 ** 2).sum() + logits.softmax().max()


def _leaves():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((5, 4)))
    w1 = Tensor(rng.standard_normal((4, 6)), requires_grad=True, name="w1")
    b1 = Tensor(rng.standard_normal(6), requires_grad=True, name="b1")
    w2 = Tensor(rng.standard_normal((3, 3)), requires_grad=True, name="w2")
    return x, w1, b1, w2


def _assert_all_dead(refs):
    alive = [r() for r in refs if r() is not None]
    assert not alive, f"{len(alive)} graph objects outlived their root: {alive[:5]}"


def test_dropping_the_root_frees_every_tensor_and_node(no_cyclic_gc):
    leaves = _leaves()
    loss = _mlp_loss(*leaves, labels=[0, 1, 2, 0, 1])
    refs = _weak_refs_to_graph(loss, keep=leaves)
    del loss
    _assert_all_dead(refs)


def test_graph_is_freed_after_backward_with_intermediate_grads(no_cyclic_gc):
    leaves = _leaves()
    loss = _mlp_loss(*leaves, labels=[0, 1, 2, 0, 1])
    loss.backward()
    intermediate_grads = len([t for t in _graph_objects(loss)[0] if not t.is_leaf and t.grad is not None])
    assert intermediate_grads > 5  # intermediates keep their .grad
    refs = _weak_refs_to_graph(loss, keep=leaves + tuple(x.grad for x in leaves[1:]))
    del loss
    _assert_all_dead(refs)
    assert all(x.grad is not None for x in leaves[1:])  # the leaves' gradients stay


def test_backward_keeps_the_graph_until_the_root_is_dropped(no_cyclic_gc):
    leaves = _leaves()
    loss = _mlp_loss(*leaves, labels=[0, 1, 2, 0, 1])
    refs = _weak_refs_to_graph(loss, keep=leaves)
    loss.backward()
    first = leaves[1].grad.data.copy()
    assert all(r() is not None for r in refs)  # backward did not free anything
    loss.backward()  # a second backward works and accumulates
    np.testing.assert_allclose(leaves[1].grad.data, 2 * first)
    del loss
    _assert_all_dead(refs)


def test_tg_grad_and_anomaly_mode_leave_nothing_behind(no_cyclic_gc):
    leaves = _leaves()
    with tg.detect_anomaly():
        loss = _mlp_loss(*leaves, labels=[2, 1, 0, 0, 1])
        refs = _weak_refs_to_graph(loss, keep=leaves)
        grads = tg.grad(loss, leaves[1:])
    del loss
    _assert_all_dead(refs)
    assert all(g.grad_fn is None for g in grads)


def test_outputs_are_referenced_weakly_by_their_op(no_cyclic_gc):
    x = Tensor([0.5, 1.5], requires_grad=True)
    y = x.exp()  # exp saves its output for backward
    node = weakref.ref(y.grad_fn)
    assert y.grad_fn.output is y
    del y
    assert node() is None


def test_create_graph_makes_a_cycle_that_the_collector_frees():
    # as in PyTorch: x.grad's graph refers to x, and x refers to x.grad
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    node = weakref.ref(x.grad.grad_fn)
    gc.disable()
    try:
        del x
        assert node() is not None  # kept alive by the cycle x -> x.grad -> node -> ... -> x
    finally:
        gc.enable()
    gc.collect()
    assert node() is None


def test_dropped_models_and_optimizers_are_freed(no_cyclic_gc):
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.Tanh(), tg.nn.Linear(8, 2))
    opt = tg.optim.Adam(model.parameters(), lr=1e-2)
    x = Tensor(np.ones((3, 4), dtype=np.float32))
    loss = F.cross_entropy(model(x), [0, 1, 1])
    loss.backward()
    opt.step()
    refs = [weakref.ref(p) for p in model.parameters()] + [weakref.ref(model), weakref.ref(opt)]
    del model, opt, loss
    _assert_all_dead(refs)


def test_memory_stays_flat_over_1000_training_steps(no_cyclic_gc):
    """The cyclic collector stays off for all 1,000 steps; then a manual collection must find
    no cyclic garbage at all (refcounting freed every graph), and memory must not have grown."""
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((32, 10)).astype(np.float32))
    labels = rng.integers(0, 3, 32)
    model = tg.nn.Sequential(tg.nn.Linear(10, 32), tg.nn.ReLU(), tg.nn.Linear(32, 3))
    opt = tg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(20):  # warm-up: optimizer buffers
        step()
    gc.collect()  # a full collection also empties Python's free lists, which tracemalloc counts
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        step()
        one_graph = tracemalloc.get_traced_memory()[1] - start  # what one step's graph takes
        for _ in range(1000):
            last = step()
        cyclic_garbage = gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    growth = end - start
    assert cyclic_garbage == 0, f"{cyclic_garbage} objects were only freed by the cyclic collector"
    # numpy's and Python's internal caches grow a little and level off (~30 KB by 2,000 steps);
    # a leak of one graph in 40 steps would exceed the bound
    assert one_graph * 1000 / 40 > 128 * 1024
    assert growth < 128 * 1024, f"memory grew by {growth} bytes over 1000 steps"
    assert np.isfinite(last)
