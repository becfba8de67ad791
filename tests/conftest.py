"""Shared fixtures. Tests import their helpers with ``from helpers import check_op``
(pytest puts this folder on ``sys.path`` because it holds this conftest)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy
import pytest
import torch

import rosenblatt as rb


@pytest.fixture(autouse=True)
def _seed() -> None:
    """Every test starts from the same random state, so a failure reproduces alone."""
    rb.manual_seed(0)
    torch.manual_seed(0)


@pytest.fixture
def rng() -> numpy.random.Generator:
    """A seeded NumPy generator for test data."""
    return numpy.random.default_rng(0)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``$ROSENBLATT_DATA`` (set by ``.ci/run``), else ``shared/data`` beside the repository.

    A missing directory fails the test: these tests exist to read the real files.
    """
    env = os.environ.get("ROSENBLATT_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    assert path.is_dir(), (f"dataset directory {path} not found; set ROSENBLATT_DATA to the folder holding "
                           "mnist/, fashion-mnist/, tinyshakespeare/ and fsdd/")
    return path.resolve()
