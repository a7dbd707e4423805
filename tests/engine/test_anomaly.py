"""detect_anomaly(): the first NaN/inf in forward or backward raises, naming the op and the user's
line of code; off by default; per thread."""
import os
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, grad_mode
from tinygrad_edu.grad_mode import state

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns about the NaNs we make


def _line_of(marker: str) -> int:
    """Line number in this file of the line ending with `marker` (keeps tests robust to edits)."""
    with open(__file__) as f:
        for number, line in enumerate(f, 1):
            if line.rstrip().endswith(marker) and "_line_of" not in line:
                return number
    raise AssertionError(marker)


def test_forward_nan_names_op_shapes_and_user_line():
    x = Tensor([[1.0, -1.0, 2.0]], name="x")
    with tg.detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            x.log()  # forward-log
    msg = str(info.value)
    assert "'log'" in msg and "NaN" in msg
    assert "(1, 3)" in msg and "'x'" in msg
    assert f"{__file__}:{_line_of('# forward-log')}" in msg
    assert "x.log()" in msg


def test_forward_inf_is_caught_and_blames_the_first_op_only():
    a = Tensor(np.array([1e30, 1.0], dtype=np.float32))
    with tg.detect_anomaly():
        b = a + 1.0  # finite: no error
        with pytest.raises(FloatingPointError, match=r"'mul' produced inf") as info:
            b * 1e30  # forward-mul
    assert f":{_line_of('# forward-mul')}" in str(info.value)


def _user_helper(t):
    return F.log(t)  # helper-line


def test_user_line_skips_library_frames_but_not_user_helpers():
    with tg.detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            _user_helper(Tensor([-1.0]))
    msg = str(info.value)
    assert f":{_line_of('# helper-line')}, in _user_helper" in msg
    assert "functional.py" not in msg


def test_backward_inf_names_op_and_where_it_was_created():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with tg.detect_anomaly():
        y = x.sqrt()  # created-sqrt
        loss = y.sum()
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
    msg = str(info.value)
    assert "local derivative of op 'sqrt'" in msg and "inf" in msg
    assert "incoming gradient was finite" in msg
    assert f":{_line_of('# created-sqrt')}" in msg and "x.sqrt()" in msg


def test_backward_with_non_finite_incoming_gradient_says_so():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with tg.detect_anomaly():
        y = x + 1.0
        with pytest.raises(FloatingPointError) as info:
            y.backward(np.array([np.nan, 1.0], dtype=np.float32))
    msg = str(info.value)
    assert "local derivative of op 'add'" in msg
    assert "incoming gradient already held NaN" in msg


def test_backward_of_graph_built_outside_anomaly_mode():
    x = Tensor([0.0], requires_grad=True)
    y = x.sqrt()
    assert y.grad_fn.created_at is None
    with tg.detect_anomaly():
        with pytest.raises(FloatingPointError, match="created outside detect_anomaly"):
            y.backward(np.ones(1, dtype=np.float32))


def test_finite_graph_passes_and_matches_results_without_anomaly():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((4, 3))
    grads = []
    for mode in (False, True):
        x = Tensor(data, requires_grad=True)
        with tg.set_grad_enabled(True), (tg.detect_anomaly() if mode else _nothing()):
            loss = F.cross_entropy(x.tanh() @ x.T, [0, 1, 2, 3]) + x.exp().log_softmax().sum()
            loss.backward()
        grads.append(x.grad.data)
    np.testing.assert_array_equal(grads[0], grads[1])


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_off_by_default_nothing_raised_or_recorded():
    assert not state.anomaly
    x = Tensor([-1.0, 0.0], requires_grad=True)
    y = x.log()
    assert np.isnan(y.data[0]) and np.isinf(y.data[1])
    assert y.grad_fn.created_at is None
    y.sum().backward()  # gradient 1/x: -1 and inf, silently
    assert np.isinf(x.grad.data[1])


def test_created_at_is_recorded_as_text_under_anomaly():
    x = Tensor([1.0], requires_grad=True)
    with tg.detect_anomaly():
        y = x * 2  # recorded-mul
    assert isinstance(y.grad_fn.created_at, str)  # a frame object would keep the graph alive
    assert f":{_line_of('# recorded-mul')}" in y.grad_fn.created_at


def test_flag_restored_after_exit_nesting_and_exceptions():
    with tg.detect_anomaly():
        with tg.detect_anomaly():
            assert state.anomaly
        assert state.anomaly
        with pytest.raises(FloatingPointError):
            Tensor([-1.0]).sqrt()
        assert state.anomaly
    assert not state.anomaly
    assert grad_mode.anomaly_threads == 0  # the global guard that keeps the off path free


def test_decorator_form():
    @tg.detect_anomaly()
    def step(t):
        return t.log()

    with pytest.raises(FloatingPointError):
        step(Tensor([0.0]))
    assert not state.anomaly


def test_non_float_results_are_not_checked():
    with tg.detect_anomaly():
        mask = Tensor([np.nan, 1.0]) > 0
    assert mask.data.dtype == bool


def test_anomaly_mode_is_per_thread():
    entered, release = threading.Event(), threading.Event()
    seen_in_thread = []

    def worker():
        with tg.detect_anomaly():
            entered.set()
            release.wait(10)
            try:
                Tensor([-1.0]).log()
            except FloatingPointError:
                seen_in_thread.append("raised")

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(10)
    try:
        assert not state.anomaly
        y = Tensor([-1.0]).log()  # another thread's anomaly mode does not apply here
        assert np.isnan(y.data[0])
    finally:
        release.set()
        thread.join(10)
    assert seen_in_thread == ["raised"]


def test_new_thread_starts_with_anomaly_off():
    flags = []
    with tg.detect_anomaly():
        thread = threading.Thread(target=lambda: flags.append(state.anomaly))
        thread.start()
        thread.join(10)
    assert flags == [False]


def test_package_code_that_uses_the_engine_counts_as_the_caller():
    """The CLI demos and documents live in the package: blame their line, not the engine's."""
    import tinygrad_edu.anomaly as anomaly
    package_file = os.path.join(anomaly._PACKAGE_DIR, "documents", "_fake_user_code.py")
    source = "def run(t):\n    return t.log()\n"
    code = compile(source, package_file, "exec")
    namespace = {}
    exec(code, namespace)
    import linecache
    linecache.cache[package_file] = (len(source), None, source.splitlines(True), package_file)
    try:
        with tg.detect_anomaly(), pytest.raises(FloatingPointError) as info:
            namespace["run"](Tensor([-1.0]))
    finally:
        linecache.cache.pop(package_file, None)
    assert "_fake_user_code.py:2, in run: return t.log()" in str(info.value)


def test_calls_through_nn_modules_point_at_the_users_line():
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(2, 2), tg.nn.Tanh())
    with tg.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        model(Tensor([[np.nan, 1.0]]))  # through-nn
    assert f":{_line_of('# through-nn')}" in str(info.value) and "'linear'" in str(info.value)
