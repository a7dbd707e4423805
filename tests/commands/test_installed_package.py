"""The package as a user gets it from `pip install`: a wheel built from this checkout,
installed into a fresh virtualenv, every `tinygrad-edu` command run from an empty directory
(nothing of the repository on the path)."""
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("installed")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(work / "dist"), str(ROOT)], capture_output=True, text=True,
                           env=_without_pythonpath())
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("tinygrad_edu-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.check_output([str(python), "-c", purelib], text=True).strip())
    # the dependencies (numpy, graphviz, scikit-learn …) from this environment; the package itself
    # only from the wheel (this environment's editable install is not on that path)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                                "--no-deps", str(wheel)], capture_output=True, text=True,
                               env=_without_pythonpath())
    assert installed.returncode == 0, installed.stderr
    empty = work / "empty"
    empty.mkdir()
    return python, empty


def _without_pythonpath() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def run(installed, *args, timeout=300):
    python, cwd = installed
    return subprocess.run([str(python), "-m", "tinygrad_edu", *args], cwd=cwd, env=_without_pythonpath(),
                          capture_output=True, text=True, timeout=timeout)


def test_the_wheel_is_what_runs(installed):
    python, cwd = installed
    where = subprocess.check_output([str(python), "-c", "import tinygrad_edu; print(tinygrad_edu.__file__)"],
                                    cwd=cwd, env=_without_pythonpath(), text=True)
    assert str(ROOT) not in where and "site-packages" in where


def test_check_from_an_empty_directory(installed):
    result = run(installed, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All hand-derived formulas agree with autograd." in result.stdout


def test_demo_from_an_empty_directory(installed):
    result = run(installed, "demo")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "README.md" not in out, "an installed user has no README.md to look at"
    assert (installed[1] / "tinygrad_edu_output").is_dir()


def test_bench_says_where_the_benchmarks_are(installed):
    result = run(installed, "bench", "--quick")
    assert result.returncode == 2
    message = result.stdout + result.stderr
    assert "unrecognized arguments" not in message
    assert "benchmarks" in message and "repository" in message


def test_graph_from_an_empty_directory(installed):
    result = run(installed, "graph", "--network", "002", "--format", "html", "--out", "steps.html")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (installed[1] / "steps.html").stat().st_size > 1000


def test_check_grades_a_students_file_from_an_empty_directory(installed):
    student = installed[1] / "student.py"
    student.write_text(
        "import numpy as np\nimport tinygrad_edu as tg\nfrom tinygrad_edu import Tensor\n"
        "w = Tensor(np.array([1.0, 2.0]), requires_grad=True, name='w')\n"
        "loss = (w * w).sum()\n"
        "tg.check_gradients(loss, {'w': 2 * w.numpy()})\n")
    result = run(installed, "check", "student.py")
    assert result.returncode == 0, result.stdout + result.stderr
