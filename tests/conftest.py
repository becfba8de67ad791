"""Shared fixtures. Tests import their helpers with ``from helpers import check_op``
(pytest puts this folder on ``sys.path`` because it holds this conftest)."""
from __future__ import annotations

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
