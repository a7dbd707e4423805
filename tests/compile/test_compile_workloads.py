"""Every benchmark workload with a compiled engine (the LSTM and the tiny GPT among them):
its replays give bitwise the losses of the eager step, call after call."""
import pytest

from benchmarks.workloads import WORKLOADS
from benchmarks.workloads.base import COMPILED

COMPILED_WORKLOADS = [w for w in WORKLOADS if COMPILED in w.engines]


def test_the_lstm_and_gpt_workloads_are_compiled():
    assert {"lstm", "gpt"} <= {w.name for w in COMPILED_WORKLOADS}


@pytest.mark.parametrize("workload", COMPILED_WORKLOADS, ids=lambda w: w.name)
def test_replays_equal_the_eager_steps_bitwise(workload):
    eager = workload.engines["tinygrad_edu"](workload.build(True))
    fast = workload.engines[COMPILED](workload.build(True))
    for _ in range(6):
        assert eager() == fast()   # the loss after every earlier update: the same bits
    assert fast.replays == 4, fast.reason
