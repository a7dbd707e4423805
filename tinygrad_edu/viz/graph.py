"""`draw_graph`: the graph that produced a tensor, as a Graphviz Digraph.

Tensor nodes are tables: name, shape and dtype; then the values and the gradient (every
number for small tensors, mean/std/min/max/norm for large ones). Op nodes are rounded boxes
with the op's name and its local derivative, read from the op class (`Function.name`,
`Function.derivative`), so a new op brings its own label. Arrows run forward (input → op →
output); backpropagation walks them in reverse. Dashed grey arrows carry no gradient (data,
constants).

Colours (color_by=None): green = the root (usually the loss), blue = parameters and other
leaves that require grad, grey = data and constants, white = intermediate results.
color_by='grad': every tensor is shaded by the norm of its gradient on an absolute log scale
(see `colors.py` and the legend in the picture): blue = vanishing, red = exploding.
check=tg.check_gradients(...): each checked tensor is outlined green (the hand-derived formula
agrees with autograd) or red (it disagrees), and the first wrong one is marked.
"""
from __future__ import annotations

import html

import graphviz
import numpy as np

from ..groups import group_of
from . import colors
from .labels import array_text, grad_norm, shape_text
from .render import BackpropGraph
from .steps import all_gradients
from .walk import SHARED_USES, GraphWalk

DEFAULT_MAX_NODES = 200
_NOT_GIVEN = object()
# DejaVu is what dot measures with on Linux; the fallbacks keep SVGs readable elsewhere
SANS = "DejaVu Sans,Arial,Helvetica,sans-serif"
MONO = "DejaVu Sans Mono,Menlo,Consolas,monospace"


def draw_graph(root, show_data: bool = True, show_grad: bool = True, color_by=None,
               max_nodes: int | None = DEFAULT_MAX_NODES, module=None, params=None,
               title: str | None = None, rankdir: str = "TB", grads=_NOT_GIVEN,
               highlight_op=None, highlight_tensors=(), missing_grad: str = "None",
               check=None, around=None) -> graphviz.Digraph:
    """Draw the graph that produced `root`; returns a `graphviz.Digraph` (`.source` is DOT).

    module / params: name parameters after their module path (`fc1.weight`) and group each
      layer's parameters, ops and outputs in a cluster; `module` is anything with
      `named_parameters()`, `params` a dict {name: tensor}.
    max_nodes: draw at most this many nodes (those closest to root) and say what was left out;
      None draws everything.
    grads: {id(tensor): array} to show instead of each tensor's `.grad` (used by the
      backward step-through); highlight_op: the op node to outline; highlight_tensors: tensor
      ids to outline in red, or {id: colour}; missing_grad: the text shown for a tensor that has no gradient (yet).
    check: a `GradientCheck`: outline each checked tensor green (agrees) or red (disagrees), mark
      the first wrong one, and add a legend.
    around: an op node: draw only the ops near it in the forward pass (a dozen either side), as
      the step-through page does for each step of a big graph.
    """
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', not {color_by!r}")
    walk = GraphWalk(root, module=module, params=params, max_nodes=max_nodes, around=around)
    if check is not None and grads is _NOT_GIVEN:
        grads = all_gradients(root)   # the check ran tg.grad, which sets no .grad to show
    grad_of = _grad_lookup(grads)
    dot = BackpropGraph("backprop", format="svg")
    # newrank: rank the whole graph at once, so a chain of clusters (layers, time steps) is
    # stacked down the page; ranked cluster by cluster, dot reversed edges between them and
    # set an LSTM's time steps side by side
    dot.attr(rankdir=rankdir, nodesep="0.25", ranksep="0.35", fontname=SANS, ordering="in", newrank="true")
    dot.attr("node", fontname=SANS, fontsize="11")
    dot.attr("edge", color="#555555", arrowsize="0.7")
    if title:
        dot.attr(label=title, labelloc="t", fontsize="16")

    shared = _shared_uses(walk)
    clusters = _clusters(walk, shared)
    marks = _check_marks(check)
    outline = {k: colour for k, (colour, _, _) in marks.items()}
    outline.update(dict(highlight_tensors) if isinstance(highlight_tensors, dict)
                   else dict.fromkeys(highlight_tensors, "#d32f2f"))
    tensors = {id(t): t for t in walk.tensors}
    ops = {id(fn): fn for fn in walk.ops}

    shared_tensor = {node: tensors[k] for (k, _), node in shared.items()}
    chain = dict.fromkeys(_recurrence(walk), {"group": "recurrence"})

    def declare(target, key):
        kind, k = key
        if kind == "ref":
            t = shared_tensor[k]
            _declare_reference(target, k, walk.name(t), _tensor_fill(t, walk, grad_of(t), color_by),
                               outline.get(id(t)))
            return
        if kind == "t":
            t = tensors[k]
            fill = _tensor_fill(t, walk, grad_of(t), color_by)
            label = _tensor_label(walk.name(t), t, grad_of(t), show_data, show_grad, fill,
                                  missing_grad, outline=outline.get(k), mark=marks.get(k))
            target.node(walk.tensor_ids[k], label, shape="plain", **chain.get(key, {}))
            return
        fn = ops[k]
        is_current = fn is highlight_op
        target.node(
            walk.op_ids[k], _op_label(fn), shape="box", style="rounded,filled",
            fillcolor=colors.HIGHLIGHT if is_current else colors.OP,
            color="#d32f2f" if is_current else "#777777", penwidth="3" if is_current else "1",
            **({"class": "current"} if is_current else {}), **chain.get(key, {}))

    _declare_in_forward_order(dot, walk, clusters, declare, shared)
    _edges(dot, walk, shared, clusters)
    if walk.left_out:
        _note_left_out(dot, walk, max_nodes, around is not None)
    if color_by == "grad":
        dot.node("legend", colors.legend_label(), shape="plain", fontsize="10")
    if check is not None:
        dot.node("check_legend", colors.check_legend_label(), shape="plain", fontsize="10")
    return dot


