"""The progress bar of training runs: tqdm's when it is installed and wanted, else nothing."""
from __future__ import annotations


class Progress:
    """A bar over `total` steps (when `show` and tqdm is installed); `step(i, loss)` advances it
    and shows the loss every `postfix_every` steps.

        with Progress(epochs, "digits MLP", show=True, unit="epoch") as bar:
            for epoch in range(epochs):
                ...
                bar.step(epoch, loss)
    """

    def __init__(self, total: int, desc: str, show: bool, unit: str = "step", postfix_every: int = 1):
        self.bar = None
        self.postfix_every = postfix_every
        if show:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, desc=desc, unit=unit, leave=True)

    def step(self, step: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if step % self.postfix_every == 0:
                self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
