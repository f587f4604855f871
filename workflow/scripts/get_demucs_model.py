"""Make a Demucs model available once, before any separation job: use the folder when it
already holds the model's files (so air-gapped nodes never touch the network), otherwise fetch
the missing ones from Demucs's release folder; check every file against the checksum in its
name and write a manifest of the files used.

Runs in ``envs/demucs``, called by the ``get_demucs_model`` local rule.
"""

import argparse
import shutil
import time
from pathlib import Path

# the script's folder is first on sys.path (python runs it by its path), so `sepconv` is found
from sepconv.errors import InputError
from sepconv.io import write_json
from sepconv.separators.demucs import (
    FILE_NAME,
    missing_model_message,
    model_files,
    network_file,
    signatures,
)
from sepconv.steps import run_command


def released() -> tuple[dict[str, Path], dict[str, str]]:
    """The model lists (``NAME.yaml``) the demucs package carries, by name, and the download
    address of every released network, by signature (Demucs's own list)."""
    from demucs.pretrained import REMOTE_ROOT, _parse_remote_files

    bags = {p.stem: p for p in REMOTE_ROOT.glob("*.yaml")}
    return bags, _parse_remote_files(REMOTE_ROOT / "files.txt")


def fetch(name: str, folder: Path, log, tried: list[str]) -> None:
    """Copy ``NAME.yaml`` and download the networks that ``folder`` lacks, adding each address
    to ``tried`` before its download; a file there that does not match its checksum is left for
    :func:`model_files` to name."""
    from torch.hub import download_url_to_file

    bags, urls = released()
    folder.mkdir(parents=True, exist_ok=True)
    have_list = (folder / f"{name}.yaml").is_file() or any(folder.glob(f"{name}-*.th"))
    if not have_list:
        if name not in bags and name not in urls:
            raise InputError(
                f"{folder} has no {name}.yaml, and Demucs released no model {name!r} "
                f"(it released {', '.join(sorted(bags))})"
            )
        if name in bags:
            shutil.copyfile(bags[name], folder / f"{name}.yaml")
            log.info("copied the model list %s.yaml into %s", name, folder)
    single = not (folder / f"{name}.yaml").is_file() and name in urls  # a network's signature
    for sig in [name] if single else signatures(folder, name):
        if any(folder.glob(f"{sig}-*.th")):
            continue
        if sig not in urls:
            raise InputError(f"{folder} has no weights for {sig}, and Demucs released none")
        url = urls[sig]
        target = folder / url.rsplit("/", 1)[1]
        checksum = FILE_NAME.match(target.name)["checksum"]
        tried.append(url)
        log.info("downloading %s into %s", url, folder)
        began = time.perf_counter()
        try:
            download_url_to_file(url, str(target), hash_prefix=checksum, progress=False)
        except Exception as err:  # URLError, RuntimeError on a bad checksum
            target.unlink(missing_ok=True)
            reason = (
                f"{folder} lacks {target.name} and the download failed "
                f"({type(err).__name__}: {err})"
            )
            raise InputError(reason) from None
        network_file(folder, sig, name)
        log.info(
            "downloaded %s (%.0f MB) in %.1f s; it matches its checksum",
            target.name,
            target.stat().st_size / 1e6,
            time.perf_counter() - began,
        )


def main(args, log):
    folder = Path(args.model_folder).absolute()
    name = args.model
    tried = []  # the addresses fetch tried: where to get the files by hand
    try:
        fetch(name, folder, log, tried)
        files = model_files(folder, name)
    except InputError as err:
        raise InputError(missing_model_message(name, folder, str(err), tried)) from None
    listing = {p.name: p.stat().st_size for p in files}
    log.info("demucs model %s in %s, every file matches its checksum: %s", name, folder, listing)
    write_json(args.manifest, {"model": name, "folder": str(folder), "files": listing})


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--model-folder", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--log", required=True)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_command(main, parse(), "get_demucs_model", "model")
