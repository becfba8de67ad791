"""Explicit randomness: a ``Generator`` every random function accepts, and ``manual_seed``.

Same seed, same numbers: each generator wraps NumPy's PCG64 stream.  The
numbers are rosenblatt's own (not PyTorch's), but reproducible across runs.

Example:
    >>> import rosenblatt as rb
    >>> g = rb.Generator().manual_seed(0)
    >>> a = rb.randn(3, generator=g)
    >>> b = rb.randn(3, generator=rb.Generator().manual_seed(0))
    >>> bool((a == b).all())
    True
"""
from __future__ import annotations

from typing import Any

import numpy


class Generator:
    """A seeded source of random numbers (wraps ``numpy.random.Generator``)."""

    def __init__(self, seed: int | None = None) -> None:
        if seed is None:
            self.seed()
        else:
            self.manual_seed(seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from ``seed``; returns the generator.

        PyTorch's range: a negative seed stands for ``seed + 2**64`` (NumPy refuses it, and
        only on first use, which broke every later random call).
        """
        seed = int(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError(f"manual_seed(): seed must be in [-2**63, 2**64), got {seed}")
        self._seed = seed % 2**64
        self._numpy = None
        return self

    @property
    def numpy(self) -> Any:
        """The ``numpy.random.Generator`` behind this one, made on first use (keeps import fast)."""
        if self._numpy is None:
            self._numpy = numpy.random.Generator(numpy.random.PCG64(self._seed))
        return self._numpy

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self.manual_seed(numpy.random.SeedSequence().entropy % 2**63)
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        """The stream position, as a JSON-serialisable dict (for checkpoints)."""
        return {"seed": self._seed, "bit_generator": _jsonable(self.numpy.bit_generator.state)}

    def set_state(self, state: dict) -> "Generator":
        self._seed = int(state["seed"])
        self.numpy.bit_generator.state = state["bit_generator"]
        return self


def _jsonable(state: dict) -> dict:
    return {k: (_jsonable(v) if isinstance(v, dict) else int(v) if isinstance(v, numpy.integer) else v)
            for k, v in state.items()}


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, used by every random function not given ``generator=``."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def numpy_generator(generator: Generator | None) -> Any:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    if generator is None:
        return default_generator.numpy
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a rosenblatt.Generator, got {type(generator).__name__}")
    return generator.numpy
