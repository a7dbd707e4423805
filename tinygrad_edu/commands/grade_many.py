"""`tinygrad-edu check FOLDER/` or `check a.py b.py …`: grade a folder of submissions, one line
per file, quietly (each script's own output is kept out of the summary). Exit status: 0 when
every file agrees, 1 when any disagrees or is unfinished, 2 when any file does not run."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from ..derivation.table import aligned
from .grade import CannotGrade, run_script

STATUS = {0: "agrees", 1: "disagrees", 2: "does not run"}


@dataclass
class Outcome:
    path: Path
    status: int          # 0 agrees, 1 disagrees or unfinished, 2 does not run
    agree: int = 0
    rows: int = 0
    todo: int = 0
    first: str = ""      # the first wrong row and its diagnosis, or why it did not run


def submissions(paths: list[str]) -> list[Path]:
    """The files to grade: each path a script, or a folder whose *.py files are taken (sorted)."""
    found = []
    for p in map(Path, paths):
        found += sorted(f for f in p.glob("*.py") if f.is_file()) if p.is_dir() else [p]
    return found


def grade_file(path: Path) -> Outcome:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            checks = run_script(path)
        except CannotGrade as err:
            return Outcome(path, 2, first=err.reason)
    rows = [r for c in checks for r in c.rows]
    todo = sum(not r.derived for r in rows)
    first = next((c.first_wrong for c in checks if c.first_wrong is not None), None)
    why = f"{first.formula}: {first.diagnosis}" if first else ""
    if not why and todo:
        why = f"{todo} not derived yet"
    return Outcome(path, 0 if all(c.ok for c in checks) else 1, sum(r.ok for r in rows), len(rows), todo, why)


def grade_many(paths: list[str]) -> int:
    files = submissions(paths)
    if not files:
        print(f"tinygrad-edu check: no .py files in {', '.join(paths)}")
        return 2
    outcomes = [grade_file(f) for f in files]
    body = [(o.path.name, _verdict(o), f"{o.agree}/{o.rows}" if o.status != 2 else "—", _short(o.first))
            for o in outcomes]
    print("\n".join(aligned(("file", "verdict", "rows ok", "first wrong (or why it does not run)"), body)))
    counts = {k: sum(o.status == k for o in outcomes) for k in STATUS}
    print(f"\n{len(outcomes)} file(s): {counts[0]} agree, {counts[1]} disagree or unfinished, "
          f"{counts[2]} do not run (exit status {max(o.status for o in outcomes)}).")
    return max(o.status for o in outcomes)


def _verdict(o: Outcome) -> str:
    if o.status == 1 and o.todo:
        return "unfinished" if o.agree + o.todo == o.rows else "disagrees (unfinished)"
    return STATUS[o.status]


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
