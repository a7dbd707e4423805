"""`check_gradients`: a user's hand-derived gradients against autograd's, tensor by tensor, in
backward order, with each slip named and the first wrong step found."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..autograd import grad, reduce_to_input
from ..grad_mode import no_grad
from ..graph_order import forward_order
from ..tensor import Tensor, describe
from .diagnosis import Counts, Tolerance, diagnose
from .slips import graph_slip
from .table import html_table, text_table


@dataclass
class GradientRow:
    """One formula against autograd. `shape` is the tensor's; `formula`/`autograd` are the
    labels the table shows (e.g. "dZ2" and "m·Z2.grad")."""
    name: str
    shape: tuple
    max_abs_err: float
    max_rel_err: float
    ok: bool
    diagnosis: str = ""     # what is wrong, in words ("" when the row agrees)
    formula: str = ""
    autograd: str = ""
    step: str = ""          # first_wrong only: the local step between it and the agreeing tensor above
    tensor: Tensor | None = field(default=None, repr=False, compare=False)
    derived: bool = True    # False: the formula is still TODO (an exercise not finished)


class _Todo:
    """The placeholder an exercise file gives each gradient still to derive: its row is graded
    "not derived yet" (not ok), and the rows already derived are graded as usual."""

    def __repr__(self) -> str:
        return "TODO"


TODO = _Todo()


FLOAT32_RTOL = 1e-4   # a float32 tensor's gradient: float32 rounding along the backward pass
FLOAT32_ATOL = 1e-7   # … and of a gradient that is 0 in exact arithmetic (a bias before a batch norm)


class GradientCheck:
    """The result of `check_gradients`: `.rows` (backward order), `.ok`, `.first_wrong`."""

    def __init__(self, rows: list, rtol: float, atol: float):
        self.rows, self.rtol, self.atol = rows, rtol, atol
        self.where = None   # (file, line) of the call that made it

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def first_wrong(self) -> GradientRow | None:
        return next((r for r in self.rows if not r.ok and r.derived), None)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def verdict(self) -> str:
        n = len(self.rows)
        tol = f"rtol {self.rtol:g}, atol {self.atol:g}"
        if any(r.tensor is not None and r.tensor.dtype == np.float32 for r in self.rows):
            tol += (f"; float32 tensors rtol {max(self.rtol, FLOAT32_RTOL):g}, atol "
                    f"{max(self.atol, FLOAT32_ATOL):g}, their rounding")
        if self.ok:
            return f"All {n} hand-derived gradients agree with autograd ({tol})."
        todo = sum(not r.derived for r in self.rows)
        wrong = sum(not r.ok for r in self.rows) - todo
        text = f"{wrong} of {n} hand-derived gradients disagree with autograd ({tol})."
        if todo:
            text = f"{todo} of {n} gradients not derived yet (TODO); " + text[0].lower() + text[1:]
        return text + self.convention_note()

    def convention_note(self) -> str:
        """When every disagreeing row is the batch size m times autograd: the course's
        convention (dZ = m·∂J/∂Z, the derivative of the summed loss), and how to declare it."""
        wrong = [r for r in self.rows if not r.ok and r.derived]
        factors = {r.diagnosis.split(" × ")[0] for r in wrong}
        if len(wrong) < 2 or len(factors) != 1 or "= the batch size" not in wrong[0].diagnosis:
            return ""
        m = factors.pop().removeprefix("is ")
        names = ", ".join(f'"{r.name}": ({m}, "m")' for r in wrong)
        return (f"\nEvery disagreeing row is {m} × autograd, {m} the batch size: if your formulas "
                f"follow the course's convention (dZ = m·∂J/∂Z, the derivative of the SUM of the "
                f"losses), they are right; declare it with check_gradients(loss, formulas, "
                f"scale={{{names}}}).")

    def __str__(self) -> str:
        return text_table(self.rows) + "\n" + self.verdict()

    def __repr__(self) -> str:
        return f"<GradientCheck: {self.verdict()}>"

    def _repr_html_(self) -> str:
        return html_table(self.rows, self.verdict())

    def assert_ok(self) -> GradientCheck:
        if not self.ok:
            raise AssertionError("hand-derived gradients disagree with autograd:\n" + str(self))
        return self


# every GradientCheck made inside `recording()` is appended to its list (`tinygrad-edu check`)
_recorders: list = []


@contextmanager
def recording():
    """Collect every GradientCheck made while the block runs: `with recording() as checks:`."""
    checks: list = []
    _recorders.append(checks)
    try:
        yield checks
    finally:
        _recorders.remove(checks)


def check_gradients(loss: Tensor, formulas: dict, rtol: float = 1e-6, atol: float = 1e-10, *,
                    scale: dict | None = None, labels: dict | None = None) -> GradientCheck:
    """Compare hand-derived gradients of `loss` with autograd's, without touching any `.grad`.

    formulas: {tensor or its name: the formula's value (numpy array or Tensor)}.
    scale: {tensor or name: c, or (c, "m")}: a convention the formulas follow, formula = c·∂loss/∂t
      (the course's dZ = m·∂J/∂Z; a negative gradient); the table shows "m·Z2.grad".
    labels: {tensor or name: the formula's own name}, shown instead of "d" + the tensor's name.
    A row agrees when max |formula − autograd| ≤ atol + rtol · max |autograd|.
    """
    graph = _Graph(loss)
    if not formulas:
        raise ValueError("check_gradients: no formulas given; pass {tensor or name: your gradient}")
    entries = [(graph.resolve(key), key, _as_array(value, key)) for key, value in formulas.items()]
    seen = set()
    for t, key, _ in entries:
        if id(t) in seen:
            raise ValueError(f"check_gradients: {describe(t)} has two formulas (key {key!r} repeats it)")
        seen.add(id(t))
    scales = {id(graph.resolve(k)): v for k, v in (scale or {}).items()}
    names = {id(graph.resolve(k)): v for k, v in (labels or {}).items()}
    entries.sort(key=lambda e: graph.backward_position(e[0]))
    autograd = grad(loss, [t for t, _, _ in entries])
    counts = graph.counts()
    rows = []
    for (t, key, value), g in zip(entries, autograd):
        if value is TODO:
            rows.append(_todo_row(t, key, names.get(id(t))))
            continue
        factor, symbol = _scale(scales.get(id(t), 1))
        single = t.dtype == np.float32
        tol = Tolerance(max(rtol, FLOAT32_RTOL) if single else rtol, max(atol, FLOAT32_ATOL) if single else atol)
        r = _row(t, key, value, factor * g.data.astype(np.float64), tol, counts,
                 names.get(id(t)), _autograd_label(graph.name(t), factor, symbol))
        if not r.ok:
            slip = graph_slip(graph, t, value, factor, tol)
            numbers = slip.startswith("equals") and r.diagnosis.startswith("largest")
            if slip:   # the numbers as evidence, after the words, when they are only numbers
                r.diagnosis = slip + (f" ({r.diagnosis})" if numbers else "")
        rows.append(r)
    result = GradientCheck(rows, rtol, atol)
    caller = sys._getframe(1)
    result.where = (caller.f_code.co_filename, caller.f_lineno)
    first = result.first_wrong
    if first is not None:
        first.step = graph.step_above(first, rows)
    for checks in _recorders:
        checks.append(result)
    return result


def _row(t, key, value, reference, tol, counts, label, autograd_label) -> GradientRow:
    name = key if isinstance(key, str) else (t.name or f"<{describe(t)}>")
    with np.errstate(invalid="ignore", over="ignore"):
        if value.shape != reference.shape:
            max_abs = float("inf")
        elif value.size == 0:
            max_abs = 0.0
        else:
            max_abs = float(np.max(np.abs(value - reference)))
    size = float(np.max(np.abs(reference))) if reference.size else 0.0
    max_rel = max_abs / size if size > 0 else (0.0 if max_abs == 0 else float("inf"))
    ok = tol.agrees(value, reference)
    diagnosis = "" if ok else diagnose(value, reference, tol, counts)
    return GradientRow(name, tuple(t.shape), max_abs, max_rel, ok, diagnosis,
                       label or (f"d{name}" if t.name or isinstance(key, str) else name),
                       autograd_label, tensor=t)


def _todo_row(t, key, label) -> GradientRow:
    name = key if isinstance(key, str) else (t.name or f"<{describe(t)}>")
    return GradientRow(name, tuple(t.shape), float("nan"), float("nan"), False,
                       "not derived yet: replace its TODO with your formula", label or f"d{name}",
                       f"{name}.grad", tensor=t, derived=False)


def _as_array(value, key) -> np.ndarray:
    if value is TODO:
        return value
    if isinstance(value, Tensor):
        value = value.data
    try:
        array = np.asarray(value)
    except ValueError:   # a ragged list
        array = np.asarray(None)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"check_gradients: the formula for {key!r} must be a numpy array or a "
                        f"Tensor of numbers, not {type(value).__name__}")
    return array.astype(np.float64)


def _scale(spec) -> tuple[float, str]:
    if isinstance(spec, tuple):
        factor, symbol = spec
        return float(factor), symbol
    return float(spec), _number(spec)


def _number(x) -> str:
    x = float(x)
    return str(int(x)) if x == int(x) else f"{x:g}"


def _autograd_label(name: str, factor: float, symbol: str) -> str:
    if factor == 1:
        return f"{name}.grad"
    if factor == -1:
        return f"−{name}.grad"
    return f"{symbol}·{name}.grad"


class _Graph:
    """The graph below `loss`: which tensors there are, their names, their backward order."""

    def __init__(self, loss):
        if not isinstance(loss, Tensor):
            raise TypeError(f"check_gradients: loss must be a Tensor, not {type(loss).__name__}")
        if loss.size != 1:
            raise ValueError(f"check_gradients: the loss must be a single number, but it has "
                             f"shape {loss.shape}; check the gradients of a scalar (e.g. loss.sum())")
        if not loss.requires_grad:
            raise ValueError(f"check_gradients: {describe(loss)} does not require grad, so no "
                             "tensor below it has a gradient; create the parameters with requires_grad=True")
        self.loss = loss
        # the loss first, each tensor before its inputs (those in argument order)
        self.order = [t for t in reversed(forward_order(loss, last_input_first=True)) if t.requires_grad]
        self.position = {id(t): i for i, t in enumerate(self.order)}
        self.named: dict[str, list] = {}
        self.consumers: dict[int, list] = {}
        for t in self.order:
            self._add_name(t)
            fn = t.grad_fn
            for inp in (fn.inputs if fn is not None else ()):
                self._add_name(inp)
                self.consumers.setdefault(id(inp), []).append((fn, t))

    def _add_name(self, t) -> None:
        if t.name:
            same = self.named.setdefault(t.name, [])
            if all(u is not t for u in same):
                same.append(t)

    def name(self, t) -> str:
        return t.name or f"<{describe(t)}>"

    def resolve(self, key) -> Tensor:
        if isinstance(key, str):
            found = self.named.get(key)
            if not found:
                known = ", ".join(repr(n) for n in sorted(self.named)) or "none (name them: t.named('Z1'))"
                raise KeyError(f"check_gradients: no tensor named {key!r} in the graph below the "
                               f"loss; the names there are: {known}")
            if len(found) > 1:
                raise ValueError(f"check_gradients: {len(found)} tensors of the graph are named "
                                 f"{key!r}; pass the tensor itself as the key")
            t = found[0]
        elif isinstance(key, Tensor):
            t = key
        else:
            raise TypeError(f"check_gradients: a key must be a Tensor or a tensor's name, not "
                            f"{type(key).__name__}")
        if not t.requires_grad:
            raise ValueError(f"check_gradients: {describe(t)} does not require grad, so it has no "
                             "gradient to check (data and constants have none)")
        if id(t) not in self.position:
            raise ValueError(f"check_gradients: the loss does not depend on {describe(t)}; "
                             "only tensors of the graph below the loss have a gradient to check")
        return t

    def backward_position(self, t) -> tuple:
        """When the backward pass has finished t's gradient: after the last op that uses t
        (W2's right after dscores, as a derivation goes), then t's own place in the order."""
        uses = [self.position[id(out)] for _, out in self.consumers.get(id(t), ())]
        return (max(uses, default=-1), self.position[id(t)])

    def counts(self) -> Counts:
        """The counts the loss averages over (a mean's n, a loss op's number of samples, a
        division by a constant `/ m`) and the d of each 1/√d scale."""
        sizes, roots = set(), set()
        for t in self.order:
            fn = t.grad_fn
            if fn is None:
                continue
            count = getattr(getattr(fn, "saved", None), "count", None)   # what a mean saved
            if count is None and getattr(fn, "reduction", None) == "mean":
                x = fn.inputs[0]
                count = x.shape[0] if fn.name == "cross_entropy" else x.size
            if count is None and fn.name in ("div", "mul") and len(fn.inputs) == 2:
                c = fn.inputs[1]
                if c.size == 1 and not c.requires_grad and c.data.item() != 0:
                    v = float(c.data.item())
                    count = v if fn.name == "div" else 1 / v
                    d = round(count * count)
                    if d >= 2 and abs(count - d ** 0.5) <= 1e-6 * count and count != round(count):
                        roots.add(d)
            if count is not None and count > 1 and float(count) == round(count):
                sizes.add(int(round(count)))
        return Counts(tuple(sorted(sizes)), tuple(sorted(roots)))

    def uses(self, t) -> list:
        """The ops that take t, each once, with their outputs."""
        return list({id(fn): (fn, out) for fn, out in self.consumers.get(id(t), ())}.values())

    def output_grads(self, outputs: list, factor: float) -> list:
        """factor · ∂loss/∂out for each output, as float64 arrays."""
        return [factor * g.data.astype(np.float64) for g in grad(self.loss, outputs)]

    def through_each_use(self, t, uses: list, grads: list) -> list:
        """t's share of the gradient from each use: that op's own backward of its output's
        gradient (the graph's arithmetic, once per use), reduced to t's shape."""
        shares = []
        for (fn, out), g in zip(uses, grads):
            with no_grad():
                parts = [reduce_to_input(ig, inp).data for inp, ig, needed
                         in zip(fn.inputs, fn.backward(Tensor(g, dtype=out.dtype)), fn.needs_input_grad)
                         if inp is t and ig is not None and needed]
            shares.append(np.sum(parts, axis=0, dtype=np.float64))
        return shares

    def named_like(self, t) -> list:
        """The other named tensors of the graph with t's shape (candidates for a mix-up)."""
        return [u for same in self.named.values() for u in same if u is not t and u.shape == t.shape]

    def step_above(self, row: GradientRow, rows: list) -> str:
        """When every checked tensor that row's gradient comes from agrees: the op(s) between."""
        checked = {id(r.tensor): r for r in rows}
        paths, frontier, seen = [], [(row.tensor, [])], set()   # paths: (agreeing label, ops)
        while frontier:
            x, below = frontier.pop()
            for fn, out in self.consumers.get(id(x), ()):
                if id(fn) in seen:
                    continue
                seen.add(id(fn))
                path = [fn] + below                  # from the agreeing tensor down to row
                above = checked.get(id(out))
                if above is not None:
                    if not above.ok:
                        return ""
                    paths.append((above.formula, path))
                elif out is self.loss:
                    paths.append(("the loss", path))
                else:
                    frontier.append((out, path))
                if len(seen) > 4:
                    return ""
        if not paths:
            return ""
        if len(paths) == 1:
            above, path = paths[0]
            why = ("its gradient comes straight from the loss" if above == "the loss"
                   else f"{above} agrees")
            what = "the local step" if len(path) == 1 else "the local steps"
            return f"{why}, so the slip is in {what} from {above} to {row.formula}: {_ops_text(path)}"
        names = " and ".join(dict.fromkeys(above for above, _ in paths))
        each = "; ".join(f"from {above}: {_ops_text(path)}" for above, path in paths)
        return (f"{names} agree, so the slip is in the local steps from them to {row.formula}, "
                f"whose gradients add up: {each}")


def _ops_text(ops) -> str:
    return ", then ".join(f"{fn.name} ({fn.derivative})" if fn.derivative else fn.name for fn in ops)
