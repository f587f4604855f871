from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def repo():
    return REPO


#: The slowest modules first: the suite runs on several workers, each module on one of them
#: (pytest-xdist's loadfile), so a slow module started last would leave one worker idle.
SLOW_FIRST = (
    "test_workflow_slurm.py",
    "test_workflow_train.py",
    "test_workflow_spleeter.py",
    "test_workflow_demucs.py",
    "test_workflow_collections.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable
