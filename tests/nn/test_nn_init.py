"""nn.init: statistics of each initialiser on large tensors, PyTorch's fans and gains,
reproducibility under tg.manual_seed, in-place semantics (version bump, no graph) and errors."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn
from tinygrad_edu.nn import init

BIG = (400, 250)            # 100 000 draws: the sample std is within ~0.5% of the true one
CONV = (64, 40, 3, 5)       # fan_in = 40·15 = 600, fan_out = 64·15 = 960


def param(shape=BIG, dtype=np.float64):
    return nn.Parameter(np.full(shape, 7.0, dtype=dtype))


@pytest.mark.parametrize("shape,fan_in,fan_out", [(BIG, 250, 400), (CONV, 600, 960), ((6, 3, 2), 6, 12)])
def test_fans_are_pytorchs(shape, fan_in, fan_out):
    assert init._calculate_fan_in_and_fan_out(Tensor(np.zeros(shape))) == (fan_in, fan_out)


def test_fans_match_pytorch_when_installed():
    torch = pytest.importorskip("torch")
    for shape in [BIG, CONV, (6, 3, 2), (5, 1)]:
        assert init._calculate_fan_in_and_fan_out(Tensor(np.zeros(shape))) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


def test_gains_are_pytorchs():
    expected = {"linear": 1.0, "conv2d": 1.0, "sigmoid": 1.0, "tanh": 5 / 3, "relu": math.sqrt(2),
                "selu": 0.75}
    for name, gain in expected.items():
        assert init.calculate_gain(name) == pytest.approx(gain, rel=1e-15)
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    torch = pytest.importorskip("torch")
    for name in ["linear", "conv1d", "sigmoid", "tanh", "relu", "selu", "leaky_relu"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name), rel=1e-15)


@pytest.mark.parametrize("fn,kwargs,shape,std,uniform", [
    (init.xavier_uniform_, {}, BIG, math.sqrt(2 / 650), True),
    (init.xavier_uniform_, {"gain": 2.0}, CONV, 2 * math.sqrt(2 / 1560), True),
    (init.xavier_normal_, {}, BIG, math.sqrt(2 / 650), False),
    (init.xavier_normal_, {"gain": 5 / 3}, CONV, 5 / 3 * math.sqrt(2 / 1560), False),
    # PyTorch's defaults: a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' -> gain √2
    (init.kaiming_uniform_, {}, BIG, math.sqrt(2 / 250), True),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, CONV, math.sqrt(2 / 6) / math.sqrt(600), True),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, CONV, math.sqrt(2 / 960), True),
    (init.kaiming_normal_, {}, BIG, math.sqrt(2 / 250), False),
    (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "tanh"}, CONV, 5 / 3 / math.sqrt(960), False),
])
def test_statistics_on_large_tensors(fn, kwargs, shape, std, uniform):
    tg.manual_seed(1)  # the bounds below hold with room to spare (≥ 4 standard errors) for any seed
    p = param(shape)
    assert fn(p, **kwargs) is p
    values = p.data
    assert abs(values.mean()) < 0.02 * std
    assert values.std() == pytest.approx(std, rel=0.01)
    if uniform:
        bound = math.sqrt(3) * std
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.999 * bound     # fills the whole interval
    else:
        assert np.mean(np.abs(values) > 3 * std) == pytest.approx(0.0027, abs=0.001)


def test_uniform_normal_zeros_ones_constant():
    tg.manual_seed(2)
    p = param()
    init.uniform_(p, -2.0, 3.0)
    assert p.data.min() >= -2.0 and p.data.max() < 3.0
    assert p.data.mean() == pytest.approx(0.5, abs=0.02) and p.data.std() == pytest.approx(5 / math.sqrt(12), rel=0.01)
    init.uniform_(p)
    assert p.data.min() >= 0.0 and p.data.max() < 1.0 and p.data.mean() == pytest.approx(0.5, abs=0.01)
    init.normal_(p, mean=3.0, std=0.5)
    assert p.data.mean() == pytest.approx(3.0, abs=0.01) and p.data.std() == pytest.approx(0.5, rel=0.01)
    init.normal_(p)
    assert p.data.std() == pytest.approx(1.0, rel=0.01)
    np.testing.assert_array_equal(init.zeros_(p).data, 0.0)
    np.testing.assert_array_equal(init.ones_(p).data, 1.0)
    np.testing.assert_array_equal(init.constant_(p, -0.25).data, -0.25)


@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_,
                                init.kaiming_normal_, init.uniform_, init.normal_])
def test_reproducible_under_manual_seed_and_drawn_from_the_librarys_generator(fn):
    tg.manual_seed(123)
    a = fn(param((20, 30))).data.copy()
    b = fn(param((20, 30))).data.copy()
    tg.manual_seed(123)
    np.testing.assert_array_equal(fn(param((20, 30))).data, a)
    assert not np.array_equal(a, b)  # the generator moved on between the two draws


def test_in_place_keeps_array_and_dtype_bumps_version_and_records_nothing():
    p = param((30, 20), dtype=np.float32)
    array, version = p.data, p._version[0]
    init.kaiming_uniform_(p)
    assert p.data is array and p.dtype == np.float32 and p._version[0] == version + 1
    assert p.grad_fn is None and p.is_leaf and p.requires_grad
    loss = (p * p).sum()
    init.zeros_(p)
    with pytest.raises(RuntimeError, match="modified by an in-place"):
        loss.backward()


def test_linear_reinitialised_with_xavier_trains_its_new_values():
    tg.manual_seed(0)
    layer = nn.Linear(50, 40, dtype=np.float64)
    init.xavier_uniform_(layer.weight)
    init.zeros_(layer.bias)
    np.testing.assert_array_equal(layer.bias.data, 0.0)
    assert np.abs(layer.weight.data).max() <= math.sqrt(6 / 90)
    out = layer(Tensor(np.ones((2, 50))))
    out.sum().backward()
    np.testing.assert_allclose(layer.bias.grad.data, 2.0)


def test_errors_name_the_initialiser_and_the_shape():
    with pytest.raises(ValueError, match=r"xavier_uniform_: .*at least 2 dimensions.*\(5,\)"):
        init.xavier_uniform_(param((5,)))
    with pytest.raises(ValueError, match=r"kaiming_normal_: .*at least 2 dimensions"):
        init.kaiming_normal_(param((5,)))
    with pytest.raises(ValueError, match="kaiming_uniform_: mode 'fan_avg' not supported"):
        init.kaiming_uniform_(param((3, 4)), mode="fan_avg")
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.kaiming_uniform_(param((3, 4)), nonlinearity="swish")
    with pytest.raises(TypeError, match=r"normal_: expected a Tensor or Parameter, got ndarray"):
        init.normal_(np.zeros(3))
    with pytest.raises(TypeError, match="zeros_: needs a floating tensor, got dtype int64"):
        init.zeros_(Tensor(np.zeros(3, dtype=np.int64), dtype=np.int64))
    with pytest.raises(ValueError, match="uniform_: expects a <= b"):
        init.uniform_(param((3,)), 1.0, 0.0)
    with pytest.raises(ValueError, match="normal_: std must be >= 0"):
        init.normal_(param((3,)), std=-1.0)


def test_empty_tensor_is_a_no_op():
    p = nn.Parameter(np.zeros((0, 3)))
    for fn in (init.xavier_uniform_, init.kaiming_normal_, init.normal_):
        assert fn(p).shape == (0, 3)


def test_exposed_as_nn_init():
    assert nn.init is init and nn.init.kaiming_uniform_ is init.kaiming_uniform_
