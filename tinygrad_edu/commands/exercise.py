"""`tinygrad-edu exercise list`: the exercises, one a line (its name, then what it asks).
`tinygrad-edu exercise start NAME [PATH]`: write the exercise file (default ./NAME.py) for a
student to fill in and grade with `tinygrad-edu check PATH`."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser):
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="the exercises, one a line")
    start = sub.add_parser("start", help="write an exercise file to fill in")
    start.add_argument("name", help="an exercise's name (see `tinygrad-edu exercise list`)")
    start.add_argument("path", nargs="?", help="where to write it (default ./NAME.py)")


def run(args) -> int:
    from tinygrad_edu.exercises import EXERCISES
    if args.action == "list":
        width = max(map(len, EXERCISES))
        for e in EXERCISES.values():
            print(f"{e.name.ljust(width)}  {e.asks}")
        return 0
    exercise = EXERCISES.get(args.name)
    if exercise is None:
        print(f"tinygrad-edu exercise: no exercise named {args.name!r}; the exercises are: "
              f"{', '.join(EXERCISES)}", file=sys.stderr)
        return 2
    path = Path(args.path or exercise.name.replace("-", "_") + ".py")
    if path.is_dir():
        path = path / (exercise.name.replace("-", "_") + ".py")
    if path.exists():
        print(f"tinygrad-edu exercise: {path} exists already; give another path", file=sys.stderr)
        return 2
    path.write_text(exercise.text(), encoding="utf-8")
    print(f"Wrote {path}: replace each TODO with your gradient, then run\n"
          f"    tinygrad-edu check {path}")
    return 0
