"""What every step script shares: its log file and how a failure is reported.

A step script is thin::

    from sepconv.steps import run_step

    def main(snakemake, log):
        ...

    run_step(snakemake, main)

and a step that a ``shell:`` rule runs in another environment ends with
``run_command(main, parse(), rule, wildcard)``.

:func:`run_step` sends Python logging and warnings to the rule's ``log:`` file, times the
step, and on failure writes the traceback to the log. A
:class:`~sepconv.errors.SepconvError` (the library's errors, whose messages name the file,
song or key) ends the step with its one-line message, which Snakemake shows; anything else
is a bug and keeps its traceback.

A step's ``snakemake`` object goes no further than its script and this runner: the library's
functions take plain values (paths, settings, songs).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

from .errors import SepconvError


def get_logger(path: str | None, name: str = "sepconv") -> logging.Logger:
    """Configure the root logger to write to ``path`` (and stderr when there is no path)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(path, mode="w") if path else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return logging.getLogger(name)


def _native_stderr_to(path: str) -> None:
    """Send what native libraries write to file descriptor 2 (TensorFlow's C++ logging, for
    instance) to the log file; Python's ``sys.stderr`` keeps the terminal, so the one-line
    error of a failed step still shows there."""
    sys.stderr.flush()
    terminal = os.dup(2)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = os.fdopen(terminal, "w", buffering=1)


def run(
    main: Callable,
    context,
    *,
    rule: str,
    wildcards: dict,
    threads: int,
    log_path: str | None,
) -> None:
    """Run ``main(context, log)`` with logging to ``log_path``, native thread pools limited
    to ``threads``, and a :class:`~sepconv.errors.SepconvError` turned into one line."""
    log = get_logger(log_path, f"sepconv.{rule}")
    if log_path:
        _native_stderr_to(log_path)
    log.info("rule %s %s, %d thread(s)", rule, wildcards, threads)
    start = time.perf_counter()
    from threadpoolctl import threadpool_limits

    try:
        # native thread pools (BLAS, OpenMP) use the rule's threads, not every core
        with threadpool_limits(limits=max(1, int(threads))):
            main(context, log)
    except SepconvError as err:
        log.error("%s", err)
        raise SystemExit(f"Error in rule {rule} {wildcards}: {err}") from None
    except Exception:
        log.exception("step failed")
        raise
    log.info("done in %.2f s", time.perf_counter() - start)


def run_step(snakemake, main: Callable) -> None:
    """Run the ``script:`` step ``main(snakemake, log)`` with logging to the rule's log."""
    logs = list(getattr(snakemake, "log", []) or [])
    run(
        main,
        snakemake,
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards.items()) if snakemake.wildcards else {},
        threads=snakemake.threads,
        log_path=str(logs[0]) if logs else None,
    )


def run_command(main: Callable, args, rule: str, wildcard: str) -> None:
    """Run the ``shell:`` step ``main(args, log)``, a script that a rule runs in another
    environment with its arguments parsed into ``args`` (``--log``, and ``--threads`` where
    it has them): logging to ``args.log``, its one wildcard ``wildcard`` (``block``,
    ``model``) named in its messages."""
    run(
        main,
        args,
        rule=rule,
        wildcards={wildcard: getattr(args, wildcard)},
        threads=getattr(args, "threads", 1),
        log_path=args.log,
    )
