"""What viz.TrainingMonitor costs: the digits MLP of examples/digits_mlp.py (64 → 64 → ReLU →
10, Adam, batches of 32) trained one epoch at a time with and without a monitor recording,
in one process, alternating A and B, timed in CPU time.

    python -m benchmarks.monitor_overhead            # every=1, 2, 5, 10; 9 rounds
    python -m benchmarks.monitor_overhead --rounds 15

Prints the median time of a training step without the monitor, with it, and the median of
the paired ratios (with − without) / without, for each `every`; then what reading the
history, diagnose() and table() cost once, after training.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def train_epoch(model, optimizer, X, y, monitor=None) -> int:
    import tinygrad_edu.functional as F
    from tinygrad_edu import Tensor
    from tinygrad_edu.data import batches
    steps = 0
    for xb, yb in batches(X, y, batch_size=32, shuffle=True):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(Tensor(xb)), yb)
        loss.backward()
        optimizer.step()
        if monitor is not None:
            monitor.record(loss)
        steps += 1
    return steps


def measure(rounds: int = 9, everies=(1, 2, 5, 10), epochs: int = 3) -> dict:
    """Each round trains `epochs` epochs without a monitor and with each monitor (made once,
    before the rounds, so that what is timed is what recording costs per step, the statistics
    computed every 100 recorded steps included)."""
    import tinygrad_edu as tg
    from tinygrad_edu import nn, optim, viz
    from tinygrad_edu.data import load_split
    tg.manual_seed(0)
    X, _, y, _ = load_split("digits", test_fraction=0.25, seed=0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    train_epoch(model, optimizer, X, y)  # warm up
    monitors = {"plain": None, **{e: viz.TrainingMonitor(model, every=e) for e in everies}}
    times = {key: [] for key in monitors}
    for _ in range(rounds):
        for key, monitor in monitors.items():
            start = time.process_time()
            steps = sum(train_epoch(model, optimizer, X, y, monitor) for _ in range(epochs))
            times[key].append((time.process_time() - start) / steps)
    plain = np.array(times["plain"])
    result = {"step_us": float(np.median(plain) * 1e6), "steps": steps}
    for e in everies:
        with_monitor = np.array(times[e])
        result[e] = {"step_us": float(np.median(with_monitor) * 1e6),
                     "overhead": float(np.median(with_monitor / plain - 1))}
    monitor = monitors[1]
    start = time.process_time()
    result["recorded"] = len(monitor.history)
    monitor.diagnose()
    monitor.table()
    result["read_ms"] = (time.process_time() - start) * 1e3
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    r = measure(args.rounds)
    print(f"digits MLP, one training step without the monitor: {r['step_us']:.0f} µs (CPU time; median of "
          f"{args.rounds} rounds of {r['steps']} steps, A and B alternating)")
    for e in (1, 2, 5, 10):
        print(f"  TrainingMonitor(every={e:<2d}): {r[e]['step_us']:.0f} µs per step, overhead {r[e]['overhead']:+.1%}")
    print(f"  reading it once: history + diagnose() + table() after {r['recorded']} recorded steps: "
          f"{r['read_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
