"""A GPU for each GPU job on a workstation: a lease on one device slot, taken before the
deep-learning backend starts.

Snakemake counts a ``gpu`` resource but never tells a job which device to use (it sets no
``CUDA_VISIBLE_DEVICES``), so every job would start on device 0. A GPU job's step calls
:func:`acquire` before TensorFlow, JAX or PyTorch is imported:

- ``CUDA_VISIBLE_DEVICES`` already set (SLURM sets it for a job given ``--gpus``; so does a
  user who pins a run): the job uses exactly those devices and takes no lease.
- Otherwise the devices are ``SEPCONV_GPUS`` (comma-separated ids, to restrict a run to
  some of the machine's GPUs) or every GPU ``nvidia-smi`` lists. With none, the job runs on
  CPU, and its log says so.
- Each device has ``jobs_per_device`` slots, one lock file each, under ``lease_dir()``
  (``SEPCONV_GPU_LEASE_DIR``, default ``/tmp/sepconv-gpu-leases``, shared by every run and
  user on the machine). The job locks a free slot with ``flock``, first slot 0 of every
  device, then slot 1, ..., so jobs spread over the devices before they share one. The
  kernel drops the lock when the process ends, normally, by an exception or by SIGKILL, so
  a crashed job never holds a slot. When every slot is taken the job waits for one, and its
  log says so.
- The job's ``CUDA_VISIBLE_DEVICES`` is set to the leased device, which the backend then
  sees as its device 0.

This module uses the standard library only: the Spleeter environment imports it too.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LEASE_DIR = "/tmp/sepconv-gpu-leases"


def lease_dir() -> Path:
    """Where the slot lock files live: ``SEPCONV_GPU_LEASE_DIR`` or /tmp/sepconv-gpu-leases."""
    return Path(os.environ.get("SEPCONV_GPU_LEASE_DIR") or DEFAULT_LEASE_DIR)


def machine_devices() -> list[str]:
    """Ids of the GPUs this job may lease from: ``SEPCONV_GPUS``, else what nvidia-smi lists
    (empty where there is no nvidia-smi or it finds no GPU)."""
    chosen = os.environ.get("SEPCONV_GPUS")
    if chosen is not None:
        return [d.strip() for d in chosen.split(",") if d.strip()]
    smi = shutil.which("nvidia-smi")
    if not smi:
        return []
    try:
        out = subprocess.run(
            [smi, "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


@dataclass
class Lease:
    """What a job runs on. ``device`` is the leased id (``None`` without a lease);
    ``visible`` what ``CUDA_VISIBLE_DEVICES`` holds for the job (``""``: no GPU)."""

    visible: str
    how: str
    device: str | None = None
    slot: int | None = None
    path: Path | None = None
    _fd: int | None = field(default=None, repr=False)

    def record(self) -> dict:
        """What a run's JSON keeps of its lease."""
        return {"how": self.how, "visible": self.visible, "device": self.device, "slot": self.slot}

    def release(self) -> None:
        """Give the slot back (exiting the process does the same)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


_held: list[Lease] = []  # keeps the lock files open for the life of the process


def _try_lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        writable = True
        try:
            os.fchmod(fd, 0o666)  # past the umask, so that other users can lock it too
        except PermissionError:  # another user's file
            pass
    except PermissionError:  # another user's file that stayed read-only: flock works on it
        fd = os.open(path, os.O_RDONLY)
        writable = False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    if writable:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for people looking
    return fd


def _make_lease_dir(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        try:
            path.chmod(0o1777)  # shared by every user, like /tmp
        except PermissionError:
            pass


def acquire(
    jobs_per_device: int = 1,
    log: logging.Logger | None = None,
    poll_s: float = 1.0,
    timeout_s: float | None = None,
) -> Lease:
    """Choose this process's GPU and set ``CUDA_VISIBLE_DEVICES``; see the module docstring.

    Call before the backend is imported. Waits while every slot is taken (``timeout_s``:
    give up with :class:`TimeoutError`; ``None`` waits as long as it takes).
    """
    log = log or logging.getLogger(__name__)
    jobs_per_device = int(jobs_per_device)
    if jobs_per_device < 1:
        raise ValueError(f"jobs per GPU must be at least 1, not {jobs_per_device}")
    given = os.environ.get("CUDA_VISIBLE_DEVICES")
    if given is not None:
        if given.strip() in ("", "-1"):
            log.info("CUDA_VISIBLE_DEVICES=%r hides every GPU: no GPU for this job", given)
            return Lease(visible=given, how="none given")
        log.info("GPU set by the scheduler or the caller: CUDA_VISIBLE_DEVICES=%s", given)
        return Lease(visible=given, how="given")
    devices = machine_devices()
    if not devices:
        log.info("no GPU found (no nvidia-smi, or it lists none): no GPU lease taken")
        return Lease(visible="", how="no gpu")

    folder = lease_dir()
    _make_lease_dir(folder)
    start = time.monotonic()
    waiting = False
    while True:
        for slot in range(jobs_per_device):
            for device in devices:
                path = folder / f"gpu{device}.slot{slot}.lock"
                fd = _try_lock(path)
                if fd is None:
                    continue
                os.environ["CUDA_VISIBLE_DEVICES"] = device
                lease = Lease(
                    visible=device, how="leased", device=device, slot=slot, path=path, _fd=fd
                )
                _held.append(lease)
                log.info(
                    "leased GPU %s (slot %d of %d per device, %s) after %.1f s; "
                    "CUDA_VISIBLE_DEVICES=%s",
                    device,
                    slot + 1,
                    jobs_per_device,
                    path,
                    time.monotonic() - start,
                    device,
                )
                return lease
        waited = time.monotonic() - start
        if timeout_s is not None and waited >= timeout_s:
            raise TimeoutError(
                f"no free GPU slot in {folder} after {waited:.0f} s "
                f"(devices {','.join(devices)}, {jobs_per_device} job(s) each)"
            )
        if not waiting:
            log.info(
                "every GPU slot is taken (devices %s, %d job(s) each, %s): waiting for one",
                ",".join(devices),
                jobs_per_device,
                folder,
            )
            waiting = True
        time.sleep(poll_s)


def for_job(resources, log: logging.Logger | None = None) -> Lease:
    """The lease for a rule's job from its resources: ``gpu`` (0: the job runs on CPU and
    sees no GPU) and ``jobs_per_gpu`` (slots per device, default 1; profiles set it)."""
    log = log or logging.getLogger(__name__)
    wanted = int(getattr(resources, "gpu", 0) or 0)
    if wanted == 0:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
        log.info("resource gpu=0: this job runs on CPU (CUDA_VISIBLE_DEVICES='')")
        return Lease(visible="", how="gpu=0")
    return acquire(int(getattr(resources, "jobs_per_gpu", 1) or 1), log)
