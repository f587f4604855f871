"""Which library files a step script imports, and one digest of the code a step runs.

Snakemake re-runs a job when its ``script:`` is newer than its outputs, not when the library
code the script imports changes, and not when a ``shell:`` command's script does. A rule's
``code`` parameter, :func:`code_digest` of its step, closes that gap: Snakemake re-runs a job
whose parameters changed, so an edited step or library module re-runs exactly the jobs whose
steps import it (and what depends on them). One short string per rule, the same for all of
its jobs, costs the planning of a large collection nothing.

The digest is taken over the code, not the text: each module's syntax tree without its
docstrings (:func:`code_text`), so that comments, docstrings, blank lines and formatting,
which cannot change a result, re-run nothing, while any change to what the code does
(a statement, a constant, a name, an annotation) re-runs the jobs that import it.

The imports are read with :mod:`ast`, without importing anything: every ``import sepconv...``
and ``from sepconv... import ...`` of the script and, transitively, of the library modules it
reaches, including imports inside functions and the ``__init__`` of every package on the way.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = "sepconv"


def _module_file(root: Path, dotted: str) -> Path | None:
    """The file of module ``dotted`` (``sepconv.signal.audio``) under ``root`` (the folder
    holding the ``sepconv`` package), or None when it is not a library module."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


@functools.cache
def _imports(path: Path, dotted: str | None) -> frozenset[str]:
    """Dotted names of what ``path`` (module ``dotted``; None for a script) imports: modules,
    and ``module.name`` for each name imported from a module (a name may be a submodule)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if dotted is None:
                    continue
                anchor = dotted.split(".")
                if not is_package:
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(found)


@functools.cache
def _closure(root: Path, script: Path) -> tuple[Path, ...]:
    files: set[Path] = set()
    todo = [(script, None)]
    seen_modules: set[str] = set()
    while todo:
        path, dotted = todo.pop()
        for name in _imports(path, dotted):
            parts = name.split(".")
            # the package __init__ files on the way run too
            for i in range(1, len(parts) + 1):
                module = ".".join(parts[:i])
                if module in seen_modules:
                    continue
                file = _module_file(root, module)
                if file is None:
                    continue
                seen_modules.add(module)
                files.add(file)
                todo.append((file, module))
    return tuple(sorted(files))


def step_modules(script: str | Path, root: str | Path) -> list[str]:
    """Library files (under ``root``, the folder that holds the ``sepconv`` package) that the
    step ``script`` imports, directly or through other library modules, sorted."""
    return [str(p) for p in _closure(Path(root).resolve(), Path(script).resolve())]


_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def code_text(source: str, filename: str = "<code>") -> str:
    """What a module's code does, as text: the dump of its syntax tree without docstrings
    (the string that opens a module, class or function body) and without line numbers, so
    that comments, docstrings and formatting do not show in it."""
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        if not isinstance(node, _DOCUMENTED) or not node.body:
            continue
        first = node.body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            # a body cannot be empty: a function that is only a docstring keeps a `pass`
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


@functools.cache
def _code_digest(path: Path) -> bytes:
    """The SHA-256 of one module's :func:`code_text` (each module parsed once, however many
    steps import it)."""
    return hashlib.sha256(code_text(path.read_text(), str(path)).encode()).digest()


@functools.cache
def _digest(root: Path, script: Path) -> str:
    digest = hashlib.sha256(_code_digest(script))
    for path in _closure(root, script):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(_code_digest(path))
    return digest.hexdigest()[:16]


def code_digest(script: str | Path, root: str | Path) -> str:
    """The first 16 hex digits of the SHA-256 of the code of the step ``script`` and of the
    library modules it imports (:func:`step_modules`, by their paths under ``root``), each
    as :func:`code_text` gives it."""
    return _digest(Path(root).resolve(), Path(script).resolve())
