"""`tinygrad-edu bench [--quick] [--workload NAME] [--repeats N] [--threads N]`: time
tinygrad_edu against hand-written numpy (and PyTorch when installed), side by side.

The harness lives in the repository's `benchmarks/` folder (next to this package), not in the
installed package: run it from a checkout (`python3 bootstrap.py bench`)."""
from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def _harness():
    if not (CHECKOUT / "benchmarks" / "harness.py").is_file():
        raise SystemExit(f"tinygrad-edu bench: the benchmarks/ folder was not found next to the package "
                         f"(looked in {CHECKOUT}); run it from a source checkout of tinygrad_edu")
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    from benchmarks import harness
    return harness


def add_arguments(parser):
    if (CHECKOUT / "benchmarks" / "harness.py").is_file():
        _harness().add_arguments(parser)


def run(args):
    return _harness().run(args)
