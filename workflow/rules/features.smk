# Log-mel spectrograms per (separator, block of songs) -- the mixture's once, under separator
# `none` -- each song's to MEL_FILE; then one stacked tensor per (separator, representation).


rule compute_mel:
    input:
        records=get_mel_input,
        code=step_script("compute_mel.py"),
    output:
        tsv="results/mels/{separator}/blocks/{block}.tsv",
    log:
        "logs/mels/{separator}/{block}.log",
    benchmark:
        "benchmarks/mels/{separator}/{block}.tsv"
    conda:
        MAIN_ENV
    params:
        library=library_code("compute_mel.py"),
        features=config["features"],
        channels=get_mel_channels,
        songs=get_block_songs(PER_SONG),
        mels=file_pattern(MEL_FILE),
    script:
        "../scripts/compute_mel.py"


rule stack_tensor:
    input:
        records=get_separator_mels,
        songs=rules.write_song_table.output.tsv,
        code=step_script("stack_tensor.py"),
    output:
        npz="results/tensors/{separator}/{representation}.npz",
    log:
        "logs/tensors/{separator}/{representation}.log",
    benchmark:
        "benchmarks/tensors/{separator}/{representation}.tsv"
    conda:
        MAIN_ENV
    params:
        library=library_code("stack_tensor.py"),
        channels=get_representation_channels,
    script:
        "../scripts/stack_tensor.py"
