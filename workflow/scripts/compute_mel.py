"""Log-mel spectrograms of one song: of its segment (once) and of each separator's stems.

Keys of the output: ``mixture``, and ``{separator}/{channel}`` for every stem channel
(``hpss/bass``, ``hpss/bass+drums+other``, ...).
"""

from sepconv import STEMS
from sepconv.features import MIXTURE, MelParams, analysis_signal, channel_audio, log_mel
from sepconv.io import read_audio, write_npz
from sepconv.steps import run_step


def main(snakemake, log):
    params = MelParams(**snakemake.params.features)
    audio, sr = read_audio(snakemake.input.segment)
    mels = {MIXTURE: log_mel(audio, sr, params)}
    separators = [name for name in snakemake.input.keys() if name != "segment"]
    for separator in separators:
        # resampling is linear: bring each stem to the analysis rate once, then sum channels
        stems = {}
        for stem, path in zip(STEMS, snakemake.input[separator], strict=True):
            audio, sr = read_audio(path)
            stems[stem] = analysis_signal(audio, sr, params)
        for channel in snakemake.params.channels:
            signal = channel_audio(stems, channel)
            mels[f"{separator}/{channel}"] = log_mel(signal, params.sample_rate, params)
    for key, mel in mels.items():
        log.info("%s: %s %s, %.1f to %.1f dB", key, mel.shape, mel.dtype, mel.min(), mel.max())
    write_npz(snakemake.output.npz, **mels)


run_step(snakemake, main)
