"""Walk the graph that produced a tensor: its tensors and ops in forward order, and their names."""
from __future__ import annotations

from ..graph_order import distances_to, forward_order
from .formulas import expression_name
from .names import layer_of, named_params


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
    closest to `root` are kept and `left_out` counts the rest.
    """

    def __init__(self, root, module=None, params=None, max_nodes=None):
        self.root = root
        self.param_names = named_tensors(module, params)
        self.tensors = forward_order(root)
        self.ops = [t.grad_fn for t in self.tensors if t.grad_fn is not None]
        self.left_out_tensors = self.left_out_ops = 0
        if max_nodes is not None and len(self.tensors) + len(self.ops) > max_nodes:
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

    def _keep_closest(self, max_nodes: int) -> None:
        """Keep the max_nodes nodes fewest edges away from root (of those equally far, the ones
        computed last): every kept node's path to root is kept with it."""
        distance = distances_to(self.root, self.tensors)
        nodes = [(distance[id(x)], -i, id(x)) for i, t in enumerate(self.tensors)
                 for x in ((t,) if t.grad_fn is None else (t, t.grad_fn))]
        kept = {key for _, _, key in sorted(nodes)[:max_nodes]}
        kept_t = {id(t) for t in self.tensors if id(t) in kept}
        kept_op = {id(fn) for fn in self.ops if id(fn) in kept}
        self.left_out_tensors = sum(id(t) not in kept_t for t in self.tensors)
        self.left_out_ops = sum(id(fn) not in kept_op for fn in self.ops)
        self.tensors = [t for t in self.tensors if id(t) in kept_t]
        self.ops = [fn for fn in self.ops if id(fn) in kept_op]
