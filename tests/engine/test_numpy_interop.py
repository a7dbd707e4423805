"""numpy's protocols on a Tensor: np.asarray gives the values; ufuncs of the engine's ops
dispatch to them and are recorded in the graph; every other numpy function is a TypeError
naming the Tensor method to use — except on a tensor outside any graph (a gradient, data),
which goes through numpy's functions as its array."""
import warnings

import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import Tensor
from tinygrad_edu.interop import UFUNC_METHODS

# --- np.asarray ---------------------------------------------------------------------------------

def test_asarray_gives_the_values_and_honours_dtype_and_copy():
    x = Tensor([1.0, 2.0, 3.0])
    assert np.asarray(x) is x.data
    np.testing.assert_array_equal(np.array(x), [1.0, 2.0, 3.0])
    assert np.array(x) is not x.data                         # np.array copies by default
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert not np.shares_memory(np.array(x, copy=True), x.data)
    assert np.asarray(x, copy=False) is x.data
    with pytest.raises(ValueError, match="copied"):
        np.asarray(x, dtype=np.float64, copy=False)


def test_a_list_of_scalar_tensors_is_a_float_array_for_numpy():
    losses = [Tensor(v, requires_grad=True) * 1.0 for v in (0.5, 0.25, 0.125)]
    assert np.mean(losses) == pytest.approx(0.875 / 3)
    assert np.array(losses).dtype == np.float32 and np.array(losses).shape == (3,)
    np.testing.assert_allclose(np.cumsum(losses), [0.5, 0.75, 0.875])


# --- ufuncs dispatch to the op ----------------------------------------------------------------

UNARY = [(np.exp, "exp"), (np.log, "log"), (np.tanh, "tanh"), (np.sqrt, "sqrt"), (np.abs, "abs"),
         (np.negative, "neg")]


@pytest.mark.parametrize("ufunc, op", UNARY)
def test_unary_ufuncs_are_the_ops_recorded_in_the_graph(ufunc, op):
    a = np.array([0.5, 1.5, 2.0])
    x = leaf(a)
    y = ufunc(x)
    assert isinstance(y, Tensor) and y.grad_fn is not None and y.grad_fn.name == op
    np.testing.assert_allclose(y.data, ufunc(a))
    assert tg.gradcheck(lambda t: ufunc(t), [x])


BINARY = [np.add, np.subtract, np.multiply, np.true_divide, np.divide, np.power, np.matmul]


@pytest.mark.parametrize("ufunc", BINARY)
def test_binary_ufuncs_with_an_array_on_either_side_give_recorded_tensors(ufunc):
    a = np.array([[0.5, 1.5], [2.0, 0.7]])
    b = np.array([[1.2, 0.3], [0.9, 1.1]])
    x = leaf(a)
    for left, right, expected in [(x, b, ufunc(a, b)), (b, x, ufunc(b, a))]:
        y = ufunc(left, right)
        assert isinstance(y, Tensor) and y.requires_grad
        np.testing.assert_allclose(y.data, expected)
    assert tg.gradcheck(lambda t: ufunc(t, b) + ufunc(b, t), [x])


def test_array_operators_on_the_left_give_a_tensor():
    a = np.array([1.0, 2.0])
    x = leaf([3.0, 4.0])
    for y in (a * x, x * a, a + x, a - x, a / x, a @ x, a ** x, np.float64(2.0) * x):
        assert isinstance(y, Tensor) and y.requires_grad
    (a * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, a)


def test_a_python_number_in_a_ufunc_keeps_the_tensors_dtype():
    x = Tensor([1.0, 2.0], dtype=np.float32)
    assert np.multiply(2.0, x).dtype == np.float32
    assert np.add(x, 1.0).dtype == np.float32


def test_ufunc_comparisons_are_elementwise_boolean_tensors():
    a = np.array([1.0, 2.0, 3.0])
    x = Tensor([1.0, 5.0, 3.0], requires_grad=True)
    for got, want in [(a == x, [True, False, True]), (a != x, [False, True, False]),
                      (a < x, [False, True, False]), (np.greater_equal(a, x), [True, False, True])]:
        assert isinstance(got, Tensor) and got.dtype == bool and not got.requires_grad
        np.testing.assert_array_equal(got.data, want)


def test_every_table_entry_names_a_method_or_one_still_to_come():
    assert UFUNC_METHODS["absolute"] == "abs" and UFUNC_METHODS["multiply"] == "__mul__"
    for ufunc_name, op in UFUNC_METHODS.items():
        assert isinstance(getattr(np, ufunc_name), np.ufunc), ufunc_name
        assert op.removeprefix("tg.").isidentifier()


