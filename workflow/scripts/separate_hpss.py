"""HPSS separation (librosa DSP) of a block of songs into bass, drums, other and vocals: each
segment on its own, a song's stems stored back to back like its segments."""

import numpy as np

from sepconv import blocks
from sepconv.errors import SeparationError
from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators import check_stems
from sepconv.separators.hpss import HpssParams, separate_hpss
from sepconv.signal.segments import split_segments
from sepconv.steps import run_step


def separate(song, segment_path, stems_pattern, params, n_samples, log):
    """Separate one song's segments and write its stems; return the stem files."""
    segment, sr = read_audio(segment_path)
    parts = [
        separate_hpss(piece, sr, params)
        for piece in split_segments(segment, n_samples, segment_path)
    ]
    stems = {stem: np.concatenate([part[stem] for part in parts]) for stem in STEMS}
    deviation = check_stems(stems, segment, tolerance=1e-4)
    total = float(np.sum(np.square(segment, dtype=np.float64)))
    shares = {
        s: float(np.sum(np.square(stems[s], dtype=np.float64))) / max(total, 1e-12) for s in STEMS
    }
    log.info(
        "%s: energy shares %s; stems sum to the segment within %.2g",
        song,
        {s: round(v, 3) for s, v in shares.items()},
        deviation,
    )
    files = [stems_pattern.format(song=song, stem=stem) for stem in STEMS]
    for stem, path in zip(STEMS, files, strict=True):
        write_audio(path, stems[stem], sr)
    return files


def main(snakemake, log):
    params = HpssParams.from_config(snakemake.params.hpss)
    log.info("%s", params)
    segments = blocks.ItemFiles(snakemake.input.segments)
    rows = blocks.run_songs(
        list(snakemake.params.songs),
        lambda song: separate(
            song,
            segments.of(song)[0],
            snakemake.params.stems,
            params,
            int(snakemake.params.n_samples),
            log,
        ),
        log,
        what="hpss block",
        block=snakemake.wildcards.block,
        source=lambda song: segments.of(song)[0],
        error=SeparationError,
    )
    blocks.save_record(snakemake.output.tsv, rows)


run_step(snakemake, main)
