"""docs/ops.md lists every op of the engine: each Function subclass's graph name and derivative
label appear in one row of its table, so the page cannot drift from the code."""
import pathlib
import re

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Function, Tensor

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "ops.md"


def _ops():
    found, todo = [], [Function]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("tinygrad_edu."):
                found.append(sub)
    return found


def _rows():
    """(graph node, tinygrad_edu, PyTorch, derivative) of the first table."""
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## Ops (one graph node each)")[1].split("\n## ")[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append(tuple(cells))
    return rows


def test_every_op_has_a_row_with_its_derivative_label():
    import tinygrad_edu.nn  # noqa: F401  (ops defined by other parts count too)
    rows = _rows()
    assert len(rows) >= 50
    for op in _ops():
        matching = [r for r in rows if r[0] == f"`{op.name}`" and r[3] == op.derivative]
        assert matching, f"docs/ops.md has no row for {op.__name__} ('{op.name}', derivative '{op.derivative}')"


def test_every_row_is_an_op_that_exists():
    names = {(op.name, op.derivative) for op in _ops()}
    for row in _rows():
        assert (row[0].strip("`"), row[3]) in names, f"docs/ops.md lists {row[0]} with '{row[3]}', no such op"


def test_the_calls_the_page_names_exist():
    text = PAGE.read_text(encoding="utf-8")
    for method in set(re.findall(r"`t\.([a-z_0-9]+)", text)):
        assert hasattr(Tensor, method), f"Tensor.{method}"
    for fn in set(re.findall(r"`tg\.([a-z_0-9]+)", text)):
        assert hasattr(tg, fn), f"tg.{fn}"
    for fn in set(re.findall(r"`F\.([a-z_0-9]+)\(", text)):
        assert hasattr(F, fn), f"F.{fn}"
