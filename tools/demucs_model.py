"""Write a randomly initialised Demucs v4 model (the ``HTDemucs`` network Demucs separates
with) into a model folder, laid out as Demucs's released models are: ``NAME.yaml`` listing the
network's signature and ``SIG-CHECKSUM.th`` written by Demucs's own ``save_with_checksum``.

With random weights the stems mean nothing; the model is what tests, benchmarks and a check of
an air-gapped setup need: the real code path, offline. ``--size full`` is the architecture of
the released ``htdemucs`` (about 42 million parameters); ``--size tiny`` the same network,
narrow and shallow, for tests.

    uv run --project envs/demucs python tools/demucs_model.py FOLDER [--name htdemucs]
        [--size full|tiny] [--sources 4|6] [--seed 0]

Runs in ``envs/demucs`` (it imports PyTorch and Demucs).
"""

import argparse
import hashlib
import json
from fractions import Fraction
from pathlib import Path

#: Demucs's sources, in the order of its released models.
SOURCES = {
    4: ["drums", "bass", "other", "vocals"],
    6: ["drums", "bass", "other", "vocals", "guitar", "piano"],
}
#: The released htdemucs: Demucs's HTDemucs defaults with the settings of its training grid
#: (demucs/grids/mmi.py: dconv_mode 3, depth 4, t_dropout 0.02, t_layers 5, bottom_channels
#: 512) and the 7.8 s segment it was trained on.
FULL = {
    "audio_channels": 2,
    "samplerate": 44_100,
    "segment": Fraction(39, 5),
    "channels": 48,
    "depth": 4,
    "dconv_mode": 3,
    "t_dropout": 0.02,
    "t_layers": 5,
    "bottom_channels": 512,
}
#: The same network, 8 channels wide, one transformer layer: for tests.
TINY = {**FULL, "channels": 8, "t_layers": 1, "bottom_channels": 0, "t_heads": 2}


def write_model(folder: Path, name: str, size: str, sources: int, seed: int) -> dict:
    """Write the model; return its signature, file and parameter count."""
    import torch
    from demucs.htdemucs import HTDemucs
    from demucs.states import get_state, save_with_checksum

    torch.manual_seed(seed)
    kwargs = {**(FULL if size == "full" else TINY), "sources": SOURCES[sources]}
    model = HTDemucs(**kwargs)
    package = {
        "klass": HTDemucs,
        "args": (),
        "kwargs": kwargs,
        "state": get_state(model, None, half=True),  # as the released models are stored
        "training_args": {},
    }
    sig = hashlib.sha256(f"{name}/{size}/{sources}/{seed}".encode()).hexdigest()[:8]
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{sig}-*.th"):
        old.unlink()
    save_with_checksum(package, folder / f"{sig}.th")
    (folder / f"{name}.yaml").write_text(f"models: ['{sig}']\n")
    (written,) = folder.glob(f"{sig}-*.th")
    return {
        "name": name,
        "signature": sig,
        "file": str(written),
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--name", default="htdemucs")
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    parser.add_argument("--sources", type=int, choices=(4, 6), default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(write_model(args.folder, args.name, args.size, args.sources, args.seed)))


if __name__ == "__main__":
    main()
