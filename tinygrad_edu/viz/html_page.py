"""`save_html`: the backward pass as ONE self-contained HTML page (no network, no CDN).

One frame per backward step: the graph rendered by `dot` as inline SVG, every tensor with its
value beside its gradient (known so far), the step's op and tensors outlined; plus text naming
what the op computed, its local derivative, the gradient it received and, for each input, the
derivative with the numbers put in and the gradient it gave. A slider, Prev/Next buttons and
the arrow keys walk forward and back. Inline CSS and JS only.
"""
from __future__ import annotations

import html
import os
import re

from .formulas import WORKED_MAX, gradient_name
from .graph import draw_graph
from .labels import array_text
from .render import to_svg
from .steps import backward_steps
from .walk import GraphWalk

FRAME_NODES = 150   # a bigger graph is shown around each step, not whole, in each frame
RECEIVED, PRODUCED = "#d32f2f", "#ef6c00"   # outlines: the gradient taken in, the ones given out
_SVG_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
_SVG_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def save_html(root, path, module=None, params=None, title: str = "Backpropagation, step by step",
              show_data: bool = True, max_steps: int | None = 300, check=None) -> str:
    """Write the step-through page for the backward pass from `root` to `path`; returns path.

    show_data: show every tensor's forward values (a summary for large ones) beside its
    gradient, so a step can be checked by hand; False for gradients only. max_steps: refuse
    graphs with more backward steps than this; None for no limit. Each step is one picture
    rendered by `dot`: the whole graph when it has at most FRAME_NODES nodes, else the ops
    around the step (a 50-step tanh RNN: 203 steps, each picture a few time steps), so the cap
    is about the page's size and the time to render it (~0.3 s a step), not dot's layout time.
    check: a `tg.check_gradients` result, shown on every frame (green/red outlines) and at the
    step that produces each checked gradient.
    """
    steps = backward_steps(root, module=module, params=params)
    if max_steps is not None and len(steps) > max_steps:
        raise ValueError(f"save_html: the backward pass has {len(steps)} steps, more than "
                         f"max_steps={max_steps} (one rendered picture each, ~0.3 s and ~50 kB a "
                         f"step); step through a smaller network or a shorter sequence, or pass "
                         f"max_steps=None")
    walk = GraphWalk(root)
    big = len(walk.tensors) + len(walk.ops) > FRAME_NODES
    frames = [_frame(root, step, len(steps), module, params, show_data, check, big) for step in steps]
    page = _PAGE.format(title=html.escape(title), count=len(steps), last=len(steps) - 1,
                        frames="\n".join(frames), style=_STYLE, script=_SCRIPT)
    path = os.fspath(path)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


def inline_svg(svg: str) -> str:
    """Graphviz's SVG, stripped of its XML prologue and namespace URLs for inlining in HTML5."""
    return _SVG_NAMESPACES.sub("", _SVG_PROLOGUE.sub("", svg)).strip()


def _produced(name, g, worked) -> str:
    title = f"<b class='produced'>{html.escape(gradient_name(name))}</b>"
    if g is None:
        return f"<div class='grad'>{title} <span class='none'>no gradient (needs none)</span></div>"
    summary = "" if g.size <= WORKED_MAX else f"<pre>{html.escape(array_text(g))}</pre>"
    return f"<div class='grad'>{title}<pre class='worked'>{html.escape(worked)}</pre>{summary}</div>"


def _frame(root, step, count, module, params, show_data, check=None, big=False) -> str:
    touched = {id(t): PRODUCED for t, g in zip(step.inputs, step.input_grads) if g is not None}
    touched[id(step.output)] = RECEIVED
    graph = draw_graph(root, show_data=show_data, module=module, params=params, max_nodes=None,
                       grads=step.grads_so_far, highlight_op=step.fn, highlight_tensors=touched,
                       missing_grad="not yet", check=check, around=step.fn if big else None)
    produced = "".join(_produced(name, g, worked) for name, g, worked
                       in zip(step.input_names, step.input_grads, step.worked))
    return f"""<section class="frame" data-step="{step.index}"{'' if step.index == 0 else ' hidden'}>
<div class="info">
<h2 class="step-title">Step {step.index + 1} of {count}: <code>{html.escape(step.op)}</code></h2>
<p class="forward">forward: <code>{html.escape(step.forward)}</code></p>
<p class="derivative">local derivative: <code>{html.escape(step.derivative or '(none given)')}</code></p>
<div class="grad"><b class="received">received G = {html.escape(gradient_name(step.output_name))}</b>
<pre>{html.escape(array_text(step.grad))}</pre></div>
<p>produced, one per input (summed back to the input's shape):</p>
{produced}
{_check_note(check, step)}
<p class="key">In the graph: the op being applied is yellow, the tensor whose gradient it
received is outlined <span class="received">red</span>, the inputs it gave gradients to
<span class="produced">orange</span>. A tensor used twice shows a partial sum until both uses
have sent their gradient.</p>
</div>
<div class="graph">{inline_svg(to_svg(graph))}</div>
</section>"""