def test_maximum_dispatches_when_the_engine_has_the_op():
    x = leaf([-1.0, 2.0])
    if not hasattr(tg, "maximum"):
        with pytest.raises(TypeError, match="maximum"):
            np.maximum(x, 0)
        return
    y = np.maximum(x, 0)
    assert isinstance(y, Tensor) and y.requires_grad
    np.testing.assert_array_equal(y.data, [0.0, 2.0])


# --- everything else is refused, naming the method ------------------------------------------------

@pytest.mark.parametrize("call, wording", [
    (lambda t: np.sum(t), "t.sum"),
    (lambda t: np.mean(t, axis=0), "t.mean"),
    (lambda t: np.max(t), "t.max"),
    (lambda t: np.reshape(t, -1), "t.reshape"),
    (lambda t: np.dot(t, t), "a @ b"),
    (lambda t: np.square(t), "t ** 2"),
    (lambda t: np.percentile(t, 50), "t.numpy()"),
    (lambda t: np.floor(t), "t.numpy()"),
    (lambda t: np.add.reduce(t), "t.sum"),
    (lambda t: np.exp(t, out=np.empty(2)), "out"),
])
def test_other_numpy_functions_raise_a_type_error_naming_what_to_use(call, wording):
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError) as err:
        call(x)
    assert wording in str(err.value)
    assert "np." in str(err.value)


def test_a_function_the_package_has_is_named_as_tg_function():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError) as err:
        np.zeros_like(x)
    assert ("tg.zeros_like" in str(err.value)) == hasattr(tg, "zeros_like")


def test_concatenate_of_tensors_is_refused_naming_cat_or_numpy():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="concatenate") as err:
        np.concatenate([x, x])
    assert ("tg.cat" in str(err.value)) == hasattr(tg, "cat")


def test_dispatch_emits_no_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = leaf([0.5, 2.0])
        (np.exp(x) * np.array([1.0, 2.0]) + np.tanh(x)).sum().backward()


@pytest.mark.parametrize("ufunc_name", sorted(UFUNC_METHODS))
def test_every_table_entry_dispatches_to_an_op_with_numpys_values_or_is_refused(ufunc_name):
    from tinygrad_edu.interop import _resolve
    ufunc = getattr(np, ufunc_name)
    a = np.array([[0.5, 1.5], [2.0, 0.7]])
    x = leaf(a)
    args = (x,) if ufunc.nin == 1 else (x, np.array([1.2, 0.6]))
    if _resolve(UFUNC_METHODS[ufunc_name]) is None:        # an op not (yet) in the engine
        with pytest.raises(TypeError, match=f"np.{ufunc.__name__}"):
            ufunc(*args)
        return
    out = ufunc(*args)
    assert isinstance(out, Tensor)
    expected = ufunc(*[np.asarray(v) for v in args])
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    if out.dtype.kind == "f" and ufunc_name != "sign":
        assert out.requires_grad
        assert tg.gradcheck(lambda t: ufunc(t, *args[1:]), [x])


# --- a tensor outside any graph (a gradient, data) goes through numpy's functions as its array ------


def test_numpy_functions_on_a_gradient_work_as_numpys():
    x = tg.tensor([3.0, -4.0], requires_grad=True)
    (x * x).sum().backward()
    assert np.linalg.norm(x.grad) == pytest.approx(10.0)
    assert np.linalg.norm(x.grad) == np.linalg.norm(x.grad.numpy())
    assert np.percentile(x.grad, 50) == pytest.approx(-1.0)
    assert np.allclose(np.floor(Tensor([1.5, -0.5])), [1.0, -1.0])
    assert np.concatenate([Tensor([1.0]), Tensor([2.0])]).tolist() == [1.0, 2.0]
    assert float(np.sum(x.detach())) == pytest.approx(-1.0)
    grads = [Tensor(np.ones(2)), np.ones(2)]
    assert np.stack(grads).shape == (2, 2)
    assert isinstance(np.exp(Tensor([0.0])), Tensor)   # ufuncs with an op stay Tensor ops


@pytest.mark.parametrize("call, hint", [
    (lambda t: np.linalg.norm(t), r"np\.linalg\.norm\(t\): .* requires grad .* t\.norm"),
    (lambda t: np.sum(t), "t.sum"),
    (lambda t: np.concatenate([t, t]), "tg.cat"),
    (lambda t: np.floor(t), "t.numpy()"),
])
def test_a_tensor_in_a_graph_is_still_refused(call, hint):
    x = tg.tensor([3.0, -4.0], requires_grad=True)
    for t in (x, x * 2):
        with pytest.raises(TypeError, match=hint):
            call(t)
