"""Log-mel spectrograms of one song's segments under one separator: the segments' own
(separator ``none``), or every stem channel of the separator's stems (``bass``, ...,
``bass+drums+other``); one per segment and channel."""

import numpy as np

from sepconv.io import read_audio
from sepconv.names import MIXTURE, STEMS
from sepconv.signal.features import MelFile, MelParams, analysis_signal, channel_audio, log_mel
from sepconv.signal.segments import pieces
from sepconv.steps import run_step


def segment_mels(audio_of, params, channels):
    """``(C, n_mels, n_frames)`` spectrograms of one segment, given its ``audio_of`` (the
    mixture, or the stems at the analysis rate)."""
    if channels == [MIXTURE]:
        audio, sr = audio_of
        return np.stack([log_mel(audio, sr, params)])
    return np.stack(
        [log_mel(channel_audio(audio_of, c), params.sample_rate, params) for c in channels]
    )


def main(snakemake, log):
    params = MelParams.from_config(snakemake.params.features)
    channels = list(snakemake.params.channels)
    if channels == [MIXTURE]:
        audio, sr = read_audio(snakemake.input.segment)
        each = [(piece, sr) for piece in pieces(audio, params.segment_samples(sr), "segment")]
    else:
        # resampling is linear: bring each stem to the analysis rate once, then sum channels
        stems = {}
        for stem, path in zip(STEMS, snakemake.input.stems, strict=True):
            audio, sr = read_audio(path)
            stems[stem] = [
                analysis_signal(piece, sr, params)
                for piece in pieces(audio, params.segment_samples(sr), path)
            ]
        count = len(stems[STEMS[0]])
        each = [{stem: stems[stem][k] for stem in STEMS} for k in range(count)]
    mels = np.stack([segment_mels(audio_of, params, channels) for audio_of in each])
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
