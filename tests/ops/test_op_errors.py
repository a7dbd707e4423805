"""Bad input to the ops: the error's type, and a message naming the op, the argument and the
shapes."""

import numpy as np
import pytest
from hypothesis import settings

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


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
