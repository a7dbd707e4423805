"""RNN/LSTM/GRU cells and layers against PyTorch in float64: the same state_dict keys and
shapes; our weights loaded into torch give the same outputs, final states, and gradients of
every parameter, of the input and of the initial state, for every combination of layers,
directions, batch_first, bias and unbatched input."""
import itertools

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

torch = pytest.importorskip("torch")
from torch_compare import close  # noqa: E402  (after the skip)

LAYERS = {"RNN": (nn.RNN, torch.nn.RNN), "LSTM": (nn.LSTM, torch.nn.LSTM), "GRU": (nn.GRU, torch.nn.GRU)}
CELLS = {"RNNCell": (nn.RNNCell, torch.nn.RNNCell), "LSTMCell": (nn.LSTMCell, torch.nn.LSTMCell),
         "GRUCell": (nn.GRUCell, torch.nn.GRUCell)}


def load_into_torch(ours, theirs):
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    assert [v.shape for v in sd.values()] == [tuple(v.shape) for v in tsd.values()]
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})


def flat(states):
    return list(states) if isinstance(states, tuple) else [states]


def pack(states):
    return tuple(states) if len(states) == 2 else states[0]


def compare(ours, theirs, x, hx, rng, what):
    """One forward and backward through both with the same upstream gradients."""
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    hos = [Tensor(h, requires_grad=True) for h in hx] if hx is not None else None
    hts = [torch.tensor(h, requires_grad=True) for h in hx] if hx is not None else None
    out_o = ours(xo, None if hos is None else pack(hos))
    out_t = theirs(xt, None if hts is None else pack(hts))
    if type(ours).__name__.endswith("Cell"):  # h, or (h, c)
        outs_o, outs_t = flat(out_o), flat(out_t)
    else:                                      # output, then h_n (or h_n, c_n)
        outs_o, outs_t = [out_o[0]] + flat(out_o[1]), [out_t[0]] + flat(out_t[1])
    assert len(outs_o) == len(outs_t)
    total_o, total_t = 0, 0
    for k, (o, t) in enumerate(zip(outs_o, outs_t)):
        assert o.shape == tuple(t.shape), f"{what}: output {k} shape"
        close(o, t, f"{what}: output {k}", atol=1e-12)
        w = rng.normal(size=o.shape)
        total_o = total_o + (o * Tensor(w)).sum()
        total_t = total_t + (t * torch.tensor(w)).sum()
    total_o.backward()
    total_t.backward()
    close(xo.grad, xt.grad, f"{what}: input gradient", atol=1e-12)
    for k, (h, ht) in enumerate(zip(hos or (), hts or ())):
        close(h.grad, ht.grad, f"{what}: gradient of initial state {k}", atol=1e-12)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p.grad, tp.grad, f"{what}: gradient of {name}", atol=1e-12)


GRID = list(itertools.product(LAYERS, [1, 2], [False, True], [False, True], [True, False], [False, True]))


