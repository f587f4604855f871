# The songs: the embedded synthetic corpus, the song table, and each song's segments. The
# per-song steps run one job per block of songs (config song_blocks); each writes the block's
# folder (sepconv.layout) and its listing (sepconv.blocks).


rule synthesize_song:
    output:
        folder=block_folder(layout.CORPUS_FOLDER, intermediate=True),
        listing=block_listing(layout.CORPUS_FOLDER),
    log:
        "logs/corpus/{block}.log",
    benchmark:
        "benchmarks/corpus/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("synthesize_song"),
    params:
        code=step_code("synthesize_song.py"),
        # each song's genre and artist, so that a new or changed song re-runs its block
        songs=get_synthesis_jobs,
        synthetic=get_synthesis_settings,
    script:
        "../scripts/synthesize_song.py"


# What the splits and the tensors read of the song table (song, genre, artist): an edited
# artist re-runs the splits, never a per-song job. Written once every block's segments are
# cut, so that a run that fails on a new song's audio leaves the table, and the splits that
# read it, as they were; it holds the songs that have segments, and results/excluded.tsv
# the songs left out under dataset.bad_files: skip, with their reasons.
rule write_song_table:
    input:
        unpack(get_segmented),
    output:
        tsv="results/songs.tsv",
        excluded=in_report("results/excluded.tsv", "songs left out", "excluded.rst"),
    log:
        "logs/songs.log",
    benchmark:
        "benchmarks/songs.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("write_song_table.py"),
        songs=get_song_labels,
        # the songs the check of every file's header left out (dataset.bad_files: skip)
        excluded=get_excluded,
    script:
        "../scripts/write_song_table.py"


rule segment_song:
    input:
        unpack(get_corpus),
        # a sheet's or folder's audio files, or the synthetic corpus's block
        audio=get_song_audio,
    output:
        folder=block_folder(layout.SEGMENT_FOLDER, intermediate=True),
        listing=block_listing(layout.SEGMENT_FOLDER),
        excluded=layout.SEGMENT_EXCLUSIONS,
    log:
        "logs/segments/{block}.log",
    benchmark:
        "benchmarks/segments/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        # a song is read block by block: its length counts for the time, not the memory
        **get_resources("segment_song"),
    params:
        code=step_code("segment_song.py"),
        # each song's file, start and settings, so that a change to one re-runs its block
        songs=get_segment_jobs,
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/segment_song.py"
