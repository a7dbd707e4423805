"""Einstein summation as ONE op: C = einsum("ij,jk->ik", A, B) multiplies the operands' elements
whose indices agree and sums over the indices the output leaves out.

Its local derivative is again an einsum. For an operand A with indices s_A, the output's
gradient G (indices s_out) and the other operands contain every index of A once A is taken out,
so  ∂L/∂A[s_A] = Σ G[s_out] · Π_{other operands} X[s_X]  =  einsum("s_out,s_X,…->s_A", G, X, …).
Two details keep that one einsum: an index A repeats (a diagonal, "ii->i") becomes a fresh index
tied to the first by an identity matrix δ, and an index only A has (summed away, "ij->i") comes
from a vector of ones 1, so the gradient is the same at every position along it.
"""
from __future__ import annotations

import string

import numpy as np

from ..function import Function
from ..tensor import Tensor, wrap

LETTERS = string.ascii_uppercase + string.ascii_lowercase  # numpy's and PyTorch's index letters


GENERIC_DERIVATIVE = "∂A = einsum(G and the other operands → A's indices): the gradient of an einsum is an einsum"


class _Derivative:
    """The label: on the class the general rule, on a node the einsums of its own equation."""

    def __get__(self, node, owner=None) -> str:
        return GENERIC_DERIVATIVE if node is None else node.equation_derivative()


class Einsum(Function):
    """`equation` is explicit and without "..." (tg.einsum's parse_equation makes it so)."""
    name = "einsum"
    derivative = _Derivative()

    def forward(self, *arrays):
        return np.einsum(self.equation, *arrays, optimize=len(arrays) > 1)

    def equation_derivative(self) -> str:
        inputs, output = _split(self.equation)
        names = _operand_names(len(inputs))
        parts = []
        for k in range(len(inputs)):
            equation, operands = _gradient_plan(inputs, output, k, sizes=None)
            labels = ["G" if o == "G" else names[o] if isinstance(o, int) else o[0] for o in operands]
            parts.append(f"∂{names[k]} = einsum('{equation.replace('->', '→')}', {', '.join(labels)})")
        return ", ".join(parts) + " (the gradient of an einsum is an einsum)"

    def backward(self, g):
        inputs, output = _split(self.equation)
        sizes = _index_sizes(inputs, [t.shape for t in self.inputs])
        grads = []
        for k, need in enumerate(self.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            equation, operands = _gradient_plan(inputs, output, k, sizes)
            tensors = [g if o == "G" else self.inputs[o] if isinstance(o, int) else _constant(o, g.dtype)
                       for o in operands]
            grads.append(Einsum.apply(*tensors, equation=equation))
        return tuple(grads)


def _split(equation: str) -> tuple[list[str], str]:
    left, output = equation.split("->")
    return left.split(","), output


def _operand_names(count: int) -> list[str]:
    return ["A", "B"] if count == 2 else ["A"] if count == 1 else [f"A{k + 1}" for k in range(count)]


def _index_sizes(inputs: list[str], shapes: list[tuple]) -> dict:
    """Each index's extent (the largest, where an operand broadcasts it from 1)."""
    sizes: dict = {}
    for subscripts, shape in zip(inputs, shapes):
        for letter, n in zip(subscripts, shape):
            sizes[letter] = max(sizes.get(letter, 1), n)
    return sizes


def _gradient_plan(inputs: list[str], output: str, k: int, sizes: dict | None):
    """The einsum that gives operand k's gradient: its equation and operands, each "G", the index
    of another input, or a constant (("δ", size) an identity matrix, ("1", size) ones)."""
    used = set("".join(inputs)) | set(output)
    fresh = (c for c in LETTERS if c not in used)
    target, extra_terms, extra = [], [], []
    for letter in inputs[k]:
        if letter in target:  # a repeated index: a fresh one, tied to the first by δ
            new = next(fresh)
            target.append(new)
            extra_terms.append(letter + new)
            extra.append(("δ", sizes[letter] if sizes else 0))
        else:
            target.append(letter)
    terms = [output] + [s for j, s in enumerate(inputs) if j != k] + extra_terms
    operands = ["G"] + [j for j in range(len(inputs)) if j != k] + extra
    present = set("".join(terms))
    for letter in dict.fromkeys(target):
        if letter not in present:  # summed away inside operand k alone: the gradient is constant along it
            terms.append(letter)
            operands.append(("1", sizes[letter] if sizes else 0))
    return f"{','.join(terms)}->{''.join(target)}", operands


def _constant(kind: tuple, dtype) -> Tensor:
    symbol, n = kind
    return wrap(np.eye(n, dtype=dtype) if symbol == "δ" else np.ones(n, dtype=dtype))


def parse_equation(equation: str, shapes: list[tuple]) -> str:
    """PyTorch's (and numpy's) einsum equation → an explicit one with "..." spelled out as
    letters: 'bij,bjk' → 'bij,bjk->bik', '...ij,...jk->...ik' → 'Aij,Ajk->Aik'. Spaces are
    ignored; without "->" the output is the indices that occur once, in alphabetical order,
    after the "..." axes (as PyTorch)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string such as 'ij,jk->ik', got {type(equation).__name__}")
    text = equation.replace(" ", "")
    left, arrow, output = text.partition("->")
    terms = left.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: the equation {equation!r} has {len(terms)} operand(s) before '->' but "
                         f"{len(shapes)} tensor(s) were given")
    for term in terms + ([output] if arrow else []):
        rest = term.replace("...", "", 1)
        bad = [c for c in rest if c not in LETTERS]
        if bad:
            raise ValueError(f"einsum: {equation!r} holds {bad[0]!r}; indices are letters a-z, A-Z and at "
                             f"most one '...' per operand")
    used = set("".join(t.replace("...", "") for t in terms))
    free = [c for c in LETTERS if c not in used]
    ellipsis_dims = []
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if ("..." in term and named > len(shape)) or ("..." not in term and named != len(shape)):
            raise ValueError(f"einsum: the operand '{term}' of {equation!r} names {named} ax"
                             f"{'i' if named == 1 else 'e'}s but the tensor has shape {shape}")
        ellipsis_dims.append(len(shape) - named if "..." in term else 0)
    broadcast = "".join(free[:max(ellipsis_dims, default=0)])
    spelled = [t.replace("...", broadcast[len(broadcast) - e:] if e else "") for t, e in zip(terms, ellipsis_dims)]
    if arrow:
        if output.count("...") and not any("..." in t for t in terms) and broadcast:
            raise ValueError(f"einsum: {equation!r} has '...' in the output but not in any operand")
        out = output.replace("...", broadcast)
        for c in out:
            if c not in used and c not in broadcast:
                raise ValueError(f"einsum: the output index {c!r} of {equation!r} is not in any operand")
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: the output of {equation!r} repeats an index")
    else:
        counts = {c: "".join(spelled).count(c) for c in used}
        out = broadcast + "".join(sorted(c for c, n in counts.items() if n == 1))
    sizes: dict = {}
    for term, shape in zip(spelled, shapes):
        for c, n in zip(term, shape):
            if c in sizes and n not in (1, sizes[c]) and sizes[c] != 1:
                raise ValueError(f"einsum: index {c!r} of {equation!r} has size {sizes[c]} in one place and "
                                 f"{n} in another (shapes {', '.join(map(str, shapes))})")
            sizes[c] = max(sizes.get(c, 1), n)
    return f"{','.join(spelled)}->{out}"