def _declare_in_forward_order(dot, walk, clusters, declare, shared) -> None:
    """Every node in forward order (`declare(graph, key)`), each cluster placed where its first
    member comes: dot keeps that order within a rank, so inputs stand left to right in argument
    order (with the graph's ordering="in" for each op's incoming edges). A shared tensor's
    extra drawings come just before the op that uses them."""
    refs_of = {}
    for (_, op_key), node in shared.items():
        refs_of.setdefault(op_key, []).append(("ref", node))
    order = []
    for key in walk.forward_keys():
        order.extend(refs_of.get(key[1], ()) if key[0] == "op" else ())
        order.append(key)
    cluster_of = {key: sub["graph"] for sub in clusters.values() for key in sub["members"]}
    for key in order:
        if key in cluster_of:
            declare(cluster_of[key], key)
    emitted = set()
    for key in order:
        sub = cluster_of.get(key)
        if sub is None:
            declare(dot, key)
        elif id(sub) not in emitted:
            emitted.add(id(sub))
            dot.subgraph(sub)


def _check_marks(check) -> dict:
    """{id(tensor): (outline colour, text, outline width)} for the rows of a GradientCheck."""
    if check is None:
        return {}
    first = check.first_wrong
    marks = {}
    for row in check.rows:
        if row.ok:
            marks[id(row.tensor)] = (colors.CHECK_AGREES, f"✓ {row.formula} agrees", "3")
        elif row is first:
            marks[id(row.tensor)] = (colors.CHECK_DISAGREES, f"✗ FIRST WRONG: {row.formula} disagrees", "5")
        else:
            marks[id(row.tensor)] = (colors.CHECK_DISAGREES, f"✗ {row.formula} disagrees", "3")
    return marks


def _grad_lookup(grads):
    if grads is _NOT_GIVEN:
        return lambda t: None if t.grad is None else t.grad.data
    return lambda t: grads.get(id(t))


