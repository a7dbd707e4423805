"""The graph below a tensor in the order a forward pass computes it: the one walk of the graph,
shared by the derivation check (backward order = this order reversed) and the pictures."""
from __future__ import annotations


def forward_order(root, last_input_first: bool = False) -> list:
    """Every tensor of the graph that produced `root` (leaves, data and constants included), each
    after the tensors it is computed from: the computed tensors depth-first with each op's inputs
    in argument order, and every tensor listed when first used (an op's inputs, then its output).
    So `a * b` lists a before b, `X @ W1` X before W1, and layer 1 before layer 2: the order the
    code reads in. Iterative, so graphs of any depth work.

    last_input_first: each op's inputs from the last to the first instead. Reversed, that is the
    order a derivation reads from the loss down: each tensor before its inputs, the results an op
    takes in argument order (for `a + b`, da before db), and a parameter right after the op
    that uses it (dZ2, dW2, then dA1)."""
    computed, seen = [], set()   # the non-leaf tensors, each after the tensors it is computed from
    stack = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            computed.append(t)
            continue
        if id(t) in seen or t.grad_fn is None:
            continue
        seen.add(id(t))
        stack.append((t, True))
        stack.extend((inp, False) for inp in _inputs(t, not last_input_first) if id(inp) not in seen)
    tensors, listed = [], set()
    for t in computed or [root]:
        for u in (*_inputs(t, last_input_first), t):
            if id(u) not in listed:
                listed.add(id(u))
                tensors.append(u)
    return tensors


def _inputs(t, backwards: bool):
    inputs = t.grad_fn.inputs if t.grad_fn is not None else ()
    return reversed(inputs) if backwards else inputs


def distances_to(root, tensors: list) -> dict:
    """{id: number of graph edges to `root`} for the tensors (from forward_order(root)) and their
    op nodes (keyed by the op's id): root 0, the op that made it 1, that op's inputs 2, …"""
    distance = {id(root): 0}
    for t in reversed(tensors):   # every tensor after all the tensors computed from it
        fn = t.grad_fn
        if fn is None or id(t) not in distance:
            continue
        distance[id(fn)] = min(distance.get(id(fn), distance[id(t)] + 1), distance[id(t)] + 1)
        for inp in fn.inputs:
            distance[id(inp)] = min(distance.get(id(inp), distance[id(fn)] + 1), distance[id(fn)] + 1)
    return distance
