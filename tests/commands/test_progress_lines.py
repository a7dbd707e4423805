"""Training progress: tqdm's bar in a terminal; in a log (CI, a file, a pipe) a plain
line every few seconds instead of a bar's redraws."""
import io
import subprocess
import sys

import pytest

from tinygrad_edu.recipes.progress import Progress


class FakeClock:
    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


def test_a_log_gets_a_line_every_few_seconds_and_one_at_the_end():
    log = io.StringIO()
    with Progress(20, "digits MLP", show=True, unit="epoch", stream=log, clock=FakeClock(1.0),
                  every_seconds=5.0) as bar:
        for i in range(20):
            bar.step(i, 1.0 / (i + 1))
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert [line.split(":")[1].split()[0] for line in lines] == ["1/20", "6/20", "11/20", "16/20", "20/20"]
    assert lines[-1].startswith("digits MLP: 20/20 epoch (100%), loss 0.0500, ")


def test_a_fast_run_prints_its_first_and_last_step_only():
    log = io.StringIO()
    with Progress(1000, "demo", show=True, stream=log, clock=FakeClock(0.001)) as bar:
        for i in range(1000):
            bar.step(i, 0.5)
    assert len(log.getvalue().splitlines()) == 2


def test_nothing_when_not_shown():
    log = io.StringIO()
    with Progress(5, "x", show=False, stream=log) as bar:
        bar.step(0, 1.0)
    assert log.getvalue() == ""


def test_a_terminal_gets_tqdms_bar():
    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    with Progress(3, "bar", show=True, stream=term) as bar:
        for i in range(3):
            bar.step(i, 0.25)
    assert "\r" in term.getvalue() and "3/3" in term.getvalue()


def test_a_piped_training_run_writes_lines_not_a_bar():
    pytest.importorskip("tqdm")
    code = ("from tinygrad_edu.recipes.progress import Progress\n"
            "with Progress(50, 'run', show=True) as bar:\n"
            "    for i in range(50): bar.step(i, 0.1)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and result.stderr.strip().splitlines()[-1].startswith("run: 50/50 step")
