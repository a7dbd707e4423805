"""Threads: grad mode is per thread, and two threads training two models at once get bitwise the
results they get one after the other."""
import sys
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


@pytest.fixture(autouse=True)
def frequent_thread_switches():
    """Switch threads every 10 µs, so the two trainings really interleave op by op."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(previous)


def _run_in_threads(*targets):
    errors = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as err:  # surfaced in the main thread below
                errors.append(err)
        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_affect_another():
    inside, release = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with tg.no_grad():
            inside.set()
            release.wait(10)
            x = Tensor([1.0], requires_grad=True)
            seen["evaluator"] = (x * 2).requires_grad

    def trainer():
        inside.wait(10)
        x = Tensor([1.0], requires_grad=True)
        y = x * 2  # the other thread is inside no_grad right now
        seen["trainer"] = y.requires_grad
        y.backward()
        seen["grad"] = x.grad.item()
        release.set()

    _run_in_threads(evaluator, trainer)
    assert seen == {"evaluator": False, "trainer": True, "grad": 2.0}
    assert tg.is_grad_enabled()


def test_new_threads_start_with_grad_enabled():
    seen = []
    with tg.no_grad():
        _run_in_threads(lambda: seen.append(tg.is_grad_enabled()))
    assert seen == [True]


def _make_job(seed: int, optimizer: str, steps: int = 150):
    """A model, its data and a train() that records every loss; built in the calling thread
    (the library's random generator is shared, so initialisation happens before threads start)."""
    tg.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((64, 8)).astype(np.float32))
    labels = rng.integers(0, 4, 64)
    model = tg.nn.Sequential(tg.nn.Linear(8, 16), tg.nn.Tanh(), tg.nn.Linear(16, 4))
    opt = (tg.optim.Adam(model.parameters(), lr=1e-2) if optimizer == "adam"
           else tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    losses = []

    def train():
        for i in range(steps):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), labels)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if i % 10 == 0:
                with tg.no_grad():  # an evaluation in between, as real loops do
                    assert not model(x).requires_grad

    def result():
        return losses, [p.data.copy() for p in model.parameters()]

    return train, result


def test_two_threads_training_at_once_match_sequential_runs_bitwise():
    sequential = []
    for seed, optimizer in ((1, "adam"), (2, "sgd")):
        train, result = _make_job(seed, optimizer)
        train()
        sequential.append(result())

    train_a, result_a = _make_job(1, "adam")
    train_b, result_b = _make_job(2, "sgd")
    _run_in_threads(train_a, train_b)

    for (losses, params), (seq_losses, seq_params) in zip((result_a(), result_b()), sequential):
        assert losses == seq_losses  # bitwise: floats compared with ==
        for p, q in zip(params, seq_params):
            np.testing.assert_array_equal(p, q)
    assert sequential[0][0][-1] < sequential[0][0][0]  # they did train


def test_threads_backward_on_separate_graphs_with_shared_leaf_weights():
    """Two threads differentiate their own graphs with tg.grad (no .grad written) from one
    shared weight: each gets exactly the single-threaded answer."""
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((5, 5)), requires_grad=True)
    inputs = [Tensor(rng.standard_normal((7, 5))) for _ in range(2)]
    expected = [tg.grad((x @ w).tanh().sum(), w)[0].data for x in inputs]
    results = [[], []]

    def worker(k):
        def run():
            for _ in range(50):
                results[k].append(tg.grad((inputs[k] @ w).tanh().sum(), w)[0].data)
        return run

    _run_in_threads(worker(0), worker(1))
    for k in range(2):
        for g in results[k]:
            np.testing.assert_array_equal(g, expected[k])


def test_an_observer_hears_only_its_own_thread():
    """While tg.compile traces in one thread (the global `watching` is 1), another thread's ops
    are told to NOBODY, the observer that does nothing: none of them reach the trace."""
    from tinygrad_edu import observer

    class Listing(observer.Observer):
        def __init__(self):
            self.ops = []

        def forward(self, node, inputs, out):
            self.ops.append(node.name)
            return out

    seen_elsewhere = {}

    def elsewhere():
        seen_elsewhere["observer"] = observer.current()
        seen_elsewhere["value"] = (Tensor([1.0, 2.0]) * 3.0).sum().item()

    listing = Listing()
    with observer.observing(listing):
        _run_in_threads(elsewhere)
        (Tensor([1.0]) + 1.0).item()
    assert seen_elsewhere == {"observer": observer.NOBODY, "value": 9.0}
    assert listing.ops == ["add"]
    assert observer.current() is observer.NOBODY and observer.watching == 0
