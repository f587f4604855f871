"""HPSS separation (librosa DSP) of a song's segments into bass, drums, other and vocals: each
segment on its own, the stems stored back to back like the segments."""

import numpy as np

from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators import check_stems
from sepconv.separators.hpss import HpssParams, separate_hpss
from sepconv.signal.segments import split_segments
from sepconv.steps import run_step


def main(snakemake, log):
    params = HpssParams.from_config(snakemake.params.hpss)
    segment, sr = read_audio(snakemake.input.segment)
    parts = [
        separate_hpss(piece, sr, params)
        for piece in split_segments(
            segment, int(snakemake.params.n_samples), snakemake.input.segment
        )
    ]
    stems = {stem: np.concatenate([part[stem] for part in parts]) for stem in STEMS}
    deviation = check_stems(stems, segment, tolerance=1e-4)
    total = float(np.sum(np.square(segment, dtype=np.float64)))
    shares = {
        s: float(np.sum(np.square(stems[s], dtype=np.float64))) / max(total, 1e-12) for s in STEMS
    }
    log.info(
        "%s; energy shares %s; stems sum to the segment within %.2g",
        params,
        {s: round(v, 3) for s, v in shares.items()},
        deviation,
    )
    for stem, path in zip(STEMS, snakemake.output.stems, strict=True):
        write_audio(path, stems[stem], sr)


run_step(snakemake, main)
