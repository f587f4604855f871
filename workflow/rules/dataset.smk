# The songs: the embedded synthetic corpus, the song table, and one segment per song.


rule synthesize_song:
    input:
        code=step_files("synthesize_song.py"),
    output:
        mixture=expand(CORPUS_FILE, name=MIXTURE, allow_missing=True)[0],
        stems=expand(CORPUS_FILE, name=STEMS, allow_missing=True),
        info="results/corpus/{song}/info.json",
    log:
        "logs/corpus/{song}.log",
    benchmark:
        "benchmarks/corpus/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        genre=get_song_genre,
        artist=get_song_artist,
        synthetic=synthesis_settings(),
    script:
        "../scripts/synthesize_song.py"


# What the splits and the tensors read of the song table (song, genre, artist): an edited
# artist re-runs the splits, never a per-song job.
rule write_song_table:
    input:
        code=step_files("write_song_table.py"),
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
        songs=song_labels(),
    script:
        "../scripts/write_song_table.py"


rule segment_song:
    input:
        audio=get_song_audio,
        code=step_files("segment_song.py"),
    output:
        segment="results/segments/{song}.wav",
        info="results/segments/{song}.json",
    log:
        "logs/segments/{song}.log",
    benchmark:
        "benchmarks/segments/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        # the file itself, so that a sheet pointing a song at another file re-runs it
        source=get_song_audio,
        start=get_segment_start,
        segment=get_segment_settings,
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/segment_song.py"
