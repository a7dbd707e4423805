#!/usr/bin/env python3
"""Set up everything tinygrad_edu needs, then run one of its jobs. Needs only Python 3.10+.

    python3 bootstrap.py demo      # venv + package with extras + Graphviz, then `tinygrad-edu demo`
    python3 bootstrap.py test      # the same set-up plus the test tools, then ruff and the test suite
    python3 bootstrap.py check | graph | bench [args]   # any other `tinygrad-edu` command

Set-up is idempotent: the virtualenv lives in `.venv/` and is reinstalled only when
`pyproject.toml` changes. Graphviz's `dot` is installed with apt-get (as root, or with
passwordless sudo) or Homebrew when missing; otherwise the script says how to install it and
goes on (only rendering needs it). With CI=true (or TG_EDU_ORACLES=1) the test job also installs
the optional test oracles: torch==2.13.0 and Chromium (for the browser test of the HTML page).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
TORCH_PIN = "torch==2.13.0"


def log(msg: str) -> None:
    print(f"[bootstrap] {msg}", flush=True)


def run(cmd: list[str], check: bool = True, quiet: bool = False) -> int:
    out = subprocess.DEVNULL if quiet else None
    rc = subprocess.call(cmd, stdout=out, stderr=out if quiet else None)
    if check and rc != 0:
        sys.exit(f"[bootstrap] failed ({rc}): {' '.join(cmd)}")
    return rc


def ensure_venv(extra: str) -> None:
    if not PY.exists():
        log(f"creating virtualenv in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extra}-{digest}"
    if stamp.exists():
        return
    log(f"installing tinygrad_edu[{extra}] into the virtualenv")
    run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f"{ROOT}[{extra}]"])
    stamp.touch()


def have_root_apt() -> list[str] | None:
    if not shutil.which("apt-get"):
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") and run(["sudo", "-n", "true"], check=False, quiet=True) == 0:
        return ["sudo", "-n"]
    return None


def apt_install(*packages: str) -> bool:
    prefix = have_root_apt()
    if prefix is None:
        return False
    env_prefix = prefix + ["env", "DEBIAN_FRONTEND=noninteractive"]
    if run(env_prefix + ["apt-get", "install", "-y", "-qq", *packages], check=False, quiet=True) == 0:
        return True
    run(env_prefix + ["apt-get", "update", "-qq"], check=False, quiet=True)
    return run(env_prefix + ["apt-get", "install", "-y", "-qq", *packages], check=False, quiet=True) == 0


def ensure_graphviz() -> None:
    if shutil.which("dot"):
        return
    log("Graphviz's `dot` is missing; installing it")
    if apt_install("graphviz") or (shutil.which("brew") and run(["brew", "install", "graphviz"], check=False) == 0):
        return
    log("could not install Graphviz. Rendering graphs needs it; everything else works without it.\n"
        "    Debian/Ubuntu: sudo apt-get install graphviz   macOS: brew install graphviz\n"
        "    conda: conda install -c conda-forge graphviz   Windows: winget install graphviz")


def ensure_oracles() -> None:
    """Optional test oracles, installed in CI: PyTorch (CPU) and Chromium."""
    if run([str(PY), "-c", "import torch"], check=False, quiet=True) != 0:
        log(f"installing the PyTorch oracle ({TORCH_PIN})")
        if run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", TORCH_PIN], check=False) != 0:
            log("PyTorch could not be installed: the PyTorch-oracle tests will skip")
    has_browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (has_browser and shutil.which("chromedriver")):
        log("installing Chromium for the browser test")
        if not apt_install("chromium", "chromium-driver"):
            log("Chromium could not be installed: the browser test will skip")


def main(argv: list[str]) -> int:
    job = argv[0] if argv else "demo"
    rest = argv[1:]
    if job == "test":
        ensure_venv("test")
        ensure_graphviz()
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("TG_EDU_ORACLES") == "1":
            ensure_oracles()
        if not rest:  # the whole job: lint first (a run for chosen tests skips it)
            log("ruff check (lint)")
            if subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT) != 0:
                return 1
        rc = subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
        if rc == 5:
            log("pytest collected no tests")
        return rc
    ensure_venv("all")
    ensure_graphviz()
    return subprocess.call([str(BIN / "tinygrad-edu"), job, *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
