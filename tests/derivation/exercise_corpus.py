"""The exercise corpus: each exercise's reference solution and its planted slips, put into the
exercise file as a student would (`fill`), graded as `tinygrad-edu check` grades it (`grade`).

solutions/NAME.txt: the lines that replace the file's derivation block.
slips/NAME/SLIP.txt: `# row: T` (the first wrong row), `# named: words|other words` (what the
diagnosis must say, any one of them), then lines `dT = …` that replace the solution's line for
the same name (the slip propagates to what is derived from it, as in a student's file)."""
from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from tinygrad_edu.commands.grade import run_script
from tinygrad_edu.exercises import EXERCISES

CORPUS = Path(__file__).parent / "exercise_corpus"
BLOCK = re.compile(r"(# ── your derivation[^\n]*\n)(.*?)(# ── end of your derivation)", re.S)


@dataclass
class Slip:
    exercise: str
    name: str
    row: str
    named: list
    lines: list


def solution(name: str) -> str:
    return (CORPUS / "solutions" / f"{name}.txt").read_text(encoding="utf-8")


def slips() -> list[Slip]:
    found = []
    for path in sorted((CORPUS / "slips").glob("*/*.txt")):
        text = path.read_text(encoding="utf-8").splitlines()
        fields = (re.match(r"# (\w+): (.*)", ln).groups() for ln in text if ln.startswith("# "))
        head = {k: v.strip() for k, v in fields}
        found.append(Slip(path.parent.name, path.stem, head["row"], head["named"].split("|"),
                          [ln for ln in text if ln.strip() and not ln.startswith("#")]))
    return found


def fill(exercise: str, derivation: str, dtype: str = "float64") -> str:
    text = EXERCISES[exercise].text()
    assert BLOCK.search(text), exercise
    text = BLOCK.sub(lambda m: m.group(1) + derivation.rstrip("\n") + "\n" + m.group(3), text)
    return text.replace("DTYPE = np.float64", f"DTYPE = np.{dtype}")


def with_slip(slip: Slip) -> str:
    lines = solution(slip.exercise).splitlines()
    helpers = []        # lines for a name the solution does not have: put before the next slip line
    for new in slip.lines:
        target = new.split("=")[0].strip()
        at = [i for i, ln in enumerate(lines) if ln.split("=")[0].strip() == target]
        if not at:
            helpers.append(new)
            continue
        lines[at[0]] = "\n".join(helpers + [new])
        helpers = []
    assert not helpers, f"{slip.exercise}/{slip.name}: no solution line after {helpers}"
    return "\n".join(lines) + "\n"


def grade(tmp_path: Path, exercise: str, derivation: str, dtype: str = "float64") -> list:
    path = tmp_path / f"{exercise.replace('-', '_')}_{dtype}.py"
    path.write_text(fill(exercise, derivation, dtype), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        return run_script(path)
