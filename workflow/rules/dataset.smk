# The songs: the embedded synthetic corpus, and one segment per song.


rule synthesize_song:
    output:
        mixture="results/corpus/{song}/mixture.wav",
        stems=expand("results/corpus/{{song}}/{stem}.wav", stem=STEMS),
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
        synthetic=config["dataset"]["synthetic"],
    script:
        "../scripts/synthesize_song.py"


rule segment_song:
    input:
        audio=get_song_audio,
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
        start=get_segment_start,
        segment=config["segment"],
        features=config["features"],
    script:
        "../scripts/segment_song.py"
