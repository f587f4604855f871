"""Log-mel spectrograms of one song's segments under one separator: the segments' own
(separator ``none``), or every stem channel of the separator's stems (``bass``, ...,
``bass+drums+other``); one per segment and channel."""

import numpy as np

from sepconv import blocks
from sepconv.io import read_audio
from sepconv.names import MIXTURE, STEMS
from sepconv.signal.features import MelFile, MelParams, analysis_signal, segment_mels
from sepconv.signal.segments import split_segments
from sepconv.steps import run_step


def main(snakemake, log):
    params = MelParams.from_config(snakemake.params.features)
    channels = list(snakemake.params.channels)
    if channels == [MIXTURE]:
        audio, sr = read_audio(snakemake.input.segment)
        each = [
            (piece, sr) for piece in split_segments(audio, params.segment_samples(sr), "segment")
        ]
    else:
        # resampling is linear: bring each stem to the analysis rate once, then sum channels
        stems = {}
        paths = (
            blocks.item_files(snakemake.input.block, snakemake.wildcards.song)
            if "block" in snakemake.input.keys()
            else snakemake.input.stems
        )
        for stem, path in zip(STEMS, paths, strict=True):
            audio, sr = read_audio(path)
            stems[stem] = [
                analysis_signal(piece, sr, params)
                for piece in split_segments(audio, params.segment_samples(sr), path)
            ]
        count = len(stems[STEMS[0]])
        each = [{stem: stems[stem][k] for stem in STEMS} for k in range(count)]
    mels = np.stack([segment_mels(signals, params, channels) for signals in each])
    for c, channel in enumerate(channels):
        mel = mels[:, c]
        log.info(
            "%s: %d segment(s) of %s %s, %.1f to %.1f dB",
            channel,
            len(mel),
            mel.shape[1:],
            mel.dtype,
            mel.min(),
            mel.max(),
        )
    MelFile(
        song=snakemake.wildcards.song,
        separator=snakemake.wildcards.separator,
        channels=tuple(channels),
        mels=mels,
    ).save(snakemake.output.npz)


run_step(snakemake, main)
