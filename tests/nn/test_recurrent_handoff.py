"""The hand-off to PyTorch for sequence models: embedding → RNN/LSTM/GRU (2 layers, dropout) →
Linear, trained a few steps here, loads into the same PyTorch model (torch.from_numpy) and gives
the same logits in eval mode, and PyTorch's weights load back."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn, optim

torch = pytest.importorskip("torch")


def make(lib, kind):
    class CharModel(lib.Module):
        def __init__(self):
            super().__init__()
            self.embed = lib.Embedding(11, 6)
            self.rnn = getattr(lib, kind)(6, 8, num_layers=2, batch_first=True, dropout=0.25)
            self.head = lib.Linear(8, 11)

        def forward(self, idx):
            out, _ = self.rnn(self.embed(idx))
            return self.head(out)
    return CharModel()


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_trained_sequence_model_loads_into_torch_with_the_same_logits(kind):
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    ours = make(nn, kind)
    opt = optim.Adam(ours.parameters(), lr=0.01)
    for _ in range(3):
        idx = rng.integers(0, 11, (4, 7))
        logits = ours(idx)
        loss = F.cross_entropy(logits.reshape(-1, 11), rng.integers(0, 11, 28))
        opt.zero_grad()
        loss.backward()
        opt.step()
    theirs = make(torch.nn, kind)
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    ours.eval()
    theirs.eval()
    idx = rng.integers(0, 11, (3, 9))
    with torch.no_grad():
        expected = theirs(torch.from_numpy(idx)).numpy()
    np.testing.assert_allclose(ours(idx).data, expected, rtol=1e-5, atol=1e-6)

    back = make(nn, kind)
    back.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    back.eval()
    np.testing.assert_allclose(back(idx).data, expected, rtol=1e-5, atol=1e-6)
