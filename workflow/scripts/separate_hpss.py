"""HPSS separation (librosa DSP) of one segment into bass, drums, other and vocals."""

import numpy as np

from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators import check_stems
from sepconv.separators.hpss import HpssParams, separate_hpss
from sepconv.steps import run_step


def main(snakemake, log):
    params = HpssParams.from_config(snakemake.params.hpss)
    segment, sr = read_audio(snakemake.input.segment)
    stems = separate_hpss(segment, sr, params)
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
