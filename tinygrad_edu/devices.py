"""Devices, as a PyTorch script names them: the engine computes in numpy, on the CPU, so "cpu"
is the one device; `tg.cuda.is_available()` is False, and asking for another device is an error
that says so (rather than numpy's "data type 'cuda' not understood")."""
from __future__ import annotations

import functools


class device:  # noqa: N801 (torch.device's spelling)
    """`tg.device("cpu")`; `tg.device("cuda")` can be named (as in PyTorch) but not used."""

    def __init__(self, type: str = "cpu", index: int | None = None):  # noqa: A002 (torch's name)
        name = str(type)
        self.type, _, number = name.partition(":")
        self.index = int(number) if number else index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other) or (isinstance(other, str) and device(other).type == self.type == "cpu")

    def __hash__(self) -> int:
        return hash(str(self))


CPU = device("cpu")


def is_device(value) -> bool:
    """Whether `value` names a device (a string such as 'cpu' or 'cuda:0', or a device object)."""
    if isinstance(value, device) or type(value).__name__ == "device":  # ours or torch.device
        return True
    return isinstance(value, str) and value.partition(":")[0] in ("cpu", "cuda", "mps", "xla", "meta", "xpu")


def check_device(value, where: str) -> None:
    """Nothing for the CPU; a RuntimeError naming the device for anything else."""
    if value is None:
        return
    kind = str(value).partition(":")[0]
    if kind != "cpu":
        raise RuntimeError(f"{where}: tinygrad_edu runs on the CPU only (it computes in numpy), so there is "
                           f"no {kind!r} device; use 'cpu' or drop the call (a script's "
                           f"`device = 'cuda' if torch.cuda.is_available() else 'cpu'` picks 'cpu' here)")


def accepts_device(factory):
    """Give a tensor factory PyTorch's `device=` keyword (tg.zeros(3, device=device))."""
    @functools.wraps(factory)
    def with_device(*args, device=None, **kwargs):
        check_device(device, f"{factory.__name__}(device={str(device)!r})")
        return factory(*args, **kwargs)
    return with_device


class cuda:  # noqa: N801 (torch.cuda's spelling)
    """`tg.cuda.is_available()` is False: scripts that check it choose the CPU."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def manual_seed(seed: int) -> None:  # seeding CUDA as well is a no-op: there is none
        return None

    manual_seed_all = manual_seed


class _Flags:
    """Settings scripts write for reproducibility on a GPU (`torch.backends.cudnn.deterministic =
    True`): accepted, and without effect on the CPU."""

    def __init__(self, **flags):
        vars(self).update(flags)

    @staticmethod
    def is_available() -> bool:
        return False


class backends:  # noqa: N801 (torch.backends' spelling)
    """`tg.backends.cudnn.deterministic = True` and `tg.backends.mps.is_available()` (False)."""
    cudnn = _Flags(deterministic=False, benchmark=False, enabled=False)
    mps = _Flags()