def _check_note(check, step) -> str:
    """What a gradient check says about the gradients this step produces."""
    if check is None:
        return ""
    rows = {id(r.tensor): r for r in check.rows}
    notes = []
    for t in step.inputs:
        r = rows.get(id(t))
        if r is not None:
            verdict = "agrees" if r.ok else f"disagrees: {r.diagnosis}"
            first = " (the first wrong one)" if r is check.first_wrong else ""
            notes.append(f"<p class='check'>your formula <b>{html.escape(r.formula)}</b> "
                         f"{html.escape(verdict)}{first}</p>")
    return "".join(notes)


# The page never scrolls: the header takes its height, and each frame fills the rest of the
# window with two panes that scroll on their own (the step's text, the graph). Centring the
# current op moves only the graph pane, so the first paint shows the header at the top.
_STYLE = """
html, body { height: 100%; margin: 0; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #222; display: flex;
       flex-direction: column; overflow: hidden; }
header { flex: none; background: #fafafa; border-bottom: 1px solid #ccc; padding: 6px 16px; }
header h1 { font-size: 17px; margin: 0 0 6px; }
.controls { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; white-space: nowrap; }
.controls input[type=range] { flex: 1; min-width: 120px; }
button { font-size: 15px; padding: 4px 14px; }
#position { min-width: 100px; font-weight: bold; }
main { flex: 1; min-height: 0; }
.frame { display: flex; gap: 16px; height: 100%; box-sizing: border-box; padding: 0 0 0 16px; }
.frame[hidden] { display: none; }
.info { flex: 0 0 clamp(320px, 34vw, 440px); font-size: 14px; overflow-y: auto; padding: 12px 4px 12px 0; }
.info h2 { font-size: 17px; margin: 4px 0 8px; }
.info pre { background: #f4f4f4; padding: 4px 6px; margin: 2px 0 8px; font-size: 12px;
            overflow-x: auto; }
.derivative code { background: #fff3c4; padding: 2px 4px; }
.forward code { background: #eef3fb; padding: 2px 4px; }
.info pre.worked { white-space: pre-wrap; overflow-wrap: anywhere; }
.none { color: #888; }
.received { color: #d32f2f; }
.produced { color: #ef6c00; }
.key { color: #555; font-size: 12px; border-top: 1px solid #ddd; padding-top: 6px; }
.graph { flex: 1; min-width: 0; overflow: auto; padding: 12px 16px 12px 0; box-sizing: border-box; }
body.fit .graph svg { max-width: 100%; max-height: 100%; width: auto; height: auto; }
.hint { color: #666; font-size: 13px; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll('.frame');
  var slider = document.getElementById('slider');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var position = document.getElementById('position');
  var current = 0;
  function centre(pane, node) {  // scroll the graph pane (not the window) to put node mid-pane
    var p = pane.getBoundingClientRect(), n = node.getBoundingClientRect();
    pane.scrollLeft += (n.left + n.width / 2) - (p.left + p.width / 2);
    pane.scrollTop += (n.top + n.height / 2) - (p.top + p.height / 2);
  }
  function show(i) {
    current = Math.max(0, Math.min(frames.length - 1, i));
    for (var k = 0; k < frames.length; k++) { frames[k].hidden = (k !== current); }
    slider.value = current;
    position.textContent = 'step ' + (current + 1) + ' / ' + frames.length;
    prev.disabled = current === 0;
    next.disabled = current === frames.length - 1;
    var pane = frames[current].querySelector('.graph');
    var node = pane.querySelector('.current');
    if (node && !document.body.classList.contains('fit')) { centre(pane, node); }
  }
  document.getElementById('fit').addEventListener('change', function (e) {
    document.body.classList.toggle('fit', e.target.checked);
    show(current);
  });
  prev.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft') { show(current - 1); e.preventDefault(); }
    if (e.key === 'ArrowRight') { show(current + 1); e.preventDefault(); }
  });
  // page.html#fit&step=4 opens fitted to the window at step 4
  var hash = window.location.hash;
  if (/fit/.test(hash)) { document.getElementById('fit').checked = true; document.body.classList.add('fit'); }
  var start = /step=(\\d+)/.exec(hash);
  show(start ? parseInt(start[1], 10) - 1 : 0);
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div class="controls">
<button id="prev" type="button">&#9664; Prev</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="backward step">
<button id="next" type="button">Next &#9654;</button>
<span id="position">step 1 / {count}</span>
<label><input id="fit" type="checkbox"> fit graph to window</label>
<span class="hint">← → keys work too</span>
</div>
</header>
<main>
{frames}
</main>
<script>{script}</script>
</body>
</html>
"""
