"""Checking a state dict against a model, and saving/loading models as .npz files."""
from __future__ import annotations

import os

import numpy as np

from .. import serialization
from ..serialization import ModelFileNotFoundError  # noqa: F401 (nn.ModelFileNotFoundError)


def check_state_dict(module, state_dict, strict: bool) -> list:
    """Validate EVERYTHING first and return (parameter or buffer, array) pairs to copy; raise
    on any misfit."""
    if not hasattr(state_dict, "keys"):
        raise TypeError(f"load_state_dict: expected a dict of arrays, got {type(state_dict).__name__}")
    params = dict(module.named_state())
    problems, pairs = [], []
    if strict:
        missing = [k for k in params if k not in state_dict]
        unexpected = [k for k in state_dict if k not in params]
        if missing:
            problems.append(f"missing keys: {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected keys: {', '.join(map(str, unexpected))}")
    for name, p in params.items():
        if name not in state_dict:
            continue
        value = state_dict[name]
        value = value.data if hasattr(value, "data") and not isinstance(value, np.ndarray) else value
        value = np.asarray(value)
        if value.shape != p.shape:
            problems.append(f"'{name}': expected shape {p.shape}, got shape {value.shape}")
        elif value.dtype.kind not in "fiub":
            problems.append(f"'{name}': expected a numeric array, got dtype {value.dtype}")
        elif p.dtype.kind in "iu" and value.dtype.kind not in "iub":
            problems.append(f"'{name}': expected an integer array (dtype {p.dtype}), got dtype {value.dtype}")
        else:
            pairs.append((p, value))
    if problems:
        raise ValueError(f"load_state_dict for {type(module).__name__} failed, nothing was loaded:\n  "
                         + "\n  ".join(problems))
    return pairs


def save(module, path) -> str:
    """Write module.state_dict() to `path` with tg.save (an .npz file, written exactly at that path)."""
    return serialization.save(module.state_dict(), path)


def load(module, path, strict: bool = True):
    """Load parameters saved by save() (or tg.save(model.state_dict(), path)); the model is
    unchanged if the file does not fit it."""
    state = serialization.load(path)
    try:
        module.load_state_dict(state, strict=strict)
    except (ValueError, TypeError) as err:
        raise ValueError(f"model file {os.fspath(path)!r} does not fit the model: {err}") from None
    return module
