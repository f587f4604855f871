"""The library's imports follow the data, and the code digest re-runs what an edit can change.

A rule's `code` parameter is the digest of its step script and of the library modules the
script imports (sepconv.imports); Snakemake re-runs a job whose parameters changed. So the
import map is the re-run map: an edit to a module re-runs the rules whose steps import it,
and what depends on them.
"""

import re
import shutil

import pytest
from workflow_utils import REPO, workflow_rules

from sepconv import imports
from sepconv.imports import code_digest, step_modules

SCRIPTS = REPO / "workflow" / "scripts"
LIBRARY = SCRIPTS / "sepconv"

#: The house, bottom up: a module imports only modules of its own floor or below. What every
#: stage shares; the songs; signals; separators and learning, side by side; evaluation; and
#: what only the workflow runs when it loads (the checks, the plan and its resources, the
#: code digest): no step imports those.
FLOORS = [
    ("names", "errors", "io", "layout", "steps", "blocks", "config", "__init__"),
    ("corpus",),
    ("signal",),
    ("separators", "learning"),
    ("evaluation",),
    ("checks", "plan", "resources", "imports"),
]


def floor(module: str) -> int:
    """The floor of ``sepconv/stage/module.py`` or ``sepconv/module.py``."""
    part = module.split("/")[1].removesuffix(".py")
    return next(number for number, names in enumerate(FLOORS) if part in names)


def library_modules() -> list[str]:
    return sorted(p.relative_to(SCRIPTS).as_posix() for p in LIBRARY.rglob("*.py"))


def direct_imports(module: str) -> set[str]:
    """The library files that ``module`` imports itself (not through others)."""
    path = SCRIPTS / module
    dotted = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    found = set()
    for name in imports._imports(path.resolve(), dotted):
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            file = imports._module_file(SCRIPTS.resolve(), ".".join(parts[:end]))
            if file is not None:
                found.add(file.relative_to(SCRIPTS.resolve()).as_posix())
                break
    return found - {module}


def test_every_import_goes_down_the_house_and_none_closes_a_circle():
    graph = {module: direct_imports(module) for module in library_modules()}
    upward = [
        f"{module} imports {other}"
        for module, others in graph.items()
        for other in others
        if floor(other) > floor(module)
    ]
    assert upward == []
    # a depth-first search for a cycle
    state: dict[str, str] = {}

    def visit(module, path):
        state[module] = "open"
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                raise AssertionError(f"import circle: {' -> '.join([*path, module, other])}")
            if other not in state:
                visit(other, [*path, module])
        state[module] = "done"

    for module in graph:
        if module not in state:
            visit(module, [])


