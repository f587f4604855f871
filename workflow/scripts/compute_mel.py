"""Log-mel spectrograms of the segments of a block of songs under one separator: the
segments' own (separator ``none``), or every stem channel of the separator's stems (``bass``,
..., ``bass+drums+other``); one per segment and channel, one file per song."""

import numpy as np

from sepconv import blocks
from sepconv.io import read_audio
from sepconv.names import MIXTURE, STEMS
from sepconv.signal.features import MelFile, MelParams, analysis_signal, segment_mels
from sepconv.signal.segments import split_segments
from sepconv.steps import run_step


def song_mels(song, sources, separator, channels, params, path, log):
    """Compute and write one song's spectrograms from its segment file (``[segment]``, for
    the mixture) or its four stem files; return the file written."""
    if channels == [MIXTURE]:
        audio, sr = read_audio(sources[0])
        n = params.segment_samples(sr)
        each = [(piece, sr) for piece in split_segments(audio, n, sources[0])]
    else:
        # resampling is linear: bring each stem to the analysis rate once, then sum channels
        stems = {}
        for stem, source in zip(STEMS, sources, strict=True):
            audio, sr = read_audio(source)
            stems[stem] = [
                analysis_signal(piece, sr, params)
                for piece in split_segments(audio, params.segment_samples(sr), source)
            ]
        count = len(stems[STEMS[0]])
        each = [{stem: stems[stem][k] for stem in STEMS} for k in range(count)]
    mels = np.stack([segment_mels(signals, params, channels) for signals in each])
    for c, channel in enumerate(channels):
        mel = mels[:, c]
        log.info(
            "%s %s: %d segment(s) of %s %s, %.1f to %.1f dB",
            song,
            channel,
            len(mel),
            mel.shape[1:],
            mel.dtype,
            mel.min(),
            mel.max(),
        )
    MelFile(song=song, separator=separator, channels=tuple(channels), mels=mels).save(path)
    return [path]


def main(snakemake, log):
    params = MelParams.from_config(snakemake.params.features)
    channels = list(snakemake.params.channels)
    separator = snakemake.wildcards.separator
    sources = blocks.ItemFiles(snakemake.input.records)
    pattern = snakemake.params.mels
    rows = blocks.run_songs(
        list(snakemake.params.songs),
        lambda song: song_mels(
            song,
            sources.of(song)[:1] if channels == [MIXTURE] else sources.of(song),
            separator,
            channels,
            params,
            pattern.format(separator=separator, song=song),
            log,
        ),
        log,
        what=f"{separator} spectrogram block",
        block=snakemake.wildcards.block,
        source=lambda song: ", ".join(sources.of(song)),
    )
    blocks.save_record(snakemake.output.tsv, rows)


run_step(snakemake, main)
