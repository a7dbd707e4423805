"""`tg.check_gradients`: a user's hand-derived gradients against autograd, each common slip named,
the first wrong step found; `Tensor.named`; the graph's colours."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, shapes

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz
from tinygrad_edu.derivation import recording
from tinygrad_edu.ops.elementwise import ReLU

N, D, H, C = 6, 4, 5, 3


class Net:
    """CS231n's two-layer net, samples as rows: z1 = X W1 + b1, h = relu(z1), scores = h W2 + b2,
    mean softmax cross-entropy; `hand` holds the correct formulas."""

    def __init__(self, seed=0):
        rng = np.random.RandomState(seed)
        self.X = Tensor(rng.randn(N, D), name="X")
        self.y = rng.randint(C, size=N)
        self.W1 = Tensor(rng.randn(D, H), requires_grad=True, name="W1")
        self.b1 = Tensor(0.1 * rng.randn(H), requires_grad=True, name="b1")
        self.W2 = Tensor(rng.randn(H, C), requires_grad=True, name="W2")
        self.b2 = Tensor(0.1 * rng.randn(C), requires_grad=True, name="b2")
        self.z1 = (self.X @ self.W1 + self.b1).named("z1")
        self.h = self.z1.relu().named("h")
        self.scores = (self.h @ self.W2 + self.b2).named("scores")
        self.loss = F.cross_entropy(self.scores, self.y).named("loss")
        s = self.scores.data
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dscores = (p - np.eye(C)[self.y]) / N
        dh = dscores @ self.W2.data.T
        dz1 = dh * (self.z1.data > 0)
        self.hand = {"scores": dscores, "W2": self.h.data.T @ dscores, "b2": dscores.sum(0),
                     "h": dh, "z1": dz1, "W1": self.X.data.T @ dz1, "b1": dz1.sum(0)}

    def tensors(self):
        return [self.X, self.W1, self.b1, self.z1, self.h, self.W2, self.b2, self.scores, self.loss]

    def check(self, **slips):
        return tg.check_gradients(self.loss, {**self.hand, **slips})


@pytest.fixture
def net():
    return Net()


def row(result, name):
    return next(r for r in result.rows if r.name == name)


# ── correct formulas ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_formulas_agree(seed):
    net = Net(seed)
    result = net.check()
    assert result.ok and result.first_wrong is None
    assert len(result.rows) == 7
    for r in result.rows:
        assert r.ok and r.diagnosis == "" and r.max_abs_err < 1e-14 and r.max_rel_err < 1e-13
    assert row(result, "W1").shape == (D, H) and row(result, "b1").shape == (H,)
    assert result.assert_ok() is result
    assert "All 7 hand-derived gradients agree" in str(result)


def test_rows_come_in_backward_order(net):
    names = [r.name for r in net.check().rows]
    assert names[0] == "scores"
    position = {n: i for i, n in enumerate(names)}
    # each gradient comes after every one it is derived from
    for later, earlier in [("W2", "scores"), ("b2", "scores"), ("h", "scores"), ("z1", "h"),
                           ("W1", "z1"), ("b1", "z1")]:
        assert position[later] > position[earlier]


def test_no_grad_is_touched(net):
    net.check(W1=-net.hand["W1"])
    assert all(t.grad is None for t in net.tensors())


def test_tensor_and_string_keys_give_the_same_rows(net):
    by_name = tg.check_gradients(net.loss, {"W1": net.hand["W1"], "z1": net.hand["z1"]})
    by_tensor = tg.check_gradients(net.loss, {net.W1: Tensor(net.hand["W1"]), net.z1: net.hand["z1"]})
    assert [(r.name, r.max_abs_err, r.ok) for r in by_name] == [(r.name, r.max_abs_err, r.ok) for r in by_tensor]


def test_named_sets_the_name_and_returns_the_tensor():
    t = Tensor([1.0, 2.0])
    assert t.named("a") is t and t.name == "a"


def test_the_agreement_rule_is_atol_plus_rtol_times_max_autograd(net):
    auto = net.hand["W2"]
    allowed = 1e-10 + 1e-6 * np.max(np.abs(auto))
    nudged = auto.copy()
    nudged[0, 0] += 0.9 * allowed
    assert row(net.check(W2=nudged), "W2").ok
    nudged[0, 0] += 0.2 * allowed
    r = row(net.check(W2=nudged), "W2")
    assert not r.ok
    assert r.max_abs_err == pytest.approx(1.1 * allowed, rel=1e-3)
    assert r.max_rel_err == pytest.approx(r.max_abs_err / np.max(np.abs(auto)), rel=1e-12)


# ── the slips, named ─────────────────────────────────────────────────────────────────────────

def test_factor_m_is_the_batch_size(net):
    result = net.check(scores=net.hand["scores"] * N)
    first = result.first_wrong
    assert first.name == "scores"
    assert f"is {N} × autograd" in first.diagnosis and "batch size" in first.diagnosis
    assert "SUM of the losses" in first.diagnosis


def test_factor_minus_one_is_the_negative_gradient(net):
    r = row(net.check(W1=-net.hand["W1"]), "W1")
    assert r.diagnosis == "is −1 × autograd: the negative gradient"


def test_factor_minus_m_names_both(net):
    d = row(net.check(W2=-N * net.hand["W2"]), "W2").diagnosis
    assert f"is −{N} × autograd" in d and "negative gradient" in d and "batch size" in d


@pytest.mark.parametrize("factor, words", [(2.0, "is 2 × autograd"), (0.5, "is 1/2 × autograd"),
                                           (1 / N, f"is 1/{N} × autograd"), (3.7, "is 3.7 × autograd")])
def test_other_factors(net, factor, words):
    d = row(net.check(h=factor * net.hand["h"]), "h").diagnosis
    assert d.startswith(words), d
    if factor == 2.0 or factor == 0.5:
        assert "square" in d
    if factor == 1 / N:
        assert "batch size" in d and "twice" in d
    if factor == 3.7:
        assert "a constant factor" in d


def test_transposed(net):
    result = net.check(W2=net.hand["W2"].T)
    first = result.first_wrong
    assert first.name == "W2"
    assert first.diagnosis == f"has shape ({C}, {H}); autograd's is ({H}, {C}): it matches autograd transposed"


def test_transposed_square():
    x = Tensor(np.arange(9.0).reshape(3, 3) / 7, requires_grad=True, name="x")
    w = Tensor(np.random.RandomState(0).randn(3, 3), name="w")
    loss = (x * w).sum()
    r = tg.check_gradients(loss, {"x": w.data.T}).rows[0]
    assert not r.ok and r.diagnosis == "matches autograd transposed (rows and columns swapped)"


def test_missing_sum_over_the_broadcast_axis(net):
    result = net.check(b2=net.hand["scores"])                  # db2 = dscores, not Σ over samples
    assert result.first_wrong.name == "b2"
    d = result.first_wrong.diagnosis
    assert f"has shape ({N}, {C}); autograd's is ({C},)" in d
    assert "summed over axis 0 it matches" in d and "sum over the broadcast axis is missing" in d


def test_missing_sum_with_a_factor_samples_as_columns():
    # the course's layout: db = 1/m Σ_columns dZ; writing dZ itself misses the sum and the 1/m
    m = 8
    rng = np.random.RandomState(1)
    W = Tensor(rng.randn(3, 2), requires_grad=True, name="W")
    b = Tensor(np.zeros((3, 1)), requires_grad=True, name="b")
    X = Tensor(rng.randn(2, m), name="X")
    Z = (W @ X + b).named("Z")
    loss = (Z.tanh() ** 2).mean()
    dZ = m * tg.grad(loss, Z)[0].data                          # the course's dZ = m·∂J/∂Z
    d = tg.check_gradients(loss, {"b": dZ}).rows[0].diagnosis
    assert "has shape (3, 8); autograd's is (3, 1)" in d
    assert f"summed over axis 1 it is {m} × autograd: a constant factor" in d   # the mean is over 3·m
    assert "sum over the broadcast axis is missing" in d


def test_extra_sum(net):
    d = row(net.check(h=net.hand["h"].sum(axis=0, keepdims=True)), "h").diagnosis
    assert f"has shape (1, {H}); autograd's is ({N}, {H})" in d and "extra sum" in d


def test_wrong_shape_says_both(net):
    d = row(net.check(b2=np.ones((C, 2))), "b2").diagnosis
    assert d == f"has shape ({C}, 2); autograd's is ({C},)"
    d = row(net.check(b2=net.hand["b2"].reshape(C, 1)), "b2").diagnosis
    assert d.startswith(f"has shape ({C}, 1); autograd's is ({C},)") and "reshape" in d


def test_nan_and_inf_say_where(net):
    bad = net.hand["W1"].copy()
    bad[1, 2] = np.nan
    bad[3, 0] = np.inf
    with np.errstate(all="raise"):
        r = row(net.check(W1=bad), "W1")
    assert not r.ok
    assert "NaN and inf in 2 of 20 elements, the first at (1, 2)" in r.diagnosis


def test_otherwise_the_largest_difference_with_both_values(net):
    bad = net.hand["W2"].copy()
    bad[2, 1] += 0.25
    bad[0, 0] += 0.01
    d = row(net.check(W2=bad), "W2").diagnosis
    auto = net.hand["W2"][2, 1]
    assert d.startswith(f"largest difference at (2, 1): formula {auto + 0.25:.6g}, autograd {auto:.6g}")
    assert "(2 of 15 elements differ)" in d


def test_a_missing_relu_mask(net):
    d = row(net.check(z1=net.hand["h"]), "z1").diagnosis
    assert "mask" in d and "autograd is exactly 0" in d


def test_all_zeros(net):
    assert row(net.check(W1=np.zeros((D, H))), "W1").diagnosis == "is all zeros; autograd's is not"


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from([-1.0, 2.0, 0.5, 7.0, -3.0]))
def test_a_constant_factor_is_found_for_any_shape(data, c):
    shape = data.draw(shapes(min_dims=1))
    x = Tensor(data.draw(arrays(shape, away_from_zero=0.1)), requires_grad=True, name="x")
    loss = (x * x).sum()
    r = tg.check_gradients(loss, {"x": c * 2 * x.data}).rows[0]
    assert not r.ok
    shown = {2.0: "2", 0.5: "1/2"}.get(abs(c), f"{abs(c):g}")
    if x.size == 1 and abs(c) not in (1.0, 2.0, 0.5):
        # one number is always some multiple of another: only a usual suspect is evidence
        assert "× autograd" not in r.diagnosis and r.diagnosis.startswith("largest difference"), r.diagnosis
        return
    assert r.diagnosis.startswith(f"is {'−' if c < 0 else ''}{shown} × autograd"), r.diagnosis


# ── first_wrong and the local step ───────────────────────────────────────────────────────────

def test_first_wrong_names_the_local_step_between_it_and_the_agreeing_gradient(net):
    result = net.check(z1=net.hand["h"])                       # dh right, dz1 wrong
    first = result.first_wrong
    assert first.name == "z1"
    assert "dh agrees" in first.step and f"relu ({ReLU.derivative})" in first.step
    assert "first wrong: dz1" in str(result) and ReLU.derivative in str(result)


def test_first_wrong_is_the_one_the_backward_pass_reaches_first(net):
    result = net.check(W1=-net.hand["W1"], h=2 * net.hand["h"], z1=2 * net.hand["z1"])
    assert [r.name for r in result.rows if not r.ok] == ["h", "z1", "W1"]
    assert result.first_wrong.name == "h"
    assert "dscores agrees" in result.first_wrong.step
    assert row(result, "z1").step == ""                         # only first_wrong gets one


def test_no_step_when_the_gradient_above_is_unchecked(net):
    result = tg.check_gradients(net.loss, {"W1": -net.hand["W1"]})
    assert result.first_wrong.name == "W1" and result.first_wrong.step == ""


def test_step_from_the_loss(net):
    first = net.check(scores=N * net.hand["scores"]).first_wrong
    assert "straight from the loss" in first.step and "cross_entropy" in first.step


# ── output ───────────────────────────────────────────────────────────────────────────────────

def test_table_html_and_assert_ok(net):
    result = net.check(W2=-net.hand["W2"])
    text = str(result)
    lines = text.splitlines()
    assert lines[0].split() == ["formula", "autograd", "shape", "max", "abs", "err", "max", "rel", "err"]
    assert set(lines[1]) <= {"─", " "}
    assert "dW2      W2.grad" in text and "FAIL ← first wrong" in text
    assert "dW2: is −1 × autograd: the negative gradient" in text
    assert "1 of 7 hand-derived gradients disagree" in text
    html = result._repr_html_()
    assert html.startswith("<table") and "the negative gradient" in html and "first wrong" in html
    with pytest.raises(AssertionError, match="negative gradient"):
        result.assert_ok()


def test_recording_collects_every_check(net):
    with recording() as checks:
        a = net.check()
        b = net.check(W1=-net.hand["W1"])
    net.check()
    assert checks == [a, b]


# ── errors ───────────────────────────────────────────────────────────────────────────────────

def test_unknown_name_is_a_key_error_naming_the_key_and_the_names(net):
    with pytest.raises(KeyError) as info:
        tg.check_gradients(net.loss, {"Z1": net.hand["z1"]})
    message = str(info.value)
    assert "'Z1'" in message
    for name in ("'z1'", "'W1'", "'scores'", "'h'"):
        assert name in message


def test_a_tensor_the_loss_does_not_depend_on_is_a_value_error(net):
    other = Tensor(np.ones(3), requires_grad=True, name="other")
    with pytest.raises(ValueError, match="does not depend on .*'other'"):
        tg.check_gradients(net.loss, {other: np.ones(3)})


def test_a_key_that_does_not_require_grad_is_a_value_error(net):
    with pytest.raises(ValueError, match="'X'.*does not require grad"):
        tg.check_gradients(net.loss, {"X": np.ones((N, D))})
    with pytest.raises(ValueError, match="does not require grad"):
        tg.check_gradients(net.loss, {net.X: np.ones((N, D))})


def test_other_bad_calls(net):
    with pytest.raises(ValueError, match="single number.*shape"):
        tg.check_gradients(net.scores, {"W1": net.hand["W1"]})
    with pytest.raises(ValueError, match="two formulas"):
        tg.check_gradients(net.loss, {"W1": net.hand["W1"], net.W1: net.hand["W1"]})
    with pytest.raises(TypeError, match="'W1'.*numpy array or a Tensor"):
        tg.check_gradients(net.loss, {"W1": None})
    with pytest.raises(TypeError, match="key must be a Tensor"):
        tg.check_gradients(net.loss, {3: net.hand["W1"]})


# ── the write-ups' conventions, found by the diagnosis when not declared ─────────────────────

def test_the_diagnosis_finds_the_writeups_conventions():
    from tinygrad_edu.documents import NETWORKS
    net = NETWORKS["000"].build()
    hand = NETWORKS["000"].formulas(net)
    result = tg.check_gradients(net.loss, {"Z2": hand["dZ2"], "W2": hand["dW2"]})
    m = net.tensor("X").shape[1]
    assert row(result, "W2").ok
    assert row(result, "Z2").diagnosis.startswith(f"is {m} × autograd: {m} = the batch size")
    net = NETWORKS["002"].build()
    hand = NETWORKS["002"].formulas(net)
    result = tg.check_gradients(net.loss, {"weights1": hand["d_weights1"]})
    assert result.rows[0].diagnosis == "is −1 × autograd: the negative gradient"


def test_scale_declares_a_convention():
    from tinygrad_edu.documents import NETWORKS
    net = NETWORKS["000"].build()
    hand = NETWORKS["000"].formulas(net)
    m = net.tensor("X").shape[1]
    result = tg.check_gradients(net.loss, {"Z2": hand["dZ2"]}, scale={"Z2": (m, "m")}, labels={"Z2": "dZ2"})
    assert result.ok and result.rows[0].autograd == "m·Z2.grad" and result.rows[0].formula == "dZ2"


# ── the graph ────────────────────────────────────────────────────────────────────────────────

def test_draw_graph_outlines_checked_tensors(net):
    from tinygrad_edu.viz import colors
    result = net.check(z1=net.hand["h"], W1=-net.hand["W1"])
    source = viz.draw_graph(net.loss, check=result).source
    assert source.count(f'COLOR="{colors.CHECK_AGREES}" BORDER="3"') == 5
    assert source.count(f'COLOR="{colors.CHECK_DISAGREES}" BORDER="3"') == 1       # dW1
    assert source.count(f'COLOR="{colors.CHECK_DISAGREES}" BORDER="5"') == 1       # dz1, first wrong
    assert "FIRST WRONG: dz1 disagrees" in source and "✓ dh agrees" in source
    assert "check_legend" in source and "formula agrees with autograd" in source
    plain = viz.draw_graph(net.loss).source
    assert colors.CHECK_AGREES not in plain and "check_legend" not in plain


def test_the_step_through_page_shows_the_check(net, tmp_path):
    pytest.importorskip("graphviz")
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    result = net.check(z1=net.hand["h"])
    page = (tmp_path / "steps.html")
    viz.save_html(net.loss, page, check=result)
    text = page.read_text()
    assert "your formula <b>dz1</b> disagrees" in text and "(the first wrong one)" in text
    assert "your formula <b>dh</b> agrees" in text


def test_a_forgotten_use_of_a_tensor_used_twice():
    # y = x·w + x²: dx = w + 2x; writing only w misses the term from the square
    rng = np.random.RandomState(3)
    x = Tensor(rng.randn(4), requires_grad=True, name="x")
    w = Tensor(rng.randn(4), name="w")
    a = (x * w).named("a")
    b = (x ** 2).named("b")
    loss = (a + b).sum()
    result = tg.check_gradients(loss, {"a": np.ones(4), "b": np.ones(4), "x": w.data})
    first = result.first_wrong
    assert first.name == "x"
    assert first.diagnosis.startswith("is the gradient through 1 of its 2 uses only (mul): the term "
                                      "from its use in pow is missing")
    assert first.step.startswith("da and db agree, so the slip is in the local steps from them to dx, "
                                 "whose gradients add up: from da: mul")
    assert tg.check_gradients(loss, {"x": w.data + 2 * x.data}).ok


def test_no_formulas_is_an_error(net):
    with pytest.raises(ValueError, match="no formulas"):
        tg.check_gradients(net.loss, {})


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_missing_sum_is_found_for_any_broadcast(data):
    from strategies import broadcastable_pair
    small, other = data.draw(broadcastable_pair(min_dims=1))
    big = np.broadcast_shapes(small, other)
    if int(np.prod(big)) == int(np.prod(small)):
        return                                             # nothing was broadcast
    x = Tensor(data.draw(arrays(small)), requires_grad=True, name="x")
    c = Tensor(data.draw(arrays(other, away_from_zero=0.5)), name="c")
    loss = (x * c).sum()
    unsummed = np.broadcast_to(c.data, big)                # the gradient before broadcasting's sum
    d = tg.check_gradients(loss, {"x": unsummed}).rows[0].diagnosis
    assert d.startswith(f"has shape {big}; autograd's is {small}"), d
    assert "sum over the broadcast" in d and "is missing" in d, d
