"""`tg.save(obj, path)` and `tg.load(path)`, as torch.save / torch.load, in a file that cannot
run code when loaded.

`obj` is a state dict or a checkpoint: dicts, lists and tuples, nested, of Tensors, numpy arrays,
numbers, strings and None. The file is numpy's .npz (a zip of .npy arrays): each array is one
entry, named by its place in `obj` ("model/0.weight"), and one more entry holds the nesting as
JSON text. Loading reads it with allow_pickle=False, so no Python object is ever unpickled: a
pickle — what torch.save and pickle.dump write, and what can run any code when loaded — is
refused with an error instead. A plain .npz of named arrays (np.savez) loads as a dict of them.
"""
from __future__ import annotations

import json
import os
import zipfile
import zlib

import numpy as np

from .tensor import Tensor, wrap

STRUCTURE = "__tinygrad_edu_structure__"  # the entry that holds the nesting, as JSON
FORMAT = "tinygrad_edu.save"


class ModelFileNotFoundError(FileNotFoundError, ValueError):
    """The file does not exist (catchable as FileNotFoundError or as ValueError)."""


class PickleRefusedError(ValueError):
    """The file holds a Python pickle, which tg.load never unpickles (it could run code)."""


def save(obj, path) -> str:
    """Write `obj` to `path` (exactly that path, or an open binary file), as torch.save."""
    arrays: dict[str, np.ndarray] = {}
    root = _encode(obj, (), arrays)
    arrays[STRUCTURE] = np.array(json.dumps({"format": FORMAT, "version": 1, "root": root}))
    if hasattr(path, "write"):
        np.savez(path, **arrays)
        return path
    path = os.fspath(path)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:  # write then rename: an interrupted save never leaves half a file
        np.savez(f, **arrays)
    os.replace(tmp, path)
    return path


def load(path, map_location=None, weights_only=None):
    """What save() wrote (Tensors come back as Tensors, arrays as arrays, with their dtypes); a
    plain .npz of named arrays gives a dict of them. torch.load's map_location and weights_only
    are accepted: the engine runs on the CPU, and only data is ever read."""
    arrays = read_arrays(path)
    text = arrays.pop(STRUCTURE, None)
    if text is None:
        return arrays
    structure = json.loads(str(text[()]))
    if structure.get("format") != FORMAT:
        raise ValueError(f"load: {_name(path)} is not a file written by tg.save (format {structure.get('format')!r})")
    return _decode(structure["root"], arrays)


