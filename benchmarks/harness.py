"""Run the workloads side by side and print one table.

For each workload: check that every engine computes the same loss (two steps from the same
initial weights, so the update is checked too), then time blocks of steps, interleaved — in
each round every engine runs one block, in rotating order — and report per engine the median
step time, and per round the paired ratio tinygrad_edu / numpy (and torch / numpy), whose
median is the headline figure. Peak memory of one step is measured with tracemalloc, which
sees numpy's array buffers but not PyTorch's allocator.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import re
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from .workloads import WORKLOADS
from .workloads.base import Workload

BASE, OURS, TORCH = "numpy", "tinygrad_edu", "torch"


class LossMismatch(AssertionError):
    """Two engines computed different losses for the same workload: the timing would be meaningless."""


def available_engines(workload: Workload) -> list:
    engines = [BASE, OURS]
    if TORCH in workload.engines and torch_available():
        engines.append(TORCH)
    return engines


def torch_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(blas_threads())
    return True


def blas_threads() -> int:
    """The number of threads numpy's BLAS uses (PyTorch is given the same number)."""
    try:
        from threadpoolctl import threadpool_info
        counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    return os.cpu_count() or 1


def limit_threads(n: int) -> None:
    """Run numpy's BLAS (and PyTorch) on n threads: on a busy machine, 1 gives steadier times."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit("--threads needs threadpoolctl (pip install threadpoolctl)") from None
    global _thread_limit
    _thread_limit = threadpool_limits(n)  # kept alive: the limit lasts as long as this object


def check_same_loss(workload: Workload, problem: dict, engines: list, steps: int = 2) -> dict:
    """Run `steps` steps of each engine from the same initial weights; raise LossMismatch unless
    every engine's losses match numpy's. Returns {engine: [loss per step]}."""
    rtol = 1e-7 if workload.float64 else 2e-4
    losses = {}
    for engine in engines:
        step = workload.engines[engine](problem)
        losses[engine] = [step() for _ in range(steps)]
    for engine in engines:
        if not np.allclose(losses[engine], losses[BASE], rtol=rtol, atol=rtol):
            raise LossMismatch(f"{workload.name}: {engine} computed losses {losses[engine]} but "
                               f"numpy computed {losses[BASE]} (rtol {rtol})")
    return losses


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def time_block(step, inner: int, clock=time.perf_counter) -> float:
    """Seconds per step over `inner` consecutive steps."""
    gc.collect()
    start = clock()
    for _ in range(inner):
        step()
    return (clock() - start) / inner


def peak_memory(factory, problem: dict) -> tuple:
    """(peak bytes above the start of the step, bytes still held after it) for one step of a
    fresh copy of the model; the model's weights and data are not counted."""
    gc.collect()
    tracemalloc.start()
    try:
        step = factory(problem)
        step()   # first step: lazily created state (e.g. gradients kept on the parameters)
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - start, current - start


