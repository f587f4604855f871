"""Make a spleeter model available once, before any separation job: use the folder when it
already holds the checkpoint (so air-gapped nodes never touch the network), otherwise fetch
it with spleeter's own downloader; write a manifest of the files used.

Runs in ``envs/spleeter``, called by the ``get_spleeter_model`` local rule.
"""

import argparse
import shutil
import tempfile
from pathlib import Path

# the script's folder is first on sys.path (python runs it by its path), so `sepconv` is found
from sepconv.errors import InputError
from sepconv.io import write_json
from sepconv.separators.spleeter import checkpoint_problem, missing_model_message
from sepconv.steps import run_command


def download(model: str, folder: Path, log) -> None:
    """Fetch ``model`` with spleeter's GitHub provider into ``folder`` (atomically)."""
    from spleeter.model.provider import ModelProvider

    provider = ModelProvider.default()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model}-", dir=folder.parent))
    try:
        log.info("downloading spleeter model %s into %s", model, folder)
        provider.download(model, str(staging))
        provider.writeProbe(str(staging))
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(args, log):
    folder = Path(args.model_folder).absolute()
    problem = checkpoint_problem(folder)
    if problem and (not folder.exists() or not any(folder.iterdir())):
        try:
            download(args.model, folder, log)
        except Exception as err:  # httpx errors, IOError on a bad checksum
            reason = (
                f"{folder} does not exist and the download failed ({type(err).__name__}: {err})"
            )
            raise InputError(missing_model_message(args.model, folder, reason)) from None
        problem = checkpoint_problem(folder)
    if problem:
        raise InputError(missing_model_message(args.model, folder, problem))
    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
    log.info("spleeter model %s in %s: %s", args.model, folder, files)
    write_json(args.manifest, {"model": args.model, "folder": str(folder), "files": files})


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--model-folder", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--log", required=True)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_command(main, parse(), "get_spleeter_model", "model")
