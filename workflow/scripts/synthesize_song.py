"""Synthesise one song of the embedded corpus and its four ground-truth stems."""

from sepconv.corpus.render import synthesize_song
from sepconv.io import write_audio, write_json
from sepconv.names import STEMS
from sepconv.steps import run_step


def main(snakemake, log):
    synthetic = snakemake.params.synthetic
    song = snakemake.wildcards.song
    sr = synthetic["sample_rate"]
    stems, mixture, info = synthesize_song(
        song,
        snakemake.params.genre,
        snakemake.params.artist,
        seed=synthetic["seed"],
        sr=sr,
        duration=tuple(synthetic["duration"]),
        difficulty=synthetic["difficulty"],
        vocals_share=synthetic["vocals_share"],
    )
    log.info(
        "%s: %s, %.1f BPM, %.2f s, vocals: %s, parts from: %s",
        song,
        info["genre"],
        info["bpm"],
        info["duration_s"],
        info["vocals"],
        info["parts"],
    )
    for stem, path in zip(STEMS, snakemake.output.stems, strict=True):
        write_audio(path, stems[stem], sr)
    write_audio(snakemake.output.mixture, mixture, sr)
    write_json(snakemake.output.info, info)


run_step(snakemake, main)
