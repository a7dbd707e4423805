"""The hand-off to PyTorch: a model built from tinygrad_edu's layers has the same state_dict()
keys, order and shapes as the same model in PyTorch; its trained weights and running statistics
load there (torch.from_numpy) and give the same outputs in eval mode — and back again."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn, optim

torch = pytest.importorskip("torch")


def make(lib):
    """The same model in either library: embedding → Sequential(Linear, BatchNorm1d, ReLU,
    Dropout, LayerNorm, Linear), then a ModuleList head."""
    class Model(lib.Module):
        def __init__(self):
            super().__init__()  # PyTorch needs it; tinygrad_edu accepts it
            self.embed = lib.Embedding(12, 5)
            self.flatten = lib.Flatten()
            self.body = lib.Sequential(lib.Linear(4 * 5, 16), lib.BatchNorm1d(16), lib.ReLU(),
                                       lib.Dropout(0.3), lib.LayerNorm(16), lib.Linear(16, 8))
            self.heads = lib.ModuleList([lib.Identity(), lib.Linear(8, 3)])

        def forward(self, idx):
            h = self.body(self.flatten(self.embed(idx)))
            for head in self.heads:
                h = head(h)
            return h
    return Model()


def test_state_dict_keys_order_shapes_and_dtypes_match_torch():
    ours, theirs = make(nn), make(torch.nn)
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    for k in sd:
        assert sd[k].shape == tuple(tsd[k].shape), k
        assert sd[k].dtype == tsd[k].numpy().dtype, k


def test_trained_model_loads_into_torch_and_gives_the_same_outputs_in_eval_mode():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    ours = make(nn)
    opt = optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    for _ in range(5):  # training moves the weights and the running statistics
        idx = rng.integers(0, 12, (16, 4))
        loss = F.cross_entropy(ours(idx), rng.integers(0, 3, 16))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert int(ours.body[1].num_batches_tracked.item()) == 5
    ours.eval()
    theirs = make(torch.nn)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    theirs.eval()
    idx = rng.integers(0, 12, (10, 4))
    with torch.no_grad():
        expected = theirs(torch.from_numpy(idx)).numpy()
    np.testing.assert_allclose(ours(idx).data, expected, rtol=1e-5, atol=1e-6)

    back = make(nn).eval()  # and back: torch's state into a fresh tinygrad_edu model
    back.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(back(idx).data, expected, rtol=1e-5, atol=1e-6)


def test_a_small_cnn_with_batch_norm_and_dropout_hands_off_too():
    def cnn(lib):
        return lib.Sequential(lib.Conv2d(1, 4, 3, padding=1), lib.BatchNorm2d(4), lib.ReLU(), lib.MaxPool2d(2),
                              lib.Dropout(0.25), lib.Flatten(), lib.Linear(4 * 4 * 4, 10))
    tg.manual_seed(1)
    rng = np.random.default_rng(1)
    ours = cnn(nn)
    for _ in range(3):
        F.cross_entropy(ours(rng.normal(size=(8, 1, 8, 8)).astype(np.float32)), np.arange(8)).backward()
    ours.eval()
    theirs = cnn(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    theirs.eval()
    x = rng.normal(size=(5, 1, 8, 8)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(x).data, expected, rtol=1e-5, atol=1e-6)
