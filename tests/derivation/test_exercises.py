"""Every exercise starts, its untouched file is graded "not derived yet" row by row, its
reference solution agrees in float64 and float32, and every planted slip is caught at its row
and named (at least 90 % of them)."""
import pytest
from exercise_corpus import grade, slips, solution, with_slip

from tinygrad_edu.exercises import EXERCISES

SLIPS = slips()
RESULTS = {}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_an_untouched_exercise_is_not_derived_yet_row_by_row(tmp_path, name):
    path = tmp_path / "fresh.py"
    path.write_text(EXERCISES[name].text(), encoding="utf-8")
    from tinygrad_edu.commands.grade import run_script
    (check,) = run_script(path)
    assert not check.ok and check.first_wrong is None
    assert all(not r.derived and "not derived yet" in r.diagnosis for r in check.rows)
    assert "TODO" in str(check)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_reference_solution_agrees(tmp_path, name, dtype):
    (check,) = grade(tmp_path, name, solution(name), dtype)
    assert check.ok, str(check)
    assert all(r.tensor.dtype.name == dtype for r in check.rows)


def test_the_corpus_covers_every_exercise_with_at_least_40_slips():
    assert len(SLIPS) >= 40
    assert {s.exercise for s in SLIPS} == set(EXERCISES)


def _graded(tmp_path, slip):
    key = (slip.exercise, slip.name)
    if key not in RESULTS:
        (check,) = grade(tmp_path, slip.exercise, with_slip(slip))
        first = check.first_wrong
        RESULTS[key] = (check, first, first is not None and any(w in first.diagnosis for w in slip.named))
    return RESULTS[key]


@pytest.mark.parametrize("slip", SLIPS, ids=lambda s: f"{s.exercise}/{s.name}")
def test_a_planted_slip_is_caught_at_its_row(tmp_path, slip):
    check, first, _ = _graded(tmp_path, slip)
    assert first is not None and first.name == slip.row, str(check)


def test_at_least_90_percent_of_the_slips_are_named(tmp_path):
    named = [_graded(tmp_path, s)[2] for s in SLIPS]
    missed = [f"{s.exercise}/{s.name}: {_graded(tmp_path, s)[1].diagnosis if _graded(tmp_path, s)[1] else None}"
              for s, ok in zip(SLIPS, named) if not ok]
    assert sum(named) >= 0.9 * len(SLIPS), "\n".join(missed)


def _slip(exercise, name):
    return next(s for s in SLIPS if s.exercise == exercise and s.name == name)


def test_a_missing_sigmoid_factor_adds_no_spurious_constant_factor(tmp_path):
    check, first, named = _graded(tmp_path, _slip("l-layer-sigmoid", "forgot_sigmoid_derivative"))
    assert named and "σ′" in first.diagnosis
    assert not any("constant factor" in r.diagnosis for r in check.rows), str(check)


def test_the_course_convention_is_recognised_and_scale_is_suggested(tmp_path):
    check, first, _ = _graded(tmp_path, _slip("l-layer-sigmoid", "course_convention_sum_of_losses"))
    text = str(check)
    assert "Every disagreeing row is 10 × autograd, 10 the batch size" in text
    assert 'scale={"A3": (10, "m")' in text
    wrong = [r.name for r in check.rows if not r.ok]
    assert wrong == ["A3", "Z3", "A2", "Z2", "A1", "Z1"]


def test_the_forgotten_attention_scale_is_named_root_d(tmp_path):
    _, first, _ = _graded(tmp_path, _slip("attention", "forgot_scale"))
    assert first.diagnosis.startswith("is √3 × autograd: √3 = √d, the attention scale"), first.diagnosis


def test_in_float32_every_slip_is_still_caught_and_named(tmp_path):
    """float32's rounding tolerance hides no slip: the same rows, the same names."""
    wrong_row, unnamed = [], []
    for s in SLIPS:
        (check,) = grade(tmp_path, s.exercise, with_slip(s), "float32")
        first = check.first_wrong
        if first is None or first.name != s.row:
            wrong_row.append(f"{s.exercise}/{s.name}: {first.name if first else None}")
        elif not any(w in first.diagnosis for w in s.named):
            unnamed.append(f"{s.exercise}/{s.name}: {first.diagnosis}")
    assert not wrong_row, wrong_row
    assert len(unnamed) <= 0.1 * len(SLIPS), "\n".join(unnamed)
