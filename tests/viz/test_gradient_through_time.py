"""viz.gradient_through_time: ‖∂loss/∂h_t‖ as PyTorch computes it, no .grad touched, clear
errors for states the loss does not depend on; plot_gradient_through_time by suffix."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, viz


def rnn_weights(hidden=6, inputs=3, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(hidden)
    return {"w_ih": rng.uniform(-k, k, (hidden, inputs)), "w_hh": scale * rng.uniform(-k, k, (hidden, hidden)),
            "b": rng.uniform(-k, k, hidden), "head": rng.uniform(-k, k, (2, hidden))}


def tanh_rnn(w, xs, y):
    """h_t = tanh(x_t W_ihᵀ + h_{t-1} W_hhᵀ + b), a head on h_T, cross-entropy: in tensor ops."""
    W_ih, W_hh = Tensor(w["w_ih"], requires_grad=True), Tensor(w["w_hh"], requires_grad=True)
    b, head = Tensor(w["b"], requires_grad=True), Tensor(w["head"], requires_grad=True)
    h = Tensor(np.zeros((xs.shape[1], W_hh.shape[0])))
    hs = []
    for x_t in xs:
        h = (Tensor(x_t) @ W_ih.T + h @ W_hh.T + b).tanh()
        hs.append(h)
    loss = F.cross_entropy(h @ head.T, Tensor(y, dtype=np.int64))
    return loss, hs, [W_ih, W_hh, b, head]


def torch_norms(w, xs, y):
    torch = pytest.importorskip("torch")
    W_ih, W_hh, b, head = (torch.tensor(w[k], requires_grad=True) for k in ("w_ih", "w_hh", "b", "head"))
    h = torch.zeros(xs.shape[1], W_hh.shape[0], dtype=torch.float64)
    hs = []
    for x_t in torch.tensor(xs):
        h = torch.tanh(x_t @ W_ih.T + h @ W_hh.T + b)
        hs.append(h)
    loss = torch.nn.functional.cross_entropy(h @ head.T, torch.tensor(y))
    return np.array([g.norm().item() for g in torch.autograd.grad(loss, hs)])


@pytest.mark.parametrize("scale", [0.5, 1.0, 4.0])
def test_norms_match_pytorch_for_the_same_rnn(scale):
    rng = np.random.default_rng(1)
    xs, y = rng.standard_normal((12, 4, 3)), np.array([0, 1, 1, 0])
    w = rnn_weights(scale=scale)
    loss, hs, _ = tanh_rnn(w, xs, y)
    ours = viz.gradient_through_time(loss, hs)
    assert ours.shape == (12,) and ours.dtype == np.float64
    np.testing.assert_allclose(ours, torch_norms(w, xs, y), rtol=1e-10)


def test_no_grad_field_is_touched_and_the_graph_stays_usable():
    rng = np.random.default_rng(2)
    loss, hs, params = tanh_rnn(rnn_weights(), rng.standard_normal((5, 2, 3)), np.array([1, 0]))
    viz.gradient_through_time(loss, hs)
    assert all(p.grad is None for p in params) and all(h.grad is None for h in hs)
    loss.backward()  # the graph was not freed
    assert params[1].grad is not None


def test_a_small_recurrent_weight_makes_the_first_steps_gradient_vanish():
    rng = np.random.default_rng(3)
    xs, y = rng.standard_normal((30, 8, 3)), rng.integers(0, 2, 8)
    norms = viz.gradient_through_time(*tanh_rnn(rnn_weights(scale=0.5), xs, y)[:2])
    assert norms[0] / norms[-1] < 1e-6
    assert np.all(np.diff(np.log(norms)) > 0)  # it grows monotonically towards the loss


def test_a_matrix_that_matches_the_states_by_hand():
    """One step: h = tanh(a), loss = sum(h · v) ⇒ ∂loss/∂h = v, whatever a is."""
    a = Tensor([0.3, -1.2], requires_grad=True)
    h1 = a.tanh()
    h2 = (h1 * 2.0).tanh()
    v = np.array([3.0, 4.0])
    loss = (h2 * Tensor(v)).sum()
    norms = viz.gradient_through_time(loss, [h1, h2])
    assert norms[1] == pytest.approx(5.0)
    assert norms[0] == pytest.approx(np.linalg.norm(v * (1 - h2.data ** 2) * 2.0))


def test_a_state_the_loss_does_not_depend_on_is_named():
    rng = np.random.default_rng(4)
    loss, hs, _ = tanh_rnn(rnn_weights(), rng.standard_normal((4, 2, 3)), np.array([0, 1]))
    stray = hs[1] * 1.0  # made after the loss: not below it
    with pytest.raises(ValueError, match=r"does not depend on state h_3 of 4.*not in the graph below the loss"):
        viz.gradient_through_time(loss, [hs[0], hs[1], stray, hs[3]])
    with pytest.raises(ValueError, match=r"states h_1, h_2"):
        viz.gradient_through_time(loss, [Tensor(np.ones(2)), Tensor(np.ones(2)), hs[2], hs[3]])


def test_bad_loss_and_states():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x.tanh()
    with pytest.raises(ValueError, match=r"single number, got shape \(2,\)"):
        viz.gradient_through_time(h, [h])
    with pytest.raises(ValueError, match="does not require grad"):
        viz.gradient_through_time(Tensor(1.0), [h])
    with pytest.raises(TypeError, match="list of tensors"):
        viz.gradient_through_time(h.sum(), h)
    with pytest.raises(ValueError, match="empty"):
        viz.gradient_through_time(h.sum(), [])
    with pytest.raises(TypeError, match="h_1 is a ndarray"):
        viz.gradient_through_time(h.sum(), [np.ones(2)])


def test_plot_by_suffix(tmp_path):
    pytest.importorskip("matplotlib")
    curves = {"vanishing": np.geomspace(1e-9, 1, 20), "kept": np.linspace(0.5, 1, 20)}
    for name in ("t.png", "t.svg"):
        fig = viz.plot_gradient_through_time(curves, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 1000
        ax = fig.axes[0]
        assert ax.get_yscale() == "log"
        assert any("1e-09" in t.get_text() for t in ax.get_legend().get_texts())
    assert (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"must end in .png, .svg or .pdf"):
        viz.plot_gradient_through_time(curves, tmp_path / "t.jpg")
    with pytest.raises(ValueError, match="non-empty dict"):
        viz.plot_gradient_through_time({}, None)
    with pytest.raises(ValueError, match=r"curve 'x' must be a 1-D"):
        viz.plot_gradient_through_time({"x": np.ones((2, 2))})


def test_plot_without_matplotlib_prints_the_table(monkeypatch, capsys):
    import tinygrad_edu.viz.through_time as through_time
    monkeypatch.setattr(through_time, "pyplot", lambda: None)
    assert viz.plot_gradient_through_time({"rnn": [1e-4, 1e-2, 1.0]}) is None
    out = capsys.readouterr().out
    assert "h_1/h_T" in out and "1.0e-04" in out and "matplotlib" in out


@pytest.mark.parametrize("cell_name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_norms_match_pytorch_for_the_library_cells(cell_name):
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    ours, head = getattr(nn, cell_name)(3, 5), nn.Linear(5, 2)
    theirs, their_head = getattr(torch.nn, cell_name)(3, 5).double(), torch.nn.Linear(5, 2).double()
    with torch.no_grad():
        for name, p in list(ours.named_parameters()):
            getattr(theirs, name).copy_(torch.tensor(p.data, dtype=torch.float64))
        their_head.weight.copy_(torch.tensor(head.weight.data, dtype=torch.float64))
        their_head.bias.copy_(torch.tensor(head.bias.data, dtype=torch.float64))
    rng = np.random.default_rng(5)
    xs, y = rng.standard_normal((15, 4, 3)), np.array([0, 1, 1, 0])
    state, hs = None, []
    for x_t in xs:
        state = ours(Tensor(x_t.astype(np.float32)), state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    norms = viz.gradient_through_time(F.cross_entropy(head(hs[-1]), y), hs)
    state, their_hs = None, []
    for x_t in torch.tensor(xs):
        state = theirs(x_t, state)
        their_hs.append(state[0] if isinstance(state, tuple) else state)
    loss = torch.nn.functional.cross_entropy(their_head(their_hs[-1]), torch.tensor(y))
    expected = np.array([g.norm().item() for g in torch.autograd.grad(loss, their_hs)])
    np.testing.assert_allclose(norms, expected, rtol=2e-4)  # ours in float32, theirs in float64