def _encode(value, where: tuple, arrays: dict):
    if isinstance(value, Tensor):
        return {"tensor": _store(value.data, where, arrays), "requires_grad": bool(value.requires_grad)}
    if isinstance(value, np.ndarray):
        return {"array": _store(value, where, arrays)}
    if isinstance(value, np.generic):
        return {"scalar": _store(np.asarray(value), where, arrays)}
    if value is None or isinstance(value, (bool, int, float, str)):
        kind = "none" if value is None else type(value).__name__
        return {kind: value}
    if isinstance(value, dict):
        return {"dict": [[_encode(k, where + ("key",), arrays) if not isinstance(k, str) else {"str": k},
                          _encode(v, where + (str(k),), arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_encode(v, where + (str(i),), arrays) for i, v in enumerate(value)]}
    if hasattr(value, "state_dict"):  # torch.save(model, path): a whole model, or an optimizer
        raise TypeError(f"save: a {type(value).__name__} (at {_place(where)}) cannot be stored whole (that "
                        f"would need pickle, which can run code when loaded); save its weights, "
                        f"tg.save(model.state_dict(), path), and load them into a new one with "
                        f"model.load_state_dict(tg.load(path))")
    raise TypeError(f"save: cannot store a {type(value).__name__} (at {_place(where)}); tg.save holds "
                    f"Tensors, numpy arrays, numbers, strings, None and dicts, lists and tuples of them. "
                    f"Other objects would need pickle, and loading a pickle can run code")


def _store(array: np.ndarray, where: tuple, arrays: dict) -> str:
    if array.dtype.kind not in "fiubc":
        raise TypeError(f"save: the array at {_place(where)} has dtype {array.dtype}; only numeric and "
                        f"bool arrays can be saved without pickle")
    name = "/".join(where) or "tensor"
    base, n = name, 1
    while name in arrays or name == STRUCTURE:
        name, n = f"{base}#{n}", n + 1
    arrays[name] = array
    return name


def _place(where: tuple) -> str:
    return "".join(f"[{w!r}]" for w in where) or "the top level"


def _decode(node: dict, arrays: dict):
    (kind, value), *rest = node.items()
    if kind == "tensor":
        t = wrap(arrays[value])
        return t.requires_grad_(True) if rest and rest[0][1] and t.data.dtype.kind == "f" else t
    if kind == "array":
        return arrays[value]
    if kind == "scalar":
        return arrays[value][()]
    if kind in ("none", "bool", "int", "float", "str"):
        return value
    if kind == "dict":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in value}
    if kind in ("list", "tuple"):
        items = [_decode(v, arrays) for v in value]
        return items if kind == "list" else tuple(items)
    raise ValueError(f"load: unknown entry {kind!r} in the file's structure")


def read_arrays(path) -> dict[str, np.ndarray]:
    """Every array of an .npz file, read without pickle. A missing file, a damaged one, or one
    that holds a pickle (torch.save, pickle.dump, object arrays) raises an error naming it."""
    name = _name(path)
    if not hasattr(path, "read") and not os.path.exists(os.fspath(path)):
        raise ModelFileNotFoundError(2, f"file not found: {name}", os.fspath(path))
    _refuse_torch_zip(path, name)
    try:
        archive = np.load(path, allow_pickle=False)
        if not hasattr(archive, "files"):  # a plain array: an .npy file, not an .npz archive
            raise ValueError("expected an .npz archive of named arrays, got a single .npy array")
        with archive:
            return {key: archive[key] for key in archive.files}
    except ValueError as err:
        if "Object arrays" in str(err) or ("pickle" in str(err) and _looks_pickled(path)):
            raise PickleRefusedError(_pickle_message(name)) from None
        raise _damaged(name, err) from err
    except (OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise _damaged(name, err) from err


def _looks_pickled(path) -> bool:
    """A pickle starts with the PROTO opcode (0x80, protocols 2 and up) or ends with STOP ('.')."""
    if hasattr(path, "read"):
        path.seek(0)
        data = path.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return data[:1] == b"\x80" or data.rstrip(b"\n")[-1:] == b"."


def _refuse_torch_zip(path, name: str) -> None:
    """torch.save's zip holds its tensors' bytes beside a pickle (data.pkl) that rebuilds them."""
    try:
        if not zipfile.is_zipfile(path):
            return
        with zipfile.ZipFile(path) as z:
            entries = z.namelist()
    except (OSError, zipfile.BadZipFile):
        return
    finally:
        if hasattr(path, "seek"):
            path.seek(0)
    if any(e.endswith(".pkl") or not e.endswith(".npy") for e in entries):
        raise PickleRefusedError(_pickle_message(name) + " (this looks like PyTorch's torch.save format: a zip "
                                 "holding data.pkl)")


def _pickle_message(name: str) -> str:
    return (f"load: {name} holds a Python pickle (the format of torch.save and pickle.dump); unpickling "
            f"runs whatever code the file's author put in it, so tg.load refuses and reads nothing. Save "
            f"with tg.save (arrays and JSON), or convert in PyTorch: "
            f"np.savez(path, **{{k: v.numpy() for k, v in model.state_dict().items()}})")


def _damaged(name: str, err: Exception) -> ValueError:
    return ValueError(f"cannot read {name}: it is not a complete .npz archive written by tg.save or "
                      f"np.savez ({type(err).__name__}: {err})")


def _name(path) -> str:
    return repr(os.fspath(path)) if not hasattr(path, "read") else f"the file object {getattr(path, 'name', path)!r}"
