"""Synthesise a block of songs of the embedded corpus, each with its four ground-truth stems."""

from sepconv import blocks
from sepconv.corpus.render import synthesize_song
from sepconv.io import write_audio, write_json
from sepconv.names import MIXTURE, STEMS
from sepconv.steps import run_step


def synthesize(song, job, synthetic, pattern, log):
    """Synthesise one song; write its stems, mixture and record; return the files."""
    sr = synthetic["sample_rate"]
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
    files = []
    for name, audio in (*((stem, stems[stem]) for stem in STEMS), (MIXTURE, mixture)):
        files.append(pattern.format(song=song, name=name))
        write_audio(files[-1], audio, sr)
    files.append(pattern.format(song=song, name="info").replace(".wav", ".json"))
    write_json(files[-1], info)
    return files


def main(snakemake, log):
    jobs = snakemake.params.songs
    rows = blocks.run_songs(
        list(jobs),
        lambda song: synthesize(
            song, jobs[song], snakemake.params.synthetic, snakemake.params.corpus, log
        ),
        log,
        what="synthesis block",
        block=snakemake.wildcards.block,
        source=lambda song: snakemake.params.corpus.format(song=song, name=MIXTURE),
    )
    blocks.save_record(snakemake.output.tsv, rows)


run_step(snakemake, main)
