"""Atomic file writes and the project's file formats (audio, arrays, JSON).

Every output is first written under a temporary name in its own directory and then renamed
into place with :func:`os.replace`, which is atomic on POSIX file systems: an interrupted job
never leaves a file that looks complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` on success.

    The temporary name keeps the suffix of ``path`` (soundfile and NumPy choose the format by
    suffix). On an exception the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        # mkstemp creates the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_audio(path: str | os.PathLike, audio: np.ndarray, sr: int) -> None:
    """Write ``audio`` of shape ``(n_samples,)`` or ``(n_samples, n_channels)`` as 32-bit float WAV.

    Float samples keep separated stems summing to their mixture to within float32 rounding.
    The same samples give the same bytes: libsndfile stamps a float WAV's ``PEAK`` chunk
    with the time of writing, which is set to zero here.
    """
    audio = np.asarray(audio, dtype=np.float32)
    with atomic_path(path) as tmp:
        sf.write(tmp, audio, int(sr), subtype="FLOAT", format="WAV")
        _clear_peak_timestamp(tmp)


def _clear_peak_timestamp(path: Path) -> None:
    """Zero the timestamp of a WAV file's ``PEAK`` chunk (its data: a version, then the
    timestamp, then each channel's peak), found by walking the RIFF chunks before the data."""
    with open(path, "r+b") as handle:
        header = handle.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8 or chunk[:4] == b"data":
                return
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"PEAK":
                handle.seek(4, os.SEEK_CUR)  # the version
                handle.write(bytes(4))
                return
            handle.seek(size + size % 2, os.SEEK_CUR)


def read_audio(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """Read an audio file as float32 of shape ``(n_samples, n_channels)`` and its rate in Hz."""
    audio, sr = sf.read(path, dtype="float32", always_2d=True)
    return audio, int(sr)


def write_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write arrays to an uncompressed ``.npz`` file atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def write_json(path: str | os.PathLike, obj: object) -> None:
    """Write ``obj`` as indented JSON (keys in insertion order) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2) + "\n")


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)


#: How the result tables write floats: six significant digits.
TABLE_FLOAT_FORMAT = "%.6g"


def write_table(path: str | os.PathLike, table, float_format: str = TABLE_FLOAT_FORMAT) -> None:
    """Write a pandas DataFrame as a tab-separated table with a header, atomically: every
    result table of the workflow (metrics, Table 1, significance, pairs, quality)."""
    write_text(path, table.to_csv(sep="\t", index=False, float_format=float_format))
