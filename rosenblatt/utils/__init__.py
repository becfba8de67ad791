"""``rosenblatt.utils``: PyTorch's ``torch.utils`` paths; ``utils.checkpoint``, ``utils.data``
(``rosenblatt.data`` under PyTorch's path) and ``utils.dlpack`` load on first use.

Example:
    >>> import rosenblatt.utils
    >>> rosenblatt.utils.checkpoint.checkpoint_sequential.__name__
    'checkpoint_sequential'
"""


def __getattr__(name: str):
    """``utils.checkpoint``, ``utils.data`` and ``utils.dlpack`` load on first use, keeping
    ``import rosenblatt`` fast."""
    if name in ("checkpoint", "data", "dlpack"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["checkpoint", "data", "dlpack"]
