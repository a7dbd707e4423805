import pytest

pytest.importorskip("sklearn")

from tinygrad_edu.recipes import train_digits_mlp  # noqa: E402


def test_digits_mlp_reaches_95_percent_with_fixed_seed():
    result = train_digits_mlp(epochs=8, seed=0)
    assert result["test_accuracy"] >= 0.95
    assert len(result["losses"]) == 8 and result["losses"][-1] < result["losses"][0]
    assert result["seconds"] > 0


def test_digits_mlp_is_reproducible():
    a = train_digits_mlp(epochs=1, seed=3)
    b = train_digits_mlp(epochs=1, seed=3)
    assert a["losses"] == b["losses"] and a["test_accuracy"] == b["test_accuracy"]
