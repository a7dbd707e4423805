"""The gallery: every picture the README shows, written into a folder the caller names (the
repository's is regenerated from its root with `tinygrad-edu graph --gallery viz/`):

  000_graph.svg, 001_graph.svg, 002_graph.svg   the write-ups' networks, values and gradients
  001_gradient_flow.svg                         001 coloured by gradient norm (its randn·0.01
                                                init makes the first layer's gradient vanish)
  rnn_graph.svg                                 a tanh RNN, a cluster per time step, coloured by
                                                gradient norm (it fades back through time)
  vanishing_gradients.png                       10-layer sigmoid vs ReLU (He and PyTorch init), per layer
  gradient_flow_training.png                    per-layer norms and dead ReLUs during training
  gradients_through_time.png                    tanh RNN, LSTM, GRU, attention: ‖∂L/∂h_t‖ over t;
                                                exploding gradients and clip_grad_norm_
  training_monitor_careless.png, _fixed.png     TrainingMonitor's four panels, before and after
                                                the lecture's fixes (recipes.careless_init)
  backward_steps.html (+ .png screenshot)       step through 002's backward pass in a browser
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import _random, nn
from ..documents import NETWORKS
from ..recipes import fix_step_by_step, stages_table
from ..tensor import Tensor
from .graph import draw_graph
from .html_page import save_html
from .memory_task import memory_comparison
from .render import GraphvizNotInstalled, render
from .vanishing import vanishing_gradient_comparison

DEMO_MEMORY = {"steps": 30, "examples": 32}   # the demo's shorter run of memory_comparison (a few seconds)


def build_network(key: str):
    """A write-up's network after one backward pass (so every tensor holds its gradient)."""
    module = NETWORKS[key]
    net = module.build()
    net.loss.backward()
    return module, net


def write_network_graph(key: str, path, color_by=None, fmt=None) -> str:
    module, net = build_network(key)
    title = module.TITLE + ("   ·   coloured by gradient norm" if color_by else "")
    if fmt == "html" or str(path).endswith(".html"):
        return save_html(net.loss, path, params=net.params, title=module.TITLE)
    return render(draw_graph(net.loss, params=net.params, color_by=color_by, title=title), path, fmt)


def write_rnn_graph(path, steps: int = 8) -> str:
    """A tanh RNN unrolled over `steps` time steps, one cluster each, coloured by gradient norm:
    the loss reads only the last state, so ‖∂L/∂h_t‖ fades step by step back towards t = 1."""
    _random.manual_seed(0)
    rnn = nn.RNN(2, 3, dtype="float64")
    xs = Tensor(_random.generator().normal(size=(steps, 1, 2)))
    out, _ = rnn(xs)
    loss = (out[-1] ** 2).sum().named("L = ‖h_T‖²")
    loss.backward()
    title = f"A tanh RNN over {steps} time steps, coloured by gradient norm: L reads h_{steps} only"
    return render(draw_graph(loss, module=rnn, color_by="grad", show_data=False, title=title,
                             max_nodes=None), path)


def build_gallery(out_dir, screenshot: bool = True, quiet: bool = False) -> list:
    """Write every gallery picture into the folder `out_dir` (made if missing); returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return write_graphs(out, screenshot) + write_charts(out, quiet)


def write_graphs(out: Path, screenshot: bool = True) -> list:
    """The write-ups' graphs (SVG) and the step-through page; needs Graphviz's `dot`."""
    written = [write_network_graph(key, out / f"{key}_graph.svg") for key in ("000", "001", "002")]
    written.append(write_network_graph("001", out / "001_gradient_flow.svg", color_by="grad"))
    written.append(write_rnn_graph(out / "rnn_graph.svg"))
    written.append(write_network_graph("002", out / "backward_steps.html"))
    if screenshot:
        png = screenshot_html(out / "backward_steps.html", out / "backward_steps.png", fragment="fit&step=4")
        if png:
            shrink_png(png)
            written.append(png)
    return [str(p) for p in written]


def write_charts(out: Path, quiet: bool = False, demo: bool = False) -> list:
    """The vanishing-gradient comparison, the training chart, the comparison through time and
    (not in the demo) the monitor's pictures: PNG with matplotlib; without it the tables are
    printed and nothing is written. demo: a shorter training of the comparison through time."""
    comparison = vanishing_gradient_comparison(steps=30)
    memory = memory_comparison(**(DEMO_MEMORY if demo else {}))
    if not quiet:
        print(comparison.table())
        print(memory.table())
    charts = [(out / "vanishing_gradients.png", comparison.plot),
              (out / "gradient_flow_training.png", _training_plot(comparison)),
              (out / "gradients_through_time.png", memory.plot)]
    if not demo:
        stages = fix_step_by_step()
        if not quiet:
            print(stages_table(stages))
        charts += [(out / "training_monitor_careless.png", stages[0].monitor.plot),
                   (out / "training_monitor_fixed.png", stages[2].monitor.plot)]
    written = []
    for fig_path, figure in charts:
        fig = figure(fig_path)
        if fig is not None:
            _close(fig)
            shrink_png(fig_path)
            written.append(str(fig_path))
    return written


def write_demo_pictures(out) -> list:
    """What `tinygrad-edu demo` adds to its folder: the graphs (skipped with a note when `dot` is
    missing), the gradient-flow charts and the step-through page. Returns Paths."""
    out = Path(out)
    written = []
    try:
        written += write_graphs(out, screenshot=False)
    except GraphvizNotInstalled:
        print("(backprop graphs skipped: Graphviz's `dot` is not installed — "
              "apt-get/brew/conda/winget install graphviz)")
    written += write_charts(out, quiet=True, demo=True)
    names = {Path(p).name for p in written}
    if "vanishing_gradients.png" in names:
        print("Vanishing gradients (10-layer sigmoid vs ReLU network): vanishing_gradients.png")
    if "gradients_through_time.png" in names:
        print("Through time (tanh RNN, LSTM, GRU, attention; exploding): gradients_through_time.png")
    if "backward_steps.html" in names:
        print("Step through a backward pass: open backward_steps.html in a browser")
    return [Path(p) for p in written]


def _training_plot(comparison):
    recorder = comparison.recorders["relu"]
    return lambda path: recorder.plot(
        path, title="10-layer ReLU network (He init): ‖dL/dW‖ of each layer over 30 SGD steps")


def screenshot_html(html_path, png_path, size=(1300, 1100), fragment: str = ""):
    """A PNG of the page in headless Chromium (None when Chromium is not installed)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("Chromium not found: skipping the screenshot of the step-through page")
        return None
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
               f"--screenshot={os.fspath(png_path)}", f"--window-size={size[0]},{size[1]}",
               Path(html_path).resolve().as_uri() + (f"#{fragment}" if fragment else "")]
        subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    return str(png_path) if Path(png_path).exists() else None


def shrink_png(path) -> None:
    """Re-save a PNG with a 256-colour palette (charts and screenshots use few colours): about
    a third of the size, so the committed gallery stays small. Needs Pillow (matplotlib's)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                           dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def _close(fig):
    import matplotlib.pyplot as plt
    plt.close(fig)

