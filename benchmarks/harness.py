"""Run the workloads side by side and print one table.

For each workload: check that every engine computes the same loss (two steps from the same
initial weights, so the update is checked too), then time blocks of steps, interleaved — in
each round every engine runs one block, in rotating order — and report per engine the median
step time, and per round the paired ratio engine / numpy (tinygrad_edu's and every peer's:
PyTorch, MyGrad, when installed), whose median is the headline figure. `--runs N` repeats the
whole measurement N times and reports each ratio as its range over the runs. Peak memory of
one step is measured with tracemalloc, which sees numpy's array buffers but not PyTorch's
allocator.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import os
import platform
import re
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from . import profile
from .workloads import WORKLOADS
from .workloads.base import Workload

BASE, OURS, TORCH = "numpy", "tinygrad_edu", "torch"
PEER_PACKAGES = {TORCH: "torch", "mygrad": "mygrad"}   # engines that need an optional package
# further engines of a peer's package (a workload's second PyTorch version): engine -> peer
PEER_VARIANTS = {"torch LSTMCell": TORCH}


class LossMismatch(AssertionError):
    """Two engines computed different losses for the same workload: the timing would be meaningless."""


def available_engines(workload: Workload) -> list:
    """numpy, tinygrad_edu, then every other engine of the workload whose package is installed
    (the others are skipped without a word), in the order the workload lists them."""
    others = [e for e in workload.engines if e not in (BASE, OURS)]
    return [BASE, OURS] + [e for e in others if engine_available(e)]


def engine_available(engine: str) -> bool:
    engine = PEER_VARIANTS.get(engine, engine)
    package = PEER_PACKAGES.get(engine)
    if package is None:
        return True
    if engine == TORCH:
        return torch_available()
    try:
        importlib.import_module(package)
    except ImportError:
        return False
    return True


def torch_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(blas_threads())
    return True


def engine_order(workloads: list) -> list:
    """Every engine but numpy that any of `workloads` defines: tinygrad_edu first, then the
    others in the order they first appear (so a new engine gets a column of its own)."""
    order = [OURS]
    for w in workloads:
        order += [e for e in w.engines if e not in order and e != BASE]
    return order


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


def check_same_loss(workload: Workload, problem: dict, engines: list, steps: int = 4) -> dict:
    """Run `steps` steps of each engine from the same initial weights; raise LossMismatch unless
    every engine's losses match numpy's. Returns {engine: [loss per step]}. Four steps: a
    compiled step traces its first two calls, so steps 3 and 4 check its replays."""
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


def columns(engines: list) -> list:
    """The table's header for `engines` (every engine but numpy, tinygrad_edu first)."""
    return (["workload", BASE, OURS] + [f"{e} ratio" for e in engines]
            + ["goal", "met", "peak mem numpy", "peak mem ours", "mem ratio"])


COLUMNS = columns(engine_order(WORKLOADS))   # the header when every engine is installed (the README's)


def ratio_text(ratios: list, quartiles: tuple | None = None) -> str:
    """One run: the median ratio, with its quartiles in brackets when given. Several runs: the
    range of the runs' medians, "5.10–5.40×" (one number when they agree to two decimals)."""
    if len(ratios) == 1:
        text = f"{ratios[0]:.2f}×"
        return text + (f" ({quartiles[0]:.2f}–{quartiles[1]:.2f})" if quartiles else "")
    low, high = f"{min(ratios):.2f}", f"{max(ratios):.2f}"
    return f"{low}×" if low == high else f"{low}–{high}×"


def time_text(seconds: list, suffix: str = "") -> str:
    """A step time, or the range of the runs' step times ("17.8–18.2 µs")."""
    low, high = format_time(min(seconds)), format_time(max(seconds))
    if low == high:
        return low + suffix
    (low_number, low_unit), (high_number, high_unit) = low.split(" "), high.split(" ")
    if low_unit == high_unit:
        return f"{low_number}–{high_number} {high_unit}{suffix}"
    return f"{low}–{high}{suffix}"


def goal_met(runs: list) -> tuple:
    """(goal text, met text) over the runs of one workload: the ratio within the goal and, where
    the workload names peers to beat, below each peer's ratio of the same run."""
    w = runs[0]["workload"]
    ran = [p for p in w.ahead_of if p in runs[0]["ratio"]]
    goal = f"≤ {w.goal:g}×" + "".join(f", ahead of {p}" + ("" if p in ran else " (not run)")
                                     for p in w.ahead_of)
    met = sum(r["ratio"][OURS] <= w.goal and all(r["ratio"][OURS] < r["ratio"][p] for p in ran)
              for r in runs)
    return goal, "yes" if met == len(runs) else "no" if met == 0 else f"in {met} of {len(runs)} runs"


