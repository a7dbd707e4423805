"""`tinygrad-edu bench [options]`: time tinygrad_edu against hand-written numpy (and PyTorch when
installed), side by side.

The benchmarks are not part of the installed package: they live in the source repository's
`benchmarks/` folder. From a source checkout this command runs `python -m benchmarks [options]`
in the repository's root, every option passed through (`tinygrad-edu bench --help` lists the
harness's); from an installed package it says where the benchmarks are and exits with status 2.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PASSES_ARGUMENTS = True   # cli.py hands everything after `bench` to the harness, unparsed
REPO = Path(__file__).resolve().parents[2]
NOT_INSTALLED = (
    "tinygrad-edu bench: the benchmarks are not part of the installed package; they live in the "
    "benchmarks/ folder of tinygrad_edu's source repository. To run them, clone the repository "
    "and, from its root, run `python3 bootstrap.py bench --quick` (or `python -m benchmarks "
    "--quick` in an environment where tinygrad_edu is installed).")


def checkout() -> Path | None:
    """The root of the source checkout this package runs from, when its benchmarks/ are there."""
    if (REPO / "pyproject.toml").is_file() and (REPO / "benchmarks" / "__main__.py").is_file():
        return REPO
    return None


def add_arguments(parser) -> None:
    """None of its own: the harness parses them."""


def run(args) -> int:
    root = checkout()
    if root is None:
        print(NOT_INSTALLED, file=sys.stderr)
        return 2
    code = run_streamed([sys.executable, "-m", "benchmarks", *args.arguments], cwd=root)
    if "-h" in args.arguments or "--help" in args.arguments:
        raise SystemExit(code)   # as every other command's --help does
    return code


def run_streamed(cmd: list, cwd: Path) -> int:
    """Run `cmd`, copying its output line by line to sys.stdout (so that a notebook or a test that
    replaced sys.stdout sees it as it comes); returns the exit status."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True,
                          encoding="utf-8", errors="replace") as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
    return proc.returncode
