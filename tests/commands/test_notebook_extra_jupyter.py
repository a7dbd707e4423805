"""`pip install "tinygrad_edu[notebook]"` gives a working Jupyter: the extra names
JupyterLab and nbconvert, and where it is installed `jupyter lab` and `jupyter nbconvert` are found
and nbconvert executes a notebook that uses tinygrad_edu."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_the_notebook_extra_names_jupyterlab_and_nbconvert():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {req.split(">")[0].split("=")[0].strip().lower() for req in extras["notebook"]}
    assert {"jupyterlab", "nbconvert", "ipykernel"} <= names
    assert "tinygrad_edu[notebook]" in extras["test"]   # bootstrap's test extra installs it too


def _jupyter() -> str:
    path = BIN / "jupyter" if (BIN / "jupyter").exists() else shutil.which("jupyter")
    if path is None:
        pytest.skip("the notebook extra is not installed here")
    return str(path)


@pytest.mark.parametrize("command", ["lab", "nbconvert"])
def test_jupyter_lab_and_nbconvert_are_found(command):
    pytest.importorskip("jupyterlab" if command == "lab" else "nbconvert")
    result = subprocess.run([_jupyter(), command, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()[0].isdigit()


def test_nbconvert_executes_a_notebook_that_uses_the_engine(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import tinygrad_edu as tg\nx = tg.tensor([1.0, 2.0], requires_grad=True)\n"
        "(x * x).sum().backward()\nprint(x.grad.tolist())")])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    result = subprocess.run([_jupyter(), "nbconvert", "--to", "notebook", "--execute", "--output", "ran.ipynb",
                             str(tmp_path / "tiny.ipynb")], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    ran = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    assert "[2.0, 4.0]" in ran.cells[0].outputs[0].text
