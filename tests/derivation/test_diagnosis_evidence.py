"""The diagnosis says only what the evidence supports, compares numbers in numpy alone, and the
broadcast-axes formula lives once."""
import ast
from pathlib import Path

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor
from tinygrad_edu.broadcasting import broadcast_axes

PACKAGE = Path(tg.__file__).parent


def test_one_element_gradients_get_no_invented_factor_or_sum():
    W = Tensor(np.array([[0.5, -1.0, 2.0]]), requires_grad=True, name="W")
    b = Tensor(np.array([[0.25]]), requires_grad=True, name="b")
    loss = (W * np.ones((1, 3)) + b).sum()
    result = tg.check_gradients(loss, {"W": [[7.]], "b": [[-42.]]})
    db = next(r for r in result if r.name == "b").diagnosis
    dW = next(r for r in result if r.name == "W").diagnosis
    assert "× autograd" not in db and "negative" not in db, db
    assert "formula -42, autograd 3" in db, db
    assert "summed over" not in dW and "extra sum" not in dW, dW
    assert dW.startswith("has shape (1, 1); autograd's is (1, 3)"), dW


def test_a_one_element_usual_suspect_is_still_named():
    x = Tensor(np.array([3.0]), requires_grad=True, name="x")
    loss = (x * x).sum() / 4
    d = tg.check_gradients(loss, {"x": -x.data / 2}).rows[0].diagnosis
    assert d == "is −1 × autograd: the negative gradient", d
    d = tg.check_gradients(loss, {"x": 4 * x.data / 2}).rows[0].diagnosis
    assert d.startswith("is 4 × autograd: 4 = the batch size"), d


def _imports(path: Path) -> set:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_diagnosis_compares_numpy_arrays_only():
    for name in ("diagnosis.py", "slips.py"):
        imports = _imports(PACKAGE / "derivation" / name)
        assert not {"..tensor", "..autograd", "..grad_mode"} & imports, (name, imports)


def test_the_broadcast_axes_formula_lives_once():
    assert broadcast_axes((4, 3, 5), (3, 1)) == (0, 2)
    assert broadcast_axes((2, 3), (2, 3)) == ()
    assert broadcast_axes((2, 3), ()) == (0, 1)
    for path in (PACKAGE / "autograd.py", PACKAGE / "derivation" / "diagnosis.py"):
        text = path.read_text()
        assert "broadcast_axes" in text and "range(lead)" not in text, path


def test_rows_have_one_name_per_field_and_the_table_one_writer():
    from tinygrad_edu.documents import Row
    assert not hasattr(Row, "max_abs") and not hasattr(Row, "max_rel")
    demo = (PACKAGE / "commands" / "demo.py").read_text()
    assert "ljust" not in demo and "aligned(" in demo


def test_check_has_no_test_only_flag():
    for path in (PACKAGE / "commands" / "check.py", PACKAGE / "documents" / "compare.py"):
        assert "inject" not in path.read_text(), path


def test_writeup_001_A_for_A_prev_is_no_false_extra_sum(monkeypatch):
    from tinygrad_edu.documents import NETWORKS, compare_network
    module = NETWORKS["001"]
    net = module.build()
    right = module.formulas

    def slip(n):
        hand = dict(right(n))
        m = n.tensor("X").shape[1]
        hand["dW3"] = hand["dZ3"] @ n.tensor("A3").data.T / m      # A3 where A2 belongs
        return hand
    monkeypatch.setattr(module, "formulas", slip)
    rows = compare_network("001", net)
    first = next(r for r in rows if not r.ok)
    assert first.formula == "dW3"
    assert "extra sum" not in first.diagnosis and "summed over" not in first.diagnosis, first.diagnosis
    assert first.diagnosis.startswith("has shape (1, 1); autograd's is (1, 4)"), first.diagnosis
