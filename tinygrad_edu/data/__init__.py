"""`tinygrad_edu.data`: the write-ups' toy data, real data bundled with scikit-learn, an MNIST
IDX reader, a deterministic stratified split, standardisation and mini-batches. Nothing is
downloaded."""
from .batches import batches
from .mnist import load_mnist_idx, read_idx
from .sklearn_sets import load_breast_cancer, load_digits, load_split
from .split import Split, standardize, train_test_split
from .toy import planar_flower, seed002_data, xor_example

__all__ = ["xor_example", "seed002_data", "planar_flower", "load_digits", "load_breast_cancer",
           "load_split", "train_test_split", "standardize", "Split", "load_mnist_idx", "read_idx",
           "batches"]