def _recurrence(walk) -> set:
    """The keys of the nodes on each time step's spine: the longest path from the previous
    step's first state (h_(t−1)) to this one's (h_t), through the step's own ops. dot keeps the
    nodes of one `group` in a straight line, so the recurrence runs straight down the page
    instead of drifting sideways step after step; the other branches hang off the spine."""
    owner = {id(fn): group for fn, group, _ in walk.step_groups()}
    if not owner:
        return set()

    def is_state(t):
        group = group_of(t)
        return group is not None and group.first == id(t)

    best = {}   # id(tensor) -> (ops on the longest path from a previous state to it, input on that path)
    for t in walk.tensors:   # forward order: every input before the tensors computed from it
        fn = t.grad_fn
        if fn is None or id(fn) not in owner:
            continue
        for inp in fn.inputs:
            length = 1 if is_state(inp) and owner.get(id(inp.grad_fn)) != owner[id(fn)] else (
                best[id(inp)][0] + 1 if id(inp) in best else 0)
            if length and length > best.get(id(t), (0, None))[0]:
                best[id(t)] = (length, inp)
    keys = set()
    for t in walk.tensors:
        if not is_state(t) or id(t) not in best:
            continue
        u = t
        while id(u) in best:
            keys.update({("t", id(u)), ("op", id(u.grad_fn))})
            u = best[id(u)][1]
        keys.add(("t", id(u)))
    return keys


def _shared_uses(walk) -> dict:
    """{(id(tensor), id(op)): node id} of the uses drawn as a small reference to the tensor's
    full node: every use but the first of a leaf (a weight, data, a constant) that more than
    SHARED_USES drawn ops take or that several time steps use (the first use in the order the
    ops were computed: time step 1), and the inputs of a wide op (more than SHARED_USES inputs:
    a stack of the h_t of every time step) that are drawn in full where they are used first.
    A recurrent layer's weights feed every time step and its output stacks every step: one
    node with an edge to each step makes the picture a tangle, and dot's layout time grows
    steeply with the number of steps (a 20-step RNN: 16 s, against 0.2 s with references)."""
    consumers: dict = {}
    for fn in walk.ops:   # forward order
        for inp in fn.inputs:
            if id(inp) in walk.tensor_ids:
                uses = consumers.setdefault(id(inp), [])
                if id(fn) not in uses:
                    uses.append(id(fn))
    shared = {}
    leaves = {id(t) for t in walk.tensors if t.grad_fn is None}
    step_of = {id(fn): group for fn, group, _ in walk.step_groups()}
    for k, uses in consumers.items():
        in_steps = {step_of.get(op_key) for op_key in uses} - {None}
        if k in leaves and (len(uses) > SHARED_USES or len(in_steps) > 1):
            uses = sorted(uses, key=walk.sequence_of)
            for n, op_key in enumerate(uses[1:], 1):
                shared[(k, op_key)] = f"{walk.tensor_ids[k]}_use{n}"
    for fn in walk.ops:
        if len(fn.inputs) > SHARED_USES:
            for inp in fn.inputs:
                uses = consumers.get(id(inp), ())
                if len(uses) > 1 and uses[0] != id(fn):
                    shared.setdefault((id(inp), id(fn)), f"{walk.tensor_ids[id(inp)]}_in{walk.op_ids[id(fn)]}")
    return shared


def _declare_reference(target, node: str, name: str, fill: str, outline) -> None:
    """A shared tensor again: its name on its colour, dashed, pointing back to the full node."""
    border = {"color": outline, "penwidth": "3"} if outline else {"color": "#777777"}
    target.node(node, f"<<B>{_esc(name)}</B> <FONT POINT-SIZE=\"9\">(shared)</FONT>>", shape="box",
                style="rounded,dashed,filled", fillcolor=fill, fontcolor=colors.font_color(fill),
                fontsize="10", height="0.25", margin="0.06,0.02",
                tooltip=f"{name}: the same tensor as drawn in full at its first use", **border)


