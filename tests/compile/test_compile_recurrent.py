"""tg.compile replays a training step of an embedding → RNN/LSTM/GRU → Linear model (the
initial state made inside the step is a read-only constant), bitwise the eager numbers."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim


def train(kind, compiled: bool, steps: int = 4):
    tg.manual_seed(0)
    emb, rnn, head = nn.Embedding(11, 6), kind(6, 8, num_layers=2, batch_first=True), nn.Linear(8, 11)
    opt = optim.Adam(emb.parameters() + rnn.parameters() + head.parameters(), lr=0.01)

    def step(idx, y):
        out, _ = rnn(emb(idx))
        loss = F.cross_entropy(head(out).reshape(-1, 11), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    run = tg.compile(step) if compiled else step
    rng = np.random.default_rng(0)
    losses = [float(run(Tensor(rng.integers(0, 11, (4, 7)), dtype=np.int64),
                        Tensor(rng.integers(0, 11, 28), dtype=np.int64))) for _ in range(steps)]
    return losses, rnn.state_dict(), run


@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
def test_a_compiled_recurrent_step_replays_bitwise(kind):
    eager, eager_state, _ = train(kind, compiled=False)
    compiled, compiled_state, run = train(kind, compiled=True)
    assert run.replays == 2            # traced, checked, then replayed
    assert eager == compiled
    for key in eager_state:
        np.testing.assert_array_equal(eager_state[key], compiled_state[key])
