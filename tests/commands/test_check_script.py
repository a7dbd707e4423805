"""`tinygrad-edu check PATH.py` on a student's file (subprocess): exit 0 when every formula
agrees, 1 when one disagrees, 2 with a clear message when the file cannot be graded; and the
two examples a learner copies from."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

STUDENT = '''
import numpy as np
import tinygrad_edu as tg
from tinygrad_edu import Tensor

rng = np.random.RandomState(0)
X = Tensor(rng.randn(3, 5), name="X")
W = Tensor(rng.randn(2, 3), requires_grad=True, name="W")
Z = (W @ X).named("Z")
A = Z.tanh().named("A")
loss = (A ** 2).mean()
dA = 2 * A.data / A.size
dZ = dA * (1 - A.data ** 2)        # SLIP_Z
dW = dZ @ X.data.T
tg.check_gradients(loss, {"A": dA, "Z": dZ, "W": dW})
'''


def run(*args):
    return subprocess.run([sys.executable, "-m", "tinygrad_edu", "check", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def student(tmp_path, text, name="student.py"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_passing_file_exits_0(tmp_path):
    result = run(student(tmp_path, STUDENT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check 1 of 1 (student.py, line 15)" in result.stdout
    assert "All 3 hand-derived gradients agree" in result.stdout and "FAIL" not in result.stdout


def test_a_failing_file_exits_1_and_says_where_and_what(tmp_path):
    wrong = STUDENT.replace("(1 - A.data ** 2)        # SLIP_Z", "(1 - A.data)")
    result = run(student(tmp_path, wrong))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "dZ" in out and "FAIL ← first wrong" in out
    assert "dA agrees, so the slip is in the local step from dA to dZ: tanh (∂ = G·(1 − tanh²))" in out
    assert "FAILED: 1 of 1 check(s)" in out


def test_every_check_counts_and_assert_ok_is_a_disagreement(tmp_path):
    text = STUDENT + 'tg.check_gradients(loss, {"W": -dW}).assert_ok()\nprint("not reached")\n'
    result = run(student(tmp_path, text))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "check 2 of 2" in result.stdout and "is −1 × autograd: the negative gradient" in result.stdout
    assert "not reached" not in result.stdout and "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("text, message", [
    ("def f(:\n", "student.py, line 1: syntax error"),
    (STUDENT.replace("dW = dZ", "dW = dz"), "student.py, line 14: dW = dz @ X.data.T\n  NameError"),
    (STUDENT.replace('"Z": dZ', '"Z1": dZ'), "KeyError: \"check_gradients: no tensor named 'Z1'"),
    ("print('no check here')\n", "made no tg.check_gradients(loss, formulas) call"),
    ("import sys\nsys.exit(3)\n", "exited with status 3"),
])
def test_a_broken_file_exits_2_with_a_clear_error(tmp_path, text, message):
    result = run(student(tmp_path, text))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "tinygrad_edu/" not in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = run(tmp_path / "nowhere.py")
    assert result.returncode == 2 and "nowhere.py: no such file" in result.stderr


def test_the_script_runs_as_main_with_its_folder_on_the_path(tmp_path):
    (tmp_path / "helper.py").write_text("FACTOR = 1\n")
    text = "from helper import FACTOR\nif __name__ == '__main__':\n" + "".join(
        "    " + line + "\n" for line in STUDENT.strip().splitlines())
    result = run(student(tmp_path, text))
    assert result.returncode == 0, result.stdout + result.stderr


# ── the examples ─────────────────────────────────────────────────────────────────────────────

def run_example(name):
    return subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True,
                          timeout=120)


def test_check_your_derivation_example():
    result = run_example("check_your_derivation.py")
    assert result.returncode == 0, result.stderr
    assert "All 7 hand-derived gradients agree" in result.stdout
    assert run(EXAMPLES / "check_your_derivation.py").returncode == 0


def test_check_your_derivation_slip_is_diagnosed(tmp_path):
    source = (EXAMPLES / "check_your_derivation.py").read_text()
    slipped = re.sub(r"^dscores = \(probs - onehot\) / N$", "# (fixed)", source, flags=re.M)
    slipped = slipped.replace("# dscores = probs - onehot ", "dscores = probs - onehot ")
    assert slipped != source
    result = run(student(tmp_path, slipped, "slipped.py"))
    assert result.returncode == 1
    assert "dscores: is 50 × autograd: 50 = the batch size" in result.stdout


def test_backprop_ninja_example():
    result = run_example("backprop_ninja.py")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "on a batch of 32 digits" in out
    rows = re.findall(r"^(d\w+)\s+\S+\.grad\s+\S+\s+(\S+)\s+(\S+)\s+ok$", out, re.M)
    assert len(rows) >= 20
    assert all(float(abs_err) < 1e-14 for _, abs_err, _ in rows)
    assert all(float(rel) < 1e-10 for name, _, rel in rows if name != "db1")   # db1 is 0 ± rounding
    for name in ("dbnvar", "dbnstd", "dbnmeani", "dlogit_maxes", "dcounts_sum_inv", "dlogprobs", "dW1"):
        assert name in [r[0] for r in rows]
    assert "All 24 hand-derived gradients agree with autograd (rtol 1e-10" in out