#: The steps every step shares: the runner, its errors, the atomic writes (every step writes)
#: and the package's own module.
EVERY = "every"
#: The rules that re-run when a line of code is added to each library module (a rule's step
#: script is named after it). Argued where it may surprise:
EXPECTED = {
    "sepconv/__init__.py": EVERY,
    "sepconv/errors.py": EVERY,
    "sepconv/io.py": EVERY,
    "sepconv/steps.py": EVERY,
    # every block job's loop and listing, and every reader of listings (not the tables of
    # quality, the splits and the pairs' training); the model fetches import their
    # separator's module, which runs the block step (separators.learned)
    "sepconv/blocks.py": {
        "collect_metrics",
        "collect_pairs",
        "compute_mel",
        "get_demucs_model",
        "get_spleeter_model",
        "make_table1",
        "measure_separation",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "segment_song",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
        "stack_tensor",
        "synthesize_song",
        "test_significance",
        "train_model",
        "write_song_table",
    },
    # the schema's defaults and what steps derive from a config (a channel's stems, a
    # model's epochs); the checks of a config run when the workflow loads (checks.py)
    "sepconv/config.py": {
        "compute_mel",
        "get_demucs_model",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "train_model",
        "train_pairs",
    },
    "sepconv/checks.py": set(),
    "sepconv/imports.py": set(),
    "sepconv/plan.py": set(),
    "sepconv/resources.py": set(),
    "sepconv/layout.py": {
        "compute_mel",
        "get_demucs_model",
        "get_spleeter_model",
        "measure_separation",
        "segment_song",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
        "stack_tensor",
        "synthesize_song",
        "train_model",
    },
    "sepconv/names.py": {
        "collect_metrics",
        "collect_pairs",
        "compute_mel",
        "get_demucs_model",
        "get_spleeter_model",
        "make_table1",
        "measure_separation",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
        "synthesize_song",
        "test_significance",
        "train_model",
        "train_pairs",
    },
    # the songs: the corpus's recipes reach its synthesis alone; the song table is made when
    # the workflow loads; its file (and the songs left out) is read by what reads songs.tsv
    "sepconv/corpus/__init__.py": {
        "segment_song",
        "split_songs",
        "stack_tensor",
        "synthesize_song",
        "write_song_table",
    },
    "sepconv/corpus/dsp.py": {"synthesize_song"},
    "sepconv/corpus/genres.py": {"synthesize_song"},
    "sepconv/corpus/render.py": {"synthesize_song"},
    "sepconv/corpus/songs.py": set(),
    "sepconv/corpus/labels.py": {
        "segment_song",  # it writes its block's songs left out, in that file's format
        "split_songs",
        "stack_tensor",
        "write_song_table",
    },
    # signals: reading audio reaches everything that reads a segment (the model fetches
    # import their separator's module, which reads segments); the spectrogram file reaches
    # what stacks it and, through the tensor module that stacks it, training
    "sepconv/signal/__init__.py": {
        "compute_mel",
        "get_demucs_model",
        "get_spleeter_model",
        "segment_song",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
        "stack_tensor",
        "train_model",
        "train_pairs",
    },
    "sepconv/signal/audio.py": {
        "compute_mel",
        "get_demucs_model",
        "get_spleeter_model",
        "segment_song",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
    },
    "sepconv/signal/collection.py": set(),  # the check of every header, when loading
    "sepconv/signal/features.py": {"compute_mel"},
    "sepconv/signal/mels.py": {"compute_mel", "stack_tensor", "train_model", "train_pairs"},
    "sepconv/signal/segments.py": {
        "compute_mel",
        "segment_song",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
    },
    "sepconv/signal/spectral.py": {"compute_mel", "separate_hpss", "separate_ladder"},
    "sepconv/signal/tensors.py": {"stack_tensor", "train_model", "train_pairs"},
    # separators: each its own; the package holds no code; quality reaches its tables
    "sepconv/separators/__init__.py": {
        "collect_quality",
        "get_demucs_model",
        "get_spleeter_model",
        "measure_separation",
        "relate_gain_quality",
        "separate_demucs",
        "separate_hpss",
        "separate_ladder",
        "separate_oracle",
        "separate_spleeter",
    },
    "sepconv/separators/check.py": {"separate_hpss", "separate_ladder", "separate_oracle"},
    "sepconv/separators/demucs.py": {"get_demucs_model", "separate_demucs"},
    "sepconv/separators/hpss.py": {"separate_hpss"},
    "sepconv/separators/ladder.py": {"separate_ladder"},
    "sepconv/separators/learned.py": {
        "get_demucs_model",
        "get_spleeter_model",
        "separate_demucs",
        "separate_spleeter",
    },
    "sepconv/separators/oracle.py": {"separate_oracle"},
    "sepconv/separators/quality.py": {
        "collect_quality",
        "measure_separation",
        "relate_gain_quality",
    },
    "sepconv/separators/spleeter.py": {"get_spleeter_model", "separate_spleeter"},
    # learning: the splits reach the splits and what reads them, never a separation; the
    # GPU lease reaches every GPU job (training, Spleeter, Demucs); run records reach training
    # and every table and figure that reads them
    "sepconv/learning/__init__.py": {
        "collect_metrics",
        "collect_pairs",
        "make_table1",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "separate_demucs",
        "separate_spleeter",
        "split_songs",
        "test_significance",
        "train_model",
        "train_pairs",
    },
    "sepconv/learning/backend.py": {"train_model", "train_pairs"},
    "sepconv/learning/gpu.py": {
        "separate_demucs",
        "separate_spleeter",
        "train_model",
        "train_pairs",
    },
    "sepconv/learning/models.py": {"train_model", "train_pairs"},
    "sepconv/learning/pairs.py": {"train_pairs"},
    "sepconv/learning/runs.py": {
        "collect_metrics",
        "collect_pairs",
        "make_table1",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "test_significance",
        "train_model",
    },
    "sepconv/learning/splits.py": {"split_songs", "train_model", "train_pairs"},
    "sepconv/learning/training.py": {"train_model", "train_pairs"},
    # evaluation: the statistics reach every table and figure after the runs
    "sepconv/evaluation/__init__.py": {
        "collect_metrics",
        "collect_pairs",
        "make_table1",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "test_significance",
    },
    "sepconv/evaluation/confusion.py": {"collect_metrics", "plot_figures"},
    "sepconv/evaluation/gain.py": {"relate_gain_quality"},
    "sepconv/evaluation/pairs.py": {"collect_pairs"},
    "sepconv/evaluation/plots.py": {
        "collect_pairs",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
    },
    "sepconv/evaluation/stats.py": {
        "collect_metrics",
        "collect_pairs",
        "make_table1",
        "plot_curves",
        "plot_figures",
        "plot_quality",
        "relate_gain_quality",
        "test_significance",
    },
}


