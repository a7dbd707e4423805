"""`tinygrad-edu check PATH.py`: run a student's script and grade every `tg.check_gradients` call
it makes. Exit 0 when every formula agrees, 1 when any disagrees, 2 when the script cannot be
graded (missing, a syntax error, an exception, or no check made)."""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path


class CannotGrade(Exception):
    """The script could not be graded; the message says why, in the student's terms, and
    `.reason` in one line (a class's summary table)."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


def grade(path: str) -> int:
    """Grade one script, printing every check's table; the exit status."""
    try:
        checks = run_script(Path(path))
    except CannotGrade as err:
        print(f"tinygrad-edu check: {err}", file=sys.stderr)
        return 2
    name = Path(path).name
    print(f"\n── tinygrad-edu check: {len(checks)} gradient check(s) made by {name} ──")
    for i, check in enumerate(checks, 1):
        line = f", line {check.where[1]}" if check.where and _same_file(check.where[0], path) else ""
        print(f"\ncheck {i} of {len(checks)} ({name}{line}):\n")
        print(check)
    wrong = [i for i, c in enumerate(checks, 1) if not c.ok]
    if wrong:
        first = next((c.first_wrong for c in checks if c.first_wrong is not None), None)
        where = f"the first wrong: {first.formula}" if first else "the rest are not derived yet"
        print(f"\nFAILED: {len(wrong)} of {len(checks)} check(s) have a formula that disagrees with "
              f"autograd or is not derived yet ({where}, in check {wrong[0]}).")
        return 1
    print(f"\nAll {len(checks)} check(s) agree: every hand-derived gradient matches autograd.")
    return 0


def run_script(path: Path) -> list:
    """Run the script as `python PATH` would (as __main__, its folder on sys.path) and return
    the GradientChecks it made."""
    from tinygrad_edu.derivation import recording

    if not path.is_file():
        raise CannotGrade(f"{path}: no such file")
    try:
        source = path.read_text(encoding="utf-8")
        code = compile(source, str(path), "exec")
    except SyntaxError as err:
        raise CannotGrade(f"{path}, line {err.lineno}: syntax error: {err.msg}; the script does not "
                          f"run, so nothing was checked") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CannotGrade(f"{path}: cannot read the script ({err})") from None
    os.environ.setdefault("MPLBACKEND", "Agg")   # a plt.show() must not wait for a window
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv, sys.path[:0] = [str(path)], [str(path.parent.resolve())]
    try:
        with recording() as checks:
            try:
                exec(code, {"__name__": "__main__", "__file__": str(path), "__builtins__": __builtins__})
            except SystemExit as err:
                if err.code not in (None, 0):
                    raise CannotGrade(f"{path} exited with status {err.code}") from None
            except AssertionError as err:
                if not any(not c.ok for c in checks):    # not a check's assert_ok(): a crash
                    raise _crash(path, err) from None
            except Exception as err:  # the student's error, reported in their terms
                raise _crash(path, err) from None
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    if not checks:
        raise CannotGrade(f"{path} ran, but made no tg.check_gradients(loss, formulas) call, so "
                          f"there is nothing to grade")
    return checks


def _crash(path: Path, err: BaseException) -> CannotGrade:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if _same_file(f.filename, path)]
    where = line = ""
    if frames:
        f = frames[-1]
        where, line = f", line {f.lineno}" + (f": {f.line.strip()}" if f.line else ""), f" (line {f.lineno})"
    return CannotGrade(f"{path}{where}\n  {type(err).__name__}: {err}\n"
                       f"the script stopped before it finished, so it could not be graded",
                       f"{type(err).__name__}: {err}{line}")


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
