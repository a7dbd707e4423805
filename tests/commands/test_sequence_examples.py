"""examples/char_rnn.py and examples/tiny_gpt.py run end to end (tiny settings), print what
they learned and sampled, and write their loss curves."""
import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name, argv, monkeypatch):
    monkeypatch.setattr(sys, "argv", [name, *argv])
    return runpy.run_path(str(EXAMPLES / name), run_name="not_main")["main"]()


def test_char_rnn_example(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    argv = ["--steps", "40", "--hidden", "16", "--embedding", "8", "--samples", "5", "--sample-words",
            "--no-progress", "--plot", str(tmp_path / "loss.png")]
    run = run_example("char_rnn.py", argv, monkeypatch)
    out = capsys.readouterr().out
    assert "char LSTM on 2,345 words: validation loss" in out and "sampled words:" in out
    assert run.evals[-1][2] < run.evals[0][2] and len(run.samples) == 5
    assert (tmp_path / "loss.png").stat().st_size > 1000


def test_tiny_gpt_example(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    run = run_example("tiny_gpt.py", ["--iters", "25", "--tokens", "40", "--sample-text", "--no-progress",
                                      "--plot", str(tmp_path / "loss.svg")], monkeypatch)
    out = capsys.readouterr().out
    assert "tiny GPT (" in out and "validation loss" in out and "after 25 iterations" in out
    assert len(run.samples) == 40 and run.samples in out
    assert (tmp_path / "loss.svg").read_text().lstrip().startswith("<?xml")
