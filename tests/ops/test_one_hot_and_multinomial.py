"""F.one_hot and tg.multinomial: against PyTorch's values and rules, the sampling's frequencies,
its seed, and its errors."""
import numpy as np
import pytest
from conftest import strict_numpy

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


def test_one_hot_matches_pytorch_for_any_shape_and_inferred_num_classes():
    torch = pytest.importorskip("torch")
    idx = np.random.default_rng(0).integers(0, 5, size=(2, 3, 4))
    for num_classes in (-1, 5, 7):
        ours = F.one_hot(tg.tensor(idx), num_classes)
        theirs = torch.nn.functional.one_hot(torch.tensor(idx), num_classes)
        assert ours.dtype == np.int64 and not ours.requires_grad
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert F.one_hot(np.array(2), 3).data.tolist() == [0, 0, 1]
    assert F.one_hot(Tensor([1.0, 0.0])).data.tolist() == [[0, 1], [1, 0]]  # float32 whole numbers
    assert F.one_hot(np.zeros((0,), np.int64), 3).shape == (0, 3)


def test_one_hot_refuses_indices_out_of_range_negative_or_not_whole():
    with pytest.raises(IndexError, match=r"one_hot: index 3 at position \(1,\) of the indices \(shape \(2,\)\) "
                                         r"is out of range for num_classes=3 \(valid: 0..2\)"):
        F.one_hot(np.array([0, 3]), 3)
    with pytest.raises(IndexError, match="one_hot: index -1 at position"):
        F.one_hot(np.array([0, -1]))
    with pytest.raises(TypeError, match="one_hot: indices must be integers, got dtype float64"):
        F.one_hot(np.array([0.5]))
    with pytest.raises(ValueError, match="one_hot: cannot infer num_classes from empty indices"):
        F.one_hot(np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="one_hot: num_classes must be a non-negative int or -1, got -2"):
        F.one_hot(np.array([0]), -2)


def _frequencies(draws: np.ndarray, categories: int) -> np.ndarray:
    return np.bincount(draws.ravel(), minlength=categories) / draws.size


def test_multinomial_with_replacement_draws_in_proportion_to_unnormalised_weights():
    tg.manual_seed(0)
    weights = np.array([[1.0, 0.0, 3.0, 4.0], [0.0, 0.0, 5.0, 0.0]])
    draws = tg.multinomial(Tensor(weights), 40000, replacement=True)
    assert draws.dtype == np.int64 and draws.shape == (2, 40000) and not draws.requires_grad
    np.testing.assert_allclose(_frequencies(draws.data[0], 4), weights[0] / 8, atol=0.01)
    assert np.all(draws.data[1] == 2)


def test_multinomial_without_replacement_never_repeats_and_follows_successive_draws():
    tg.manual_seed(1)
    probs = np.tile([0.1, 0.0, 0.6, 0.3], (40000, 1))
    draws = tg.multinomial(probs, 2).data
    assert np.all(draws[:, 0] != draws[:, 1]) and not np.any(draws == 1)
    np.testing.assert_allclose(_frequencies(draws[:, 0], 4), [0.1, 0.0, 0.6, 0.3], atol=0.01)
    after_two = draws[draws[:, 0] == 2, 1]     # then 0 and 3 in proportion 0.1 : 0.3
    np.testing.assert_allclose(_frequencies(after_two, 4), [0.25, 0.0, 0.0, 0.75], atol=0.015)
    # a zero weight comes only once every positive one is drawn, as PyTorch
    assert tg.multinomial(np.array([0.5, 0.0]), 2).data.tolist() == [0, 1]
    assert sorted(tg.multinomial(np.ones(5), 5).data.tolist()) == [0, 1, 2, 3, 4]


def test_multinomial_follows_manual_seed_and_matches_pytorch_in_distribution():
    torch = pytest.importorskip("torch")
    probs = np.array([0.2, 0.5, 0.3])
    tg.manual_seed(7)
    a = tg.multinomial(probs, 50, replacement=True).data
    tg.manual_seed(7)
    b = tg.multinomial(probs, 50, replacement=True).data
    np.testing.assert_array_equal(a, b)
    tg.manual_seed(3)
    torch.manual_seed(3)
    ours = tg.multinomial(np.tile(probs, (20000, 1)), 1).data
    theirs = torch.multinomial(torch.tensor(np.tile(probs, (20000, 1))), 1).numpy()
    assert ours.shape == theirs.shape == (20000, 1)
    np.testing.assert_allclose(_frequencies(ours, 3), _frequencies(theirs, 3), atol=0.02)


def test_multinomial_of_extreme_weights_without_warning():
    with strict_numpy():
        tg.manual_seed(0)
        draws = tg.multinomial(np.array([1e308, 1e308, 0.0]), 1000, replacement=True).data
        assert set(draws.tolist()) == {0, 1}
        assert tg.multinomial(np.array([1e-320, 0.0]), 1).item() == 0
        assert tg.multinomial(np.array([np.finfo(float).tiny, 1e300]), 2).data.tolist() == [1, 0]


def test_sampling_a_language_model_step_by_step():
    tg.manual_seed(0)
    logits = Tensor(np.array([[2.0, 0.5, -1.0], [0.0, 0.0, 9.0]]))
    probs = (logits / 0.8).softmax(-1)
    nxt = tg.multinomial(probs, num_samples=1)
    assert nxt.shape == (2, 1) and nxt.data[1, 0] in (0, 1, 2)
    top = logits.topk(2).values[:, -1:]
    kept = logits.masked_fill((logits < top).data, -np.inf).softmax(-1)
    assert kept.data[0, 2] == 0.0 and np.all(kept.data[0, :2] > 0) and np.all(kept.data[1] > 0)
    assert tg.multinomial(kept, 1).data[0, 0] in (0, 1)


def test_multinomial_refuses_negative_zero_and_non_finite_rows_and_too_many_samples():
    with pytest.raises(ValueError, match=r"multinomial: row 1, entry 0 of probs \(shape \(2, 2\)\) is -0.1; "
                                         "every weight must be finite and >= 0"):
        tg.multinomial(np.array([[0.5, 0.5], [-0.1, 1.0]]), 1)
    with pytest.raises(ValueError, match=r"multinomial: every weight of row 0 of probs \(shape \(2, 2\)\) is 0"):
        tg.multinomial(np.array([[0.0, 0.0], [1.0, 1.0]]), 1)
    with pytest.raises(ValueError, match=r"multinomial: every weight of probs \(shape \(3,\)\) is 0"):
        tg.multinomial(Tensor(np.zeros(3)), 1, replacement=True)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=f"multinomial: entry 1 of probs \\(shape \\(2,\\)\\) is {bad}"):
            tg.multinomial(np.array([1.0, bad]), 1)
    with pytest.raises(ValueError, match=r"multinomial: cannot draw num_samples=4 without replacement from 3 "
                                         r"categories \(probs of shape \(3,\)\); pass replacement=True"):
        tg.multinomial(np.ones(3), 4)
    with pytest.raises(ValueError, match=r"multinomial: probs must have 1 or 2 dimensions .*got shape \(2, 2, 2\)"):
        tg.multinomial(np.ones((2, 2, 2)), 1)
    with pytest.raises(TypeError, match="multinomial: probs must be floating, got dtype int64"):
        tg.multinomial(np.array([1, 2]), 1)
    with pytest.raises(ValueError, match="multinomial: num_samples must be a positive int, got 0"):
        tg.multinomial(np.ones(3), 0)
