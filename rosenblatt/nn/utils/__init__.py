"""Utilities for training: gradient clipping, parameters as one vector, packed sequences,
parametrizations (weight and spectral norm, orthogonal), pruning."""
from .clip_grad import clip_grad_norm_, clip_grad_value_
from . import parametrizations, parametrize, prune, rnn, stateless
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence, pad_sequence
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["PackedSequence", "clip_grad_norm_", "clip_grad_value_", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "parameters_to_vector", "parametrizations",
           "parametrize", "prune", "remove_spectral_norm", "remove_weight_norm", "rnn", "spectral_norm", "stateless",
           "vector_to_parameters", "weight_norm"]
