"""``rosenblatt.cuda``: what a PyTorch script asks before choosing a device.

This release computes on the CPU only, so no GPU is ever available, and
``device = rb.device("cuda" if rb.cuda.is_available() else "cpu")`` picks the CPU.

Example:
    >>> import rosenblatt as rb
    >>> rb.cuda.is_available(), rb.cuda.device_count()
    (False, 0)
"""
from __future__ import annotations


def is_available() -> bool:
    """False: rosenblatt runs on the CPU only in this release."""
    return False


def device_count() -> int:
    """0: no GPU is usable."""
    return 0
