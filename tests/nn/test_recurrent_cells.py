"""The recurrent cells by finite differences (float64, hypothesis-drawn sizes), their gate maths
written out by hand in numpy, and bad input: each error names the layer, the argument and the
shapes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn
from tinygrad_edu.nn import recurrent


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def leaf(shape, rng):
    return Tensor(rng.normal(size=shape), requires_grad=True)


@settings(max_examples=12, deadline=None)
@given(kind=st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"]), batch=st.sampled_from([None, 1, 3]),
       input_size=st.integers(1, 4), hidden_size=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_cells_pass_finite_differences_for_every_input_and_parameter(kind, batch, input_size, hidden_size, seed):
    rng = np.random.default_rng(seed)
    cell = getattr(nn, kind)(input_size, hidden_size, dtype=np.float64)
    lead = () if batch is None else (batch,)
    x, h, c = leaf(lead + (input_size,), rng), leaf(lead + (hidden_size,), rng), leaf(lead + (hidden_size,), rng)
    params = cell.parameters()   # the cell's own initial weights, perturbed by gradcheck
    step = {"RNNCell": lambda x, h, c, *w: recurrent.rnn_step(x, h, *w),
            "LSTMCell": lambda x, h, c, *w: recurrent.lstm_step(x, h, c, *w),
            "GRUCell": lambda x, h, c, *w: recurrent.gru_step(x, h, *w)}[kind]

    assert tg.gradcheck(step, (x, h, c, *params))


def test_gate_maths_written_out_in_numpy():
    """h' and c' from the papers' formulas, computed by hand from the weight blocks."""
    rng = np.random.default_rng(0)
    x, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))

    lstm = nn.LSTMCell(3, 4, dtype=np.float64)
    W, U, b, d = (p.data for p in lstm.parameters())
    pre = [x @ W[k * 4:(k + 1) * 4].T + b[k * 4:(k + 1) * 4] + h @ U[k * 4:(k + 1) * 4].T + d[k * 4:(k + 1) * 4]
           for k in range(4)]
    i, f, g, o = sigmoid(pre[0]), sigmoid(pre[1]), np.tanh(pre[2]), sigmoid(pre[3])
    c_next = f * c + i * g
    h_out, c_out = lstm(Tensor(x), (Tensor(h), Tensor(c)))
    np.testing.assert_allclose(c_out.data, c_next, rtol=1e-12)
    np.testing.assert_allclose(h_out.data, o * np.tanh(c_next), rtol=1e-12)

    gru = nn.GRUCell(3, 4, dtype=np.float64)
    W, U, b, d = (p.data for p in gru.parameters())
    gx = [x @ W[k * 4:(k + 1) * 4].T + b[k * 4:(k + 1) * 4] for k in range(3)]
    gh = [h @ U[k * 4:(k + 1) * 4].T + d[k * 4:(k + 1) * 4] for k in range(3)]
    r, z = sigmoid(gx[0] + gh[0]), sigmoid(gx[1] + gh[1])
    n = np.tanh(gx[2] + r * gh[2])
    np.testing.assert_allclose(gru(Tensor(x), Tensor(h)).data, (1 - z) * n + z * h, rtol=1e-12)

    rnn = nn.RNNCell(3, 4, nonlinearity="relu", dtype=np.float64)
    W, U, b, d = (p.data for p in rnn.parameters())
    np.testing.assert_allclose(rnn(Tensor(x), Tensor(h)).data, np.maximum(x @ W.T + b + h @ U.T + d, 0), rtol=1e-12)


def test_every_gate_is_a_node_of_the_graph():
    out, c = nn.LSTMCell(2, 3)(Tensor.randn(1, 2))
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        names.append(fn.name)
        stack.extend(t.grad_fn for t in fn.inputs if t.grad_fn is not None)
    assert names.count("sigmoid") == 3 and names.count("tanh") == 2 and names.count("linear") == 2


