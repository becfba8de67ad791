"""Layers: every ``nn.Module`` subclass, re-exported by ``rosenblatt.nn``."""
from __future__ import annotations

from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)
from .module import Module, RemovableHandle
from .normalization import LayerNorm, RMSNorm
from .sparse import Embedding

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "CrossEntropyLoss", "Dropout",
    "ELU", "Embedding", "Flatten", "GELU", "HuberLoss", "Identity", "KLDivLoss", "L1Loss",
    "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleDict",
    "ModuleList", "NLLLoss", "RMSNorm", "ReLU", "RemovableHandle", "Sequential", "SiLU", "Sigmoid",
    "SmoothL1Loss", "Softmax", "Softplus", "Tanh", "Unflatten",
]

# Layers written in other parts of nn (attention, recurrent, transformer, positions);
# each group is re-exported once its file exists, so the package imports without them.
try:
    from .attention import MultiheadAttention
    __all__ += ["MultiheadAttention"]
except ImportError:  # pragma: no cover
    pass
try:
    from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
    __all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]
except ImportError:  # pragma: no cover
    pass
try:
    from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                              TransformerEncoder, TransformerEncoderLayer)
    __all__ += ["Transformer", "TransformerDecoder", "TransformerDecoderLayer",
                "TransformerEncoder", "TransformerEncoderLayer"]
except ImportError:  # pragma: no cover
    pass
try:
    from .positional import LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding
    __all__ += ["LearnedPositionalEmbedding", "RotaryEmbedding", "SinusoidalPositionalEncoding"]
except ImportError:  # pragma: no cover
    pass
