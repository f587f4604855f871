"""Keras backend set-up in one place: threads, GPU memory growth, determinism.

Call :func:`configure` before anything imports ``keras``; model and training code then use
only ``keras`` (``keras.layers``, ``keras.ops``), so ``KERAS_BACKEND=jax`` or ``torch`` trains
too. TensorFlow is the default backend.
"""

from __future__ import annotations

import os
import sys

DEFAULT_BACKEND = "tensorflow"


def backend_name() -> str:
    return os.environ.get("KERAS_BACKEND", DEFAULT_BACKEND)


def _set_env_before_import(backend: str, threads: int) -> None:
    os.environ.setdefault("KERAS_BACKEND", backend)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no C++ info lines in the logs
    # TensorFlow turns its oneDNN kernels on by itself only on CPUs with AVX-512; on others
    # (an AMD EPYC with AVX2) its own kernels made the default experiment twice as slow (a
    # training step 2.3 times), for metrics that differ in 7 of 700 rows by rounding
    # (docs/speed.md)
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    if backend == "jax":
        # one device thread pool of the asked size; allocate GPU memory on demand
        flags = os.environ.get("XLA_FLAGS", "")
        if "intra_op_parallelism_threads" not in flags:
            flags += (
                f" --xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}"
                f" intra_op_parallelism_threads={threads}"
            )
        os.environ["XLA_FLAGS"] = flags.strip()
        os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    if backend == "torch":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def configure(threads: int = 1, deterministic: bool = True) -> dict:
    """Set up the Keras backend to use ``threads`` CPU threads; return what it runs on.

    Must run before ``keras`` is first imported (the thread pools of TensorFlow and JAX are
    fixed at start-up). Enables GPU memory growth (TensorFlow) or on-demand allocation (JAX),
    so jobs that share a GPU do not each claim all of its memory, and deterministic ops.

    Returns ``{"backend": ..., "device": ...}``; the device is ``cpu`` or e.g. ``gpu:0 (NVIDIA
    H100)``.
    """
    threads = max(1, int(threads))
    backend = backend_name()
    if "keras" in sys.modules and sys.modules["keras"].backend.backend() != backend:
        raise RuntimeError("sepconv.backend.configure() must run before keras is imported")
    _set_env_before_import(backend, threads)
    device = "cpu"
    if backend == "tensorflow":
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # already initialised in this process (tests)
            pass
        gpus = tf.config.list_physical_devices("GPU")
        for gpu in gpus:
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:
                pass
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            device = f"gpu:0 ({details.get('device_name', 'GPU')})"
    elif backend == "torch":
        import torch

        torch.set_num_threads(threads)
        if deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
            torch.backends.cudnn.benchmark = False
        if torch.cuda.is_available():
            device = f"gpu:0 ({torch.cuda.get_device_name(0)})"
    elif backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        if gpus:
            device = f"gpu:0 ({gpus[0].device_kind})"
    else:
        raise ValueError(f"unsupported KERAS_BACKEND {backend!r}; use tensorflow, jax or torch")
    return {"backend": backend, "device": device, "threads": threads}


def versions() -> dict:
    """Versions of the libraries a run depends on."""
    import importlib.metadata as md

    out = {"python": sys.version.split()[0]}
    for package in ("keras", "tensorflow", "jax", "torch", "numpy", "scikit-learn"):
        try:
            out[package] = md.version(package)
        except md.PackageNotFoundError:
            continue
    return out
