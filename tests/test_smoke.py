import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def test_square_sum_gradient():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


def test_gradcheck_composite():
    x = Tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert tg.gradcheck(lambda a: (a.sigmoid() * a.tanh()).sum(), [x])
