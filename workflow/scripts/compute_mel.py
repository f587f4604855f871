"""Log-mel spectrograms of the segments of a block of songs under one separator: the
segments' own (separator ``none``), or every stem channel of the separator's stems (``bass``,
..., ``bass+drums+other``); one per segment and channel, one file per song."""

from sepconv import layout
from sepconv.blocks import Block, items_in
from sepconv.names import MIXTURE, STEMS
from sepconv.signal.features import MelParams, song_mels
from sepconv.signal.mels import MelFile
from sepconv.steps import run_step


def main(snakemake, log):
    params = MelParams.from_config(snakemake.params.features)
    channels = list(snakemake.params.channels)
    separator = snakemake.wildcards.separator
    mixture = channels == [MIXTURE]
    folder = snakemake.output.folder
    what = f"{separator} spectrogram block {snakemake.wildcards.block}"
    with Block(folder, log, what=what) as block:
        for song, source in items_in(snakemake.input.source).items():
            if mixture:
                sources = [layout.segment_file(source, song)]
            else:
                sources = [layout.stem_file(source, song, stem) for stem in STEMS]
            with block.item(song, source=", ".join(sources)):
                mels = song_mels(sources, channels, params)
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
                MelFile(song=song, separator=separator, channels=tuple(channels), mels=mels).save(
                    layout.mel_file(folder, song)
                )


run_step(snakemake, main)
