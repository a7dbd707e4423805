"""`tinygrad-edu check` and `tinygrad-edu demo`, end to end in a subprocess."""
import re
import subprocess
import sys

import pytest


def run_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "tinygrad_edu", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_check_prints_three_tables_and_passes():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for title in ("000 ·", "001 ·", "002 ·"):
        assert title in out
    for quantity in ("dZ2", "m·Z2.grad", "dW1", "dA0", "d_weights1", "−weights1.grad"):
        assert quantity in out
    worst = float(re.search(r"largest relative error ([0-9.e+-]+)", out).group(1))
    assert worst < 1e-10
    assert "FAIL" not in out and "NEGATIVE" in out


def test_check_exits_1_when_a_formula_disagrees(monkeypatch, capsys):
    from conftest import plant_error

    from tinygrad_edu.cli import main
    for key in ("000", "001", "002"):
        plant_error(monkeypatch, key, 1e-3)
    assert main(["check"]) == 1
    assert "FAILED: 3 of" in capsys.readouterr().out


@pytest.fixture(scope="module")
def quick_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_cli("demo", "--quick", "--out", str(out))


def test_demo_quick_trains_checks_and_writes(quick_demo):
    out, result = quick_demo
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    for network in ("000 ·", "001 ·", "002 ·", "digits MLP"):
        assert network in text
    assert "All hand-derived formulas agree with autograd." in text
    assert str(out.resolve()) in text
    csv = (out / "losses.csv").read_text().splitlines()
    assert csv[0] == "step,000,001,002,digits" and len(csv) == 1 + 1500   # 002: 1500 iterations
    pytest.importorskip("matplotlib")
    assert (out / "loss_curves.png").stat().st_size > 1000


def test_demo_default_reaches_its_accuracies(tmp_path):
    result = run_cli("demo", "--out", str(tmp_path), "--no-progress")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split("·")[0].split()[0]: line for line in result.stdout.splitlines()
            if re.match(r"^(000|001|002|digits) ", line) and "%" in line}
    percents = {key: [float(p) for p in re.findall(r"([0-9.]+)%", line)] for key, line in rows.items()}
    assert percents["000"][1] >= 85          # test accuracy on a fresh flower draw
    assert percents["001"][1] >= 90          # breast-cancer test split
    assert percents["digits"][1] >= 95
    assert float(re.search(r"max \|output − y\| = ([0-9.]+)", result.stdout).group(1)) < 0.1
    seconds = float(re.search(r"Demo finished in ([0-9.]+) s", result.stdout).group(1))
    assert seconds < 60


@pytest.mark.parametrize("script, expected", [
    ("seed000_two_layer_tanh.py", "training accuracy"),
    ("seed001_l_layer_sigmoid.py", "test accuracy"),
    ("seed002_sum_of_squares.py", "predictions"),
])
def test_examples_run(script, expected):
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "examples" / script
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    first_errors = [float(v) for v in re.findall(r"(?:grad:?|=)\s+([0-9.e+-]+)\s*$", result.stdout, re.M)]
    assert first_errors and max(first_errors) < 1e-12      # each example's formula check


def test_demo_without_matplotlib_or_tqdm_writes_csv(tmp_path, monkeypatch, capsys):
    from tinygrad_edu.commands import demo
    for missing in ("matplotlib", "matplotlib.pyplot", "tqdm", "tqdm.auto"):
        monkeypatch.setitem(sys.modules, missing, None)          # import now raises ImportError
    results = [demo.Summary("002", "002 · net, rows", "GD steps", 3, [1.0, 0.5, 0.25], {}, 0.1)]
    with demo.Progress(3, "002", show=True) as bar:
        bar.step(0, 1.0)
    written = demo.write_loss_curves(results, tmp_path)
    assert [p.name for p in written] == ["losses.csv"]
    assert (tmp_path / "losses.csv").read_text().splitlines() == ["step,002", "0,1", "1,0.5", "2,0.25"]
    assert "matplotlib is not installed" in capsys.readouterr().out


def test_demo_progress_labels_are_whole_words_and_short():
    from tinygrad_edu.commands.demo import progress_label
    from tinygrad_edu.documents import NETWORKS
    labels = [progress_label(key, module.TITLE) for key, module in NETWORKS.items()]
    assert labels == ["000 two-layer tanh/sigmoid", "001 L-layer all-sigmoid", "002 two-layer sigmoid"]
    for module, label in zip(NETWORKS.values(), labels):
        title_words = module.TITLE.replace(",", " ").split()
        assert all(word in title_words for word in label.split()), (label, module.TITLE)
        assert len(label) <= 28