def _edges(dot, walk, shared, clusters) -> None:
    """Input → op → output. An edge into a cluster that has input nodes of its own (weights)
    spans two ranks: those inputs sit one rank above the op, and would otherwise share a rank
    with the previous cluster's last node, so that dot sets each cluster beside the one before
    (a staircase thousands of pixels wide) instead of under it."""
    cluster_of = {key: id(c) for c in clusters.values() for key in c["members"]}
    leaves = {id(t) for t in walk.tensors if t.grad_fn is None}
    with_inputs = {id(c) for c in clusters.values()
                   if any(k[0] == "ref" or (k[0] == "t" and k[1] in leaves) for k in c["members"])}
    for fn in walk.ops:
        op_id = walk.op_ids[id(fn)]
        into = cluster_of.get(("op", id(fn)))
        for inp in fn.inputs:
            if id(inp) in walk.tensor_ids:
                style = {} if inp.requires_grad else {"style": "dashed", "color": "#aaaaaa"}
                ref = shared.get((id(inp), id(fn)))
                key = ("ref", ref) if ref else ("t", id(inp))
                if into in with_inputs and cluster_of.get(key) != into and inp.grad_fn is not None:
                    style.update(minlen="2", weight="8")   # and straight down: no drift sideways
                dot.edge(ref or walk.tensor_ids[id(inp)], op_id, **style)
    for t in walk.tensors:
        if t.grad_fn is not None and id(t.grad_fn) in walk.op_ids:
            dot.edge(walk.op_ids[id(t.grad_fn)], walk.tensor_ids[id(t)])


def _note_left_out(dot, walk, max_nodes, around: bool = False) -> None:
    total = len(walk.tensors) + len(walk.ops) + walk.left_out
    if around:
        reason = f"the graph has {total} nodes: shown are the ops around this step.\n"
    else:
        reason = (f"the graph has {total} nodes, more than max_nodes={max_nodes}.\n"
                  f"Pass max_nodes=None to draw all of it\n(big graphs: rendering stops after "
                  f"a time limit, timeout=…).")
    text = (f"… {walk.left_out} more nodes not drawn\n"
            f"({walk.left_out_tensors} tensors, {walk.left_out_ops} ops):\n" + reason)
    dot.node("left_out", text, shape="note", style="filled", fillcolor="#fff3cd", color="#b58900")
    for t in walk.tensors:
        if t.grad_fn is not None and id(t.grad_fn) not in walk.op_ids:
            dot.edge("left_out", walk.tensor_ids[id(t)], style="dotted")
    for fn in walk.ops:   # an op whose inputs were left out (the earlier steps of a stack)
        if any(id(t) not in walk.tensor_ids for t in fn.inputs):
            dot.edge("left_out", walk.op_ids[id(fn)], style="dotted")


def _clusters(walk, shared) -> dict:
    """{key: {"graph": Digraph, "members": set}}: first one cluster per marked group of ops (a
    time step of a recurrent layer, see groups.py), with the tensors those ops make; then per
    layer: each other op with a parameter input, that parameter, the op's output, and the
    elementwise ops (activations) applied after it. A shared tensor's extra drawings
    (`shared`) go with the op that uses them."""
    clusters = {}

    def member(prefix, key, label=None):
        if prefix not in clusters:
            sub = graphviz.Digraph(f"cluster_{len(clusters)}")
            sub.attr(label=label or prefix, style="rounded,dashed", color="#7f7f7f", fontcolor="#444444")
            clusters[prefix] = {"graph": sub, "members": set()}
        clusters[prefix]["members"].add(key)

    outputs = {id(t.grad_fn): t for t in walk.tensors if t.grad_fn is not None}
    grouped = set()
    for fn, group, label in walk.step_groups():
        grouped.add(id(fn))
        member(group, ("op", id(fn)), label)
        out = outputs.get(id(fn))
        if out is not None and out is not walk.root:
            member(group, ("t", id(out)), label)
    for fn in walk.ops:
        if id(fn) in grouped:
            continue
        prefixes = [walk.module_of(t) for t in fn.inputs]
        prefix = next((p for p in prefixes if p), None)
        if prefix is None:
            continue
        member(prefix, ("op", id(fn)))
        for t in fn.inputs:
            if walk.module_of(t) == prefix:
                member(prefix, ("t", id(t)))
        out = outputs.get(id(fn))
        if out is not None and out is not walk.root:
            member(prefix, ("t", id(out)))
    # an elementwise op applied to a layer's output (its activation) belongs to that layer
    for fn in walk.ops:
        out = outputs.get(id(fn))
        if len(fn.inputs) != 1 or out is None or out is walk.root or out.shape != fn.inputs[0].shape:
            continue
        prefix = next((p for p, c in clusters.items()
                       if isinstance(p, str) and ("t", id(fn.inputs[0])) in c["members"]), None)
        if prefix is not None and id(fn) not in grouped and ("op", id(fn)) not in clusters[prefix]["members"]:
            member(prefix, ("op", id(fn)))
            member(prefix, ("t", id(out)))
    cluster_of_op = {key[1]: c for c in clusters.values() for key in c["members"] if key[0] == "op"}
    for (_, op_key), node in shared.items():
        if op_key in cluster_of_op:
            cluster_of_op[op_key]["members"].add(("ref", node))
    return clusters


