"""Cut the segments of a block of songs, each the length that gives exactly n_frames mel
frames, stored back to back in one file per song (one segment: the paper's protocol), into
the block's folder. A song is read block by block, so the job's memory does not depend on
its length. Under dataset.bad_files: skip, a song whose audio cannot be used is left out and
listed beside the folder, and the block's other songs are cut."""

import numpy as np

from sepconv import layout
from sepconv.blocks import Block
from sepconv.corpus.labels import write_excluded
from sepconv.errors import InputError
from sepconv.io import write_audio
from sepconv.signal.audio import SongReader
from sepconv.signal.segments import check_not_silent, cut_song, save_record, segment_record
from sepconv.steps import run_step


def main(snakemake, log):
    n = int(snakemake.params.n_samples)  # the length that gives the configured mel frames
    folder = snakemake.output.folder
    what = f"segment block {snakemake.wildcards.block}"
    # dataset.bad_files: skip leaves out a song whose audio cannot be used, and goes on. Not a
    # parameter: it decides whether a bad song fails its block, and a block with no bad song
    # is the same either way, so changing it re-runs nothing (a failed block runs again)
    skip = (InputError,) if snakemake.config["dataset"]["bad_files"] == "skip" else ()
    with Block(folder, log, what=what, error=InputError, skip=skip) as block:
        for song, job in snakemake.params.songs.items():
            path, seg = str(job["audio"]), job["segment"]
            with block.item(song, source=path):
                sr = seg["sample_rate"]
                per_song = int(seg.get("per_song", 1))
                reader = SongReader(path, sr)
                # `pad` reaches only songs that may be shorter than their segment
                segments, starts, rule = cut_song(
                    reader,
                    n,
                    job["start"],
                    per_song,
                    seg.get("search_step"),
                    pad=seg.get("pad", False),
                )
                log.info(
                    "%s: read %s: %d samples, %d channel(s), %d Hz (%.2f s)",
                    song,
                    path,
                    reader.source_frames,
                    reader.channels,
                    reader.source_rate,
                    reader.source_frames / reader.source_rate,
                )
                levels = []
                for number, (start, segment) in enumerate(zip(starts, segments, strict=True), 1):
                    where = path if per_song == 1 else f"{path} (segment {number} of {per_song})"
                    levels.append(check_not_silent(segment, where))
                    log.info(
                        "%s: segment %d: start %.3f s (%s), %d samples at %d Hz (%.3f s), "
                        "%.1f dBFS RMS",
                        song,
                        number,
                        start / sr,
                        rule,
                        n,
                        sr,
                        n / sr,
                        levels[-1],
                    )
                write_audio(layout.segment_file(folder, song), np.concatenate(segments), sr)
                save_record(
                    layout.segment_info(folder, song),
                    segment_record(song, path, reader.source_rate, starts, rule, sr, n, levels),
                )
    write_excluded(
        snakemake.output.excluded,
        [
            {"song": song, "genre": "", "path": path, "found": "segment", "reason": reason}
            for song, path, reason in block.skipped
        ],
    )


run_step(snakemake, main)
