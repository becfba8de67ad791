"""Utilities for training: gradient clipping, parameters as one vector, packed sequences."""
from .clip_grad import clip_grad_norm_, clip_grad_value_
from . import rnn
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence, pad_sequence

__all__ = ["PackedSequence", "clip_grad_norm_", "clip_grad_value_", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "parameters_to_vector", "rnn",
           "vector_to_parameters"]
