"""Python's conversions and comparisons on a Tensor, as PyTorch has them: float/int/bool/index
and format specs of one-element tensors, tolist/numel/dim/clone/t/to, and elementwise ==, !=
(tensors stay hashable by identity, so dicts, sets and the engine still find them)."""
import operator

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn


def test_float_int_bool_of_one_element_tensors():
    loss = Tensor([[2.75]], requires_grad=True) * 1.0
    assert float(loss) == 2.75 and type(float(loss)) is float
    assert int(loss) == 2 and int(Tensor(-2.75)) == -2
    assert bool(Tensor(0.5)) and not bool(Tensor([0.0]))


@pytest.mark.parametrize("convert", [float, int, bool])
def test_conversions_of_several_elements_are_a_value_error_naming_the_count(convert):
    with pytest.raises(ValueError, match="2 elements"):
        convert(Tensor([1.0, 2.0]))


def test_index_only_for_integer_tensors_of_one_element_as_pytorch():
    items = ["a", "b", "c"]
    assert items[Tensor(2, dtype=np.int64)] == "c"
    assert operator.index(Tensor([1], dtype=np.int32)) == 1
    with pytest.raises(TypeError, match="integer"):
        operator.index(Tensor(1.0))


def test_format_specs_of_a_loss():
    loss = Tensor(0.123456, requires_grad=True) * 1.0
    assert f"{loss:.4f}" == "0.1235"
    assert f"{loss:>8.2f}" == "    0.12"
    assert f"{loss}" == str(loss) and "Tensor" in f"{loss}"
    with pytest.raises(TypeError, match="single-element.*3 elements"):
        f"{Tensor([1.0, 2.0, 3.0]):.2f}"


def test_tolist_numel_dim_and_size():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert Tensor(1.5).tolist() == 1.5
    assert x.numel() == 6 == x.size and x.dim() == 2 == x.ndim


def test_clone_is_a_differentiable_copy():
    x = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    c = x.clone()
    assert c.grad_fn is not None and c.grad_fn.name == "clone" and c.grad_fn.derivative
    assert not np.shares_memory(c.data, x.data) and c._version is not x._version
    (c * c).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
    assert tg.gradcheck(lambda t: t.clone() ** 3, [x])
    (g,) = tg.grad((x.clone() ** 3).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, 6 * x.data)
    assert Tensor([1.0]).clone().grad_fn is None


@pytest.mark.parametrize("dtype", [np.float64, "float64", np.dtype("float64"), "torch.float64"])
def test_to_accepts_numpy_dtypes_and_strings_and_is_differentiable(dtype):
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.to(dtype)
    assert y.dtype == np.float64 and y.requires_grad
    (y * 3).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_to_the_same_dtype_or_cpu_is_the_tensor_itself_and_to_int_leaves_the_graph():
    x = Tensor([1.5, 2.5], requires_grad=True)
    assert x.to(np.float32) is x and x.to("cpu") is x
    i = x.to("int64")
    assert i.dtype == np.int64 and not i.requires_grad and i.tolist() == [1, 2]
    with pytest.raises(RuntimeError, match="runs on the CPU"):  # the contract's part 3
        x.to("cuda")


# --- comparisons -------------------------------------------------------------------------------

def test_eq_and_ne_are_elementwise_and_broadcast():
    a = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = Tensor([1.0, 4.0])
    for got, want in [(a == b, [[True, False], [False, True]]), (a != b, [[False, True], [True, False]]),
                      (a == 2.0, [[False, True], [False, False]]), (2.0 != a, [[True, False], [True, True]]),
                      (a == np.array([3.0, 2.0]), [[False, True], [True, False]])]:
        assert isinstance(got, Tensor) and got.dtype == bool
        assert not got.requires_grad and got.grad_fn is None
        np.testing.assert_array_equal(got.data, want)


def test_eq_with_none_or_a_foreign_object_is_a_plain_bool_as_pytorch():
    a = Tensor([1.0, 2.0])
    assert (a == None) is False and (a != None) is True  # noqa: E711
    assert (a == "a") is False and (a != object()) is True


def test_tensors_stay_hashable_by_identity():
    a, b = Tensor([1.0, 2.0]), Tensor([1.0, 2.0])
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b" and len({a, b, a}) == 2
    assert a in {a} and b not in {a}
    assert hash(a) != hash(b)


def test_module_parameter_naming_does_not_compare_tensors():
    # naming used to keep a WeakKeyDictionary, whose lookups compare keys with ==
    class Net(nn.Module):
        def __init__(self):
            self.fc1, self.fc2 = nn.Linear(2, 2), nn.Linear(2, 2)

        def forward(self, x):
            return self.fc2(self.fc1(x))
    net = Net()
    net(Tensor(np.ones((1, 2))))
    assert [p.name for p in net.parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    outer = nn.Sequential(net)
    outer(Tensor(np.ones((1, 2))))
    assert net.fc1.weight.name == "0.fc1.weight"
