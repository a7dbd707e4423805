"""function.py: an op keeps its parameters as attributes and what backward needs through
save_for_backward; apply names the op when numpy refuses its inputs."""
import ast
import pathlib

import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import Function, Tensor
from tinygrad_edu.function import Function as FunctionItself

OPS_DIR = pathlib.Path(tg.__file__).parent / "ops"


def _forward_writes(tree: ast.AST) -> list:
    """(class, attribute) for every `self.<attribute> = …` inside a method named forward."""
    found = []
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"]:
            for node in ast.walk(fn):
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
                while targets:
                    t = targets.pop()
                    if isinstance(t, (ast.Tuple, ast.List)):
                        targets.extend(t.elts)
                    elif isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                        found.append((cls.name, t.attr))
    return found


def test_no_op_writes_attributes_in_forward_or_reaches_into_its_dict():
    sources = sorted(OPS_DIR.glob("*.py"))
    assert len(sources) > 10
    for path in sources:
        text = path.read_text()
        assert "__dict__" not in text, path.name
        assert _forward_writes(ast.parse(text)) == [], path.name


def test_the_structural_check_can_fail():
    bad = "class Op:\n    def forward(self, x):\n        self.a, self.b = x.shape, 1\n        return x\n"
    assert sorted(_forward_writes(ast.parse(bad))) == [("Op", "a"), ("Op", "b")]


def test_function_is_exported_from_its_own_module():
    assert Function is FunctionItself and Function.__module__ == "tinygrad_edu.function"


class _Cube(Function):
    name, derivative = "cube", "∂/∂x = G·3x²"
    uses_inputs = False

    def forward(self, x):
        self.save_for_backward(square=x * x)
        return x * x * x

    def backward(self, g):
        return (g * Tensor(self.saved.square) * 3.0,)


def test_save_for_backward_keeps_named_values_for_backward():
    x = leaf([1.0, -2.0, 3.0])
    y = _Cube.apply(x)
    np.testing.assert_array_equal(y.grad_fn.saved.square, [1.0, 4.0, 9.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 12.0, 27.0])


def test_parameters_stay_plain_attributes_and_saved_state_goes_to_saved():
    x = leaf(np.ones((2, 3)))
    y = x.sum(axis=1)
    assert y.grad_fn.axis == (1,) and y.grad_fn.saved.in_shape == (2, 3)
    assert "in_shape" not in vars(y.grad_fn)


def test_an_op_with_an_init_is_refused_where_it_is_defined():
    with pytest.raises(TypeError, match=r"_Scaled: an op defines no __init__; its parameters are given to apply"):
        class _Scaled(Function):
            def __init__(self, factor):
                self.factor = factor


class _AddText(Function):
    name = "add_text"

    def forward(self, x):
        return np.add(x, np.array(["x", "y"]))   # numpy: _UFuncNoLoopError, a TypeError


def test_a_numpy_refusal_becomes_a_plain_error_naming_the_op_and_inputs():
    with pytest.raises(TypeError) as info:
        _AddText.apply(Tensor([1.0, 2.0]))
    assert type(info.value) is TypeError   # not numpy's own type (it needs other arguments)
    assert "add_text" in str(info.value) and "shape (2,)" in str(info.value)
    assert type(info.value.__cause__).__module__.startswith("numpy")   # numpy's error is the cause
    with pytest.raises(TypeError, match="add"):
        Tensor([1.0, 2.0]) + np.array(["x", "y"])


def test_a_numpy_value_error_stays_a_value_error():
    with pytest.raises(ValueError) as info:
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    assert type(info.value) is ValueError and "matmul" in str(info.value)
    assert info.value.__cause__ is not None


def _line_of(marker: str) -> int:
    return next(i for i, line in enumerate(pathlib.Path(__file__).read_text().splitlines(), 1) if marker in line)


@pytest.mark.parametrize("make", ["maximum", "cat"])
def test_detect_anomaly_blames_the_users_line_for_ops_in_any_library_file(make):
    a, b = Tensor([np.nan, 1.0]), Tensor([0.0, 2.0])
    with tg.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        tg.maximum(a, b) if make == "maximum" else tg.cat([a, b])  # the-users-line
    assert f"{__file__}:{_line_of('# the-users-line')}" in str(info.value)


def test_star_import_does_not_shadow_the_builtin_compile():
    namespace = {}
    exec("from tinygrad_edu import *", namespace)
    assert "compile" not in namespace and "Tensor" in namespace
    assert callable(tg.compile) and tg.compile.__module__ == "tinygrad_edu.compile"
