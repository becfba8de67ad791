"""PyTorch, the reference of these tests, runs in one thread here."""
from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _torch_in_one_thread():
    """PyTorch's ops on the tests' tiny tensors wake its thread pool at each call: on a busy
    2-core machine 50 of Muon's Newton-Schulz iterations of a 6 x 6 matrix took 3.9 s in two
    threads, 4 ms in one, and 12 Adafactor steps 1.7 s against 34 ms."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
