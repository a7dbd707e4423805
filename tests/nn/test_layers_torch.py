"""The non-convolution layers against PyTorch, float64: same weights in → same outputs, same
gradients for the input and every parameter, BatchNorm's running statistics step for step,
eval mode, and second derivatives of batch_norm and layer_norm."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

torch = pytest.importorskip("torch")
from torch_compare import close  # noqa: E402  (after the skip)

TF = torch.nn.functional


def copy_weights(ours: nn.Module, theirs) -> None:
    """Our (randomised) state into the torch module, through its own load_state_dict."""
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})


def randomise(module: nn.Module, rng) -> None:
    for p in module.parameters():
        p.data[...] = rng.normal(size=p.shape)


def step_both(ours, theirs, x: np.ndarray, rng, what: str):
    """One forward and backward of the same input and upstream gradient through both modules;
    the outputs, the input's gradient and every parameter's gradient must agree."""
    ours.zero_grad()
    theirs.zero_grad()
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    close(yo, yt, what=f"{what}: output")
    upstream = rng.normal(size=yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    close(xo.grad, xt.grad, what=f"{what}: input gradient")
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        close(p.grad, tp.grad, what=f"{what}: gradient of {name}")


BATCH_NORMS = [(nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
               (nn.BatchNorm2d, torch.nn.BatchNorm2d, (3, 3, 4, 2)), (nn.BatchNorm1d, torch.nn.BatchNorm1d, (2, 1))]


@pytest.mark.parametrize("ours_cls, torch_cls, shape", BATCH_NORMS)
@pytest.mark.parametrize("momentum", [0.1, 0.35, None])
def test_batch_norm_training_steps_running_stats_and_eval_match_torch(ours_cls, torch_cls, shape, momentum):
    rng = np.random.default_rng(sum(shape))
    c = shape[1]
    ours = ours_cls(c, momentum=momentum, dtype=np.float64)
    theirs = torch_cls(c, momentum=momentum, dtype=torch.float64)
    randomise(ours, rng)
    copy_weights(ours, theirs)
    for step in range(4):
        x = rng.normal(size=shape) * 3 + rng.normal(size=(1, c) + (1,) * (len(shape) - 2))
        step_both(ours, theirs, x, rng, f"training step {step}")
    for name in ("running_mean", "running_var"):
        close(getattr(ours, name), getattr(theirs, name), rtol=1e-12, what=name)
    assert int(ours.num_batches_tracked.item()) == int(theirs.num_batches_tracked) == 4
    assert ours.num_batches_tracked.dtype == np.int64
    assert not np.allclose(ours.running_var.data, 1.0)  # the statistics did move
    ours.eval()
    theirs.eval()
    step_both(ours, theirs, rng.normal(size=shape), rng, "eval")
    assert int(ours.num_batches_tracked.item()) == 4  # eval does not count


@pytest.mark.parametrize("affine, track", [(False, True), (True, False), (False, False)])
def test_batch_norm_without_affine_or_running_stats_matches_torch(affine, track):
    rng = np.random.default_rng(3)
    ours = nn.BatchNorm1d(4, affine=affine, track_running_stats=track, dtype=np.float64)
    theirs = torch.nn.BatchNorm1d(4, affine=affine, track_running_stats=track, dtype=torch.float64)
    randomise(ours, rng)
    copy_weights(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        step_both(ours, theirs, rng.normal(size=(5, 4, 2)), rng, mode)


@pytest.mark.parametrize("normalized_shape, shape", [(5, (4, 5)), ((5,), (2, 3, 5)), ((3, 5), (2, 3, 5)),
                                                     (4, (4,)), ((2, 2, 3), (2, 2, 2, 3))])
def test_layer_norm_matches_torch(normalized_shape, shape):
    rng = np.random.default_rng(len(shape))
    ours = nn.LayerNorm(normalized_shape, dtype=np.float64)
    theirs = torch.nn.LayerNorm(normalized_shape, dtype=torch.float64)
    randomise(ours, rng)
    copy_weights(ours, theirs)
    step_both(ours, theirs, rng.normal(size=shape) * 2 + 1, rng, "layer_norm")
    ours.eval()  # no mode: the same in eval
    theirs.eval()
    step_both(ours, theirs, rng.normal(size=shape), rng, "layer_norm eval")


def test_layer_norm_without_affine_and_without_bias_match_torch():
    rng = np.random.default_rng(0)
    for kwargs in ({"elementwise_affine": False}, {"bias": False}):
        ours = nn.LayerNorm(3, dtype=np.float64, **kwargs)
        theirs = torch.nn.LayerNorm(3, dtype=torch.float64, **kwargs)
        randomise(ours, rng)
        copy_weights(ours, theirs)
        step_both(ours, theirs, rng.normal(size=(4, 3)), rng, str(kwargs))


def _functional_pair(fn_ours, fn_theirs, arrays, requires):
    ours = [None if a is None else Tensor(a, requires_grad=r) for a, r in zip(arrays, requires)]
    theirs = [None if a is None else torch.tensor(a, requires_grad=r) for a, r in zip(arrays, requires)]
    yo, yt = fn_ours(*ours), fn_theirs(*theirs)
    close(yo, yt)
    upstream = np.random.default_rng(1).normal(size=yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    for o, t in zip(ours, theirs):
        if o is not None and o.requires_grad:
            close(o.grad, t.grad)


@pytest.mark.parametrize("with_weight, with_bias", [(True, True), (False, True), (True, False), (False, False)])
@pytest.mark.parametrize("training", [True, False])
def test_functional_batch_norm_matches_torch_and_updates_the_given_running_stats(with_weight, with_bias, training):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(5, 3, 4))
    w = rng.normal(size=3) if with_weight else None
    b = rng.normal(size=3) if with_bias else None
    rm, rv = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    t_rm, t_rv = torch.tensor(rm), torch.tensor(rv)
    _functional_pair(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.2, eps=1e-3),
                     lambda x, w, b: TF.batch_norm(x, t_rm, t_rv, w, b, training=training, momentum=0.2, eps=1e-3),
                     [x, w, b], [True, True, True])
    close(rm, t_rm, rtol=1e-12)
    close(rv, t_rv, rtol=1e-12)


def test_functional_batch_norm_updates_running_tensors_in_place_and_without_running_stats():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(6, 2))
    rm, rv = Tensor(np.zeros(2)), Tensor(np.ones(2))
    F.batch_norm(Tensor(x), rm, rv, training=True)
    np.testing.assert_allclose(rm.data, 0.1 * x.mean(0))
    np.testing.assert_allclose(rv.data, 0.9 + 0.1 * x.var(0, ddof=1))
    assert rm._version[0] == 1
    _functional_pair(lambda x: F.batch_norm(x, None, None, training=True),
                     lambda x: TF.batch_norm(x, None, None, training=True), [x], [True])


@pytest.mark.parametrize("with_weight", [True, False])
def test_functional_layer_norm_matches_torch(with_weight):
    rng = np.random.default_rng(9)
    x, w, b = rng.normal(size=(3, 2, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    w = w if with_weight else None
    _functional_pair(lambda x, w, b: F.layer_norm(x, (2, 4), w, b, eps=1e-4),
                     lambda x, w, b: TF.layer_norm(x, (2, 4), w, b, eps=1e-4), [x, w, b], [True] * 3)


def _second_derivatives(fn_ours, fn_theirs, arrays, rtol=1e-8, atol=1e-10):
    """d/d(inputs) of Σ (∂(Σ y·V)/∂input)²: second derivatives through every input."""
    rng = np.random.default_rng(2)
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    yo, yt = fn_ours(*ours), fn_theirs(*theirs)
    v = rng.normal(size=yo.shape)
    go = tg.grad((yo * Tensor(v)).sum(), ours, create_graph=True)
    gt = torch.autograd.grad((yt * torch.tensor(v)).sum(), theirs, create_graph=True)
    for a, b in zip(go, gt):
        close(a, b)
    ho = tg.grad(sum((g * g).sum() for g in go), ours)
    ht = torch.autograd.grad(sum((g * g).sum() for g in gt), theirs, allow_unused=True)
    for i, (a, b) in enumerate(zip(ho, ht)):
        b = np.zeros(arrays[i].shape) if b is None else b  # e.g. β: its gradient is constant
        close(np.zeros(arrays[i].shape) if a is None else a, b, rtol=rtol, atol=atol,
              what=f"second derivative for input {i}")


@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3), (2, 3, 2, 2)])
def test_batch_norm_second_derivatives_match_torch(shape):
    rng = np.random.default_rng(4)
    c = shape[1]
    x, w, b = rng.normal(size=shape), rng.normal(size=c), rng.normal(size=c)
    _second_derivatives(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                        lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True), [x, w, b])
    rm, rv = rng.normal(size=c), rng.uniform(0.5, 2, c)
    _second_derivatives(lambda x, w, b: F.batch_norm(x, rm, rv, w, b) ** 2,
                        lambda x, w, b: TF.batch_norm(x, torch.tensor(rm), torch.tensor(rv), w, b) ** 2, [x, w, b])


@pytest.mark.parametrize("shape, normalized", [((4, 3), (3,)), ((2, 3, 4), (3, 4))])
def test_layer_norm_second_derivatives_match_torch(shape, normalized):
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=shape), rng.normal(size=normalized), rng.normal(size=normalized)
    _second_derivatives(lambda x, w, b: F.layer_norm(x, normalized, w, b),
                        lambda x, w, b: TF.layer_norm(x, normalized, w, b), [x, w, b])


def test_embedding_matches_torch_repeated_indices_accumulate():
    rng = np.random.default_rng(6)
    ours = nn.Embedding(7, 3, dtype=np.float64)
    theirs = torch.nn.Embedding(7, 3, dtype=torch.float64)
    copy_weights(ours, theirs)
    idx = np.array([[0, 3, 3], [6, 3, 1]])
    yo, yt = ours(idx), theirs(torch.from_numpy(idx))
    close(yo, yt)
    assert yo.shape == (2, 3, 3)
    upstream = rng.normal(size=yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    close(ours.weight.grad, theirs.weight.grad)
    np.testing.assert_allclose(ours.weight.grad.data[3], upstream[0, 1] + upstream[0, 2] + upstream[1, 1])
    w = Tensor(rng.normal(size=(5, 2)), requires_grad=True)
    tw = torch.tensor(w.data, requires_grad=True)
    close(F.embedding(Tensor(np.array([4, 0, 4]), dtype=np.int64), w), TF.embedding(torch.tensor([4, 0, 4]), tw))


@pytest.mark.parametrize("padding_idx", [0, 3, -1, -7])
def test_embedding_padding_idx_matches_torch(padding_idx):
    """The module (its zero row) and the functional form (a nonzero padding row: still looked
    up, no gradient), same weights in: same outputs and gradients, the padding row's zero too."""
    rng = np.random.default_rng(7)
    ours = nn.Embedding(7, 3, padding_idx=padding_idx, dtype=np.float64)
    theirs = torch.nn.Embedding(7, 3, padding_idx=padding_idx, dtype=torch.float64)
    assert ours.padding_idx == theirs.padding_idx
    assert not ours.weight.data[ours.padding_idx].any()
    copy_weights(ours, theirs)
    idx = np.array([[0, 3, 3], [6, ours.padding_idx, 1]])
    yo, yt = ours(idx), theirs(torch.from_numpy(idx))
    close(yo, yt)
    upstream = rng.normal(size=yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    close(ours.weight.grad, theirs.weight.grad)
    np.testing.assert_array_equal(ours.weight.grad.data[ours.padding_idx], 0.0)
    w = rng.normal(size=(7, 3))
    wo, wt = Tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    fo = F.embedding(idx, wo, padding_idx=padding_idx)
    ft = TF.embedding(torch.from_numpy(idx), wt, padding_idx=padding_idx)
    close(fo, ft)
    (fo ** 2).sum().backward()
    (ft ** 2).sum().backward()
    close(wo.grad, wt.grad)
    assert np.abs(fo.data[1, 1]).sum() > 0 and not wo.grad.data[ours.padding_idx].any()


def test_embedding_padding_idx_second_derivatives_match_torch():
    idx = np.array([2, 0, 2, 1])
    w = np.random.default_rng(8).normal(size=(3, 2))
    wo, wt = Tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    (go,) = tg.grad((F.embedding(idx, wo, padding_idx=2) ** 3).sum(), [wo], create_graph=True)
    (gt,) = torch.autograd.grad((TF.embedding(torch.from_numpy(idx), wt, padding_idx=2) ** 3).sum(), wt,
                                create_graph=True)
    close(go, gt)
    (ho,) = tg.grad((go * go).sum(), [wo])
    (ht,) = torch.autograd.grad((gt * gt).sum(), wt)
    close(ho, ht)


def test_embedding_init_is_standard_normal_like_torch():
    tg.manual_seed(0)
    w = nn.Embedding(400, 50).weight.data
    assert w.dtype == np.float32 and w.shape == (400, 50)
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    tg.manual_seed(0)
    np.testing.assert_array_equal(nn.Embedding(400, 50).weight.data, w)


@pytest.mark.parametrize("start, end", [(1, -1), (0, -1), (1, 2), (2, 3), (-2, -1), (0, 0)])
def test_flatten_matches_torch(start, end):
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    _functional_pair(nn.Flatten(start, end), torch.nn.Flatten(start, end), [x], [True])


def test_softmax_log_softmax_identity_modules_match_torch():
    x = np.random.default_rng(1).normal(size=(3, 4, 2))
    for dim in (0, 1, -1):
        _functional_pair(nn.Softmax(dim), torch.nn.Softmax(dim), [x], [True])
        _functional_pair(nn.LogSoftmax(dim), torch.nn.LogSoftmax(dim), [x], [True])
    _functional_pair(nn.Identity(54, unused=True), torch.nn.Identity(54, unused=True), [x], [True])


def test_module_list_names_like_torch():
    ours = nn.ModuleList([nn.Linear(2, 3), nn.BatchNorm1d(3)])
    ours.append(nn.LayerNorm(3))
    theirs = torch.nn.ModuleList([torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)])
    theirs.append(torch.nn.LayerNorm(3))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


@pytest.mark.parametrize("ours, theirs", [(lambda: nn.GELU(), lambda: torch.nn.GELU()),
                                          (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
                                          (lambda: nn.SiLU(), lambda: torch.nn.SiLU())])
def test_gelu_silu_modules_match_torch(ours, theirs):
    x = np.random.default_rng(2).normal(size=(3, 5)) * 3
    _functional_pair(ours(), theirs(), [x], [True])
