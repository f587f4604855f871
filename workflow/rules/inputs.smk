# Input and params functions by stage: wiring only. What each job reads and depends on is
# decided by PLAN (sepconv.plan.Plan, unit-tested without Snakemake); here it is wrapped as
# Snakemake wants it (functions of the wildcards, ancient block folders, their listings).


def planned(answer):
    """Run a question to PLAN, turning its InputError into Snakemake's WorkflowError."""
    try:
        return answer()
    except SepconvError as err:
        raise WorkflowError(str(err)) from None


def get_resources(rule):
    """`mem_mb` and `runtime` (minutes) of a job of `rule`, from the work it is given
    (Plan.resources, sepconv.resources): a rule's `resources`."""

    def request(key):
        def value(wildcards):
            return planned(lambda: PLAN.resources(rule, **dict(wildcards.items())))[key]

        return value

    return {"mem_mb": request("mem_mb"), "runtime": request("runtime")}


# The songs (dataset.smk)


def get_synthesis_jobs(wildcards):
    return planned(lambda: PLAN.synthesis_jobs(wildcards.block))


def get_segment_jobs(wildcards):
    return planned(lambda: PLAN.segment_jobs(wildcards.block))


def get_song_audio(wildcards):
    """A sheet's or folder's audio files of the block's songs (their content re-runs it)."""
    return planned(lambda: PLAN.song_files(wildcards.block, ["path"]))


def get_corpus_folders(wildcards):
    return folders_read(PLAN.corpus_folders(wildcards.block))


def get_corpus_listings(wildcards):
    return listings_read(PLAN.corpus_folders(wildcards.block))


# Separation (separate.smk)


def get_segment_folders(separator):
    """The segment folders a block of `separator`'s jobs reads (see Plan.segment_folders)."""

    def folders(wildcards):
        return folders_read(
            planned(lambda: PLAN.segment_folders(wildcards.block, separator))
        )

    return folders


def get_segment_listings(separator):
    def listings(wildcards):
        return listings_read(
            planned(lambda: PLAN.segment_folders(wildcards.block, separator))
        )

    return listings


def get_united_blocks(separator):
    """A params function of a learned separator's rule: the per-song blocks its block unites,
    so that one that comes or goes re-runs it (the profile has no `input` trigger)."""

    def blocks(wildcards):
        return planned(lambda: PLAN.united_blocks(separator, wildcards.block))

    return blocks


def get_references(wildcards):
    return planned(lambda: PLAN.references(wildcards.block))


def get_reference_files(wildcards):
    """A sheet's reference stems of the block's songs (the corpus's are in its folders)."""
    return planned(lambda: PLAN.song_files(wildcards.block, list(STEMS)))


def get_oracle_folders(wildcards):
    """The oracle's stems of the block: the references the ladder's rungs are made from."""
    return folders_read([PLAN.stem_folder(ORACLE, wildcards.block)])


def get_oracle_listings(wildcards):
    return listings_read([PLAN.stem_folder(ORACLE, wildcards.block)])


# Spectrograms and tensors (features.smk)


def get_mel_source(wildcards):
    return folders_read([PLAN.mel_source(wildcards.separator, wildcards.block)])


def get_mel_source_listing(wildcards):
    return listings_read([PLAN.mel_source(wildcards.separator, wildcards.block)])


def get_mel_channels(wildcards):
    return PLAN.mel_channels(wildcards.separator)


def get_tensor_mels(wildcards):
    return folders_read(
        planned(lambda: PLAN.mel_folders(wildcards.separator, wildcards.representation))
    )


def get_tensor_mel_listings(wildcards):
    return listings_read(
        planned(lambda: PLAN.mel_folders(wildcards.separator, wildcards.representation))
    )


def get_representation_channels(wildcards):
    return PLAN.representations[wildcards.representation]


def get_tensor_paths():
    return [
        path.format(separator=separator, representation=name)
        for separator, name in PLAN.tensors()
        for path in rules.stack_tensor.output
    ]


# Training (train.smk)


def get_model_params(wildcards):
    """A model's entry as training needs it (see sepconv.config.enabled_models)."""
    return PLAN.models[wildcards.model]


