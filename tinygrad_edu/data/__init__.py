"""`tinygrad_edu.data`: the write-ups' toy data, real data bundled with scikit-learn, an MNIST
IDX reader, a deterministic stratified split, standardisation and mini-batches; real text
(Shakespeare's plays, English words), a character tokenizer and a language model's batches.
Nothing is downloaded."""
from .batches import batches
from .mnist import load_mnist_idx, read_idx
from .sklearn_sets import load_breast_cancer, load_digits, load_split
from .split import Split, standardize, train_test_split
from .text import CharTokenizer, get_batch, load_shakespeare, load_words, train_val_split, word_sequences
from .toy import planar_flower, seed002_data, xor_example

__all__ = ["xor_example", "seed002_data", "planar_flower", "load_digits", "load_breast_cancer",
           "load_split", "train_test_split", "standardize", "Split", "load_mnist_idx", "read_idx",
           "batches", "load_shakespeare", "load_words", "CharTokenizer", "get_batch", "train_val_split",
           "word_sequences"]
