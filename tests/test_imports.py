"""What a step imports, and the digest that re-runs its jobs when that code changes."""

import shutil

from workflow_utils import REPO

from sepconv.imports import library_digest, step_modules

SCRIPTS = REPO / "workflow" / "scripts"


def test_a_step_s_modules_include_what_its_modules_import():
    modules = [
        p.removeprefix(str(SCRIPTS) + "/")
        for p in step_modules(SCRIPTS / "separate_hpss.py", SCRIPTS)
    ]
    assert "sepconv/separators/hpss.py" in modules
    assert "sepconv/__init__.py" in modules and "sepconv/steps.py" in modules
    assert "sepconv/learning/training.py" not in modules


def test_the_digest_changes_with_an_imported_module_only(tmp_path):
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    hpss, train = scripts / "separate_hpss.py", scripts / "train_model.py"
    before = library_digest(hpss, scripts), library_digest(train, scripts)
    assert len(before[0]) == 16 and before[0] != before[1]
    module = scripts / "sepconv" / "separators" / "hpss.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    # a fresh process sees the edit (the digest is cached per path within one)
    from sepconv import imports

    imports._digest.cache_clear()
    imports._closure.cache_clear()
    after = library_digest(hpss, scripts), library_digest(train, scripts)
    assert after[0] != before[0] and after[1] == before[1]
