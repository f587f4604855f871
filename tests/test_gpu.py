"""The GPU lease: slots per device under concurrency, release on a crash, and a device that
the scheduler chose is used as given. No GPU is needed: ``SEPCONV_GPUS`` names the devices."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sepconv.learning import gpu

SCRIPTS = Path(__file__).resolve().parents[1] / "workflow" / "scripts"


@pytest.fixture
def leases(tmp_path, monkeypatch):
    """A private lease folder, two fake devices, and no CUDA_VISIBLE_DEVICES."""
    folder = tmp_path / "leases"
    monkeypatch.setenv("SEPCONV_GPU_LEASE_DIR", str(folder))
    monkeypatch.setenv("SEPCONV_GPUS", "0,1")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    yield folder
    for lease in gpu._held:
        lease.release()
    gpu._held.clear()


def _python(code: str, env: dict, **kwargs) -> subprocess.Popen:
    env = {**os.environ, **env, "PYTHONPATH": str(SCRIPTS)}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, **kwargs)


def test_jobs_spread_over_devices_before_sharing_one(leases, monkeypatch):
    taken = []
    for _ in range(4):
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
        lease = gpu.acquire(jobs_per_device=2)
        assert os.environ["CUDA_VISIBLE_DEVICES"] == lease.device
        taken.append((lease.device, lease.slot))
    assert taken == [("0", 0), ("1", 0), ("0", 1), ("1", 1)]
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    with pytest.raises(TimeoutError, match=r"no free GPU slot .* \(devices 0,1, 2 job"):
        gpu.acquire(jobs_per_device=2, timeout_s=0.2, poll_s=0.05)
    gpu._held[1].release()  # device 1, slot 0
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    again = gpu.acquire(jobs_per_device=2, timeout_s=1)
    assert (again.device, again.slot) == ("1", 0)


def test_concurrent_jobs_never_exceed_the_slots_of_a_device(leases, tmp_path):
    """12 processes over 2 devices x 2 slots, each holding its lease for 0.3 s."""
    record = tmp_path / "record.txt"
    code = f"""
        import os, time
        from sepconv.learning import gpu
        lease = gpu.acquire(jobs_per_device=2, poll_s=0.02)
        visible = os.environ["CUDA_VISIBLE_DEVICES"]
        with open({str(record)!r}, "a") as f:
            f.write(f"{{time.monotonic()}} +1 {{lease.device}} {{visible}}\\n")
        time.sleep(0.3)
        with open({str(record)!r}, "a") as f:
            f.write(f"{{time.monotonic()}} -1 {{lease.device}} {{lease.device}}\\n")
    """
    env = {"SEPCONV_GPU_LEASE_DIR": str(leases), "SEPCONV_GPUS": "0,1"}
    procs = [_python(code, env) for _ in range(12)]
    assert [p.wait(timeout=60) for p in procs] == [0] * 12
    events = sorted(
        (float(t), int(step), device, visible)
        for t, step, device, visible in (line.split() for line in record.read_text().splitlines())
    )
    assert len(events) == 24
    holders = {"0": 0, "1": 0}
    peak = {"0": 0, "1": 0}
    for _, step, device, visible in events:
        assert visible == device  # the job sees the device it leased
        holders[device] += step
        peak[device] = max(peak[device], holders[device])
        assert 0 <= holders[device] <= 2
    assert peak == {"0": 2, "1": 2}  # and the slots were used


def test_a_killed_holder_frees_its_slot(leases, monkeypatch):
    holder = _python(
        """
        import sys, time
        from sepconv.learning import gpu
        gpu.acquire(jobs_per_device=1)
        print("held", flush=True)
        time.sleep(600)
        """,
        {"SEPCONV_GPU_LEASE_DIR": str(leases), "SEPCONV_GPUS": "0"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("SEPCONV_GPUS", "0")
        with pytest.raises(TimeoutError):
            gpu.acquire(jobs_per_device=1, timeout_s=0.3, poll_s=0.05)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        start = time.monotonic()
        lease = gpu.acquire(jobs_per_device=1, timeout_s=5, poll_s=0.05)
        assert (lease.device, lease.slot) == ("0", 0)
        assert time.monotonic() - start < 1
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("given", ["3", "GPU-5b1f2c4e,GPU-9a0d", "0,1"])
def test_a_scheduler_given_device_is_used_exactly(leases, monkeypatch, given, caplog):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", given)
    with caplog.at_level("INFO"):
        lease = gpu.acquire(jobs_per_device=1)
    assert (lease.how, lease.visible, lease.device) == ("given", given, None)
    assert os.environ["CUDA_VISIBLE_DEVICES"] == given
    assert not leases.exists()  # no lock taken
    assert f"CUDA_VISIBLE_DEVICES={given}" in caplog.text


def test_an_empty_cuda_visible_devices_means_cpu(leases, monkeypatch, caplog):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with caplog.at_level("INFO"):
        lease = gpu.acquire()
    assert lease.how == "none given" and os.environ["CUDA_VISIBLE_DEVICES"] == ""
    assert "no GPU for this job" in caplog.text


def test_no_gpu_on_the_machine_takes_no_lease_and_says_so(leases, monkeypatch, caplog):
    monkeypatch.delenv("SEPCONV_GPUS")
    monkeypatch.setenv("PATH", "/nonexistent")  # no nvidia-smi
    with caplog.at_level("INFO"):
        lease = gpu.acquire()
    assert lease.how == "no gpu" and "CUDA_VISIBLE_DEVICES" not in os.environ
    assert "no GPU found" in caplog.text
    assert not leases.exists()


def test_jobs_per_device_must_be_positive(leases):
    with pytest.raises(ValueError, match="at least 1"):
        gpu.acquire(jobs_per_device=0)


def test_lease_files_can_be_shared_by_every_user(leases):
    old = os.umask(0o022)
    try:
        gpu.acquire(jobs_per_device=1)
    finally:
        os.umask(old)
    assert leases.stat().st_mode & 0o7777 == 0o1777
    assert (leases / "gpu0.slot0.lock").stat().st_mode & 0o777 == 0o666


def test_a_jobs_resources_choose_cpu_or_its_slots(leases, monkeypatch):
    """What the rules call: gpu=0 hides every GPU; otherwise jobs_per_gpu sets the slots."""
    from types import SimpleNamespace

    lease = gpu.for_job(SimpleNamespace(gpu=0, jobs_per_gpu=4))
    assert lease.how == "gpu=0" and os.environ["CUDA_VISIBLE_DEVICES"] == ""
    taken = []
    for _ in range(3):
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
        lease = gpu.for_job(SimpleNamespace(gpu=1, jobs_per_gpu=2))
        taken.append((lease.device, lease.slot))
    assert taken == [("0", 0), ("1", 0), ("0", 1)]
    gpu._held[1].release()  # device 1, slot 0
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    lease = gpu.for_job(SimpleNamespace(gpu=1))  # no jobs_per_gpu: slot 0 only
    assert (lease.device, lease.slot) == ("1", 0)
