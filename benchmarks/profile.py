"""Where a workload's step spends its time: `python -m benchmarks --profile [--workload NAME]`.

Runs tinygrad_edu's step under cProfile for about a second and prints, per workload:
  * the split of the step's time of its own, by where the code lives: tinygrad_edu/tensor.py
    (Function.apply recording nodes and building Tensors, the operators), autograd.py (the
    backward loop), ops/ (the ops' forward and backward lines — INCLUDING the numpy work of
    operators written in them, such as `a @ b` or `x * y`: cProfile sees calls, not operators),
    numpy functions called by name (np.exp, x.sum(): "numpy and Python builtins (C)"), …;
  * the functions with the most time of their own.
cProfile adds a cost to every Python call, so the Python shares come out larger than they are
without it: read the split as a ranking, and the harness's table for the times themselves.
Use --threads 1 on a shared machine (BLAS threads waiting for a core distort everything).
"""
from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict

from .workloads.base import Workload


def _where(filename: str) -> str:
    """The bucket a function's time belongs to, from the file it is defined in."""
    if filename.startswith("~") or filename.startswith("<"):
        return "numpy and Python builtins (C)"
    path = filename.replace("\\", "/")
    if "/tinygrad_edu/" in path:
        inside = path.split("/tinygrad_edu/", 1)[1]
        return "tinygrad_edu/" + (inside.split("/")[0] + "/" if "/" in inside else inside)
    if "/numpy/" in path:
        return "numpy's Python wrappers"
    if "/benchmarks/" in path:
        return "the workload's own code"
    return "other Python"


def profile(workload: Workload, seconds: float = 1.0, top: int = 12, tiny: bool = False) -> str:
    step = workload.engines["tinygrad_edu"](workload.build(tiny))
    step()  # the first step builds caches; not profiled
    steps, start = 0, time.perf_counter()
    profiler = cProfile.Profile()
    profiler.enable()
    while time.perf_counter() - start < seconds or steps < 3:
        step()
        steps += 1
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    buckets: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, name), (_, calls, own, _cumulative, _) in stats.stats.items():
        buckets[_where(filename)] += own
        rows.append((own, calls, f"{_short(filename)}:{line}({name})" if line else name))
    lines = [f"{workload.name}: {steps} steps profiled, {total / steps * 1e6:.1f} µs a step under cProfile",
             "  time of its own, by where the code lives:"]
    for where, own in sorted(buckets.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {own / total:6.1%}  {where}")
    lines.append(f"  the {top} functions with the most time of their own (calls a step):")
    for own, calls, label in sorted(rows, reverse=True)[:top]:
        lines.append(f"    {own / total:6.1%}  {calls / steps:7.1f}×  {label}")
    return "\n".join(lines)


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for root in ("/tinygrad_edu/", "/numpy/", "/benchmarks/"):
        if root in path:
            return root.strip("/") + "/" + path.split(root, 1)[1]
    return path.rsplit("/", 1)[-1]


def run(workloads: list[Workload], seconds: float = 1.0) -> int:
    for w in workloads:
        print(profile(w, seconds), end="\n\n", flush=True)
    return 0
