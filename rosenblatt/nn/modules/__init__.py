"""Layers: every ``nn.Module`` subclass, re-exported by ``rosenblatt.nn``."""
from __future__ import annotations

from .adaptive import AdaptiveLogSoftmaxWithLoss
from .activation import (CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,
                         LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU,
                         Softmax, Softmax2d, Softmin, Softplus, Softshrink, Softsign, Tanh, Tanhshrink,
                         Threshold)
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .conv3d import Conv3d, ConvTranspose3d
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .ctc_loss import CTCLoss
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout
from .pooling3d import AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d
from .fractional_pooling import FractionalMaxPool2d, FractionalMaxPool3d
from .loss import MultiLabelMarginLoss, TripletMarginWithDistanceLoss
from .lp_pooling import LPPool1d, LPPool2d, LPPool3d
from .normalization import CrossMapLRN2d, LocalResponseNorm
from .unpooling import MaxUnpool1d, MaxUnpool2d, MaxUnpool3d
from .embedding_bag import EmbeddingBag
from .fold import Fold, Unfold
from .groupnorm import GroupNorm
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss,
                   GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss,
                   MarginRankingLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss,
                   PoissonNLLLoss, SmoothL1Loss, SoftMarginLoss, TripletMarginLoss)
from .module import Module, RemovableHandle
from .normalization import LayerNorm, RMSNorm
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
                      AvgPool1d, AvgPool2d, Dropout1d, Dropout2d, Dropout3d, MaxPool1d, MaxPool2d)
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d,
                      ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d,
                      ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .positional import LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .shuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle
from .sparse import Embedding
from .sync_batchnorm import SyncBatchNorm
from .upsampling import Upsample
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)
from .activation import RReLU
from .dropout import AlphaDropout, FeatureAlphaDropout
from .linear import Bilinear, LazyLinear
from .lazy import LazyModuleMixin
from .lazy_conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d,
                        LazyConvTranspose3d)
from .lazy_norm import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d,
                        LazyInstanceNorm2d, LazyInstanceNorm3d)
from .upsampling import UpsamplingBilinear2d, UpsamplingNearest2d
from .linear_cross_entropy import LinearCrossEntropyLoss
from .loss import NLLLoss2d

__all__ = [
    "AdaptiveLogSoftmaxWithLoss", "CrossMapLRN2d", "LinearCrossEntropyLoss", "NLLLoss2d",
    "CircularPad3d", "ConstantPad3d", "ReflectionPad3d", "ZeroPad3d", "FractionalMaxPool3d",
    "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d", "LazyConv3d",
    "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyInstanceNorm1d",
    "LazyInstanceNorm2d", "LazyInstanceNorm3d", "LazyModuleMixin",
    "AlphaDropout", "Bilinear", "FeatureAlphaDropout", "LazyLinear", "RReLU", "UpsamplingBilinear2d",
    "UpsamplingNearest2d",
    "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "AvgPool3d", "BatchNorm3d", "Conv3d", "ConvTranspose3d",
    "Dropout3d", "InstanceNorm3d", "MaxPool3d",
    "CTCLoss", "EmbeddingBag", "Fold", "Unfold",
    "ParameterDict", "ParameterList", "CosineSimilarity", "PairwiseDistance", "ChannelShuffle",
    "PixelShuffle", "PixelUnshuffle", "CircularPad1d", "CircularPad2d", "ConstantPad1d",
    "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "ZeroPad1d", "ZeroPad2d", "CosineEmbeddingLoss", "GaussianNLLLoss", "HingeEmbeddingLoss",
    "MarginRankingLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "PoissonNLLLoss",
    "SoftMarginLoss", "TripletMarginLoss",
    "FractionalMaxPool2d", "LPPool1d", "LPPool2d", "LPPool3d", "LocalResponseNorm", "MaxUnpool1d",
    "MaxUnpool2d", "MaxUnpool3d", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss",
    "CELU", "GLU", "Hardshrink", "Softmax2d", "Softshrink", "Dropout1d", "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid", "Mish", "PReLU", "ReLU6",
    "SELU", "Softmin", "Softsign", "Tanhshrink", "Threshold",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d",
    "AvgPool2d", "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d",
    "Dropout2d", "GroupNorm", "MaxPool1d", "MaxPool2d", "Upsample",
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "CrossEntropyLoss", "Dropout",
    "ELU", "Embedding", "Flatten", "GELU", "GRU", "GRUCell", "HuberLoss", "Identity",
    "InstanceNorm1d", "InstanceNorm2d", "KLDivLoss",
    "L1Loss", "LSTM", "LSTMCell", "LayerNorm", "LeakyReLU", "LearnedPositionalEmbedding", "Linear",
    "LogSoftmax", "MSELoss", "Module", "ModuleDict", "ModuleList", "MultiheadAttention", "NLLLoss",
    "RMSNorm", "RNN", "RNNBase", "RNNCell", "RNNCellBase", "ReLU", "RemovableHandle",
    "RotaryEmbedding", "Sequential", "SiLU", "Sigmoid", "SinusoidalPositionalEncoding",
    "SmoothL1Loss", "Softmax", "Softplus", "SyncBatchNorm", "Tanh", "Transformer", "TransformerDecoder",
    "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer", "Unflatten",
]
