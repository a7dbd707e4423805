"""Checking a state dict against a model, and saving/loading models as .npz files."""
from __future__ import annotations

import os
import zipfile
import zlib

import numpy as np


class ModelFileNotFoundError(FileNotFoundError, ValueError):
    """The model file does not exist (catchable as FileNotFoundError or as ValueError)."""


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
    """Write module.state_dict() to `path` (an .npz file, written exactly at that path)."""
    path = os.fspath(path)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:  # write then rename: an interrupted save never leaves half a file
        np.savez(f, **module.state_dict())
    os.replace(tmp, path)
    return path


def read_npz(path) -> dict[str, np.ndarray]:
    """All arrays of an .npz file; a missing, corrupt or truncated file raises an error naming it."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileNotFoundError(2, f"model file not found: {path!r}", path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not hasattr(archive, "files"):  # a plain array: an .npy file, not an .npz archive
            raise ValueError("expected an .npz archive of named arrays, got a single .npy array")
        with archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise ValueError(f"cannot read model file {path!r}: it is not a complete .npz archive "
                         f"written by save() ({type(err).__name__}: {err})") from err


def load(module, path, strict: bool = True):
    """Load parameters saved by save(); the model is unchanged if the file does not fit it."""
    arrays = read_npz(path)
    try:
        module.load_state_dict(arrays, strict=strict)
    except ValueError as err:
        raise ValueError(f"model file {os.fspath(path)!r} does not fit the model: {err}") from None
    return module
