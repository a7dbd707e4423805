"""The benchmark harness: every workload computes the same loss on every engine (tiny sizes, so
this is fast), a wrong engine is caught, and the report prints the ratio columns. No timing
is asserted anywhere."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import harness  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402


def test_nine_workloads_with_numpy_and_tinygrad_versions():
    assert len(WORKLOADS) == 9
    assert len({w.name for w in WORKLOADS}) == 9
    for w in WORKLOADS:
        assert {"numpy", "tinygrad_edu"} <= set(w.engines)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_same_loss_on_numpy_and_tinygrad(workload):
    losses = harness.check_same_loss(workload, workload.build(True), ["numpy", "tinygrad_edu"], steps=3)
    assert all(np.isfinite(losses["numpy"]))
    if workload.name not in ("chain200", "chain100k"):  # training steps: the loss must move
        assert losses["numpy"][0] != losses["numpy"][2]


@pytest.mark.parametrize("workload", [w for w in WORKLOADS if "tinygrad_edu compiled" in w.engines],
                         ids=lambda w: w.name)
def test_same_loss_on_the_compiled_step_including_its_replays(workload):
    harness.check_same_loss(workload, workload.build(True), ["numpy", "tinygrad_edu compiled"], steps=5)
    step = workload.engines["tinygrad_edu compiled"](workload.build(True))
    for _ in range(5):
        step()
    assert step.replays == 3   # traced twice, then replayed: the check above compared replays


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


def _tiny_report(capsys, monkeypatch) -> str:
    tiny = [harness.Workload(w.name, w.title, lambda tiny, b=w.build: b(True), w.engines, w.goal,
                             w.float64, w.ops_per_step) for w in WORKLOADS if w.name in ("seed_net", "chain200")]
    monkeypatch.setattr(harness, "WORKLOADS", tiny)
    parser = __import__("argparse").ArgumentParser()
    harness.add_arguments(parser)
    assert harness.run(parser.parse_args(["--quick", "--repeats", "1"])) == 0
    return capsys.readouterr().out


def _header(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("| workload"))


def test_report_prints_ratio_columns(capsys, monkeypatch):
    out = _tiny_report(capsys, monkeypatch)
    header = _header(out)
    columns = ["numpy", "tinygrad_edu", "ratio", "peak mem numpy", "peak mem ours", "mem ratio"]
    for column in columns + (["torch ratio"] if harness.torch_available() else []):
        assert f" {column} |" in header
    rows = [line for line in out.splitlines() if line.startswith("| ") and "×" in line]
    assert len(rows) == 2
    assert "/op" in rows[1]   # the 200-op chain is reported per op


def test_without_torch_the_report_has_no_torch_column_and_every_row(capsys, monkeypatch):
    monkeypatch.setattr(harness, "torch_available", lambda: False)   # a newcomer's venv
    out = _tiny_report(capsys, monkeypatch)
    assert " ratio |" in _header(out) and "torch" not in _header(out)
    assert len([line for line in out.splitlines() if line.startswith("| ") and "×" in line]) == 2


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


# --- peers: MyGrad, when installed -------------------------------------------------------------

def test_every_workload_has_a_mygrad_version():
    for w in WORKLOADS:
        assert "mygrad" in w.engines, f"{w.name} has no MyGrad step"


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_same_loss_on_mygrad(workload):
    pytest.importorskip("mygrad")
    harness.check_same_loss(workload, workload.build(True), ["numpy", "mygrad"])


# --- the table: one ratio column per engine that ran, --runs ranges ----------------------------

def tiny_workloads(*names, extra_engines=None):
    """Tiny copies of the named workloads; `extra_engines` ({name: factory}) is added to the first."""
    chosen = [w for w in WORKLOADS if w.name in names]
    out = []
    for i, w in enumerate(chosen):
        engines = {**w.engines, **(extra_engines or {})} if i == 0 else dict(w.engines)
        out.append(harness.Workload(w.name, w.title, lambda tiny, b=w.build: b(True), engines, w.goal,
                                    w.float64, w.ops_per_step, ahead_of=w.ahead_of))
    return out


def run_report(monkeypatch, capsys, workloads, *arguments):
    monkeypatch.setattr(harness, "WORKLOADS", workloads)
    parser = __import__("argparse").ArgumentParser()
    harness.add_arguments(parser)
    assert harness.run(parser.parse_args(["--quick", "--repeats", "1", *arguments])) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("| workload"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    rows = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] in {w.title for w in workloads}:
            rows[cells[0]] = dict(zip(columns, cells))
    return columns, [rows[w.title] for w in workloads]


def test_a_new_engine_gets_its_own_column_and_others_show_a_dash(monkeypatch, capsys):
    seed = next(w for w in WORKLOADS if w.name == "seed_net")
    workloads = tiny_workloads("seed_net", "chain200",
                               extra_engines={"tinygrad_edu again": seed.engines["tinygrad_edu"]})
    columns, (seed_row, chain_row) = run_report(monkeypatch, capsys, workloads, "--no-memory")
    ratios = [c for c in columns if c.endswith(" ratio") and c != "mem ratio"]
    peers = [e for e in ("torch", "mygrad") if harness.engine_available(e)]
    assert ratios == [f"{e} ratio" for e in ["tinygrad_edu", "tinygrad_edu compiled", *peers, "tinygrad_edu again"]]
    assert columns[:3] == ["workload", "numpy", "tinygrad_edu"]
    assert columns[-5:] == ["goal", "met", "peak mem numpy", "peak mem ours", "mem ratio"]
    assert RATIO_WITH_QUARTILES.match(seed_row["tinygrad_edu again ratio"])
    assert chain_row["tinygrad_edu again ratio"] == "–"   # the chain has no such engine
    assert "ahead of torch" in chain_row["goal"]


def test_an_engine_whose_package_is_missing_is_skipped_without_a_word(monkeypatch, capsys):
    monkeypatch.setitem(harness.PEER_PACKAGES, "ghost", "no_such_package_for_tinygrad_edu")
    workloads = tiny_workloads("seed_net", extra_engines={"ghost": lambda problem: pytest.fail("ran")})
    assert "ghost" not in harness.available_engines(workloads[0])
    columns, _ = run_report(monkeypatch, capsys, workloads, "--no-memory")
    assert not any("ghost" in c for c in columns)
    assert "ghost" in harness.machine_line() and "not installed" in harness.machine_line()


RATIO_RANGE = re.compile(r"^\d+\.\d\d(–\d+\.\d\d)?×$")
RATIO_WITH_QUARTILES = re.compile(r"^\d+\.\d\d× \(\d+\.\d\d–\d+\.\d\d\)$")


def test_runs_show_each_ratio_as_its_range_and_keep_the_memory(monkeypatch, capsys):
    columns, rows = run_report(monkeypatch, capsys, tiny_workloads("seed_net", "chain200"), "--runs", "2")
    out_ratios = [c for c in columns if c.endswith(" ratio") and c != "mem ratio"]
    for row in rows:
        for column in out_ratios:
            assert RATIO_RANGE.match(row[column]), row[column]
        assert row["peak mem ours"].endswith("B")    # measured in the first run only, still shown
        assert row["met"] in ("yes", "no", "in 1 of 2 runs")
    assert rows[1]["numpy"].endswith("/op")


def test_one_run_shows_the_median_with_its_quartiles(monkeypatch, capsys):
    columns, rows = run_report(monkeypatch, capsys, tiny_workloads("seed_net"), "--no-memory")
    assert RATIO_WITH_QUARTILES.match(rows[0]["tinygrad_edu ratio"]), rows[0]["tinygrad_edu ratio"]
    assert rows[0]["peak mem ours"] == "–"


def test_ratio_and_time_range_formatting():
    assert harness.ratio_text([5.4, 5.1, 5.25]) == "5.10–5.40×"
    assert harness.ratio_text([5.1, 5.104]) == "5.10×"
    assert harness.ratio_text([2.0]) == "2.00×"
    assert harness.ratio_text([2.0], (1.9, 2.1)) == "2.00× (1.90–2.10)"
    assert harness.time_text([18.2e-6, 17.8e-6]) == "17.8–18.2 µs"
    assert harness.time_text([0.9995e-3, 1.02e-3]) == "999.5 µs–1.02 ms"
    assert harness.time_text([1.4e-6, 1.5e-6], "/op") == "1.4–1.5 µs/op"
    assert harness.time_text([0.5]) == "500.00 ms"


def test_met_needs_the_goal_and_the_named_peers_in_every_run():
    w = harness.Workload("w", "w", lambda tiny: {}, {}, goal=2.0, ahead_of=("torch",))

    def result(ours, torch):
        return {"workload": w, "ratio": {"tinygrad_edu": ours, "torch": torch}}
    assert harness.goal_met([result(1.5, 3.0)]) == ("≤ 2×, ahead of torch", "yes")
    assert harness.goal_met([result(1.5, 1.4)])[1] == "no"            # within the goal, behind torch
    assert harness.goal_met([result(2.5, 3.0)])[1] == "no"            # ahead of torch, over the goal
    assert harness.goal_met([result(1.5, 3.0), result(2.1, 3.0)])[1] == "in 1 of 2 runs"
    goal, met = harness.goal_met([{"workload": w, "ratio": {"tinygrad_edu": 1.5}}])
    assert goal == "≤ 2×, ahead of torch (not run)" and met == "yes"


def test_runs_must_be_positive():
    parser = __import__("argparse").ArgumentParser()
    harness.add_arguments(parser)
    assert parser.parse_args([]).runs == 1
    with pytest.raises(SystemExit):
        parser.parse_args(["--runs", "0"])


def test_the_readme_header_names_every_engine_the_workloads_define():
    assert harness.COLUMNS == harness.columns(["tinygrad_edu", "tinygrad_edu compiled", "torch", "mygrad",
                                               "torch LSTMCell"])
    assert "torch ratio" in harness.COLUMNS and "mygrad ratio" in harness.COLUMNS
    assert "torch LSTMCell ratio" in harness.COLUMNS   # the lstm workload's second PyTorch version


def test_cli_bench_help_lists_runs(capsys):
    from tinygrad_edu import cli
    with pytest.raises(SystemExit):
        cli.main(["bench", "--help"])
    assert "--runs" in capsys.readouterr().out


def test_profile_splits_the_step_by_where_the_code_lives():
    from benchmarks import profile
    from benchmarks.workloads import WORKLOADS
    seed = next(w for w in WORKLOADS if w.name == "seed_net")
    text = profile.profile(seed, seconds=0.05, top=5, tiny=True)
    shares = [float(line.split("%")[0]) for line in text.splitlines()
              if line.startswith("    ") and "%" in line and "×" not in line]
    assert abs(sum(shares) - 100) < 1.0            # the buckets cover the whole step
    assert "tinygrad_edu/tensor.py" in text and "tinygrad_edu/autograd.py" in text
    assert "function.py" in text.split("functions with the most time")[1]   # apply is among the top five
    assert sum(1 for line in text.splitlines() if "×" in line) == 5


def test_profile_flag_profiles_instead_of_timing(capsys):
    from benchmarks import harness
    assert harness.main(["--profile", "--workload", "seed_net"]) == 0
    out = capsys.readouterr().out
    assert "seed_net:" in out and "steps profiled" in out and "| workload |" not in out
