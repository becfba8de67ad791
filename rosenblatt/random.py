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
    """A seeded source of random numbers (wraps ``numpy.random.Generator``).

    Every random function takes one as ``generator=``; without it they draw from the
    default generator that :func:`manual_seed` seeds.  Two generators with one seed give
    the same numbers.

    Args:
        seed (int, optional): the seed, in ``[-2**63, 2**64)``; fresh entropy when None.

    Example:
        >>> import rosenblatt as rb
        >>> g = rb.Generator(0)
        >>> a = rb.rand(3, generator=g)
        >>> b = rb.rand(3, generator=g)  # the stream moves on
        >>> rb.equal(a, b), rb.equal(a, rb.rand(3, generator=rb.Generator(0)))
        (False, True)
        >>> g.manual_seed(0).initial_seed()
        0
    """

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
    """Seed the default generator, used by every random function not given ``generator=``.

    Args:
        seed (int): the seed, in ``[-2**63, 2**64)``.

    Returns:
        the default generator (``rosenblatt.default_generator``).

    Example:
        >>> import rosenblatt as rb
        >>> rb.manual_seed(0) is rb.default_generator
        True
        >>> a = rb.randn(3)
        >>> _ = rb.manual_seed(0)
        >>> rb.equal(a, rb.randn(3))  # same seed, same numbers
        True
    """
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """The seed the default generator was last seeded with (by :func:`manual_seed` or :func:`seed`).

    Example:
        >>> import rosenblatt as rb
        >>> _ = rb.manual_seed(42)
        >>> rb.initial_seed()
        42
    """
    return default_generator.initial_seed()


def seed() -> int:
    """Reseed the default generator from fresh entropy (a non-deterministic seed) and return the seed.

    Example:
        >>> import rosenblatt as rb
        >>> state = rb.get_rng_state()
        >>> s = rb.seed()
        >>> s == rb.initial_seed()
        True
        >>> rb.set_rng_state(state)  # back to the reproducible stream
    """
    return default_generator.seed()


def get_rng_state() -> dict:
    """The default generator's seed and stream position, as a JSON-serialisable dict.

    Save it in a checkpoint; :func:`set_rng_state` resumes the stream from it.

    Returns:
        a dict with ``"seed"`` and ``"bit_generator"`` (NumPy's PCG64 state).

    Example:
        >>> import rosenblatt as rb
        >>> state = rb.get_rng_state()
        >>> sorted(state)
        ['bit_generator', 'seed']
        >>> a = rb.rand(2)
        >>> rb.set_rng_state(state)
        >>> rb.equal(a, rb.rand(2))  # the same numbers again
        True
    """
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    """Restore the default generator to a state from :func:`get_rng_state`.

    Args:
        state (dict): a state from ``get_rng_state()`` (or ``Generator.get_state()``).

    Example:
        >>> import rosenblatt as rb
        >>> state = rb.get_rng_state()
        >>> a = rb.randint(0, 100, (4,))
        >>> rb.set_rng_state(state)
        >>> rb.equal(a, rb.randint(0, 100, (4,)))
        True
    """
    default_generator.set_state(state)


def draw_dtype(dtype: Any) -> Any:
    """The dtype NumPy draws floats of ``dtype`` in: NumPy draws float32 and float64 only, so
    float16 is drawn in float32 (and rounded after)."""
    return dtype if dtype in (numpy.float32, numpy.float64) else numpy.float32


def numpy_generator(generator: Generator | None) -> Any:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    if generator is None:
        return default_generator.numpy
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a rosenblatt.Generator, got {type(generator).__name__}")
    return generator.numpy