def test_parameter_names_shapes_and_repr():
    assert [(k, v.shape) for k, v in nn.GRUCell(3, 5).state_dict().items()] == [
        ("weight_ih", (15, 3)), ("weight_hh", (15, 5)), ("bias_ih", (15,)), ("bias_hh", (15,))]
    assert list(nn.RNNCell(3, 5, bias=False).state_dict()) == ["weight_ih", "weight_hh"]
    assert repr(nn.LSTMCell(3, 5)) == "LSTMCell(3, 5)"
    assert repr(nn.RNN(3, 5, 2, nonlinearity="relu", batch_first=True)) == \
        "RNN(3, 5, nonlinearity='relu', num_layers=2, batch_first=True)"
    keys = list(nn.LSTM(3, 5, num_layers=2, bidirectional=True).state_dict())
    assert keys[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert keys[4:8] == [k + "_reverse" for k in keys[:4]] and keys[-1] == "bias_hh_l1_reverse"


def test_the_hidden_state_is_threaded_through_a_loop_of_cells():
    cell = nn.GRUCell(2, 3)
    h = None
    for x in Tensor.randn(5, 4, 2):
        h = cell(x, h)
    h.sum().backward()
    assert h.shape == (4, 3) and cell.weight_hh.grad is not None


def message(error, fn):
    with pytest.raises(error) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize("cls", [nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_cell_bad_input_names_the_layer_the_argument_and_the_shapes(cls):
    cell = cls(3, 4)
    name = cls.__name__
    text = message(ValueError, lambda: cell(Tensor.randn(2, 5)))
    assert f"{name}: input has inconsistent input_size: got 5, expected 3" in text and "(2, 5)" in text
    text = message(ValueError, lambda: cell(Tensor.randn(2, 3, 3)))
    assert f"{name}: Expected input to be 1D or 2D, got 3D" in text
    wrong = Tensor.randn(2, 5)
    hx = (wrong, wrong) if cls is nn.LSTMCell else wrong
    text = message(ValueError, lambda: cell(Tensor.randn(2, 3), hx))
    assert name in text and "inconsistent hidden_size: got 5, expected 4" in text and "(2, 5)" in text
    hx = (Tensor.randn(3, 4),) * 2 if cls is nn.LSTMCell else Tensor.randn(3, 4)
    text = message(ValueError, lambda: cell(Tensor.randn(2, 3), hx))
    assert "Input batch size 2 doesn't match" in text and "batch size 3" in text
    hx = (Tensor.randn(4),) * 2 if cls is nn.LSTMCell else Tensor.randn(4)
    text = message(ValueError, lambda: cell(Tensor.randn(2, 3), hx))
    assert "to be 2D like the input, got 1D" in text and "(2, 4)" in text


def test_constructor_errors():
    assert "hidden_size must be greater than zero" in message(ValueError, lambda: nn.LSTM(3, 0))
    assert "input_size should be of type int" in message(TypeError, lambda: nn.GRUCell(3.0, 2))
    assert "unknown nonlinearity 'sigmoid'" in message(ValueError, lambda: nn.RNN(3, 2, nonlinearity="sigmoid"))
    assert "dropout should be a number in range [0, 1]" in message(ValueError, lambda: nn.GRU(3, 2, 2, dropout=1.5))
    assert "LSTMCell: hx must be a tuple (h, c)" in message(TypeError, lambda: nn.LSTMCell(3, 2)(
        Tensor.randn(3), Tensor.randn(2)))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_layer_bad_input_names_the_layer_the_argument_and_the_shapes(cls):
    layer = cls(3, 4, num_layers=2)
    name = cls.__name__
    text = message(ValueError, lambda: layer(Tensor.randn(5, 2, 6)))
    assert f"{name}: input.size(-1) must be equal to input_size. Expected 3, got 6" in text
    assert "(5, 2, 6)" in text
    text = message(ValueError, lambda: layer(Tensor.randn(3)))
    assert f"{name}: Expected input to be 2D or 3D, got 1D" in text
    h = Tensor.randn(1, 2, 4)
    hx = (h, h) if cls is nn.LSTM else h
    text = message(ValueError, lambda: layer(Tensor.randn(5, 2, 3), hx))
    assert f"{name}: Expected hidden" in text and "size (2, 2, 4), got [1, 2, 4]" in text
    h = Tensor.randn(2, 4)
    hx = (h, h) if cls is nn.LSTM else h
    text = message(ValueError, lambda: layer(Tensor.randn(5, 2, 3), hx))
    assert "For batched 3-D input" in text and "should also be 3-D" in text and "(2, 4)" in text
    h = Tensor.randn(2, 1, 4)
    hx = (h, h) if cls is nn.LSTM else h
    text = message(ValueError, lambda: layer(Tensor.randn(5, 3), hx))
    assert "For unbatched 2-D input" in text and "should also be 2-D" in text


def test_unbatched_hidden_state_of_the_wrong_size_shows_unbatched_shapes():
    text = message(ValueError, lambda: nn.GRU(3, 4, num_layers=2)(Tensor.randn(5, 3), Tensor.randn(2, 5)))
    assert "GRU: Expected hidden size (2, 4), got [2, 5]" in text


@pytest.mark.parametrize("cls", [nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_cell_modules_pass_finite_differences_through_forward(cls):
    cell = cls(2, 3, dtype=np.float64)
    rng = np.random.default_rng(1)
    x, h = leaf((2, 2), rng), leaf((2, 3), rng)
    hx = (h, leaf((2, 3), rng)) if cls is nn.LSTMCell else h
    args = (x, *hx) if cls is nn.LSTMCell else (x, hx)
    call = (lambda x, h, c: cell(x, (h, c))) if cls is nn.LSTMCell else (lambda x, h: cell(x, h))
    assert tg.gradcheck(call, args)
