"""`tinygrad-edu check`: every hand-derived gradient of the three write-ups against autograd,
one table per write-up; exit status 1 if any quantity disagrees beyond the tolerance."""
import argparse


def add_arguments(parser):
    # for tests: add this much to one formula per write-up, so the failing path can be seen
    parser.add_argument("--inject-error", type=float, default=0.0, help=argparse.SUPPRESS)


def run(args) -> int:
    from tinygrad_edu.documents import NETWORKS, compare_all, format_table
    from tinygrad_edu.documents.compare import TOLERANCE

    results = compare_all(inject_error=args.inject_error)
    failures = 0
    for key, rows in results.items():
        print(f"\n{NETWORKS[key].TITLE}\n")
        print(format_table(rows))
        failures += sum(not row.ok for row in rows)
    worst = max(row.max_rel for rows in results.values() for row in rows)
    total = sum(len(rows) for rows in results.values())
    print(f"\n{total} quantities compared in float64; largest relative error {worst:.2e} "
          f"(tolerance {TOLERANCE:.0e}).")
    if failures:
        print(f"FAILED: {failures} of {total} hand-derived quantities disagree with autograd.")
        return 1
    print("All hand-derived formulas agree with autograd.")
    return 0
