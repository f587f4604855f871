# Separation into bass, drums, other and vocals: one job per (separator, block of songs), the
# per-song steps' blocks (config song_blocks) or, for a separator whose model is costly to
# load, its own blocks (spleeter.blocks, demucs.blocks: each a union of per-song blocks). Each
# writes the block's stems into its folder (sepconv.layout) and the folder's listing.


rule separate_oracle:
    input:
        unpack(get_segments(NO_SEPARATOR)),
        # the synthetic corpus's block, or a sheet's reference stems
        unpack(get_corpus),
        references=get_reference_files,
    output:
        folder=block_folder(
            layout.STEM_FOLDER.format(separator=ORACLE, block="{block}"),
            intermediate=True,
        ),
        listing=block_listing(
            layout.STEM_FOLDER.format(separator=ORACLE, block="{block}")
        ),
    log:
        f"logs/stems/{ORACLE}/{{block}}.log",
    benchmark:
        f"benchmarks/stems/{ORACLE}/{{block}}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_oracle"),
    params:
        code=step_code("separate_oracle.py"),
        # the files themselves, so that a sheet naming other reference stems re-runs it
        references=get_references,
    script:
        "../scripts/separate_oracle.py"


rule separate_hpss:
    input:
        unpack(get_segments(NO_SEPARATOR)),
    output:
        folder=block_folder(
            layout.STEM_FOLDER.format(separator="hpss", block="{block}"),
            intermediate=True,
        ),
        listing=block_listing(
            layout.STEM_FOLDER.format(separator="hpss", block="{block}")
        ),
    log:
        "logs/stems/hpss/{block}.log",
    benchmark:
        "benchmarks/stems/hpss/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_hpss"),
    params:
        code=step_code("separate_hpss.py"),
        hpss=config["hpss"],
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/separate_hpss.py"


# The ladder's rungs (separators `ladder-S`): the reference stems' ideal ratio mask on the
# mixture's STFT, blended toward the uniform mask with strength S; made from the oracle's
# stems of the block (sepconv.separators.ladder).
rule separate_ladder:
    input:
        unpack(get_segments(NO_SEPARATOR)),
        unpack(get_oracle_stems),
    output:
        folder=block_folder(layout.STEM_FOLDER, intermediate=True),
        listing=block_listing(layout.STEM_FOLDER),
    log:
        "logs/stems/{separator}/{block}.log",
    benchmark:
        "benchmarks/stems/{separator}/{block}.tsv"
    wildcard_constraints:
        separator=r"ladder-[0-9.]+",
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_ladder"),
    params:
        code=step_code("separate_ladder.py"),
        ladder=config["ladder"],
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/separate_ladder.py"


# The learned separators, Spleeter and Demucs, each in its own uv project (Spleeter pins
# TensorFlow 2.12; Demucs needs PyTorch), created on first use by `get_{separator}_model`,
# which every separation job waits for, and reused; the project's lock file is an input of
# both rules, so a changed environment re-runs them. The model folder is checked file by file
# before any song is separated (sepconv.separators.spleeter, sepconv.separators.demucs). Then
# one job per block of songs (config spleeter.blocks, demucs.blocks): the model is loaded once
# and separates every song of the block.
#
# A shell command is formatted when its job runs, after this loop has ended: what differs
# between the separators reaches it through params, never through the loop's variables.
for separator in LEARNED:
    model = PLAN.learned_model(separator)

    rule:
        name:
            f"get_{separator}_model"
        input:
            lock=ENVS_DIR / separator / "uv.lock",
        output:
            manifest=f"results/{separator}/{model['model']}.json",
        log:
            f"logs/{separator}/{model['model']}.log",
        benchmark:
            f"benchmarks/{separator}/{model['model']}.tsv"
        priority: 100
        localrule: True
        conda:
            f"../../envs/{separator}.yaml"
        params:
            code=step_code(f"get_{separator}_model.py"),
            project=ENVS_DIR / separator,
            script=SCRIPTS_DIR / f"get_{separator}_model.py",
            model=model["model"],
            folder=model["folder"],
        shell:
            "env -u VIRTUAL_ENV uv run --quiet --locked --project {params.project:q} "
            "python {params.script:q} --model {params.model} "
            "--model-folder {params.folder:q} --manifest {output.manifest:q} --log {log:q}"

    rule:
        name:
            f"separate_{separator}"
        input:
            unpack(get_segments(separator)),
            model=f"results/{separator}/{model['model']}.json",
            lock=ENVS_DIR / separator / "uv.lock",
        output:
            folder=block_folder(
                layout.STEM_FOLDER.format(separator=separator, block="{block}"),
                intermediate=True,
            ),
            listing=block_listing(
                layout.STEM_FOLDER.format(separator=separator, block="{block}")
            ),
        log:
            f"logs/stems/{separator}/{{block}}.log",
        benchmark:
            f"benchmarks/stems/{separator}/{{block}}.tsv"
        conda:
            f"../../envs/{separator}.yaml"
        threads: config[separator]["threads"]
        resources:
            **get_resources(f"separate_{separator}"),
            gpu=1,
            jobs_per_gpu=1,
        params:
            code=step_code(f"separate_{separator}.py"),
            # the per-song blocks it is made of: one that comes or goes re-runs it
            blocks=get_per_song_blocks(separator),
            project=ENVS_DIR / separator,
            script=SCRIPTS_DIR / f"separate_{separator}.py",
            model=model["model"],
            folder=model["folder"],
            arguments=model["arguments"],
        shell:
            "env -u VIRTUAL_ENV uv run --quiet --locked --project {params.project:q} "
            "python {params.script:q} --model {params.model} "
            "--model-folder {params.folder:q} {params.arguments} "
            "--segments {input.segments:q} --stems {output.folder:q} --block {wildcards.block} "
            "--threads {threads} --gpu {resources.gpu} --jobs-per-gpu {resources.jobs_per_gpu} "
            "--log {log:q}"
