"""`tinygrad-edu demo`: train the three write-ups' networks and a digits MLP with autograd, print
their losses and accuracies, check every hand-derived formula against autograd, and write the
pictures (loss curves; graphs) into one folder."""
from __future__ import annotations

import time
from pathlib import Path

from ..derivation.table import aligned
from ..recipes.progress import Progress

DEFAULT_OUT = "tinygrad_edu_output"
# iterations of full-batch gradient descent (000, 001, 002) and epochs of Adam (digits)
SETTINGS = {"full": {"000": 10000, "001": 500, "002": 1500, "digits": 15},
            "quick": {"000": 300, "001": 250, "002": 1500, "digits": 3}}


def add_arguments(parser):
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"folder for the pictures (default ./{DEFAULT_OUT}/)")
    parser.add_argument("--quick", action="store_true", help="fewer training steps (a few seconds; for tests)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


def run(args) -> int:
    from tinygrad_edu.commands.check import report
    from tinygrad_edu.documents import NETWORKS
    from tinygrad_edu.recipes import train_digits_mlp

    start = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    steps = SETTINGS["quick" if args.quick else "full"]
    show = not args.no_progress
    print("tinygrad-edu demo: the write-ups' networks, trained with autograd\n")

    results = []
    for key, module in NETWORKS.items():
        t = time.perf_counter()
        with Progress(steps[key], progress_label(key, module.TITLE), show, postfix_every=50) as bar:
            result = module.train(iterations=steps[key], on_step=bar.step)
        results.append(Summary(key, module.TITLE, "GD steps", steps[key], result.losses,
                               result.metrics, time.perf_counter() - t))
    digits = train_digits_mlp(epochs=steps["digits"], seed=0, progress=show)
    results.append(Summary("digits", "digits MLP 64-64-10 ReLU, softmax cross-entropy", "Adam epochs",
                           steps["digits"], digits["losses"],
                           {"train accuracy": digits["train_accuracy"], "test accuracy": digits["test_accuracy"]},
                           digits["seconds"]))

    print()
    print(summary_table(results))
    print("\nFormula check: every hand-derived gradient against autograd (float64)")
    failures = report()

    written = write_loss_curves(results, out)
    # ── graphs: the visualisation's call goes here (it writes into `out` and returns paths) ──
    from tinygrad_edu.viz.gallery import write_demo_pictures
    written += write_demo_pictures(out)
    print(f"\nWrote {len(written)} file(s) to {out.resolve()}/:")
    for path in written:
        print(f"  {path.name}")
    print("\nThe write-ups' errata, each shown by running their code as written: "
          "python -m tinygrad_edu.documents.errata")
    print(f"Demo finished in {time.perf_counter() - start:.1f} s.")
    return 1 if failures else 0


class Summary:
    def __init__(self, key, title, method, steps, losses, metrics, seconds):
        self.key, self.title, self.method, self.steps = key, title, method, steps
        self.losses, self.metrics, self.seconds = list(losses), dict(metrics), seconds


def summary_table(results: list[Summary]) -> str:
    header = ("network", "training", "first loss", "final loss", "train acc", "test acc", "time")
    rows = []
    for r in results:
        train = r.metrics.get("train accuracy", r.metrics.get("accuracy"))
        test = r.metrics.get("test accuracy")
        rows.append((r.title if r.key == "digits" else r.title.split(",")[0], f"{r.method} ×{r.steps}",
                     f"{r.losses[0]:.4f}", f"{r.losses[-1]:.4f}", _percent(train), _percent(test),
                     f"{r.seconds:.1f} s"))
    lines = aligned(header, rows)
    note = [f"002 (4 rows, no test set): max |output − y| = {r.metrics['max |output − y|']:.3f}"
            for r in results if "max |output − y|" in r.metrics]
    return "\n".join(lines + note)


def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def write_loss_curves(results: list[Summary], out: Path) -> list[Path]:
    """losses.csv always; loss_curves.png too when matplotlib is installed."""
    csv = out / "losses.csv"
    longest = max(len(r.losses) for r in results)
    with csv.open("w") as f:
        f.write("step," + ",".join(r.key for r in results) + "\n")
        for i in range(longest):
            f.write(f"{i}," + ",".join(f"{r.losses[i]:.8g}" if i < len(r.losses) else "" for r in results) + "\n")
    written = [csv]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: loss curves written as CSV only; pip install matplotlib)")
        return written
    fig, axes = plt.subplots(1, len(results), figsize=(4 * len(results), 3.2))
    for ax, r in zip(axes, results):
        ax.plot(range(1, len(r.losses) + 1), r.losses)
        ax.set_title(r.title.split(",")[0], fontsize=9)
        ax.set_xlabel("epoch" if r.key == "digits" else "iteration")
        ax.set_ylabel("loss")
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    png = out / "loss_curves.png"
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return written + [png]


def progress_label(key: str, title: str) -> str:
    """A bar's label in whole words: "000 two-layer tanh/sigmoid" from the title
    "000 · two-layer tanh/sigmoid network, samples as columns, mean BCE"."""
    network = title.split("·", 1)[-1].split(",", 1)[0].strip()
    return f"{key} {network.removesuffix(' network')}"
