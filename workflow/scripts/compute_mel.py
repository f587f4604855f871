"""Log-mel spectrograms of one song under one separator: the segment's (separator ``none``),
or every stem channel of the separator's stems (``bass``, ..., ``bass+drums+other``)."""

import numpy as np

from sepconv.io import read_audio
from sepconv.names import MIXTURE, STEMS
from sepconv.signal.features import MelFile, MelParams, analysis_signal, channel_audio, log_mel
from sepconv.steps import run_step


def main(snakemake, log):
    params = MelParams.from_config(snakemake.params.features)
    channels = list(snakemake.params.channels)
    if channels == [MIXTURE]:
        audio, sr = read_audio(snakemake.input.segment)
        mels = [log_mel(audio, sr, params)]
    else:
        # resampling is linear: bring each stem to the analysis rate once, then sum channels
        stems = {}
        for stem, path in zip(STEMS, snakemake.input.stems, strict=True):
            audio, sr = read_audio(path)
            stems[stem] = analysis_signal(audio, sr, params)
        mels = [log_mel(channel_audio(stems, c), params.sample_rate, params) for c in channels]
    for channel, mel in zip(channels, mels, strict=True):
        log.info("%s: %s %s, %.1f to %.1f dB", channel, mel.shape, mel.dtype, mel.min(), mel.max())
    MelFile(
        song=snakemake.wildcards.song,
        separator=snakemake.wildcards.separator,
        channels=tuple(channels),
        mels=np.stack(mels),
    ).save(snakemake.output.npz)


run_step(snakemake, main)
