"""Stateless neural-network functions: ``import rosenblatt.nn.functional as F``.

Layers in ``rosenblatt.nn`` own parameters and call these.  The core ops
(relu, sigmoid, tanh, pad, one_hot) are the ones in ``rosenblatt.ops``,
re-exported here under PyTorch's ``F.`` names; ``F.softmax`` and ``F.log_softmax``
take PyTorch's ``F`` signature (``_stacklevel`` before ``dtype``).
"""
from __future__ import annotations

from ...ops import one_hot, pad, relu, sigmoid, tanh
from .activation import (celu, celu_, elu, elu_, glu, hardshrink, hardsigmoid, hardswish, hardtanh,
                         hardtanh_, leaky_relu, leaky_relu_, log_softmax, logsigmoid, mish, prelu, relu6,
                         relu_, selu, selu_, silu, softmax, softmin, softplus, softshrink, softsign,
                         tanhshrink, threshold, threshold_)
from .ctc_loss import ctc_loss
from .distance import cosine_similarity, normalize, pairwise_distance
from .embedding_bag import embedding_bag
from .fold import fold, unfold
from .gelu import gelu
from .linear import dropout, embedding, linear
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                   gaussian_nll_loss, huber_loss, kl_div, l1_loss, mse_loss, nll_loss,
                   poisson_nll_loss, smooth_l1_loss)
from .margin_loss import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss,
                          multi_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
                          triplet_margin_loss)
from .normalization import batch_norm, instance_norm, layer_norm, rms_norm

from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .group_norm import group_norm
from .adaptive_pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d,
                               adaptive_max_pool1d_with_indices, adaptive_max_pool2d,
                               adaptive_max_pool2d_with_indices, adaptive_max_pool3d_with_indices)
from .conv3d import conv3d, conv_transpose3d
from .pooling import avg_pool1d, avg_pool2d, dropout1d, dropout2d, dropout3d, max_pool1d, max_pool2d
from .pooling3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .fractional_pooling import (fractional_max_pool2d, fractional_max_pool2d_with_indices,
                                 fractional_max_pool3d, fractional_max_pool3d_with_indices)
from .linear_cross_entropy import linear_cross_entropy
from .local_response_norm import local_response_norm
from .lp_pooling import lp_pool1d, lp_pool2d, lp_pool3d
from .margin_loss import triplet_margin_with_distance_loss
from .multilabel_margin import multilabel_margin_loss
from .unpooling import (max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices,
                        max_unpool1d, max_unpool2d, max_unpool3d)
from .grid import affine_grid, grid_sample
from .sampling import interpolate
from .shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from .bilinear import bilinear
from .pdist import pdist
from .stochastic import alpha_dropout, feature_alpha_dropout, gumbel_softmax, rrelu, rrelu_
from .upsampling import upsample, upsample_bilinear, upsample_nearest

__all__ = [
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices", "linear_cross_entropy",
    "alpha_dropout", "bilinear", "feature_alpha_dropout", "gumbel_softmax", "pdist", "rrelu", "rrelu_",
    "upsample", "upsample_bilinear", "upsample_nearest",
    "conv3d", "conv_transpose3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "avg_pool3d", "dropout3d",
    "max_pool3d",
    "ctc_loss", "embedding_bag", "fold", "unfold", "affine_grid", "grid_sample",
    "cosine_similarity", "normalize", "pairwise_distance", "channel_shuffle", "pixel_shuffle",
    "pixel_unshuffle", "cosine_embedding_loss", "gaussian_nll_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "multi_margin_loss", "multilabel_soft_margin_loss", "poisson_nll_loss",
    "soft_margin_loss", "triplet_margin_loss",
    "fractional_max_pool2d", "fractional_max_pool3d", "local_response_norm", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "avg_pool1d", "avg_pool2d", "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d",
    "dropout1d", "dropout2d", "group_norm", "hardshrink", "softshrink", "interpolate", "max_pool1d", "max_pool2d",
    "multi_head_attention_forward", "scaled_dot_product_attention",
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "celu_",
    "cross_entropy", "dropout", "elu", "elu_", "embedding", "gelu", "glu", "hardsigmoid",
    "hardswish", "hardtanh", "hardtanh_", "huber_loss", "instance_norm", "kl_div", "l1_loss",
    "layer_norm", "leaky_relu", "leaky_relu_", "linear", "log_softmax", "logsigmoid", "mish",
    "mse_loss", "nll_loss", "one_hot", "pad", "prelu", "relu", "relu6", "relu_", "rms_norm",
    "selu", "selu_", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softmin", "softplus",
    "softsign", "tanh", "tanhshrink", "threshold", "threshold_",
]
