# The songs: the embedded synthetic corpus, the song table, and one segment per song.


# One job per block of songs (config songs_per_job), like the other per-song steps: each song's
# mixture and stems go to CORPUS_FILE, and the block record lists them.
rule synthesize_song:
    input:
        code=step_script("synthesize_song.py"),
    output:
        tsv="results/corpus/blocks/{block}.tsv",
    log:
        "logs/corpus/{block}.log",
    benchmark:
        "benchmarks/corpus/{block}.tsv"
    conda:
        MAIN_ENV
    params:
        library=library_code("synthesize_song.py"),
        songs=get_synthesis_jobs,
        synthetic=synthesis_settings(),
        corpus=file_pattern(CORPUS_FILE),
    script:
        "../scripts/synthesize_song.py"


# What the splits and the tensors read of the song table (song, genre, artist): an edited
# artist re-runs the splits, never a per-song job. Written once every song's segments are cut,
# so a run that fails on a new song's audio leaves the table, and all that reads it, as it was
# (rewritten with the same content after a block re-runs, it re-runs nothing: checksums).
rule write_song_table:
    input:
        segments=get_segment_blocks,
        code=step_script("write_song_table.py"),
    output:
        tsv="results/songs.tsv",
    log:
        "logs/songs.log",
    benchmark:
        "benchmarks/songs.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("write_song_table.py"),
        songs=song_labels(),
    script:
        "../scripts/write_song_table.py"


# One job per block of songs (config songs_per_job): each song's segments go to SEGMENT_FILE
# and their record to SEGMENT_INFO, and the block record lists them.
rule segment_song:
    input:
        audio=get_block_audio,
        code=step_script("segment_song.py"),
    output:
        tsv="results/segments/blocks/{block}.tsv",
    log:
        "logs/segments/{block}.log",
    benchmark:
        "benchmarks/segments/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        # a song is read block by block: its length does not count (docs/speed.md), the
        # segments do, 3.7 MB each at the paper's length
        mem_mb=500,
    params:
        library=library_code("segment_song.py"),
        # each song's file, start and settings, so that a change to one re-runs its block
        songs=get_segment_jobs,
        n_samples=SEGMENT_SAMPLES,
        segment=file_pattern(SEGMENT_FILE),
        info=file_pattern(SEGMENT_INFO),
    script:
        "../scripts/segment_song.py"
