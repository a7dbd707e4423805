import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn


class TwoLayer(nn.Module):
    def __init__(self):
        self.fc1 = nn.Linear(3, 4)
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


class Containers(nn.Module):
    def __init__(self):
        self.scale = nn.Parameter(np.ones(2))
        self.not_a_param = Tensor(np.zeros(2), requires_grad=True)
        self.layers = [nn.Linear(2, 2), (nn.Linear(2, 3, bias=False),)]
        self.heads = {"a": nn.Linear(3, 1), "b": {"inner": nn.Parameter([1.0, 2.0])}}
        self.seq = nn.Sequential(nn.Linear(1, 2), nn.Tanh())


def test_parameters_found_in_attributes_lists_dicts_in_stable_order():
    m = Containers()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "layers.0.weight", "layers.0.bias", "layers.1.0.weight",
                     "heads.a.weight", "heads.a.bias", "heads.b.inner", "seq.0.weight", "seq.0.bias"]
    assert [id(p) for p in m.parameters()] == [id(p) for p in m.parameters()]
    assert all(p is not m.not_a_param for p in m.parameters())


def test_shared_parameter_counted_once():
    m = TwoLayer()
    m.tied = m.fc1.weight
    m.again = [m.fc2]
    params = m.parameters()
    assert len(params) == 4
    assert len({id(p) for p in params}) == 4


def test_cyclic_module_reference_terminates():
    m = TwoLayer()
    m.fc1.owner = m
    assert len(m.parameters()) == 4


def test_parameters_get_their_dotted_name_once():
    m = TwoLayer()
    m.fc1.parameters()  # the sub-module alone names them 'weight', 'bias' ...
    m.parameters()      # ... and the model's more qualified names win
    assert m.fc1.weight.name == "fc1.weight" and m.fc2.bias.name == "fc2.bias"
    own = nn.Parameter([1.0], name="mine")
    m.extra = own
    m.parameters()
    assert own.name == "mine"


def test_parameter_is_floating_leaf_that_requires_grad():
    p = nn.Parameter([1, 2, 3])
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert p.dtype == np.float32
    assert nn.Parameter(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert "Parameter" in repr(p)


def test_linear_shapes_init_and_formula():
    tg.manual_seed(0)
    lin = nn.Linear(5, 3)
    assert lin.weight.shape == (3, 5) and lin.bias.shape == (3,)
    assert lin.weight.dtype == np.float32
    bound = 1 / np.sqrt(5)
    assert np.all(np.abs(lin.weight.data) <= bound) and np.all(np.abs(lin.bias.data) <= bound)
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(lin(Tensor(x)).data, x @ lin.weight.data.T + lin.bias.data, rtol=1e-5)
    assert nn.Linear(5, 3, bias=False).bias is None
    assert nn.Linear(5, 3, dtype=np.float64).weight.dtype == np.float64


def test_linear_init_follows_manual_seed():
    tg.manual_seed(3)
    a = nn.Linear(4, 4).weight.data.copy()
    tg.manual_seed(3)
    b = nn.Linear(4, 4).weight.data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, nn.Linear(4, 4).weight.data)


def test_linear_wrong_feature_count_says_expected_and_got():
    lin = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"expected input with 3 features.*got 5"):
        lin(Tensor(np.ones((2, 5))))
    with pytest.raises(ValueError):
        nn.Linear(0, 2)


def test_sequential_indexing_len_names_and_forward():
    tg.manual_seed(0)
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())
    assert len(seq) == 4 and isinstance(seq[1], nn.ReLU) and len(seq[:2]) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = np.array([[1.0, -2.0]], dtype=np.float32)
    h = np.maximum(x @ seq[0].weight.data.T + seq[0].bias.data, 0)
    expected = 1 / (1 + np.exp(-(h @ seq[2].weight.data.T + seq[2].bias.data)))
    np.testing.assert_allclose(seq(Tensor(x)).data, expected, rtol=1e-5)
    assert "(0): Linear(in_features=2, out_features=3, bias=True)" in repr(seq)


def test_activation_modules_match_functional():
    x = Tensor(np.linspace(-2, 2, 7))
    np.testing.assert_allclose(nn.ReLU()(x).data, F.relu(x).data)
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh(x.data))
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp(-x.data)))
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).data, np.where(x.data > 0, x.data, 0.1 * x.data))


def test_zero_grad_sets_none_and_backward_fills_every_parameter():
    m = TwoLayer()
    F.cross_entropy(m(Tensor(np.ones((2, 3)))), [0, 1]).backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_train_eval_flags_reach_submodules():
    m = TwoLayer()
    assert m.training and m.fc1.training
    assert m.eval() is m
    assert not m.training and not m.fc1.training
    m.train()
    assert m.fc2.training


def test_forward_missing_raises():
    with pytest.raises(NotImplementedError):
        nn.Module()(1)


def test_module_gradients_pass_gradcheck():
    tg.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 1, dtype=np.float64))
    x = Tensor(np.random.default_rng(0).standard_normal((5, 3)))
    assert tg.gradcheck(lambda *ps: m(x).sum(), m.parameters())


def test_sequential_subclass_attributes_are_found():
    class Scaled(nn.Sequential):
        def __init__(self):
            super().__init__(nn.Linear(2, 2))
            self.scale = nn.Parameter([2.0])

        def forward(self, x):
            return super().forward(x) * self.scale

    names = [n for n, _ in Scaled().named_parameters()]
    assert names == ["0.weight", "0.bias", "scale"]


def test_double_and_float_convert_every_parameter_in_place():
    m = TwoLayer()
    weight = m.fc1.weight
    assert m.double() is m and weight.dtype == np.float64 and m.fc2.bias.dtype == np.float64
    assert m.fc1.weight is weight
    assert m(Tensor(np.ones((1, 3)))).dtype == np.float64
    m.float()
    assert all(p.dtype == np.float32 for p in m.parameters())
    with pytest.raises(TypeError, match="floating"):
        m.to(np.int64)


def test_errors_name_the_parameter_even_before_parameters_is_called():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(ValueError, match=r"expected input with 5 features.*got 4.*'2.weight'"):
        model(Tensor(np.ones((2, 3))))


def test_parameters_are_named_on_assignment_and_a_users_name_is_kept():
    m = TwoLayer()  # no parameters() call: assigning fc1 named its parameters
    assert m.fc1.weight.name == "fc1.weight" and m.fc2.bias.name == "fc2.bias"

    class Outer(nn.Module):
        def __init__(self):
            self.net = TwoLayer()
            self.blocks = []
            self.blocks.append(nn.Linear(2, 2))   # mutated after assignment: named by parameters()
            mine = nn.Linear(2, 2)
            mine.weight.name = "W"                 # the user's own name
            self.mine = mine

    outer = Outer()
    assert outer.net.fc1.weight.name == "net.fc1.weight"
    assert outer.mine.weight.name == "W" and outer.mine.bias.name == "mine.bias"
    outer.parameters()
    assert outer.blocks[0].bias.name == "blocks.0.bias"


def test_sequential_subclass_may_assign_before_calling_super_init():
    class Scaled(nn.Sequential):
        def __init__(self):
            self.scale = nn.Parameter([2.0])  # naming runs here, before Sequential has its layers
            super().__init__(nn.Linear(2, 2))

    m = Scaled()
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias", "scale"]
    assert m[0].weight.name == "0.weight"
