"""Where the workflow writes: the folders of the block jobs, and each file inside them.

Every per-song step and every training job writes one folder per block
(:mod:`sepconv.blocks`), with its listing beside it (``FOLDER.sha256``). The patterns here
are filled with the block (and the separator, model or seeds) by the rules; the functions
name a song's files inside a block's folder, for the step that writes them and for every
step that reads them. Nothing else spells these paths.

    results/corpus/{block}/{song}/{mixture,bass,drums,other,vocals}.wav, info.json
    results/segments/{block}/{song}.wav, {song}.json     (and {block}.excluded.tsv beside it)
    results/stems/{separator}/{block}/{song}/{bass,drums,other,vocals}.wav
    results/mels/{separator}/{block}/{song}.npz
    results/separation/{separator}/{block}.tsv
    results/runs/{separator}/{model}/seeds{seeds}/seed{seed}.json

and the stacked tensors, one file of rows and its rows file per (separator, representation)
(:mod:`sepconv.signal.tensors`):

    results/tensors/{separator}/{representation}.npy, {representation}.rows.npz

``{block}`` is a per-song block (``song_blocks`` of them), except in the stems, spectrograms
and separation quality of a learned separator, which are in that separator's blocks.
"""

from __future__ import annotations

import os

#: The synthetic corpus's songs (mixture and reference stems), by per-song block.
CORPUS_FOLDER = "results/corpus/{block}"
#: The segments of each song, by per-song block.
SEGMENT_FOLDER = "results/segments/{block}"
#: The songs a segment job left out (config ``dataset.bad_files: skip``), beside its folder.
SEGMENT_EXCLUSIONS = "results/segments/{block}.excluded.tsv"
#: A separator's stems, by block of that separator.
STEM_FOLDER = "results/stems/{separator}/{block}"
#: The spectrograms under a separator (the mixture's under ``none``), by block of the separator.
MEL_FOLDER = "results/mels/{separator}/{block}"
#: The separation quality of a separator's stems, one table per block of the separator.
QUALITY_TABLE = "results/separation/{separator}/{block}.tsv"
#: The stacked tensor of one representation under a separator (its rows file beside it:
#: :func:`sepconv.signal.tensors.rows_path`).
TENSOR_FILE = "results/tensors/{separator}/{representation}.npy"
#: The run records of one training job: a block of seeds of one (separator, model).
RUN_FOLDER = "results/runs/{separator}/{model}/seeds{seeds}"


def _join(folder: str | os.PathLike, *parts: str) -> str:
    return "/".join([os.fspath(folder).rstrip("/"), *parts])


def corpus_file(folder: str | os.PathLike, song: str, name: str) -> str:
    """A synthetic song's ``name`` (``mixture`` or a stem) in its corpus block's folder."""
    return _join(folder, song, f"{name}.wav")


def corpus_info(folder: str | os.PathLike, song: str) -> str:
    """What the synthesis chose for a song (genre, tempo, parts), as JSON."""
    return _join(folder, song, "info.json")


def segment_file(folder: str | os.PathLike, song: str) -> str:
    """A song's segments, back to back in one WAV."""
    return _join(folder, f"{song}.wav")


def segment_info(folder: str | os.PathLike, song: str) -> str:
    """The record of a song's segments (source, starts, levels), as JSON."""
    return _join(folder, f"{song}.json")


def stem_file(folder: str | os.PathLike, song: str, stem: str) -> str:
    """One stem of a song under a separator, as long as its segments."""
    return _join(folder, song, f"{stem}.wav")


def mel_file(folder: str | os.PathLike, song: str) -> str:
    """A song's spectrograms under a separator (every channel and segment)."""
    return _join(folder, f"{song}.npz")


def run_file(folder: str | os.PathLike, seed: int) -> str:
    """The record of one training run (seed) in its training job's folder."""
    return _join(folder, f"seed{int(seed)}.json")
