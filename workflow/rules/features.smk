# Log-mel spectrograms per (separator, block of that separator's songs) -- the mixture's once,
# under separator `none` -- each block's into its folder (sepconv.layout); then one stacked
# tensor per (separator, representation), written row by row (sepconv.signal.tensors).


rule compute_mel:
    input:
        unpack(get_mel_source),
    output:
        folder=block_folder(layout.MEL_FOLDER),
        listing=block_listing(layout.MEL_FOLDER),
    log:
        "logs/mels/{separator}/{block}.log",
    benchmark:
        "benchmarks/mels/{separator}/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("compute_mel"),
    params:
        code=step_code("compute_mel.py"),
        features=config["features"],
        channels=get_mel_channels,
    script:
        "../scripts/compute_mel.py"


rule stack_tensor:
    input:
        unpack(get_tensor_mels),
        songs=rules.write_song_table.output.tsv,
    output:
        X=layout.TENSOR_FILE,
        rows=rows_path(layout.TENSOR_FILE),
    log:
        "logs/tensors/{separator}/{representation}.log",
    benchmark:
        "benchmarks/tensors/{separator}/{representation}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("stack_tensor"),
    params:
        code=step_code("stack_tensor.py"),
        channels=get_representation_channels,
    script:
        "../scripts/stack_tensor.py"