#: The rules that run no step: targets.
TARGETS = {"all", "tensors", "runs", "pairs"}


def test_every_rule_runs_the_step_script_named_after_it_and_digests_it():
    steps = {path.stem for path in SCRIPTS.glob("*.py")}
    assert workflow_rules() - TARGETS == steps
    text = "\n".join(path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk"))
    for step in steps:  # the learned separators' names are made in a loop
        template = re.sub(r"spleeter|demucs", "{separator}", step)
        assert f'code=step_code("{step}.py")' in text or f'step_code(f"{template}.py")' in text


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """For each library module, the steps whose code digest changes when a line of code is
    added to it (in a copy of the scripts)."""
    scripts = tmp_path_factory.mktemp("edits") / "scripts"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    steps = sorted(scripts.glob("*.py"))

    def digests():
        for cached in (imports._digest, imports._code_digest, imports._imports, imports._closure):
            cached.cache_clear()
        return {step.stem: code_digest(step, scripts) for step in steps}

    before = digests()
    changed = {}
    for module in library_modules():
        path = scripts / module
        text = path.read_text()
        path.write_text(text + "\nEDITED = 1\n")
        after = digests()
        path.write_text(text)
        changed[module] = {step for step in before if after[step] != before[step]}
    digests()  # the caches of the repository's own files again
    return changed, set(before)


def test_an_edit_to_a_module_re_runs_exactly_the_rules_whose_steps_import_it(edited):
    changed, steps = edited
    assert set(EXPECTED) == set(changed), "a module is missing from EXPECTED, or gone"
    for module, expected in EXPECTED.items():
        expected = steps if expected == EVERY else expected
        assert changed[module] == expected, module


def test_a_step_s_modules_include_what_its_modules_import():
    modules = [
        p.removeprefix(str(SCRIPTS) + "/")
        for p in step_modules(SCRIPTS / "separate_hpss.py", SCRIPTS)
    ]
    assert "sepconv/separators/hpss.py" in modules
    assert "sepconv/__init__.py" in modules and "sepconv/steps.py" in modules
    assert "sepconv/learning/training.py" not in modules


def test_the_digest_is_of_the_code_not_of_its_docstrings_comments_or_layout():
    from sepconv.imports import code_text

    code = '''"""A module."""

import os


class A:
    """A class."""

    def f(self, x):
        """A method."""
        return os.path.join(x, "y")  # a comment


def g():
    """Only a docstring."""
'''
    same = '''"""Another docstring, longer,
on two lines."""
import os

# a comment
class A:
    def f(self, x):
        return os.path.join(
            x, 'y'
        )


def g():
    """Changed."""
'''
    assert code_text(code) == code_text(same)
    for changed in (
        code.replace('"y"', '"z"'),  # a constant
        code.replace("return os", "print(x)\n        return os"),  # a statement
        code.replace("def g():", "def h():"),  # a name
        code.replace('"""A method."""', '"""A method."""\n        x = 1'),
    ):
        assert code_text(changed) != code_text(code)
