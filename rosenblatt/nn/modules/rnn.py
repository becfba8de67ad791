"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, with PyTorch's interface.

Each layer and direction runs as one fused Function (``nn.functional.recurrent``)
that does backpropagation through time itself.  Parameters, their names, shapes,
order and initialisation are PyTorch's, so state dicts carry over.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from ..._backend import xp
from ... import _backend
from ...ops import cat, getitem, stack, transpose
from ...random import Generator
from ...tensor import Tensor
from .. import init
from ..functional.linear import dropout as _dropout
from ..functional.recurrent import GRUSequence, LSTMSequence, RNNSequence, lstm_projected_sequence
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, pad_packed_sequence
from .module import Module

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _run_layer(mode: str, x: Tensor, h0: Any, c0: Any, weights: list, reverse: bool, mask: Any,
               projected: bool = False) -> tuple:
    """One layer, one direction over ``x`` ``(T, B, I)``: ``(output, h_n, c_n or None)``;
    ``projected``: an LSTM whose last weight is ``weight_hr`` (``proj_size``)."""
    T = x.shape[0]
    if projected:
        w_ih, w_hh, *biases, w_hr = weights
        b_ih, b_hh = biases or (None, None)
        h0, c0 = (s if isinstance(s, Tensor) else Tensor._wrap(s) for s in (h0, c0))
        return lstm_projected_sequence(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=reverse, mask=mask)
    if mode == "LSTM":
        R = LSTMSequence.apply(x, h0, c0, *weights, reverse=reverse, mask=mask)
        return getitem(R, slice(0, T)), getitem(R, T), getitem(R, T + 1)
    if mode == "GRU":
        R = GRUSequence.apply(x, h0, *weights, reverse=reverse, mask=mask)
    else:
        R = RNNSequence.apply(x, h0, *weights, reverse=reverse, mask=mask,
                              nonlinearity="relu" if mode == "RNN_RELU" else "tanh")
    return getitem(R, slice(0, T)), getitem(R, T), None


def _shape_error(name: str, what: str, expected: tuple, got: tuple, fix: str = "") -> ValueError:
    return ValueError(f"{name}: expected {what} of shape {expected}, got {got}{fix}")


