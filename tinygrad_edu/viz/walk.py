"""Walk the graph that produced a tensor: its tensors and ops in forward order, and their names."""
from __future__ import annotations

import heapq
import itertools
from collections import Counter

from ..graph_order import forward_order
from ..groups import group_members
from .formulas import expression_name
from .names import layer_of, named_params

SHARED_USES = 3   # a leaf taken by more ops than this, or an op with more inputs, is "shared"/"wide"


def named_tensors(module=None, params=None) -> dict:
    """{id(tensor): name} from a module's parameters and/or params (the module's name wins)."""
    names = {}
    for source in (module, params):
        if source is not None:
            for name, p in named_params(source):
                names.setdefault(id(p), name)
    return names


class GraphWalk:
    """The tensors and op nodes below `root`, inputs before outputs, with stable node ids.

    Every input of a recorded op gets a tensor node, including inputs that do not require grad
    (data such as X, constants such as the 1 in `1 - a`). With `max_nodes`, only the nodes
    computed last are kept (see _keep_closest) and `left_out` counts the rest.
    """

    def __init__(self, root, module=None, params=None, max_nodes=None, around=None, radius: int = 12):
        self.root = root
        self.param_names = named_tensors(module, params)
        self.tensors = forward_order(root)
        self.ops = [t.grad_fn for t in self.tensors if t.grad_fn is not None]
        self._sequence = {id(fn): fn.sequence_nr for fn in self.ops}
        self.all_tensors = self.tensors    # before max_nodes cuts: groups are numbered over all
        self.left_out_tensors = self.left_out_ops = 0
        if around is not None:
            self._keep_around(around, radius)
        elif max_nodes is not None and len(self.tensors) + len(self.ops) > max_nodes:
            self._keep_closest(max_nodes)
        self.tensor_ids = {id(t): f"t{i}" for i, t in enumerate(self.tensors)}
        self.op_ids = {id(fn): f"op{i}" for i, fn in enumerate(self.ops)}

    def name(self, t) -> str:
        """The tensor's label: its own name, its parameter name, or what the op that made it
        computed ("A2 − Y", "σ(Z2)"; see formulas.expression_name)."""
        if t.name:
            return t.name
        if id(t) in self.param_names:
            return self.param_names[id(t)]
        if t.grad_fn is not None:
            return expression_name(t, self.name, self.has_own_name)
        if t.requires_grad:
            return "leaf"
        return "data" if t.size > 1 else "const"

    def has_own_name(self, t) -> bool:
        return bool(t.name) or id(t) in self.param_names

    def module_of(self, t) -> str | None:
        """The layer a parameter belongs to: `fc1` for `fc1.weight`; `layer 2` for `W2`/`b2`
        (the write-ups' notation, for tensors passed as params); else None."""
        name = self.param_names.get(id(t)) or t.name or ""
        return layer_of(name) if "." in name or id(t) in self.param_names else None

    def step_groups(self) -> list:
        """(op node, group, label) for each drawn op of a marked group (a recurrent layer's time
        step, see groups.py). Groups that share a label (a cell called in a loop) are numbered
        in the order they were computed, over the whole graph: "GRUCell step 1", "GRUCell
        step 2", … (not in the walk's order: step 3's input projection, which does not depend
        on the state, is listed before step 1's)."""
        owner = group_members(self.all_tensors)
        if not owner:
            return []
        last_op = {}   # id(group) -> (the newest sequence number among its ops, group)
        for fn_id, group in owner.items():
            last_op[id(group)] = max(last_op.get(id(group), (-1, group))[0], self.sequence_of(fn_id)), group
        in_order = [group for _, group in sorted(last_op.values(), key=lambda pair: pair[0])]
        counts = Counter(g.label for g in in_order)
        seen: Counter = Counter()
        labels = {}
        for g in in_order:
            seen[g.label] += 1
            labels[id(g)] = g.label if counts[g.label] == 1 else f"{g.label} {seen[g.label]}"
        return [(fn, id(owner[id(fn)]), labels[id(owner[id(fn)])]) for fn in self.ops if id(fn) in owner]

    def sequence_of(self, fn_id: int) -> int:
        """When the op with this id was recorded (its sequence number): the order of computation."""
        return self._sequence.get(fn_id, -1)

    def forward_keys(self) -> list:
        """("t", id) and ("op", id) of every drawn node in forward order: an op's inputs, the
        op, its output."""
        keys = []
        for t in self.tensors:
            if t.grad_fn is not None and id(t.grad_fn) in self.op_ids:
                keys.append(("op", id(t.grad_fn)))
            keys.append(("t", id(t)))
        return keys

    @property
    def left_out(self) -> int:
        return self.left_out_tensors + self.left_out_ops

    def _keep_around(self, fn, radius: int) -> None:
        """Keep the `radius` ops before and after op node `fn` in the forward pass, with their
        inputs and outputs: the neighbourhood of one backward step of a big graph."""
        keys = [id(op) for op in self.ops]
        at = keys.index(id(fn)) if id(fn) in keys else len(keys) - 1
        kept_op = set(keys[max(at - radius, 0):at + radius + 1])
        kept_t = set()
        for t in self.tensors:
            if t.grad_fn is not None and id(t.grad_fn) in kept_op:
                kept_t.add(id(t))
        for op in self.ops:
            if id(op) in kept_op:
                kept_t.update(id(t) for t in op.inputs)
        self._keep(kept_t, kept_op)

    def _keep(self, kept_t: set, kept_op: set) -> None:
        self.left_out_tensors = sum(id(t) not in kept_t for t in self.tensors)
        self.left_out_ops = sum(id(fn) not in kept_op for fn in self.ops)
        self.tensors = [t for t in self.tensors if id(t) in kept_t]
        self.ops = [fn for fn in self.ops if id(fn) in kept_op]

    def _keep_closest(self, max_nodes: int) -> None:
        """Keep the last `max_nodes` nodes of the forward pass: ops newest first (those nearest
        the loss, and a recurrence's last time steps), each with its inputs. The inputs of an
        op that joins many tensors (stack, cat over time steps) are kept only with the op that
        made them, so a cut leaves whole steps, not a row of orphans."""
        kept_t, kept_op = {id(self.root)}, set()
        budget = max_nodes - 1
        tick = itertools.count()
        heap = [(-self.root.grad_fn.sequence_nr, 0, self.root)] if self.root.grad_fn is not None else []
        while heap and budget > 0:
            t = heapq.heappop(heap)[2]
            fn = t.grad_fn
            if id(fn) in kept_op:
                continue
            if id(t) not in kept_t:   # an input of a wide op, kept with the op that made it
                if budget < 2:
                    break
                kept_t.add(id(t))
                budget -= 1
            kept_op.add(id(fn))
            budget -= 1
            wide = len(fn.inputs) > SHARED_USES
            for inp in fn.inputs:
                if id(inp) in kept_t:
                    continue
                if not (wide and inp.grad_fn is not None):
                    if budget <= 0:
                        continue
                    kept_t.add(id(inp))
                    budget -= 1
                if inp.grad_fn is not None:
                    heapq.heappush(heap, (-inp.grad_fn.sequence_nr, next(tick), inp))
        self._keep(kept_t, kept_op)
