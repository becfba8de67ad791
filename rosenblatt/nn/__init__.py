"""Neural-network building blocks: ``Module``, layers, losses, ``functional`` and ``init``.

    >>> import rosenblatt as rb
    >>> from rosenblatt import nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    >>> loss = nn.CrossEntropyLoss()(model(rb.randn(5, 4)), rb.tensor([0, 1, 2, 0, 1]))
    >>> loss.backward()
    >>> model[0].weight.grad.shape
    (8, 4)
"""
from __future__ import annotations

from . import functional, init
from .modules import *  # noqa: F401,F403  (the layer list is modules.__all__)
from .modules import __all__ as _modules_all
from . import parallel, utils
from .parallel import DataParallel
from .functional.linear_cross_entropy import LinearCrossEntropyOptions
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = ["Buffer", "DataParallel", "LinearCrossEntropyOptions", "Parameter", "UninitializedBuffer", "UninitializedParameter",
           "functional", "init", "parallel", "utils"] + list(_modules_all)