def measure(workload: Workload, repeats: int, tiny: bool = False, block_seconds: float = 0.02,
            with_memory: bool = True, clock=time.perf_counter) -> dict:
    problem = workload.build(tiny)
    engines = available_engines(workload)
    losses = check_same_loss(workload, problem, engines)
    steps = {e: workload.engines[e](problem) for e in engines}
    for step in steps.values():
        step()  # warm-up
    base_time = time_block(steps[BASE], 1, clock)
    inner = max(1, int(block_seconds / max(base_time, 1e-9)))
    times = {e: [] for e in engines}
    for r in range(repeats):
        for k in range(len(engines)):
            e = engines[(r + k) % len(engines)]
            times[e].append(time_block(steps[e], inner, clock))
    result = {
        "workload": workload, "engines": engines, "losses": losses, "inner": inner,
        "median": {e: statistics.median(ts) for e, ts in times.items()},
        "ratio": {}, "spread": {},
    }
    for e in engines[1:]:
        paired = sorted(t / b for t, b in zip(times[e], times[BASE]))
        result["ratio"][e] = statistics.median(paired)
        result["spread"][e] = (paired[len(paired) // 4], paired[(3 * len(paired)) // 4])
    if with_memory:
        result["memory"] = {e: peak_memory(workload.engines[e], problem) for e in (BASE, OURS)}
    return result


# --- reporting ---------------------------------------------------------------------------------

def format_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def format_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


COLUMNS = ["workload", "numpy", "tinygrad_edu", "ratio", "torch", "torch ratio",
           "peak mem numpy", "peak mem ours", "mem ratio", "goal", "met"]


def table_row(r: dict) -> list:
    w, med, per = r["workload"], r["median"], r["workload"].ops_per_step
    t = (lambda e: format_time(med[e] / per) + ("/op" if per > 1 else "")) if per > 1 else \
        (lambda e: format_time(med[e]))
    ratio = r["ratio"][OURS]

    def ratio_text(e):
        low, high = r["spread"][e]
        return f"{r['ratio'][e]:.2f}× ({low:.2f}–{high:.2f})"
    row = [w.title, t(BASE), t(OURS), ratio_text(OURS)]
    row += [t(TORCH), ratio_text(TORCH)] if TORCH in med else ["–", "–"]
    if "memory" in r:
        mem_np, mem_ours = r["memory"][BASE][0], r["memory"][OURS][0]
        row += [format_bytes(mem_np), format_bytes(mem_ours), f"{mem_ours / max(mem_np, 1):.2f}×"]
    else:
        row += ["–", "–", "–"]
    row += [f"≤ {w.goal:g}×", "yes" if ratio <= w.goal else "no"]
    return row


def markdown_table(rows: list) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line() -> str:
    torch_version = "not installed"
    try:
        import torch
        torch.set_num_threads(blas_threads())
        torch_version = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        pass
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores · "
            f"Python {platform.python_version()} · numpy {np.__version__} "
            f"(BLAS threads {blas_threads()}) · torch {torch_version}")


def select(names: list | None, quick: bool) -> list:
    if names:
        known = {w.name: w for w in WORKLOADS}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SystemExit(f"unknown workload(s) {unknown}; choose from {sorted(known)}")
        return [known[n] for n in names]
    return [w for w in WORKLOADS if not (quick and w.heavy)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true",
                        help="few repeats, and skip the 1024-2048-2048 MLP unless named with --workload")
    parser.add_argument("--workload", action="append", metavar="NAME",
                        help=f"run only this workload (repeatable): {', '.join(w.name for w in WORKLOADS)}")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per workload (default 15, --quick 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and torch) threads; default: numpy's own setting")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time (default), or this process's CPU time: steadier on a busy "
                             "machine, and right only with --threads 1")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc peak-memory step")
    parser.add_argument("--write-readme", action="store_true",
                        help="also write the table into benchmarks/README.md (its 'results' block)")


def run(args) -> int:
    repeats = args.repeats or (3 if args.quick else 15)
    workloads = select(args.workload, args.quick)
    if args.threads:
        limit_threads(args.threads)
    header = machine_line()
    settings = f"`--clock {args.clock}`, {repeats} interleaved rounds"
    print(header)
    print(f"{args.clock} clock; median of {repeats} interleaved rounds; ratio = median of the paired (engine / numpy) "
          "times, with their quartiles in brackets; peak memory of one step (tracemalloc, "
          "weights and data excluded)\n", flush=True)
    rows = []
    for w in workloads:
        r = measure(w, repeats, block_seconds=0.005 if args.quick else 0.02,
                    with_memory=not args.no_memory, clock=CLOCKS[args.clock])
        rows.append(table_row(r))
        print(f"  {w.name}: loss {r['losses'][BASE][0]:.6g} (all engines agree) · "
              f"ratio {r['ratio'][OURS]:.2f}×", flush=True)
    print()
    print(markdown_table(rows))
    if args.write_readme:
        write_readme(f"{header}\n{settings}\n\n{markdown_table(rows)}")
    return 0


README = Path(__file__).resolve().parent / "README.md"
RESULTS_BLOCK = re.compile(r"(<!-- results: written by `python -m benchmarks --write-readme` -->\n).*?"
                           r"(\n<!-- end of results -->)", re.S)


def write_readme(results: str) -> None:
    text = README.read_text()
    if not RESULTS_BLOCK.search(text):
        raise SystemExit(f"{README}: no results block to write into")
    README.write_text(RESULTS_BLOCK.sub(lambda m: m[1] + results + m[2], text))
    print(f"\nwrote the table into {README}")


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
