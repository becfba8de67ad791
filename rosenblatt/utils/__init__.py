"""``rosenblatt.utils``: PyTorch's ``torch.utils`` paths; ``utils.checkpoint`` and ``utils.data``
(``rosenblatt.data`` under PyTorch's path) load on first use.

Example:
    >>> import rosenblatt.utils
    >>> rosenblatt.utils.checkpoint.checkpoint_sequential.__name__
    'checkpoint_sequential'
"""


def __getattr__(name: str):
    """``utils.checkpoint`` and ``utils.data`` load on first use, keeping ``import rosenblatt`` fast."""
    if name in ("checkpoint", "data"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["checkpoint", "data"]
