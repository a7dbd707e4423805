"""The lstm and gpt workloads' hand-written numpy steps (forward and hand-derived backward)
against PyTorch in float64: the same losses and the same parameters after each step, to
rounding. (tests/test_benchmarks.py checks every engine's float32 losses on tiny sizes.)"""
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.workloads import gpt, lstm  # noqa: E402


def as_float64(problem: dict) -> dict:
    out = {}
    for k, v in problem.items():
        if isinstance(v, dict):
            out[k] = as_float64(v)
        elif isinstance(v, np.ndarray) and v.dtype.kind == "f":
            out[k] = v.astype(np.float64)
        else:
            out[k] = v
    return out


def torch_lstm_weights(step) -> dict:
    embedding, rnn, readout = (cell.cell_contents for cell in step.__closure__
                               if type(cell.cell_contents).__module__.startswith("torch.nn"))
    return {"embedding": embedding.weight, "weight_ih": rnn.weight_ih_l0, "weight_hh": rnn.weight_hh_l0,
            "bias_ih": rnn.bias_ih_l0, "bias_hh": rnn.bias_hh_l0, "out_weight": readout.weight,
            "out_bias": readout.bias}


@pytest.mark.parametrize("tiny", [True, False], ids=["tiny", "full"])
def test_lstm_numpy_step_is_pytorchs_in_float64(tiny):
    problem = as_float64(lstm.build(tiny))
    ours, theirs = lstm.numpy_step(problem), lstm.torch_step(problem)
    for _ in range(2 if tiny else 1):
        assert ours() == pytest.approx(theirs(), rel=1e-12)
    reference = torch_lstm_weights(theirs)
    assert set(ours.weights) == set(reference)
    for name, value in ours.weights.items():
        assert value.dtype == np.float64
        np.testing.assert_allclose(value, reference[name].detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("tiny", [True, False], ids=["tiny", "full"])
def test_gpt_numpy_step_is_pytorchs_in_float64(tiny):
    problem = as_float64(gpt.build(tiny))
    ours, theirs = gpt.numpy_step(problem), gpt.torch_step(problem)
    for _ in range(2 if tiny else 1):
        assert ours() == pytest.approx(theirs(), rel=1e-12)
    assert set(ours.weights) == set(theirs.weights)
    for name, value in ours.weights.items():
        assert value.dtype == np.float64
        np.testing.assert_allclose(value, theirs.weights[name].detach().numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


def test_a_wrong_gate_derivative_is_caught():
    """The comparison can fail: the LSTM's forget-gate derivative without its σ′ factor."""
    problem = as_float64(lstm.build(True))
    source = Path(lstm.__file__).read_text()
    broken = source.replace("np.multiply(dc * cells[t], f * (1 - f), out=dg[:, f_])",
                            "np.multiply(dc * cells[t], f, out=dg[:, f_])")
    assert broken != source
    namespace = {"__name__": "benchmarks.workloads.lstm_broken", "__package__": "benchmarks.workloads"}
    exec(compile(broken, "lstm_broken", "exec"), namespace)
    ours, theirs = namespace["numpy_step"](problem), lstm.torch_step(problem)
    ours(), theirs()
    reference = torch_lstm_weights(theirs)
    assert not np.allclose(ours.weights["weight_hh"], reference["weight_hh"].detach().numpy(), rtol=1e-10)


def test_the_lstm_cell_loop_is_a_second_pytorch_engine():
    from benchmarks import harness
    assert harness.engine_available(lstm.TORCH_CELL)
    assert lstm.TORCH_CELL in harness.available_engines(lstm.LSTM)
    losses = harness.check_same_loss(lstm.LSTM, lstm.build(True), ["numpy", lstm.TORCH_CELL, "torch"])
    assert losses[lstm.TORCH_CELL][0] == pytest.approx(losses["torch"][0], rel=1e-6)
