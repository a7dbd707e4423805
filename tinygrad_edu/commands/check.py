"""`tinygrad-edu check`: every hand-derived gradient of the three write-ups against autograd,
one table per write-up; exit status 1 if any quantity disagrees beyond the tolerance.
`tinygrad-edu check PATH.py`: grade a student's script instead (see `grade.py`); several
scripts or a folder of them: a summary table (see `grade_many.py`)."""
from pathlib import Path


def add_arguments(parser):
    parser.add_argument("path", nargs="*", help="a script that calls tg.check_gradients: run it and "
                        "grade every check it makes (exit 0 all agree, 1 any disagrees, 2 cannot run); "
                        "several scripts or a folder: one summary line per file")


def run(args) -> int:
    if len(args.path) == 1 and not Path(args.path[0]).is_dir():
        from tinygrad_edu.commands.grade import grade
        return grade(args.path[0])
    if args.path:
        from tinygrad_edu.commands.grade_many import grade_many
        return grade_many(args.path)
    return 1 if report() else 0


def print_table(key: str, rows=None) -> None:
    """One write-up's table, its title above and its convention below."""
    from tinygrad_edu.documents import NETWORKS, compare, format_table
    rows = compare(key) if rows is None else rows
    print(f"{NETWORKS[key].TITLE}\n")
    print(format_table(rows))
    print(f"note: {NETWORKS[key].CHECK_NOTE}")


def report() -> int:
    """Print the three tables and a verdict; return the number of disagreeing quantities."""
    from tinygrad_edu.documents import compare_all
    from tinygrad_edu.documents.compare import TOLERANCE

    results = compare_all()
    failures = 0
    for key, rows in results.items():
        print()
        print_table(key, rows)
        failures += sum(not row.ok for row in rows)
    worst = max(row.max_rel_err for rows in results.values() for row in rows)
    total = sum(len(rows) for rows in results.values())
    print(f"\n{total} quantities compared in float64; largest relative error {worst:.2e} "
          f"(tolerance {TOLERANCE:.0e}).")
    if failures:
        print(f"FAILED: {failures} of {total} hand-derived quantities disagree with autograd.")
    else:
        print("All hand-derived formulas agree with autograd.")
    return failures
