"""Ready-made training runs built from the library's parts (nn, optim, data), shared by the demo,
the tests and readers who want a working baseline:

    from tinygrad_edu.recipes import train_digits_mlp
    result = train_digits_mlp(epochs=15, seed=0, progress=True)   # ≈97% test accuracy

`Progress` is the one progress bar (tqdm when installed) and `accuracy` the one accuracy
measure; the write-ups' networks (`documents/`) use both too.
"""
from .careless_init import fix_step_by_step, stages_table, tanh_mlp
from .digits import digits_mlp, train_digits_mlp
from .metrics import accuracy
from .progress import Progress

__all__ = ["train_digits_mlp", "digits_mlp", "accuracy", "Progress", "fix_step_by_step", "stages_table",
           "tanh_mlp"]
