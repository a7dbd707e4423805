"""A PyTorch course script (pytorch_course_digits.py: a CNN on the digits with a Module subclass,
DataLoader, random_split, Adam, OneCycleLR, train/eval, no_grad evaluation, save and load) runs
with ONLY its imports changed, and gives PyTorch's losses from the same weights.

The two runs are made comparable from outside the script: the optimizer's constructor records
PyTorch's initial weights and hands them to ours, and PyTorch's random permutations (the split,
each epoch's shuffle) are replayed as ours."""
import difflib
import os
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import _random

SCRIPT = Path(__file__).with_name("pytorch_course_digits.py")
IMPORTS = {  # PyTorch's import line → ours: the only change made to the script
    "import torch": "import tinygrad_edu as torch",
    "import torch.nn as nn": "import tinygrad_edu.nn as nn",
    "import torch.nn.functional as F": "import tinygrad_edu.nn.functional as F",
    "from torch.utils.data import DataLoader, TensorDataset, random_split":
        "from tinygrad_edu.utils.data import DataLoader, TensorDataset, random_split",
}


def _ours(text: str) -> str:
    return "\n".join(IMPORTS.get(line, line) for line in text.splitlines()) + "\n"


def test_only_import_lines_are_changed():
    text = SCRIPT.read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(text.splitlines(), _ours(text).splitlines())
               if line.startswith(("- ", "+ "))]
    assert len(changed) == 2 * len(IMPORTS)
    assert all(line[2:].startswith(("import ", "from ")) for line in changed)
    assert "tinygrad_edu" not in text


def _run(text: str, workdir: Path) -> dict:
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        exec(compile(text, str(SCRIPT), "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def test_the_course_script_gives_pytorchs_losses(tmp_path, monkeypatch, capsys):
    torch = pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    text = SCRIPT.read_text(encoding="utf-8")
    initial, permutations = [], []

    class RecordingAdam(torch.optim.Adam):
        def __init__(self, params, *args, **kwargs):
            params = list(params)
            initial.extend(p.detach().numpy().copy() for p in params)
            super().__init__(params, *args, **kwargs)

    real_randperm, real_sampler = torch.utils.data.dataset.randperm, torch.utils.data.RandomSampler.__iter__

    def recording_randperm(n, *args, **kwargs):   # random_split's draw
        order = real_randperm(n, *args, **kwargs)
        permutations.append(order.numpy().copy())
        return order

    def recording_sampler(self):                  # an epoch's shuffle: the order the sampler gives
        order = list(real_sampler(self))
        permutations.append(np.array(order))
        yield from order

    with monkeypatch.context() as m:
        m.setattr(torch.optim, "Adam", RecordingAdam)
        m.setattr(torch.utils.data.dataset, "randperm", recording_randperm)
        m.setattr(torch.utils.data.RandomSampler, "__iter__", recording_sampler)
        (tmp_path / "torch").mkdir()
        theirs = _run(text, tmp_path / "torch")
    assert len(permutations) == 1 + theirs["EPOCHS"]   # the split, then one shuffle per epoch

    class SameStartAdam(tg.optim.Adam):
        def __init__(self, params, *args, **kwargs):
            params = list(params)
            assert [p.shape for p in params] == [a.shape for a in initial]
            for p, a in zip(params, initial):
                p.data[...] = a
            super().__init__(params, *args, **kwargs)

    replay = iter(permutations)
    monkeypatch.setattr(tg.optim, "Adam", SameStartAdam)
    monkeypatch.setattr(_random, "permutation", lambda n: next(replay))
    (tmp_path / "ours").mkdir()
    ours = _run(_ours(text), tmp_path / "ours")
    assert next(replay, None) is None   # the same random draws, in the same order

    assert len(ours["history"]) == len(theirs["history"]) == theirs["EPOCHS"] * len(theirs["train_loader"])
    np.testing.assert_allclose(ours["history"], theirs["history"], rtol=2e-4)
    np.testing.assert_allclose(np.array(ours["evaluations"]), np.array(theirs["evaluations"]), rtol=2e-4)
    assert ours["restored_acc"] == ours["test_acc"] and ours["restored_loss"] == pytest.approx(ours["test_loss"])
    assert ours["history"][-1] < ours["history"][0] / 3 and ours["test_acc"] > 0.85
    out = capsys.readouterr().out
    assert out.count("epoch ") == 2 * theirs["EPOCHS"] and out.count("restored:") == 2
    assert isinstance(tg.load(tmp_path / "ours" / "digits_cnn.pt")["fc1.weight"], np.ndarray)
