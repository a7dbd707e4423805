"""The progress display of training runs: tqdm's bar in a terminal or a notebook; elsewhere (CI, a
log file, a pipe), where a bar's redraws would flood the log, a plain line every few seconds."""
from __future__ import annotations

import sys
import time


def interactive(stream) -> bool:
    """A terminal, or a Jupyter kernel (whose output is a notebook cell, where tqdm draws a widget)."""
    try:
        if stream.isatty():
            return True
    except (AttributeError, ValueError):
        return False
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None and "ipykernel" in sys.modules and hasattr(shell, "kernel")


class Progress:
    """A display of `total` steps when `show`; `step(i, loss)` advances it and shows the loss
    every `postfix_every` steps.

        with Progress(epochs, "digits MLP", show=True, unit="epoch") as bar:
            for epoch in range(epochs):
                ...
                bar.step(epoch, loss)

    Interactive (a terminal or a notebook, and tqdm installed): tqdm's bar. Otherwise a line such
    as "digits MLP: 40/100 epoch (40%), loss 0.1234, 8.1 s" at most every `every_seconds`, and
    one at the end."""

    def __init__(self, total: int, desc: str, show: bool, unit: str = "step", postfix_every: int = 1,
                 every_seconds: float = 5.0, stream=None, clock=time.monotonic):
        self.bar = self.lines = None
        self.postfix_every = postfix_every
        if not show:
            return
        stream = stream if stream is not None else sys.stderr
        if interactive(stream):
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, desc=desc, unit=unit, leave=True, file=stream)
        else:
            self.lines = _Lines(total, desc, unit, every_seconds, stream, clock)

    def step(self, step: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if step % self.postfix_every == 0:
                self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
        elif self.lines is not None:
            self.lines.step(loss)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        elif self.lines is not None:
            self.lines.finish()


class _Lines:
    """One line per `every_seconds` (the first after the first step), and the last at the end."""

    def __init__(self, total: int, desc: str, unit: str, every_seconds: float, stream, clock):
        self.total, self.desc, self.unit, self.every = total, desc, unit, every_seconds
        self.stream, self.clock = stream, clock
        self.start = self.last = clock()
        self.done, self.loss, self.printed_at = 0, None, None

    def step(self, loss) -> None:
        self.done += 1
        self.loss = loss
        now = self.clock()
        if self.printed_at is None or now - self.last >= self.every:
            self._print(now)

    def finish(self) -> None:
        if self.done and self.printed_at != self.done:
            self._print(self.clock())

    def _print(self, now: float) -> None:
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        loss = f", loss {float(self.loss):.4f}" if self.loss is not None else ""
        print(f"{self.desc}: {self.done}/{self.total} {self.unit}{share}{loss}, {now - self.start:.1f} s",
              file=self.stream, flush=True)
        self.last, self.printed_at = now, self.done
