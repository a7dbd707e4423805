"""Bad input to the ops: the error's type, and a message naming the op, the argument and the
shapes."""
import numpy as np
import pytest
from conftest import message_of, names_shapes

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.cat([Tensor(np.ones((2, 3))), Tensor(np.ones((3, 3)))], dim=1), ValueError,
     ["cat", "dim 1", "(2, 3)", "(3, 3)"]),
    (lambda: tg.cat([]), ValueError, ["cat", "non-empty"]),
    (lambda: tg.cat(Tensor(np.ones(2))), TypeError, ["cat", "list"]),
    (lambda: tg.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]), ValueError, ["stack", "(2,)", "(3,)"]),
    (lambda: tg.stack([Tensor(np.ones(2))], dim=3), ValueError, ["stack", "dim 3"]),
    (lambda: Tensor(np.ones((2, 3))).split([1, 1], dim=1), ValueError, ["split", "[1, 1]", "3", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).split(0), ValueError, ["split", "positive"]),
    (lambda: Tensor(np.ones((2, 3))).chunk(0), ValueError, ["chunk", "positive"]),
    (lambda: Tensor(np.ones((2, 3))).permute(0, 0), ValueError, ["permute", "(0, 0)", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).expand(4, 3, 2), ValueError, ["expand", "(2, 3)", "(4, 3, 2)"]),
    (lambda: Tensor(np.ones((2, 3))).expand(3), ValueError, ["expand", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).unsqueeze(3), ValueError, ["unsqueeze", "dim 3", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).squeeze(2), ValueError, ["squeeze", "axis 2"]),
    (lambda: Tensor(np.ones((2, 3))).flatten(1, 0), ValueError, ["flatten", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).var(dim=1, correction=3), ValueError, ["var", "correction=3", "(2, 3)"]),
    (lambda: Tensor(np.ones((1,))).std(), ValueError, ["std", "correction=1", "(1,)"]),
    (lambda: Tensor(np.ones((2, 3))).max(dim=(0, 1)), TypeError, ["max", "one int dim"]),
    (lambda: Tensor(np.ones((2, 3))).argmax(dim=(0, 1)), TypeError, ["argmax", "int"]),
    (lambda: Tensor(np.ones((2, 3))).argmax(dim=2), ValueError, ["argmax", "axis 2"]),
    (lambda: Tensor(np.ones(0)).argmin(), ValueError, ["argmin", "empty"]),
    (lambda: Tensor(np.ones(0)).min(), ValueError, ["min", "empty"]),
    (lambda: Tensor(np.ones(0)).logsumexp(), ValueError, ["logsumexp", "empty"]),
    (lambda: Tensor(np.ones((2, 3))).norm(p=1), ValueError, ["norm", "p=1"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1,)), ValueError, ["pad", "(2, 3)", "(1,)"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1, 1, 1, 1, 1, 1)), ValueError, ["pad", "(2, 3)"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (-2, -2)), ValueError, ["pad", "negative", "(2, 3)", "crops 4"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1, 0), mode="reflect"), ValueError, ["pad", "reflect"]),
    (lambda: tg.where(Tensor(np.ones(2)), Tensor(np.ones(2)), 0.0), TypeError, ["where", "boolean", "float"]),
    (lambda: tg.where(np.ones(3) > 0, Tensor(np.ones(2)), 0.0), ValueError, ["where", "(3,)", "(2,)"]),
    (lambda: tg.maximum(Tensor(np.ones(2)), Tensor(np.ones(3))), ValueError, ["maximum", "(2,)", "(3,)"]),
    (lambda: tg.maximum(1.0, 2.0), TypeError, ["maximum", "Tensor"]),
    (lambda: Tensor(np.ones(2)).gelu(approximate="fast"), ValueError, ["gelu", "fast"]),
    (lambda: tg.arange(0, 3, 0), ValueError, ["arange", "step"]),
    (lambda: tg.linspace(0, 1, -1), ValueError, ["linspace", "steps"]),
    (lambda: Tensor(np.ones((2, 3))).narrow(1, 2, 2), ValueError, ["narrow", "start 2", "length 2", "(2, 3)"]),
])
def test_bad_input_errors_name_the_op_argument_and_shapes(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


# --- losses: class indices, targets and reductions ------------------------------------------------


@pytest.mark.parametrize("target, bad", [([0, 1, 4], "4"), ([0, -1, 2], "-1"), (np.array([0, 9, 1]), "9"),
                                         (Tensor(np.array([0, 1, 7]), dtype=np.int64), "7")])
def test_cross_entropy_out_of_range_index_names_it(target, bad):
    logits = Tensor.ones(3, 4, requires_grad=True)
    message = message_of((IndexError, ValueError), lambda: F.cross_entropy(logits, target))
    assert bad in message


@pytest.mark.parametrize("target", [[0, 1], np.array([0, 1, 2, 3]), Tensor(np.array([1.0, 0.0])),
                                    np.full((2, 4), 0.25), Tensor(np.full((5, 4), 0.25))])
def test_cross_entropy_mismatched_n_is_a_value_error(target):
    message = message_of(ValueError, lambda: F.cross_entropy(Tensor.ones(3, 4, requires_grad=True), target))
    assert "3" in message


def test_cross_entropy_non_integer_class_index():
    message_of((ValueError, TypeError), lambda: F.cross_entropy(Tensor.ones(2, 3), [0.5, 1]))


@pytest.mark.parametrize("as_tensor", [False, True])
def test_cross_entropy_with_a_one_hot_integer_target_says_the_dtype_is_the_problem(as_tensor):
    onehot = np.eye(3, dtype=np.int64)[[0, 2, 1, 0]]
    target = Tensor(onehot, dtype=np.int64) if as_tensor else onehot
    message = message_of(TypeError, lambda: F.cross_entropy(Tensor.randn(4, 3), target))
    assert "int64" in message and "dtype" in message
    assert "floating" in message                     # probabilities must be floating
    assert "class indices of shape (4,)" in message  # integer targets are indices
    assert "got shape (4, 3)" not in message


def test_cross_entropy_still_takes_indices_and_float_probabilities():
    logits = Tensor.randn(4, 3)
    onehot = np.eye(3)[[0, 2, 1, 0]]
    by_index = F.cross_entropy(logits, np.array([0, 2, 1, 0]))
    by_probs = F.cross_entropy(logits, onehot.astype(np.float32))
    np.testing.assert_allclose(by_index.data, by_probs.data, rtol=1e-6)


@pytest.mark.parametrize("loss", ["cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "mse_loss"])
def test_unknown_reduction_is_a_value_error(loss):
    target = [0, 1] if loss == "cross_entropy" else np.full((2, 3), 0.5)
    message = message_of(ValueError, lambda: getattr(F, loss)(Tensor(np.full((2, 3), 0.5)),
                                                          target, reduction="avg"))
    assert "avg" in message


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss"])
def test_elementwise_loss_shape_mismatch_names_both_shapes(loss):
    message = message_of(ValueError, lambda: getattr(F, loss)(Tensor(np.full((3, 4), 0.5)), np.full((4, 3), 0.5)))
    names_shapes(message, (3, 4), (4, 3))
