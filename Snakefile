"""Source separation and depthwise separable convolutions for computer audition.

Reproduces and extends Mersy & Kuan (2021): songs -> segments -> stems -> mel spectrograms ->
stacked tensors -> per-seed splits -> per-model, per-seed training runs -> Table 1,
significance tests, figures, report. See README.md.

The library behind the steps is the `sepconv` package in workflow/scripts (installed into the
environment by `uv sync`). Every path here is relative to this file, so the workflow runs from
any working directory and as a Snakemake module.
"""

from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from sepconv.checks import validate_config
from sepconv.errors import ConfigError

min_version("9.0")

WORKFLOW_ROOT = Path(str(workflow.current_basedir))


configfile: WORKFLOW_ROOT / "config" / "config.yaml"


report: "workflow/report/workflow.rst"


try:
    validate_config(
        config, WORKFLOW_ROOT / "workflow" / "schemas" / "config.schema.yaml"
    )
except ConfigError as err:
    raise WorkflowError(str(err)) from None


include: "workflow/rules/common.smk"
include: "workflow/rules/dataset.smk"
include: "workflow/rules/separate.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"


rule all:
    default_target: True
    input:
        get_final_output(),


rule tensors:
    input:
        get_tensor_paths(),


rule runs:
    input:
        get_training_listings(),


# The paper's introductory experiment: every pair of genres as a binary task (config `pairs`).
rule pairs:
    input:
        get_pairs_outputs,
