"""How rosenblatt runs, under PyTorch's names: ``compile`` (accepted, runs eagerly), the
BLAS thread count (``get_num_threads``, ``set_num_threads``) and the inter-op thread count
(``get_num_interop_threads``, ``set_num_interop_threads``)."""
from __future__ import annotations

from typing import Any, Callable

#: the keywords of ``torch.compile`` (2.13's); any other is a typo worth an error
_COMPILE_OPTIONS = frozenset({"fullgraph", "dynamic", "backend", "mode", "options", "name", "disable",
                              "recompile_limit", "isolate_recompiles", "shapes_spec"})


def compile(model: Callable | None = None, **options: Any) -> Any:
    """rosenblatt runs eagerly; compile is accepted so PyTorch scripts run.

    Returns ``model`` itself (a module or a function), unchanged.  Without ``model`` it
    returns a decorator that does the same, so ``@compile`` and ``@compile(mode=...)`` both
    work.  The options are ``torch.compile``'s (``fullgraph``, ``dynamic``, ``backend``,
    ``mode``, ``options``, ``disable``, ...), accepted and ignored; any other raises.

    Args:
        model (callable, optional): the module or function to "compile".
        **options: ``torch.compile``'s keyword arguments.

    Returns:
        ``model``, or a decorator returning its argument when ``model`` is None.

    Example:
        >>> import rosenblatt as rb
        >>> net = rb.nn.Linear(2, 1)
        >>> rb.compile(net, mode="max-autotune") is net
        True
        >>> @rb.compile
        ... def double(x):
        ...     return 2 * x
        >>> @rb.compile(fullgraph=True)
        ... def triple(x):
        ...     return 3 * x
        >>> double(rb.tensor(1.0)), triple(rb.tensor(1.0))
        (tensor(2.), tensor(3.))
    """
    unknown = sorted(set(options) - _COMPILE_OPTIONS)
    if unknown:
        raise TypeError(f"compile(): unexpected keyword argument {unknown[0]!r}; torch.compile takes "
                        f"{', '.join(sorted(_COMPILE_OPTIONS))}")
    if model is None:
        return lambda model: model
    if not callable(model):
        raise TypeError(f"compile(): expected a module or a function, got {type(model).__name__}")
    return model


def _openblas() -> Any:
    from ._backend import _openblas  # looked up on first call: `import rosenblatt` stays fast
    return _openblas()


def get_num_threads() -> int:
    """The number of threads NumPy's OpenBLAS uses for matrix products (PyTorch's intra-op
    thread count, which its matrix products use).

    Where NumPy has another BLAS, rosenblatt can't read it and returns the number of cores
    this process may run on.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_num_threads() >= 1
        True
    """
    lib = _openblas()
    if lib is None:
        from ._threads import cores
        return len(cores())
    return int(lib.scipy_openblas_get_num_threads64_())


def set_num_threads(n: int) -> None:
    """Set the number of threads NumPy's OpenBLAS uses for matrix products, process-wide.

    The element-wise ops run in one thread either way (NumPy's loops).  Where NumPy has
    another BLAS, rosenblatt can't set it: this raises, naming the fix.

    Args:
        n (int): the thread count, > 0.

    Example:
        >>> import rosenblatt as rb
        >>> before = rb.get_num_threads()
        >>> rb.set_num_threads(1)
        >>> rb.get_num_threads()
        1
        >>> rb.set_num_threads(before)
    """
    import ctypes

    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"set_num_threads(): expected a positive int, got {n!r}")
    lib = _openblas()
    if lib is None:
        raise RuntimeError("set_num_threads(): this NumPy's BLAS is not the OpenBLAS rosenblatt can "
                           "control; set OPENBLAS_NUM_THREADS or OMP_NUM_THREADS before starting Python")
    lib.scipy_openblas_set_num_threads64_(ctypes.c_int(n))


#: set_num_interop_threads's count; None until it is called (the default is the core count)
_interop_threads: int | None = None


def get_num_interop_threads() -> int:
    """The number of threads PyTorch would run independent ops on at once (its inter-op pool).

    rosenblatt runs one op at a time (each matrix product on ``get_num_threads()`` BLAS
    threads), so this is the count :func:`set_num_interop_threads` recorded, else PyTorch's
    default, the number of cores this process may run on.

    Example:
        >>> import rosenblatt as rb
        >>> rb.get_num_interop_threads() >= 1
        True
    """
    if _interop_threads is None:
        from ._threads import cores
        return len(cores())
    return _interop_threads


def set_num_interop_threads(n: int) -> None:
    """Set the inter-op thread count, once per process, before any other call, as PyTorch allows.

    rosenblatt has no inter-op pool (ops run one at a time), so the count is recorded for
    :func:`get_num_interop_threads` and changes nothing else.  A second call raises, as in
    PyTorch.

    Args:
        n (int): the thread count, > 0.

    Example:
        >>> import rosenblatt as rb
        >>> rb.set_num_interop_threads(0)  # rb.set_num_interop_threads(4) at start-up sets it
        Traceback (most recent call last):
        ValueError: set_num_interop_threads(): expects a positive integer, got 0
    """
    global _interop_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"set_num_interop_threads(): expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise ValueError(f"set_num_interop_threads(): expects a positive integer, got {n}")
    if _interop_threads is not None:
        raise RuntimeError("set_num_interop_threads(): cannot set the number of interop threads after "
                           "set_num_interop_threads was called (once per process, as in PyTorch)")
    _interop_threads = n
