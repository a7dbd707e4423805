"""The write-ups' networks: built in their notation, hand formulas == autograd (every row, float64),
training as described, and each erratum reproduced by running the code as written."""
import re

import numpy as np
import pytest
from conftest import plant_error

import tinygrad_edu as tg
from tinygrad_edu.data import xor_example
from tinygrad_edu.documents import NETWORKS, Network, compare, compare_network, errata, format_table
from tinygrad_edu.documents.l_layer_sigmoid import breast_cancer_columns

# ── building ─────────────────────────────────────────────────────────────────────────────────

NAMES = {"000": ["X", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "Y"],
         "001": ["X", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "W3", "b3", "Z3", "A3", "Y"],
         "002": ["input", "weights1", "layer1", "weights2", "output", "y"]}


@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_build_names_every_tensor_in_the_writeups_notation(key):
    net = NETWORKS[key].build()
    assert isinstance(net, Network) and isinstance(NETWORKS[key].TITLE, str)
    assert net.loss.shape == () and net.loss.dtype == np.float64
    for name in NAMES[key]:
        assert net.tensor(name).name == name
    assert all(p.requires_grad and p.is_leaf for p in net.params.values())


def test_layouts_follow_the_writeups():
    net0 = NETWORKS["000"].build()
    assert net0.tensor("X").shape == (2, 400) and net0.tensor("W1").shape == (4, 2)   # samples as columns
    assert net0.tensor("A2").shape == (1, 400)
    net2 = NETWORKS["002"].build()
    assert net2.tensor("input").shape == (4, 3) and net2.tensor("weights1").shape == (3, 4)  # rows
    assert net2.tensor("output").shape == (4, 1) and set(net2.params) == {"weights1", "weights2"}


def test_build_float32_and_seed():
    net = NETWORKS["000"].build(dtype=np.float32, seed=5)
    assert net.loss.dtype == np.float32 and net.params["W1"].dtype == np.float32
    other = NETWORKS["000"].build(seed=6)
    assert not np.allclose(net.params["W1"].data, other.params["W1"].data)


def test_losses_are_the_writeups_losses():
    net = NETWORKS["002"].build()
    out, y = net.tensor("output").data, net.tensor("y").data
    assert net.loss.item() == pytest.approx(np.sum((y - out) ** 2), rel=1e-14)
    net = NETWORKS["000"].build()
    A2, Y = net.tensor("A2").data, net.tensor("Y").data
    m = Y.shape[1]
    assert net.loss.item() == pytest.approx(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m, rel=1e-12)


# ── the formulas against autograd ────────────────────────────────────────────────────────────

@pytest.mark.parametrize("key", sorted(NETWORKS))
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_formula_row_agrees_with_autograd(key, seed):
    rows = compare(key, seed=seed)
    assert len(rows) >= 6
    for row in rows:
        assert row.max_rel_err < 1e-10, row
        assert row.ok


def _far_from_zero(key, scale):
    # the initial weights (0.01·randn) keep tanh and σ nearly linear; check where they bend
    module = NETWORKS[key]
    net = module.build()
    arrays = {k: v.data * scale + 0.1 for k, v in net.params.items()}
    data = [net.tensor(n).data for n in (("input", "y") if key == "002" else ("X", "Y"))]
    return module.forward(module.param_tensors(arrays), *data)


@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_formulas_agree_far_from_the_initial_weights(key):
    net = _far_from_zero(key, 100.0 if key != "002" else 3.0)
    rows = compare_network(key, net)
    assert all(r.ok for r in rows), format_table(rows)
    hidden, centre = {"000": ("A1", 0.0), "001": ("A1", 0.5), "002": ("layer1", 0.5)}[key]
    assert np.max(np.abs(net.tensor(hidden).data - centre)) > 0.3      # well into the curved part


def test_compare_network_resets_gradients():
    net = _far_from_zero("000", 10.0)
    first = compare_network("000", net)
    second = compare_network("000", net)                    # a second backward must not accumulate
    assert [r.max_rel_err for r in first] == [r.max_rel_err for r in second]


def test_rows_cover_parameters_and_intermediates():
    formulas = {key: {r.formula for r in compare(key)} for key in NETWORKS}
    assert {"dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"} <= formulas["000"]
    assert {"dA3", "dZ3", "dW3", "db3", "dA2", "dZ1", "dW1", "db1", "dA0"} <= formulas["001"]
    assert {"d_weights1", "d_weights2", "2(y − output)"} <= formulas["002"]
    labels = {r.formula: r.autograd for r in compare("002")}
    assert labels["d_weights2"] == "−weights2.grad"          # the negative-gradient convention


