"""MNIST's IDX files, read from paths the user gives (nothing is downloaded).

IDX format: a 4-byte magic number (two zero bytes, a type code — 0x08 for unsigned bytes — and
the number of dimensions), one big-endian uint32 per dimension, then the values, big-endian.
MNIST images have magic 2051 (0x00000803: N × rows × cols), labels 2049 (0x00000801: N).
"""
from __future__ import annotations

import gzip
import os

import numpy as np

IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_bytes(path) -> bytes:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(2, f"IDX file not found: {path!r}", path)
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise ValueError(f"IDX file {path!r} is a damaged or truncated gzip file: {err}") from None
    return raw


def read_idx(path, expected_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a numpy array of its stored type."""
    raw = _read_bytes(path)
    name = os.fspath(path)
    if len(raw) < 4:
        raise ValueError(f"IDX file {name!r} is truncated: {len(raw)} bytes, shorter than its 4-byte header")
    magic = int.from_bytes(raw[:4], "big")
    type_code, ndim = raw[2], raw[3]
    if raw[:2] != b"\x00\x00" or type_code not in _TYPES or ndim == 0:
        raise ValueError(f"{name!r} is not an IDX file: bad magic number {magic} (0x{magic:08x})")
    if expected_magic is not None and magic != expected_magic:
        kinds = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}
        raise ValueError(f"IDX file {name!r} has magic number {magic}, expected {expected_magic} "
                         f"({kinds.get(expected_magic, 'IDX')}); "
                         f"{'is it the ' + kinds[magic] + ' file?' if magic in kinds else ''}".rstrip("; "))
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"IDX file {name!r} is truncated inside its header ({len(raw)} of {header} bytes)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_TYPES[type_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    got = len(raw) - header
    if got != expected:
        problem = "truncated" if got < expected else "longer than its header says"
        raise ValueError(f"IDX file {name!r} is {problem}: shape {shape} needs {expected} bytes of "
                         f"data, the file has {got}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def load_mnist_idx(images_path, labels_path, normalize: bool = True, flatten: bool = True):
    """MNIST-format images and labels: X float32 (N, rows·cols) — or (N, rows, cols) without
    flatten — scaled to [0, 1] with normalize; y int64 (N,)."""
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(f"MNIST: {os.fspath(images_path)!r} holds {len(images)} images but "
                         f"{os.fspath(labels_path)!r} holds {len(labels)} labels")
    X = images.astype(np.float32)
    if normalize:
        X /= 255.0
    if flatten:
        X = X.reshape(len(X), -1)
    return X, labels.astype(np.int64)