def _init_uniform(module: Module, generator: Generator | None) -> None:
    """Every parameter of an RNN or cell from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as
    PyTorch; a cell may have hidden_size 0 (PyTorch allows it), and then empty weights."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0.0
    for p in module.parameters():
        init.uniform_(p, -bound, bound, generator=generator)


def _check_dtypes(name: str, x: Tensor, states: list, weight: Tensor) -> None:
    """Input and states must have the weights' dtype, as PyTorch requires (NumPy would cast
    silently: a float32 input ran a float64 model in float32)."""
    if x.dtype != weight.dtype:
        raise ValueError(f"{name}: input dtype {x.dtype} does not match weight dtype {weight.dtype}; "
                         f"convert the input, input.to({weight.dtype}), or the model, model.to({x.dtype})")
    for state, what in states:
        if state.dtype != x.dtype:
            raise RuntimeError(f"{name}: {what} dtype {state.dtype} does not match the input dtype "
                               f"{x.dtype}; convert it, {what}.to({x.dtype})")


class RNNBase(Module):
    """Shared machinery of ``RNN``, ``LSTM`` and ``GRU`` (see their docstrings).

    PyTorch's ``RNNBase``: the parameters of every layer and direction (``weight_ih_l{k}``,
    ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, ``_reverse`` for the backward
    direction; ``weight_ih`` has ``gates * hidden_size`` rows: 4 for LSTM, 3 for GRU, 1 for RNN),
    their initialisation, the state checks and the loop over layers.  Use the subclasses; it
    can be built directly with a ``mode`` as PyTorch's can.

    Args:
        mode: ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'``.
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            generator: as ``RNN``.
        proj_size: as ``LSTM`` (default 0, LSTM only).

    Shape: as ``RNN``.

    Example:
        >>> import rosenblatt as rb
        >>> gru = rb.nn.RNNBase("GRU", 4, 8, num_layers=2)
        >>> gru.weight_ih_l0.shape, gru.weight_hh_l1.shape  # 3 gates of 8 features
        ((24, 4), (24, 8))
        >>> out, h = gru(rb.randn(5, 3, 4))
        >>> out.shape, h.shape
        ((5, 3, 8), (2, 3, 8))
        >>> isinstance(rb.nn.LSTM(4, 8), rb.nn.RNNBase)
        True
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        super().__init__()
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)
        if input_size <= 0:  # PyTorch checks only the value (a NumPy int is fine)
            raise ValueError(f"{name}: input_size must be a positive int, got {input_size!r}")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"{name}: hidden_size must be a positive int, got {hidden_size!r}")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be a positive int, got {num_layers!r}")
        if isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing the "
                             f"probability of an element being zeroed, got {dropout!r}")
        if dropout and num_layers == 1:
            warnings.warn(f"{name}: dropout option adds dropout after all but last recurrent layer, so "
                          f"non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(proj_size, int) or not 0 <= proj_size < hidden_size:
            raise ValueError(f"{name}: proj_size must be an int in [0, hidden_size={hidden_size}) (0 for "
                             f"no projection), got {proj_size!r}")
        self.proj_size = proj_size
        self.mode, self.input_size = mode, input_size
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.generator = bidirectional, generator
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        gh = _GATES[mode] * hidden_size
        out_size = proj_size or hidden_size  # the carried state h and the output features
        directions = self._directions
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for direction in range(directions):
                width = input_size if layer == 0 else out_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gh, width)), ("weight_hh", (gh, out_size))]
                if bias:
                    shapes += [("bias_ih", (gh,)), ("bias_hh", (gh,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for prefix, shape in shapes:
                    setattr(self, prefix + suffix, Parameter(xp.empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(prefix + suffix)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        _init_uniform(self, generator)

    @property
    def _name(self) -> str:
        return type(self).__name__

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _weights(self, layer: int, direction: int) -> list:
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        start = (layer * self._directions + direction) * per
        # by attribute, not from _parameters: a parametrized weight (weight_norm) is a property
        return [getattr(self, n) for n in self._flat_weights_names[start:start + per]]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, ``[w_ih, w_hh, (b_ih, b_hh), (w_hr)]``, as PyTorch."""
        return [self._weights(layer, d) for layer in range(self.num_layers) for d in range(self._directions)]

    def flatten_parameters(self) -> None:
        """A no-op, for code written for PyTorch: there it packs the weights into one buffer for
        cuDNN; here each layer's weights already go to one fused Function."""

    def _check_state(self, state: Any, expected: tuple, what: str) -> Tensor:
        if not isinstance(state, Tensor):
            raise TypeError(f"{self._name}: {what} must be a Tensor, got {type(state).__name__}")
        if tuple(state.shape) != expected:
            raise _shape_error(self._name, what, expected, tuple(state.shape))
        return state

    def forward(self, input: Any, hx: Any = None) -> tuple:
        is_lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        mask = None
        if packed:
            x, lengths = pad_packed_sequence(input)  # (T, B, I), original batch order
            mask = (xp.arange(x.shape[0])[:, None] < lengths.data[None, :]).astype(x.dtype)  # (T, B)
            batched = True
        else:
            if not isinstance(input, Tensor):
                raise TypeError(f"{self._name}: input must be a Tensor or a PackedSequence, "
                                f"got {type(input).__name__}")
            if input.ndim not in (2, 3):
                raise ValueError(f"{self._name}: expected input of 2 (unbatched) or 3 (batched) dims, "
                                 f"got shape {tuple(input.shape)}")
            batched = input.ndim == 3
            x = input if not batched else (transpose(input, 0, 1) if self.batch_first else input)
            if not batched:
                x = x.unsqueeze(1)
        T, B = x.shape[0], x.shape[1]
        if x.shape[2] != self.input_size:
            raise ValueError(f"{self._name}: input.size(-1) must be equal to input_size. Expected "
                             f"{self.input_size}, got {x.shape[2]} (input shape {tuple(x.shape)})")
        if T == 0:
            raise RuntimeError(f"{self._name}: expected a sequence length larger than 0, got input of "
                               f"shape {tuple(x.shape)} (T, B, I)")
        directions = self._directions
        L, H, P = self.num_layers * directions, self.hidden_size, self.proj_size or self.hidden_size
        state_shape = (L, B, P) if batched else (L, P)  # h (and the output) have proj_size features
        cell_shape = (L, B, H) if batched else (L, H)
        h0 = c0 = None
        states = []
        if hx is not None:
            if is_lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise TypeError(f"LSTM: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
                h0 = self._check_state(hx[0], state_shape, "h_0")
                c0 = self._check_state(hx[1], cell_shape, "c_0")
                states = [(h0, "h_0"), (c0, "c_0")]
            else:
                h0 = self._check_state(hx, state_shape, "hx")
                states = [(h0, "hx")]
        _check_dtypes(self._name, x, states, getattr(self, self._flat_weights_names[0]))
        if hx is not None and not batched:
            h0 = h0.unsqueeze(1)
            c0 = c0.unsqueeze(1) if c0 is not None else None
        zeros_h, zeros_c = xp.zeros((B, P), dtype=x.dtype), xp.zeros((B, H), dtype=x.dtype)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for d in range(directions):
                k = layer * directions + d
                h = zeros_h if h0 is None else getitem(h0, k)
                c = zeros_c if c0 is None else getitem(c0, k)
                out, hk, ck = _run_layer(self.mode, x, h, c, self._weights(layer, d), d == 1, mask,
                                         projected=self.proj_size > 0)
                outputs.append(out)
                h_n.append(hk)
                c_n.append(ck)
            x = outputs[0] if directions == 1 else cat(outputs, 2)  # (T, B, D*P)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True, generator=self.generator)
        h_n = stack(h_n, 0)  # (L*D, B, P)
        c_n = stack(c_n, 0) if is_lstm else None
        if packed:
            output = _repack(x, input)
        elif not batched:
            output, h_n = x.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if is_lstm else None
        else:
            output = transpose(x, 0, 1) if self.batch_first else x
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


def _repack(padded: Tensor, like: PackedSequence) -> PackedSequence:
    """Pack ``padded`` ``(T, B, *)`` (original batch order) with the layout of ``like``."""
    batch_sizes = like.batch_sizes.data
    steps = xp.repeat(xp.arange(batch_sizes.shape[0]), batch_sizes)
    rows = xp.concatenate([xp.arange(n) for n in batch_sizes]) if batch_sizes.size else steps
    order = rows if like.sorted_indices is None else like.sorted_indices.data[rows]
    return PackedSequence(getitem(padded, (steps, order)), like.batch_sizes, like.sorted_indices,
                          like.unsorted_indices)


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu), stacked and
    bidirectional.

    Args:
        input_size: features of each input step.
        hidden_size: features of the hidden state.
        num_layers: stacked layers (default 1).
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.
        bias: learn ``b_ih`` and ``b_hh`` (default True).
        batch_first: input and output are ``(B, T, *)`` instead of ``(T, B, *)``.
        dropout: dropout probability on each layer's output except the last (default 0).
        bidirectional: also run each layer backwards in time and concatenate (default False).
        generator: the ``rosenblatt.Generator`` for initial weights and dropout masks.

    Shape: input ``(T, B, I)``, ``(B, T, I)`` or unbatched ``(T, I)``, or a ``PackedSequence``;
    ``h_0`` ``(L*D, B, H)``.  Returns ``(output, h_n)``: output ``(T, B, D*H)``, ``h_n`` ``(L*D, B, H)``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import RNN
        >>> rnn = RNN(4, 8, num_layers=2)
        >>> out, h = rnn(rb.randn(5, 3, 4))
        >>> out.shape, h.shape
        ((5, 3, 8), (2, 3, 8))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r}; use 'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, device=device, dtype=dtype,
                         generator=generator)


class LSTM(RNNBase):
    """Long short-term memory, stacked and bidirectional, gates ``i, f, g, o`` as PyTorch.

    ``i, f, o = sigmoid(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (``g`` with tanh),
    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``.

    Args: as ``RNN`` without ``nonlinearity``, and
        proj_size: if > 0, ``h_t = (o * tanh(c_t)) W_hr^T`` with a learned ``weight_hr_l{k}``
            ``(proj_size, hidden_size)``: h and the output get ``proj_size`` features (default 0).
            This path is built from autograd ops, slower than the fused one.

    Shape: as ``RNN``; the state is ``(h, c)``, both ``(L*D, B, H)`` (h ``(L*D, B, proj_size)``
    with a projection).  Returns ``(output, (h_n, c_n))``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import LSTM
        >>> lstm = LSTM(4, 8, batch_first=True)
        >>> out, (h, c) = lstm(rb.randn(3, 5, 4))
        >>> out.shape, c.shape
        ((3, 5, 8), (1, 3, 8))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None,
                 generator: Generator | None = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype, generator)


class GRU(RNNBase):
    """Gated recurrent unit, stacked and bidirectional, gates ``r, z, n`` as PyTorch.

    ``r, z = sigmoid(x W_i^T + b_i + h W_h^T + b_h)``, ``n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``,
    ``h_t = (1 - z) * n + z * h_{t-1}``.

    Args and Shape: as ``RNN`` without ``nonlinearity``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import GRU
        >>> gru = GRU(4, 8, bidirectional=True)
        >>> out, h = gru(rb.randn(5, 3, 4))
        >>> out.shape, h.shape
        ((5, 3, 16), (2, 3, 8))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None, generator: Generator | None = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype, generator=generator)


class RNNCellBase(Module):
    """Shared machinery of the single-step cells ``RNNCell``, ``LSTMCell`` and ``GRUCell``.

    The parameters ``weight_ih`` ``(gates * hidden_size, input_size)``, ``weight_hh``
    ``(gates * hidden_size, hidden_size)``, ``bias_ih`` and ``bias_hh`` (4 gates for LSTM, 3
    for GRU, 1 for RNN), initialised from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), and
    the one step.  Not built directly: a subclass sets the ``mode``.

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        bias: learn ``bias_ih`` and ``bias_hh`` (default True).
        dtype: parameter dtype (default ``get_default_dtype()``, float32).
        generator: the ``rosenblatt.Generator`` for the initial weights (default generator if None).

    Shape: input ``(B, I)`` or ``(I,)``; states ``(B, H)`` or ``(H,)``.

    Example:
        >>> import rosenblatt as rb
        >>> cell = rb.nn.GRUCell(4, 8)
        >>> isinstance(cell, rb.nn.RNNCellBase), cell.weight_ih.shape, cell.weight_hh.shape
        (True, (24, 4), (24, 8))
    """

    mode = ""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None, generator: Generator | None = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = _backend.default_float if dtype is None else xp.dtype(dtype)
        gh = _GATES[self.mode] * hidden_size
        self.weight_ih = Parameter(xp.empty((gh, input_size), dtype=dtype))
        self.weight_hh = Parameter(xp.empty((gh, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(xp.empty((gh,), dtype=dtype))
            self.bias_hh = Parameter(xp.empty((gh,), dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        _init_uniform(self, generator)

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        name = type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            raise ValueError(f"{name}: expected input of 1 (unbatched) or 2 (batched) dims, got "
                             f"{tuple(getattr(input, 'shape', ()))}")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        B, H = x.shape[0], self.hidden_size
        if x.shape[1] != self.input_size:
            raise ValueError(f"{name}: input has inconsistent input_size: got {x.shape[1]}, expected "
                             f"{self.input_size} (input shape {tuple(input.shape)})")
        expected = (B, H) if batched else (H,)
        if self.mode == "LSTM" and hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            # A Tensor would unpack along its first dim: a (2, B, H) one passed as (h_0, c_0).
            raise TypeError(f"LSTMCell: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
        states = [] if hx is None else (list(hx) if self.mode == "LSTM" else [hx])
        for s, what in zip(states, ("h_0", "c_0")):
            if tuple(s.shape) != expected:
                raise _shape_error(name, what, expected, tuple(s.shape))
        _check_dtypes(name, x, list(zip(states, ("h_0", "c_0"))), self.weight_ih)
        states = [s if batched else s.unsqueeze(0) for s in states]
        zeros = xp.zeros((B, H), dtype=x.dtype)
        h0 = states[0] if states else zeros
        c0 = states[1] if len(states) == 2 else zeros
        weights = [self.weight_ih, self.weight_hh] + ([self.bias_ih, self.bias_hh] if self.bias else [])
        _, h, c = _run_layer(self.mode, x.unsqueeze(0), h0, c0, weights, False, None)
        if not batched:
            h = h.squeeze(0)
            c = c.squeeze(0) if c is not None else None
        return (h, c) if self.mode == "LSTM" else h

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        return s


class RNNCell(RNNCellBase):
    """One step of ``RNN``: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Shape: input ``(B, I)`` or ``(I,)``, ``hx`` ``(B, H)`` or ``(H,)`` (zeros if None); returns ``h'``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import RNNCell
        >>> RNNCell(4, 8)(rb.randn(3, 4)).shape
        (3, 8)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None, generator: Generator | None = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; use 'tanh' or 'relu'")
        self.mode, self.nonlinearity = "RNN_" + nonlinearity.upper(), nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype, generator)


class LSTMCell(RNNCellBase):
    """One step of ``LSTM``; ``hx = (h, c)``, returns ``(h', c')``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import LSTMCell
        >>> h, c = LSTMCell(4, 8)(rb.randn(3, 4))
        >>> h.shape
        (3, 8)
    """

    mode = "LSTM"


class GRUCell(RNNCellBase):
    """One step of ``GRU``; returns ``h'``.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.modules.rnn import GRUCell
        >>> GRUCell(4, 8)(rb.randn(3, 4)).shape
        (3, 8)
    """

    mode = "GRU"