def test_a_wrong_formula_is_caught(monkeypatch):
    plant_error(monkeypatch, "000", 1e-6)
    rows = compare("000")
    assert not rows[0].ok and rows[0].max_abs_err == pytest.approx(1e-6, rel=1e-6)
    assert all(r.ok for r in rows[1:])
    assert "FAIL" in format_table(rows)


def test_format_table_is_aligned():
    lines = format_table(compare("001")).splitlines()
    assert lines[0].startswith("formula") and set(lines[1]) <= {"─", " "}
    starts = {line.index("m·") for line in lines[2:] if "m·" in line}
    assert len(starts) == 1


def test_second_layer_formula_matches_finite_differences():
    # an independent referee for the 000 formulas: central differences of the cost
    module = NETWORKS["000"]
    X, Y = module.planar_flower(m=20)
    p = module.init_params(2, seed=0)
    p = {k: v * 50 for k, v in p.items()}
    hand = module.hand_backward(X, Y, **p)

    def cost(W2):
        A2 = 1 / (1 + np.exp(-(W2 @ np.tanh(p["W1"] @ X + p["b1"]) + p["b2"])))
        return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    eps = 1e-6
    numeric = np.array([[(cost(p["W2"] + eps * e) - cost(p["W2"] - eps * e)) / (2 * eps)
                         for e in np.eye(4).reshape(4, 1, 4)]])
    np.testing.assert_allclose(hand["dW2"], numeric.reshape(1, 4), rtol=1e-6)


# ── training ─────────────────────────────────────────────────────────────────────────────────

def test_002_trained_as_written_reaches_its_targets():
    result = NETWORKS["002"].train(iterations=1500)
    x, y = xor_example()
    out = NETWORKS["002"].predict(result.params, x)
    assert np.max(np.abs(out - y)) < 0.1
    assert np.all(np.diff(result.losses) <= 0)      # "monotonically decreasing", as the write-up says


def test_002_training_equals_the_code_as_written():
    x, y = xor_example()
    np.random.seed(0)
    theirs = errata.as_written("seed002").NeuralNetwork(x, y)
    mine = NETWORKS["002"].param_tensors({"weights1": theirs.weights1.copy(), "weights2": theirs.weights2.copy()})
    from tinygrad_edu.documents.training import gradient_descent
    gradient_descent(lambda p: NETWORKS["002"].forward(p, x, y), mine, 50, 1.0)
    for _ in range(50):
        theirs.feedforward()
        theirs.backprop()
    np.testing.assert_allclose(mine["weights1"].data, theirs.weights1, rtol=1e-12)
    np.testing.assert_allclose(mine["weights2"].data, theirs.weights2, rtol=1e-12)


def test_000_learns_the_flower():
    result = NETWORKS["000"].train(iterations=1000)
    assert result.losses[-1] < 0.4 < result.losses[0]
    assert result.metrics["train accuracy"] > 0.85 and result.metrics["test accuracy"] > 0.85


def test_001_learns_breast_cancer():
    result = NETWORKS["001"].train(iterations=300)
    assert result.losses[-1] < 0.2
    assert result.metrics["test accuracy"] > 0.9


# ── errata: the code as written ──────────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def w001():
    w = errata.as_written("seed001")
    X, Y, _, _ = breast_cancer_columns()
    params = w.init_params([X.shape[0], 8, 4, 1])
    AL, caches = w.forward_prop(X, params)
    return w, X, Y, params, AL, caches


def test_001_cost_calls_undefined_log(w001):
    w, X, Y, params, AL, caches = w001
    with pytest.raises(NameError, match="log"):
        w.cost_function(AL, Y)


