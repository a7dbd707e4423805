"""TrainingMonitor: watch a network train, and be told in words what looks wrong.

    mon = viz.TrainingMonitor(model)                 # hooks on nn.Tanh / nn.ReLU / … modules
    for step in range(steps):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
        mon.record(loss)                             # after optimizer.step()
    for finding in mon.diagnose():                   # [] for a healthy network
        print(finding.message)
    mon.table(); mon.plot("monitor.png")             # in Jupyter: mon, mon.plot()

The views are those of Karpathy's makemore lecture on activations and gradients: each
activation layer's statistics (share of saturated tanh units, of dead ReLUs), each weight's
gradient, and the update-to-data ratio log10(std Δp / std p) — about −3 is healthy.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..tensor import Tensor
from . import monitor_plot
from .diagnosis import DEFAULT_THRESHOLDS, Finding, diagnose
from .monitor_stats import Block, ParameterSample, activation_stats, parameter_stats
from .names import counted_labels
from .tables import html_table, text_table

ACTIVATION_KINDS = {"Tanh": "tanh", "Hardtanh": "tanh", "Sigmoid": "sigmoid", "Hardsigmoid": "sigmoid",
                    "ReLU": "relu", "LeakyReLU": "relu", "ReLU6": "relu", "PReLU": "relu", "ELU": "relu",
                    "CELU": "relu", "SELU": "relu", "GELU": "relu", "SiLU": "relu", "Mish": "relu"}
BLOCK = 100  # recorded steps whose statistics are computed together

__all__ = ["TrainingMonitor", "Finding", "ACTIVATION_KINDS"]


class TrainingMonitor:
    """Watches `model`'s activation modules (forward hooks) and its parameters.

    num_classes: C of the initial-loss check (first loss > 2 × ln C is over-confident);
      default the out_features of the model's last Linear.
    every: record every n-th call of `record` (the update ratio is still one step's change).
    The other keyword arguments are the thresholds of `diagnose()`'s findings, named after
    their kinds (see DEFAULT_THRESHOLDS).
    """

    def __init__(self, model, num_classes: int | None = None, *, every: int = 1, **thresholds):
        if not (hasattr(model, "named_modules") and hasattr(model, "named_parameters")):
            raise TypeError(f"TrainingMonitor watches an nn.Module, got {type(model).__name__}")
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"TrainingMonitor: every must be a whole number ≥ 1, got {every!r}")
        unknown = sorted(set(thresholds) - set(DEFAULT_THRESHOLDS))
        if unknown:
            raise TypeError(f"TrainingMonitor: unknown threshold {', '.join(map(repr, unknown))}; "
                            f"the thresholds are {', '.join(DEFAULT_THRESHOLDS)}")
        self.model, self.every = model, every
        self.thresholds = {**DEFAULT_THRESHOLDS, **thresholds}
        self.num_classes = num_classes if num_classes is not None else _last_out_features(model)
        self.labels = counted_labels(model)
        self.activations = {name: ACTIVATION_KINDS[type(m).__name__] for name, m in model.named_modules()
                            if type(m).__name__ in ACTIVATION_KINDS}
        self.params = [(n, p) for n, p in model.named_parameters() if p.requires_grad and p.size > 0]
        if not self.params:
            raise ValueError(f"TrainingMonitor: {type(model).__name__} has no parameters that require grad")
        self.weights = {n for n, p in self.params if p.ndim >= 2}
        self._sample = ParameterSample([p for _, p in self.params])
        self._handles = [m.register_forward_hook(self._keeper(name)) for name, m in model.named_modules()
                         if name in self.activations]
        self.note = "" if self.activations else _no_activation_note(model, len(self.params))
        if self.note:
            warnings.warn(self.note, UserWarning, stacklevel=2)
        self._latest, self._last_outputs, self._blocks, self._history = {}, {}, [], []
        self._block, self._built = None, 0
        self._calls, self._snapshot = 0, self._sample.values()

    # --- recording --------------------------------------------------------------------------
    def _keeper(self, name: str):
        def keep(module, inputs, output):
            if isinstance(output, Tensor) and output.requires_grad:  # not an eval pass under no_grad
                self._latest[name] = output
        return keep

    def record(self, loss) -> None:
        """Keep this step's loss, activation statistics, gradients and update ratios; call it
        once per training step, after optimizer.step()."""
        step = self._calls
        if step % self.every:
            self._calls = step + 1
            if (step + 1) % self.every == 0:
                self._snapshot = self._sample.values()  # the next call records one step's change
            self._latest = {}
            return
        block = self._block or self._new_block()
        row = len(block.steps)
        block.before[row] = self._snapshot
        missing = self._sample.values_and_grads(block.rows[row])
        if missing is not None and all(missing):
            raise RuntimeError("TrainingMonitor.record: no parameter of the model has a gradient: call "
                               "loss.backward() and optimizer.step() first, then mon.record(loss) "
                               "(before the next zero_grad())")
        self._calls = step + 1
        self._snapshot = block.rows[row, :self._sample.width]
        block.steps.append(step)
        block.losses.append(loss.item() if isinstance(loss, Tensor) else float(loss))
        block.missing.append(missing)
        last = {}
        for name, t in self._latest.items():
            block.keep_output(name, row, t.data)
            last[name] = (t.data, t.grad)  # arrays, not the tensor: the step's graph is freed now
        self._last_outputs, self._latest = last, {}
        if row + 1 == block.size:
            self._flush()

    def _new_block(self) -> Block:
        """Room for up to BLOCK steps, fewer for a big model (its rows stay under ~64 MB)."""
        per_step = 3 * self._sample.width * 8 + sum(t.data.nbytes for t in self._latest.values())
        self._block = Block(self._sample, max(1, min(BLOCK, (64 << 20) // per_step)))
        return self._block

    def _flush(self) -> None:
        block = self._block
        if block is None or not block.steps:
            return
        n = len(block.steps)
        gone = np.array([m if m is not None else [False] * len(self.params) for m in block.missing], dtype=bool)
        w = self._sample.width
        g_std, ratio = parameter_stats(self._sample, block.before[:n], block.rows[:n, :w], block.rows[:n, w:], gone)
        kept = {"steps": list(block.steps), "losses": list(block.losses), "grad_std": g_std,
                "update_ratio": ratio, "gone": gone, "activations": {}}
        for name, kind in self.activations.items():
            rows, outputs = block.activation_rows(name)
            if rows:
                kept["activations"][name] = (list(rows), activation_stats(kind, outputs))
        self._blocks.append(kept)
        block.clear()

    @property
    def last_arrays(self) -> dict:
        """The last recorded step's activation outputs and gradients ({name: (output, ∂L/∂output)})
        and the parameters' gradients, for the histograms."""
        outputs = {n: (a, None if g is None else g.data) for n, (a, g) in self._last_outputs.items()}
        grads = {n: None if p.grad is None else p.grad.data for n, p in self.params}
        return {"outputs": outputs, "grads": grads}

    def remove(self) -> None:
        """Detach the forward hooks (the history stays)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # --- reading ----------------------------------------------------------------------------
    @property
    def history(self) -> list:
        """One dict per recorded step: step, loss, activations {module: mean, std, saturated,
        dead}, parameters {name: grad_std, update_ratio} (None where it does not
        apply: no saturation for ReLU, no gradient)."""
        self._flush()
        names = [n for n, _ in self.params]
        for block in self._blocks[self._built:]:
            g_std = block["grad_std"].tolist()
            ratio = _nones(block["update_ratio"])
            entries = [{"step": step, "loss": loss, "activations": {},
                        "parameters": {n: {"grad_std": None if off else g, "update_ratio": r}
                                       for n, g, r, off in zip(names, gs, rs, offs)}}
                       for step, loss, gs, rs, offs in zip(block["steps"], block["losses"], g_std, ratio,
                                                           block["gone"].tolist())]
            for name, (seen, stats) in block["activations"].items():
                kind = self.activations[name]
                columns = {key: values.tolist() for key, values in stats.items()}
                columns["saturated"] = columns["saturated"] if kind in ("tanh", "sigmoid") else [None] * len(seen)
                columns["dead"] = columns["dead"] if kind == "relu" else [None] * len(seen)
                for k, i in enumerate(seen):
                    entries[i]["activations"][name] = {key: columns[key][k] for key in columns}
            self._history += entries
        self._built = len(self._blocks)
        return self._history

    def label(self, name: str) -> str:
        """How the pictures name a module: `layer 1 Tanh` for a Sequential's index `1`."""
        return self.labels.get(name, name)

    def diagnose(self) -> list:
        """The problems the recorded steps show, as Findings (.kind .where .step .message); an
        empty list for a healthy network."""
        return diagnose(self.history, self.activations, self.weights, self.num_classes, self.thresholds,
                        self.labels)

    def param_label(self, name: str) -> str:
        """`layer 1 weight` for a Sequential's `0.weight`; other names as they are."""
        module, _, leaf = name.rpartition(".")
        label = self.labels.get(module, module)
        return f"{label} {leaf}" if module and label != module else name

    def _rows(self):
        last = self.history[-1]
        outputs = self.last_arrays["outputs"]
        acts = []
        for n, kind in self.activations.items():
            s = last["activations"].get(n)
            if s is not None:
                grad = outputs[n][1] if n in outputs else None
                acts.append([self.label(n), n, kind, _num(s["mean"]), _num(s["std"]), _pct(s["saturated"]),
                             _pct(s["dead"]), "—" if grad is None else _num(float(np.std(grad)))])
        params = [[self.param_label(n), n, "×".join(map(str, p.shape)), _num(last["parameters"][n]["grad_std"]),
                   _num(last["parameters"][n]["update_ratio"], ".2f")] for n, p in self.params]
        caption = f"step {last['step']}   loss {last['loss']:.4g}   ({len(self._history)} steps recorded)"
        return caption, acts, params

    ACT_HEAD = ["layer", "module", "kind", "mean", "std", "saturated", "dead", "std of ∂L/∂output"]
    PARAM_HEAD = ["layer", "parameter", "shape", "grad std", "log10 update ratio"]

    def table(self) -> str:
        """The last recorded step as text: one row per activation module, one per parameter."""
        if not self.history:
            return "(nothing recorded yet: call mon.record(loss) after each optimizer.step())"
        caption, acts, params = self._rows()
        parts = [caption]
        parts.append(text_table(self.ACT_HEAD, acts) if acts else self.note)
        parts.append(text_table(self.PARAM_HEAD, params))
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        if not self.history:
            return "<p>TrainingMonitor: nothing recorded yet</p>"
        caption, acts, params = self._rows()
        findings = self.diagnose()
        verdict = ("<p>diagnose(): no problem found</p>" if not findings else
                   "<ul>" + "".join(f"<li><b>{f.kind}</b>: {_esc(f.message)}</li>" for f in findings) + "</ul>")
        acts_html = html_table(self.ACT_HEAD, acts, "activations") if acts else f"<p>{_esc(self.note)}</p>"
        return (f"<p><b>TrainingMonitor</b> — {_esc(caption)}</p>{acts_html}"
                f"{html_table(self.PARAM_HEAD, params, 'parameters')}{verdict}")

    def __repr__(self) -> str:
        return (f"TrainingMonitor({type(self.model).__name__}: {len(self.activations)} activation modules, "
                f"{len(self.params)} parameters, {len(self.history)} steps recorded)")

    def plot(self, path=None):
        """One figure, four panels: activation histograms per layer, gradient histograms per
        layer (the last recorded step), update ratios of the weights over the steps against the
        10⁻³ guide, and the loss. PNG/SVG/PDF by the path's suffix; the Figure is returned
        (shown inline in Jupyter)."""
        return monitor_plot.plot(self, path)


def _last_out_features(model):
    last = None
    for _, m in model.named_modules():
        if type(m).__name__ == "Linear":
            last = m
    return getattr(last, "out_features", None)


def _no_activation_note(model, n_params: int) -> str:
    return (f"TrainingMonitor: {type(model).__name__} has no activation modules (nn.Tanh, nn.ReLU, …), so "
            "there are no activation statistics (an activation written as x.relu() in forward() is not "
            f"a module and cannot be hooked); watching its {n_params} parameters only")


def _nones(values: np.ndarray) -> list:
    """Rows of numbers as Python floats, NaN as None (a ratio that is not defined)."""
    return [[None if v != v else v for v in row] for row in values.tolist()]


def _num(x, fmt=".3g") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def _pct(x) -> str:
    return "—" if x is None or math.isnan(x) else f"{x:.0%}"


def _esc(text: str) -> str:
    import html
    return html.escape(text)
