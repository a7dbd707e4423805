"""Second derivatives against PyTorch: the Hessian-vector product of every op that has a
non-trivial one (x·op(x) for the ops whose second derivative is 0), float64 (skipped when torch is
absent)."""
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F

torch = pytest.importorskip("torch")
from torch_compare import compare_second_derivatives  # noqa: E402  (after the skip)

TF = torch.nn.functional


@pytest.mark.parametrize("name, ours, theirs", [
    ("sigmoid", lambda t: t.sigmoid(), torch.sigmoid), ("tanh", lambda t: t.tanh(), torch.tanh),
    ("exp", lambda t: t.exp(), torch.exp), ("log", lambda t: (t * t + 1).log(), lambda t: torch.log(t * t + 1)),
    ("sqrt", lambda t: (t * t + 1).sqrt(), lambda t: torch.sqrt(t * t + 1)),
    ("softmax", lambda t: t.softmax(0) * t, lambda t: torch.softmax(t, 0) * t),
    ("log_softmax", lambda t: t.log_softmax(0) * t, lambda t: torch.log_softmax(t, 0) * t),
    ("relu", lambda t: t.relu() * t, lambda t: torch.relu(t) * t),
    ("abs", lambda t: t.abs() * t, lambda t: torch.abs(t) * t),
    ("pow", lambda t: (t * t + 1) ** 1.5, lambda t: (t * t + 1) ** 1.5),
    # the smooth activations, the reductions with a kink or a tie, the joins
    ("sin", lambda t: t.sin(), torch.sin), ("cos", lambda t: t.cos(), torch.cos),
    ("log1p", lambda t: (t * t).log1p(), lambda t: (t * t).log1p()),
    ("softplus", lambda t: t.softplus(), TF.softplus), ("gelu", lambda t: t.gelu(), TF.gelu),
    ("silu", lambda t: t.silu(), TF.silu), ("elu", lambda t: t.elu(0.7), lambda t: TF.elu(t, 0.7)),
    ("maximum", lambda t: tg.maximum(t, t * t), lambda t: torch.maximum(t, t * t)),
    ("where", lambda t: tg.where(t.data > 0, t * t, t.sin()), lambda t: torch.where(t > 0, t * t, t.sin())),
    ("prod", lambda t: t.prod() * t, lambda t: t.prod() * t),
    ("var", lambda t: t.var() * t, lambda t: t.var() * t), ("std", lambda t: t.std() * t, lambda t: t.std() * t),
    ("logsumexp", lambda t: t.logsumexp(0) * t, lambda t: t.logsumexp(0) * t),
    ("norm", lambda t: t.norm() * t, lambda t: t.norm() * t),
    ("min", lambda t: t.min() * t, lambda t: t.min() * t),
    ("cat", lambda t: tg.cat([t, t * t]) * tg.cat([t * t, t]), lambda t: torch.cat([t, t * t]) * torch.cat([t * t, t])),
    ("stack", lambda t: tg.stack([t, t.sin()]).prod(dim=0), lambda t: torch.stack([t, t.sin()]).prod(dim=0)),
    ("split", lambda t: t.split(2)[0].sum() * t.split(2)[1].sum() * t,
     lambda t: t.split(2)[0].sum() * t.split(2)[1].sum() * t),
    ("pad", lambda t: F.pad(t * t, (1, 1)).softmax(0), lambda t: TF.pad(t * t, (1, 1)).softmax(0)),
])
def test_second_derivatives_match_torch(name, ours, theirs):
    compare_second_derivatives(ours, theirs)