def table_row(runs: list, engines: list) -> list:
    """The row of one workload from its results in each run; `engines` are the table's ratio
    columns (an engine that did not run on this workload gets "–")."""
    w = runs[0]["workload"]
    per = w.ops_per_step
    suffix = "/op" if per > 1 else ""

    def step_time(e):
        return time_text([r["median"][e] / per for r in runs], suffix)

    def ratio(e):
        if e not in runs[0]["ratio"]:
            return "–"
        return ratio_text([r["ratio"][e] for r in runs], runs[0]["spread"][e] if len(runs) == 1 else None)
    row = [w.title, step_time(BASE), step_time(OURS)] + [ratio(e) for e in engines]
    row += goal_met(runs)
    memory = next((r["memory"] for r in runs if "memory" in r), None)
    if memory:
        mem_np, mem_ours = memory[BASE][0], memory[OURS][0]
        row += [format_bytes(mem_np), format_bytes(mem_ours), f"{mem_ours / max(mem_np, 1):.2f}×"]
    else:
        row += ["–", "–", "–"]
    return row


def markdown_table(rows: list, header: list) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line() -> str:
    peers = []
    for engine, package in PEER_PACKAGES.items():
        try:
            module = importlib.import_module(package)
        except ImportError:
            peers.append(f"{engine} not installed")
            continue
        threads = ""
        if engine == TORCH:
            module.set_num_threads(blas_threads())
            threads = f" ({module.get_num_threads()} threads)"
        peers.append(f"{engine} {module.__version__}{threads}")
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores · "
            f"Python {platform.python_version()} · numpy {np.__version__} "
            f"(BLAS threads {blas_threads()}) · " + " · ".join(peers))


def select(names: list | None, quick: bool) -> list:
    if names:
        known = {w.name: w for w in WORKLOADS}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SystemExit(f"unknown workload(s) {unknown}; choose from {sorted(known)}")
        return [known[n] for n in names]
    return [w for w in WORKLOADS if not (quick and w.heavy)]


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true",
                        help="few repeats, and skip the 1024-2048-2048 MLP unless named with --workload")
    parser.add_argument("--workload", action="append", metavar="NAME",
                        help=f"run only this workload (repeatable): {', '.join(w.name for w in WORKLOADS)}")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per workload (default 15, --quick 3)")
    parser.add_argument("--runs", type=positive_int, default=1, metavar="N",
                        help="N complete runs in one invocation; the table then shows each ratio "
                             "as its range over the runs (default 1)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and torch) threads; default: numpy's own setting")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time (default), or this process's CPU time: steadier on a busy "
                             "machine, and right only with --threads 1")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc peak-memory step")
    parser.add_argument("--write-readme", action="store_true",
                        help="also write the table into benchmarks/README.md (its 'results' block)")
    parser.add_argument("--profile", action="store_true",
                        help="instead of timing: profile tinygrad_edu's step of each workload "
                             "(cProfile, ~1 s each) and print where its time goes")


def run(args) -> int:
    repeats = args.repeats or (3 if args.quick else 15)
    workloads = select(args.workload, args.quick)
    if args.threads:
        limit_threads(args.threads)
    if args.profile:
        return profile.run(workloads)
    header = machine_line()
    settings = f"`--clock {args.clock}`, {repeats} interleaved rounds"
    if args.runs > 1:
        settings += f", {args.runs} runs: each figure is its range over the runs"
    print(header)
    print(f"{args.clock} clock; median of {repeats} interleaved rounds; ratio = median of the paired (engine / numpy) "
          "times, with their quartiles in brackets (with --runs N: the range of the N runs' medians); "
          "peak memory of one step (tracemalloc, weights and data excluded)\n", flush=True)
    results = {w.name: [] for w in workloads}
    for run_index in range(args.runs):
        for w in workloads:
            r = measure(w, repeats, block_seconds=0.005 if args.quick else 0.02,
                        with_memory=not args.no_memory and run_index == 0, clock=CLOCKS[args.clock])
            results[w.name].append(r)
            ratios = " · ".join(f"{e} {r['ratio'][e]:.2f}×" for e in r["engines"][1:])
            print(f"  {'' if args.runs == 1 else f'run {run_index + 1}/{args.runs} '}{w.name}: "
                  f"loss {r['losses'][BASE][0]:.6g} (all engines agree) · {ratios}", flush=True)
    ran = {e for runs in results.values() for e in runs[0]["engines"]}
    engines = [e for e in engine_order(workloads) if e in ran]
    table = markdown_table([table_row(results[w.name], engines) for w in workloads], columns(engines))
    print()
    print(table)
    if args.write_readme:
        write_readme(f"{header}\n{settings}\n\n{table}")
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
