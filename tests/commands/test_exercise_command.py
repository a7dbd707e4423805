"""`tinygrad-edu exercise list|start` and `tinygrad-edu check` over a folder of submissions."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "derivation"))
from exercise_corpus import fill, slips, solution, with_slip  # noqa: E402

from tinygrad_edu.cli import main  # noqa: E402
from tinygrad_edu.exercises import EXERCISES  # noqa: E402


def test_list_gives_one_exercise_a_line_name_first(capsys):
    assert main(["exercise", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == list(EXERCISES)
    assert all(len(ln.split(None, 1)[1]) > 20 for ln in lines)


def test_start_writes_the_file_and_check_grades_it_not_derived_yet(tmp_path, capsys):
    path = tmp_path / "mine.py"
    assert main(["exercise", "start", "attention", str(path)]) == 0
    assert path.read_text() == EXERCISES["attention"].text() and "TODO" in path.read_text()
    assert f"tinygrad-edu check {path}" in capsys.readouterr().out
    assert main(["exercise", "start", "attention", str(path)]) == 2       # never overwrites
    assert "exists already" in capsys.readouterr().err
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "12 of 12 gradients not derived yet" in out and out.count("TODO") >= 12


def test_start_default_path_and_an_unknown_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "start", "max-pool"]) == 0
    assert (tmp_path / "max_pool.py").is_file()
    assert main(["exercise", "start", "no-such"]) == 2
    assert "max-pool" in capsys.readouterr().err


def test_a_folder_of_submissions_is_graded_in_one_command(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    slip = next(s for s in slips() if s.exercise == "two-layer-tanh" and s.name == "forgot_tanh_derivative")
    (folder / "alice.py").write_text(fill("two-layer-tanh", solution("two-layer-tanh")))
    (folder / "bob.py").write_text(fill("two-layer-tanh", with_slip(slip)))
    (folder / "carol.py").write_text(EXERCISES["two-layer-tanh"].text())
    (folder / "dave.py").write_text(fill("two-layer-tanh", "dA2 = undefined_name\n"))
    assert main(["check", str(folder)]) == 2
    out = capsys.readouterr().out
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.endswith(".py") or ".py " in ln}
    assert "agrees" in lines["alice.py"] and "8/8" in lines["alice.py"]
    assert "disagrees" in lines["bob.py"] and "dZ1" in lines["bob.py"] and "tanh" in lines["bob.py"]
    assert "unfinished" in lines["carol.py"] and "0/8" in lines["carol.py"]
    assert "does not run" in lines["dave.py"] and "NameError" in lines["dave.py"]
    assert "4 file(s): 1 agree, 2 disagree or unfinished, 1 do not run (exit status 2)" in out
    (folder / "dave.py").unlink()
    assert main(["check", str(folder / "alice.py"), str(folder / "bob.py")]) == 1
    capsys.readouterr()
    assert main(["check", str(folder / "alice.py")]) == 0
