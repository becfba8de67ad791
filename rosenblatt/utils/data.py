"""``rosenblatt.data`` under PyTorch's path, ``torch.utils.data``: a script's
``from torch.utils.data import DataLoader`` reads ``from rosenblatt.utils.data import DataLoader``.

Example:
    >>> from rosenblatt.utils.data import DataLoader, TensorDataset
    >>> import rosenblatt as rb
    >>> len(DataLoader(TensorDataset(rb.arange(10)), batch_size=4))
    3
"""
from ..data import *  # noqa: F401,F403  (the same objects, not copies)
from ..data import __all__  # noqa: F401