@pytest.mark.parametrize("kind, num_layers, bidirectional, batch_first, bias, unbatched", GRID)
def test_layer_outputs_and_every_gradient_match_torch(kind, num_layers, bidirectional, batch_first,
                                                     bias, unbatched):
    ours_cls, torch_cls = LAYERS[kind]
    tg.manual_seed(len(GRID))
    ours = ours_cls(3, 4, num_layers=num_layers, bias=bias, batch_first=batch_first,
                    bidirectional=bidirectional, dtype=np.float64)
    theirs = torch_cls(3, 4, num_layers=num_layers, bias=bias, batch_first=batch_first,
                       bidirectional=bidirectional, dtype=torch.float64)
    load_into_torch(ours, theirs)
    rng = np.random.default_rng(num_layers * 8 + bidirectional * 4 + batch_first * 2 + unbatched)
    length, batch, d = 5, 2, 2 if bidirectional else 1
    x_shape = (length, 3) if unbatched else ((batch, length, 3) if batch_first else (length, batch, 3))
    h_shape = (d * num_layers, 4) if unbatched else (d * num_layers, batch, 4)
    x = rng.normal(size=x_shape)
    what = f"{kind} layers={num_layers} bidirectional={bidirectional} batch_first={batch_first} bias={bias}"
    compare(ours, theirs, x, None, rng, what + " hx=None")
    ours.zero_grad()
    theirs.zero_grad()
    hx = [rng.normal(size=h_shape) for _ in range(2 if kind == "LSTM" else 1)]
    compare(ours, theirs, x, hx, rng, what + " hx given")


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_relu_layer_matches_torch(nonlinearity):
    ours = nn.RNN(3, 4, num_layers=2, nonlinearity=nonlinearity, dtype=np.float64)
    theirs = torch.nn.RNN(3, 4, num_layers=2, nonlinearity=nonlinearity, dtype=torch.float64)
    load_into_torch(ours, theirs)
    rng = np.random.default_rng(1)
    compare(ours, theirs, rng.normal(size=(6, 3, 3)), None, rng, f"RNN {nonlinearity}")


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("given", [False, True])
def test_cell_outputs_and_gradients_match_torch(kind, bias, unbatched, given):
    ours_cls, torch_cls = CELLS[kind]
    ours = ours_cls(3, 5, bias=bias, dtype=np.float64)
    theirs = torch_cls(3, 5, bias=bias, dtype=torch.float64)
    load_into_torch(ours, theirs)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3,) if unbatched else (4, 3))
    hx = [rng.normal(size=(5,) if unbatched else (4, 5)) for _ in range(2 if kind == "LSTMCell" else 1)]
    compare(ours, theirs, x, hx if given else None, rng, kind)


def test_relu_cell_matches_torch():
    ours, theirs = nn.RNNCell(3, 5, nonlinearity="relu", dtype=np.float64), torch.nn.RNNCell(
        3, 5, nonlinearity="relu", dtype=torch.float64)
    load_into_torch(ours, theirs)
    rng = np.random.default_rng(3)
    compare(ours, theirs, rng.normal(size=(4, 3)), [rng.normal(size=(4, 5))], rng, "relu cell")


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_between_layers_only_in_training(kind):
    """In eval, dropout is off and the numbers are torch's; in training the layers' output
    differs from eval's (dropout acted between the layers) but the final layer's own output is
    not dropped: no exact zeros from a mask appear in it."""
    ours_cls, torch_cls = LAYERS[kind]
    ours = ours_cls(3, 6, num_layers=3, dropout=0.5, dtype=np.float64)
    theirs = torch_cls(3, 6, num_layers=3, dropout=0.5, dtype=torch.float64)
    load_into_torch(ours, theirs)
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).normal(size=(4, 2, 3))
    close(ours(Tensor(x))[0], theirs(torch.from_numpy(x))[0], f"{kind} eval", atol=1e-12)
    ours.train()
    tg.manual_seed(0)
    first = ours(Tensor(x))[0].data
    tg.manual_seed(0)
    again = ours(Tensor(x))[0].data
    np.testing.assert_array_equal(first, again)   # the masks come from tg.manual_seed
    assert not np.allclose(first, ours.eval()(Tensor(x))[0].data)
    assert np.count_nonzero(first == 0) == 0


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.2)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU, nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_initialisation_is_uniform_in_one_over_sqrt_hidden(cls):
    tg.manual_seed(0)
    module = cls(10, 64)
    bound = 1 / np.sqrt(64)
    values = np.concatenate([p.data.ravel() for p in module.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.9 * bound and values.max() > 0.9 * bound
    assert abs(values.mean()) < 0.01 and values.dtype == np.float32


@pytest.mark.parametrize("kind", LAYERS)
def test_every_parameter_of_a_deep_bidirectional_layer_gets_a_gradient(kind):
    layer = LAYERS[kind][0](2, 3, num_layers=3, bidirectional=True)
    out, _ = layer(Tensor.randn(4, 2, 2))
    out.sum().backward()
    names = [name for name, p in layer.named_parameters() if p.grad is None or not np.any(p.grad.data)]
    assert names == []
