"""`tinygrad_edu.utils`: as torch.utils — `utils.data` (Dataset, TensorDataset, DataLoader,
random_split)."""
from . import data

__all__ = ["data"]