def get_model_tensor(wildcards):
    """The tensor a model trains on under a separator: its rows and its rows file."""
    separator, representation = planned(
        lambda: PLAN.model_tensor(wildcards.separator, wildcards.model)
    )
    return {
        name: path.format(separator=separator, representation=representation)
        for name, path in rules.stack_tensor.output.items()
    }


def get_block_seeds(wildcards):
    return planned(lambda: PLAN.block_seeds(wildcards.seeds))


def get_block_splits(wildcards):
    return expand(rules.split_songs.output.tsv, seed=get_block_seeds(wildcards))


def get_training_listings():
    """The listing of every training job's folder of run records."""
    return listings_read(PLAN.run_folders())


def get_pair_paths():
    """Every (separator, model, block of pairs, block of seeds) file of the genre-pair
    experiment; an error naming `pairs.models` when none of its models is enabled (only when
    `pairs` is asked for)."""
    return [
        rules.train_pairs.output.tsv.format(
            separator=separator, model=model, pairs=pairs, seeds=seeds
        )
        for separator, model, pairs, seeds in planned(PLAN.pair_jobs)
    ]


def get_block_pairs(wildcards):
    return planned(lambda: PLAN.block_pairs(wildcards.pairs))


def get_pair_seeds(wildcards):
    return planned(lambda: PLAN.pair_seeds(wildcards.seeds))


def get_pair_splits(wildcards):
    return expand(rules.split_songs.output.tsv, seed=get_pair_seeds(wildcards))


def get_pair_runs(wildcards):
    return get_pair_paths()


def get_pairs_outputs(wildcards=None):
    get_pair_paths()  # the error, when there is nothing to train
    return [*rules.collect_pairs.output]


# Tables, figures, separation quality (evaluate.smk)


def get_quality_folders(kind):
    """The block folders of one kind (`estimates`, `segments`, `references`) that a
    separation quality table reads (see Plan.quality_inputs)."""

    def folders(wildcards):
        return folders_read(
            planned(
                lambda: PLAN.quality_inputs(wildcards.separator, wildcards.block)[kind]
            )
        )

    return folders


def get_quality_listings(wildcards):
    inputs = planned(lambda: PLAN.quality_inputs(wildcards.separator, wildcards.block))
    return listings_read([folder for kind in sorted(inputs) for folder in inputs[kind]])


def get_quality_songs(wildcards):
    return planned(lambda: PLAN.quality_songs_of(wildcards.separator, wildcards.block))


def get_quality_tables():
    return [
        rules.measure_separation.output.tsv.format(separator=separator, block=block)
        for separator, block in PLAN.quality_jobs()
    ]


def get_quality_outputs():
    """The quality table, its summary and figure, where the data has reference stems."""
    if not PLAN.quality_separators:
        return []
    return [
        rules.collect_quality.output.tsv,
        rules.collect_quality.output.summary,
        *rules.plot_quality.output,
        # gain against quality: where some stems model is set against the baseline
        *(rules.relate_gain_quality.output if PLAN.stems_models() else []),
    ]


def get_figure_outputs():
    """Named outputs of the figures rule, per `{selection}`: `{figure}_png` (in the report) and
    `{figure}_pdf`, for each figure of sepconv.names.FIGURES."""
    outputs = {}
    for number, (figure, title) in enumerate(FIGURES.items(), start=3):
        stem = f"results/figures/{figure}_{{selection}}"
        outputs[f"{figure}_png"] = report(
            f"{stem}.png",
            caption=str(REPORT_DIR / f"{figure}.rst"),
            category=f"{number}. {title.capitalize()}",
            subcategory="{selection}",
            labels={"figure": title, "selection": "{selection}"},
        )
        outputs[f"{figure}_pdf"] = f"{stem}.pdf"
    return outputs


def get_figure_paths():
    return [
        path.format(selection=selection)
        for selection in SELECTIONS
        for path in rules.plot_figures.output
    ]


def get_final_output():
    return [
        rules.collect_metrics.output.tsv,
        rules.make_table1.output.tsv,
        rules.make_table1.output.md,
        rules.test_significance.output.tsv,
        rules.test_significance.output.genres,
        *get_figure_paths(),
        *get_quality_outputs(),
        *(get_pairs_outputs() if config["pairs"]["in_all"] else []),
    ]
