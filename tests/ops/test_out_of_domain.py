"""Input outside a function's domain (log of 0 and of −1, √−1, e^1000, 1/0, sums and products
that overflow, logsumexp of masked rows) gives PyTorch's IEEE values with no numpy warning, even
under np.errstate(all="raise")."""
import numpy as np
import pytest
from conftest import strict_numpy

from tinygrad_edu import Tensor

INF = float("inf")

CASES = {
    "log": (lambda t: t.log(), [-1.0, 0.0, 1.0]),
    "log1p": (lambda t: t.log1p(), [-2.0, -1.0, 0.0]),
    "sqrt": (lambda t: t.sqrt(), [-1.0, 0.0, 4.0]),
    "exp": (lambda t: t.exp(), [1000.0, -1000.0, 0.0]),
    "div": (lambda t: 1.0 / t, [0.0, -0.0, 2.0]),
    "div 0/0": (lambda t: t / t, [0.0, 1.0]),
    "pow": (lambda t: t ** -1.0, [0.0, 2.0]),
    "pow half": (lambda t: t ** 0.5, [-1.0, 4.0]),
    "tensor pow": (lambda t: t ** (t * 0.0 - 0.5), [0.0, -1.0, 4.0]),
    "sum": (lambda t: t.sum(), [3e38, 3e38]),
    "mean": (lambda t: t.mean(), [3e38, 3e38]),
    "prod": (lambda t: t.prod(), [1e30, 1e30]),
    "logsumexp all -inf": (lambda t: t.logsumexp(1), [[-INF, -INF, -INF], [0.0, 1.0, 2.0]]),
    "logsumexp inf": (lambda t: t.logsumexp(1), [[INF, 1.0], [INF, -INF]]),
}


def _ours(name):
    fn, values = CASES[name]
    with strict_numpy():
        return fn(Tensor(np.array(values, np.float32))).data


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_numpy_warning_outside_the_domain(name):
    assert _ours(name).dtype == np.float32


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_outside_the_domain_match_pytorch(name):
    torch = pytest.importorskip("torch")
    fn, values = CASES[name]
    expected = fn(torch.tensor(values, dtype=torch.float32)).numpy()   # the same method names
    np.testing.assert_allclose(_ours(name), expected, rtol=1e-6)


def test_logsumexp_of_a_fully_masked_row_is_minus_infinity_and_the_others_are_untouched():
    x = Tensor(np.array([[-INF, -INF], [0.0, np.log(3.0)]]))
    with strict_numpy():
        out = x.logsumexp(1)
    np.testing.assert_allclose(out.data, [-INF, np.log(4.0)])
