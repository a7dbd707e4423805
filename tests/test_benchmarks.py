"""The benchmark harness: every workload computes the same loss on every engine (tiny sizes, so
this is fast), a wrong engine is caught, and the report prints the ratio columns. No timing
is asserted anywhere."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import harness  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402


def test_seven_workloads_with_numpy_and_tinygrad_versions():
    assert len(WORKLOADS) == 7
    assert len({w.name for w in WORKLOADS}) == 7
    for w in WORKLOADS:
        assert {"numpy", "tinygrad_edu"} <= set(w.engines)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_same_loss_on_numpy_and_tinygrad(workload):
    losses = harness.check_same_loss(workload, workload.build(True), ["numpy", "tinygrad_edu"], steps=3)
    assert all(np.isfinite(losses["numpy"]))
    if workload.name not in ("chain200", "chain100k"):  # training steps: the loss must move
        assert losses["numpy"][0] != losses["numpy"][2]


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_same_loss_on_torch(workload):
    pytest.importorskip("torch")
    harness.check_same_loss(workload, workload.build(True), ["numpy", "torch"])


def test_a_wrong_engine_is_caught():
    w = WORKLOADS[0]

    def off_by_a_bit(problem):
        step = w.engines["numpy"](problem)
        return lambda: step() * 1.001

    broken = harness.Workload(w.name, w.title, w.build, {**w.engines, "tinygrad_edu": off_by_a_bit}, w.goal)
    with pytest.raises(harness.LossMismatch, match="tinygrad_edu"):
        harness.check_same_loss(broken, broken.build(True), ["numpy", "tinygrad_edu"])


def test_a_wrong_update_is_caught():
    """The first step's loss alone does not see the update: the check runs two steps."""
    w = next(w for w in WORKLOADS if w.name == "mlp")

    def no_update(problem):
        frozen = dict(problem)
        step = w.engines["numpy"](problem)
        first = [True]

        def run():
            if first[0]:
                first[0] = False
                return step()
            return w.engines["numpy"](frozen)()
        return run

    broken = harness.Workload(w.name, w.title, w.build, {**w.engines, "tinygrad_edu": no_update}, w.goal,
                              float64=False)
    with pytest.raises(harness.LossMismatch):
        harness.check_same_loss(broken, broken.build(True), ["numpy", "tinygrad_edu"])


def test_report_prints_ratio_columns(capsys, monkeypatch):
    tiny = [harness.Workload(w.name, w.title, lambda tiny, b=w.build: b(True), w.engines, w.goal,
                             w.float64, w.ops_per_step) for w in WORKLOADS if w.name in ("seed_net", "chain200")]
    monkeypatch.setattr(harness, "WORKLOADS", tiny)
    parser = __import__("argparse").ArgumentParser()
    harness.add_arguments(parser)
    assert harness.run(parser.parse_args(["--quick", "--repeats", "1"])) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("| workload"))
    for column in ("numpy", "tinygrad_edu", "ratio", "torch ratio", "peak mem numpy", "peak mem ours", "mem ratio"):
        assert f" {column} |" in header
    rows = [line for line in out.splitlines() if line.startswith("| ") and "×" in line]
    assert len(rows) == 2
    assert "/op" in rows[1]   # the 200-op chain is reported per op


def test_cli_knows_bench(capsys):
    from tinygrad_edu import cli
    with pytest.raises(SystemExit):
        cli.main(["bench", "--help"])
    assert "--quick" in capsys.readouterr().out


def test_cli_bench_passes_every_argument_to_the_harness_in_the_checkout(monkeypatch):
    from tinygrad_edu import cli
    from tinygrad_edu.commands import bench
    calls = []

    def fake_run(cmd, cwd):
        calls.append((cmd, cwd))
        return 3
    monkeypatch.setattr(bench, "run_streamed", fake_run)
    assert cli.main(["bench", "--quick", "--workload", "mlp", "--threads", "1"]) == 3
    assert calls == [([sys.executable, "-m", "benchmarks", "--quick", "--workload", "mlp", "--threads", "1"],
                      bench.REPO)]
    assert (bench.REPO / "benchmarks" / "harness.py").is_file()


def test_cli_bench_outside_a_checkout_says_where_the_benchmarks_are(monkeypatch, tmp_path, capsys):
    from tinygrad_edu import cli
    from tinygrad_edu.commands import bench
    monkeypatch.setattr(bench, "REPO", tmp_path)     # as in site-packages: no benchmarks/ beside it
    monkeypatch.setattr(bench, "run_streamed", lambda cmd, cwd: pytest.fail("nothing to run"))
    assert cli.main(["bench", "--quick"]) == 2
    err = capsys.readouterr().err
    assert "not part of the installed package" in err and "source repository" in err
    assert "python3 bootstrap.py bench" in err and "unrecognized" not in err


def test_cli_other_commands_still_reject_unknown_arguments(capsys):
    from tinygrad_edu import cli
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--quick"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --quick" in capsys.readouterr().err
