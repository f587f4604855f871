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
    module.write_text(module.read_text() + "\nEDITED = 1\n")
    # a fresh process sees the edit (the digest is cached per path within one)
    from sepconv import imports

    imports._digest.cache_clear()
    imports._code_digest.cache_clear()
    imports._imports.cache_clear()
    imports._closure.cache_clear()
    after = library_digest(hpss, scripts), library_digest(train, scripts)
    assert after[0] != before[0] and after[1] == before[1]


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
