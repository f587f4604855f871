"""Synthesise a block of songs of the embedded corpus, each with its four ground-truth stems,
into the block's folder."""

from sepconv import layout
from sepconv.blocks import Block
from sepconv.corpus.render import synthesize_song
from sepconv.io import write_audio, write_json
from sepconv.names import MIXTURE, STEMS
from sepconv.steps import run_step


def main(snakemake, log):
    synthetic = snakemake.params.synthetic
    sr = synthetic["sample_rate"]
    folder = snakemake.output.folder
    with Block(folder, log, what=f"synthesis block {snakemake.wildcards.block}") as block:
        for song, job in snakemake.params.songs.items():
            with block.item(song):
                stems, mixture, info = synthesize_song(
                    song,
                    job["genre"],
                    job["artist"],
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
                for name, audio in (*((stem, stems[stem]) for stem in STEMS), (MIXTURE, mixture)):
                    write_audio(layout.corpus_file(folder, song, name), audio, sr)
                write_json(layout.corpus_info(folder, song), info)


run_step(snakemake, main)