def test_001_cost_is_a_1x1_array():
    w = errata.as_written("seed001")
    w.log = np.log
    cost = w.cost_function(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    assert cost.shape == (1, 1) and cost[0, 0] == pytest.approx(np.log(2))


def test_001_backward_multiplies_a_tuple(w001):
    w, X, Y, params, AL, caches = w001
    with pytest.raises(TypeError, match="tuple"):
        w.one_layer_backward(np.ones_like(AL), caches[-1])


def test_001_update_reads_missing_keys(w001):
    w, X, Y, params, AL, caches = w001
    fixed = errata.as_written("seed001")
    fixed.log = np.log
    fixed.one_layer_backward = errata.fixed_one_layer_backward(fixed)
    grads = fixed.backprop(AL, Y, caches)
    with pytest.raises(KeyError, match="'W1'"):
        fixed.update_parameters(dict(params), grads, 0.1)


def test_001_backprop_loses_the_output_layer(w001):
    w, X, Y, params, AL, caches = w001
    fixed = errata.as_written("seed001")
    fixed.one_layer_backward = errata.fixed_one_layer_backward(fixed)
    grads = fixed.backprop(AL, Y, caches)
    right = NETWORKS["001"].hand_backward(X, Y, params)
    assert "dW3" not in grads and "db3" not in grads                  # the output layer: nothing
    np.testing.assert_allclose(grads["dW2"], right["dW2"], rtol=1e-12)  # overwritten by layer 2's
    first = fixed.one_layer_backward(-(Y / AL - (1 - Y) / (1 - AL)), caches[-1])
    np.testing.assert_allclose(first[1], right["dW3"], rtol=1e-12)     # what was filed as dW2 first
    assert first[1].shape != params["W2"].shape


def test_001_dZ_is_m_times_the_cost_gradient(all_errata):
    e = next(e for e in all_errata if "linear output" in e.title)
    m = NETWORKS["001"].build().tensor("X").shape[1]
    assert f"[{m}, {m}]" in e.evidence


def test_001_init_reseeds_numpy():
    w = errata.as_written("seed001")
    draws = []
    for _ in range(2):
        w.init_params([2, 3, 1])
        draws.append(np.random.rand())
    assert draws[0] == draws[1]


def test_000_statements_as_written():
    w = errata.as_written("seed000")
    X = np.ones((2, 400))
    assert w.layer_Z(np.ones((2, 4)), X, np.zeros((4, 1))).shape == (4, 2)   # z = w.T + b: no X
    with pytest.raises(ValueError, match="broadcast"):
        w.layer_Z_product(np.ones((2, 4)), X)                                # Z = W.T * X
    x = np.array([[1.0], [2.0]])
    np.testing.assert_array_equal(w.neuron(x, np.array([[1.0, 1.0]]), 0.0),
                                  w.neuron(x, np.array([[-5.0, 3.0]]), 7.0))  # a = sigmoid(x)


def test_002_backprop_is_the_negative_gradient():
    net = NETWORKS["002"].build()
    net.loss.backward()
    hand = NETWORKS["002"].formulas(net)
    np.testing.assert_allclose(hand["d_weights1"], -net.params["weights1"].grad.data, rtol=1e-12, atol=1e-15)
    assert np.max(np.abs(hand["d_weights1"] - net.params["weights1"].grad.data)) > 1e-3


@pytest.fixture(scope="module")
def all_errata():
    return errata.collect()


def test_errata_table_has_evidence_for_each_writeup(all_errata):
    assert {e.writeup for e in all_errata} == {"000", "001", "002"}
    assert len(all_errata) >= 15
    text = errata.markdown_table(all_errata)
    for evidence in ("NameError", "KeyError: 'W1'", "KeyError: 'dW3'", "TypeError", "ValueError", "nan"):
        assert evidence in text
    assert all(e.evidence and e.fix for e in all_errata)


def test_no_learning_rate_erratum_numbers(all_errata):
    e = next(e for e in all_errata if e.title.startswith("no learning rate"))
    small, repeated = map(float, re.findall(r"([0-9]\.[0-9]+) on", e.evidence))
    assert small < 0.1 < repeated


def test_documents_reachable_lazily():
    assert tg.documents.NETWORKS is NETWORKS


@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_autograd_gradients_equal_torchs(key):
    torch = pytest.importorskip("torch")
    module = NETWORKS[key]
    net = module.build()
    net.loss.backward()
    tp = {k: torch.tensor(v.data, requires_grad=True) for k, v in net.params.items()}
    if key == "002":
        x, y = (torch.tensor(net.tensor(n).data) for n in ("input", "y"))
        out = torch.sigmoid(torch.sigmoid(x @ tp["weights1"]) @ tp["weights2"])
        loss = ((out - y) ** 2).sum()
    else:
        A, Y = torch.tensor(net.tensor("X").data), torch.tensor(net.tensor("Y").data)
        for l in range(1, len(tp) // 2 + 1):
            Z = tp[f"W{l}"] @ A + tp[f"b{l}"]
            A = torch.tanh(Z) if key == "000" and l == 1 else torch.sigmoid(Z)
        loss = torch.nn.functional.binary_cross_entropy(A, Y)
    loss.backward()
    assert net.loss.item() == pytest.approx(loss.item(), rel=1e-12)
    for name, p in tp.items():
        np.testing.assert_allclose(net.params[name].grad.data, p.grad.numpy(), rtol=1e-10, atol=1e-18)


def test_001_without_scikit_learn_falls_back_to_the_flower(monkeypatch):
    from tinygrad_edu import data

    def no_sklearn(*args, **kwargs):
        raise ImportError("scikit-learn is not installed")
    monkeypatch.setattr(data, "load_split", no_sklearn)
    net = NETWORKS["001"].build()
    assert net.tensor("X").shape == (2, 400)
    assert all(r.ok for r in compare("001"))
