# The songs: the embedded synthetic corpus, the song table, and each song's segments. The
# per-song steps run one job per block of songs (config song_blocks); each writes the block's
# folder (sepconv.layout) and its listing (sepconv.blocks).


rule synthesize_song:
    input:
        code=step_script("synthesize_song.py"),
    output:
        folder=block_folder(layout.CORPUS, intermediate=True),
        listing=block_listing(layout.CORPUS),
    log:
        "logs/corpus/{block}.log",
    benchmark:
        "benchmarks/corpus/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("synthesize_song"),
    params:
        library=library_code("synthesize_song.py"),
        # each song's genre and artist, so that a new or changed song re-runs its block
        songs=get_synthesis_jobs,
        synthetic=PLAN.synthesis_settings(),
    script:
        "../scripts/synthesize_song.py"


# What the splits and the tensors read of the song table (song, genre, artist): an edited
# artist re-runs the splits, never a per-song job. Written once every block's segments are
# cut, so that a run that fails on a new song's audio leaves the table, and the splits that
# read it, as they were; it holds the songs that have segments, and results/excluded.tsv
# the songs left out under dataset.bad_files: skip, with their reasons.
rule write_song_table:
    input:
        segments=listings_read(PLAN.segment_folders_all()),
        excluded=PLAN.segment_exclusions_all(),
        code=step_script("write_song_table.py"),
    output:
        tsv="results/songs.tsv",
        # in the report where songs may be left out
        excluded=(
            report(
                "results/excluded.tsv",
                caption="../report/excluded.rst",
                category="0. Songs left out",
            )
            if config["dataset"]["bad_files"] == "skip"
            else "results/excluded.tsv"
        ),
    log:
        "logs/songs.log",
    benchmark:
        "benchmarks/songs.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("write_song_table.py"),
        songs=PLAN.labels(),
        # the songs the check of every file's header left out (dataset.bad_files: skip)
        excluded=PLAN.excluded,
    script:
        "../scripts/write_song_table.py"


rule segment_song:
    input:
        # a sheet's or folder's audio files, or the synthetic corpus's block
        audio=get_song_audio,
        corpus=get_corpus_folders,
        listings=get_corpus_listings,
        code=step_script("segment_song.py"),
    output:
        folder=block_folder(layout.SEGMENTS, intermediate=True),
        listing=block_listing(layout.SEGMENTS),
        excluded=layout.SEGMENTS_EXCLUDED,
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
        library=library_code("segment_song.py"),
        # each song's file, start and settings, so that a change to one re-runs its block
        songs=get_segment_jobs,
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/segment_song.py"