def _tensor_fill(t, walk, grad, color_by) -> str:
    if color_by == "grad" and t.requires_grad:
        return colors.grad_color(grad_norm(grad))
    if t is walk.root:
        return colors.ROOT
    if not t.requires_grad:
        return colors.DATA
    return colors.LEAF if t.grad_fn is None else colors.INTERMEDIATE


def _tensor_label(name, t, grad, show_data, show_grad, fill, missing_grad, outline=None, mark=None) -> str:
    font = colors.font_color(fill)
    dtype = np.dtype(t.data.dtype).name
    blocks = []   # the value and the gradient side by side, to check one against the other
    if show_data:
        blocks.append(_block("value", array_text(t.data)))
    if show_grad and t.requires_grad:
        blocks.append(_block("grad", array_text(grad) if grad is not None else missing_grad))
    width = mark[2] if mark else "3"
    border = f'COLOR="{outline}" BORDER="{width}"' if outline else 'COLOR="#555555" BORDER="1"'
    span = f' COLSPAN="{len(blocks)}"' if len(blocks) > 1 else ""
    rows = [f'<TD ALIGN="LEFT"{span}><B>{_esc(name)}</B>   {shape_text(t.shape)} {dtype}</TD>']
    if mark:
        rows.append(f'<TD ALIGN="LEFT"{span}><B>{_esc(mark[1])}</B></TD>')
    if blocks:
        rows.append("".join(f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">{b}</TD>' for b in blocks))
    cells = "".join(f"<TR>{r}</TR>" for r in rows)
    return (f'<<TABLE {border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill}">'
            f'<TR><TD><FONT COLOR="{font}"><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">'
            f"{cells}</TABLE></FONT></TD></TR></TABLE>>")


def _block(title: str, text: str) -> str:
    # no-break spaces: SVG viewers collapse runs of spaces, which would misalign the columns.
    # A gutter at the end of every line, growing with the line: browsers' monospace fonts run a
    # few per cent wider than dot measures, so a long row of values (a vector of 9–24) ran into
    # the grad column beside it with a fixed two-space gutter.
    raw = text.split("\n")
    longest = max(len(line) for line in raw)
    gutter = "\u00a0" * (2 + longest // 12)
    lines = [_esc(line.ljust(longest)).replace(" ", "\u00a0") + gutter for line in raw]
    body = "<BR/>".join(lines)
    return f'<I>{title}</I><BR/><FONT FACE="{MONO}" POINT-SIZE="9">{body}</FONT>'


def _op_label(fn) -> str:
    derivative = f"<BR/><FONT POINT-SIZE=\"10\">{_esc(fn.derivative)}</FONT>" if fn.derivative else ""
    return f"<<B>{_esc(fn.name)}</B>{derivative}>"


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)
