"""Variable-length sequences: ``pad_sequence``, ``pack_padded_sequence``, ``pad_packed_sequence``,
and the list-of-tensors shortcuts ``pack_sequence``, ``unpack_sequence``, ``unpad_sequence``.

A ``PackedSequence`` stores the valid steps of a batch of sequences, time-major:
step ``t`` holds the ``batch_sizes[t]`` sequences still running at ``t``, in
order of decreasing length (``sorted_indices`` maps that order to the batch).
The conversions are single gathers (``x[index]``), so gradients flow through
them like through any indexing op.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    >>> x = rb.arange(6.0).reshape(3, 2, 1)  # (T=3, B=2, 1)
    >>> packed = pack_padded_sequence(x, [3, 1])
    >>> packed.batch_sizes.tolist()
    [2, 1, 1]
    >>> pad_packed_sequence(packed)[0][:, 1, 0].tolist()
    [1.0, 0.0, 0.0]
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from ..._backend import float32, float64, int64, xp
from ...ops import cat, getitem, transpose
from ...tensor import Tensor


class PackedSequence(NamedTuple):
    """The valid steps of a batch of sequences (see the module docstring); fields as PyTorch's."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """``data.to(...)`` (a dtype or ``'cpu'``) in a PackedSequence of the same layout, as PyTorch.

        Example:
            >>> import rosenblatt as rb
            >>> from rosenblatt.nn.utils.rnn import pack_sequence
            >>> pack_sequence([rb.ones(2), rb.ones(1)]).double().data.dtype
            dtype('float64')
        """
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._replace(data=data)

    def float(self) -> "PackedSequence":
        """``to(float32)``."""
        return self.to(float32)

    def double(self) -> "PackedSequence":
        """``to(float64)``."""
        return self.to(float64)


def _int_array(values: Any, op: str, name: str) -> Any:
    """``values`` as a 1-D int64 array; whole floats pass (``mask.sum(1)`` of a float mask), as
    PyTorch takes them, but fractional ones raise (PyTorch truncates them silently)."""
    array = xp.asarray(values.data if isinstance(values, Tensor) else values)
    whole_floats = array.dtype.kind == "f" and bool((array == xp.trunc(array)).all())
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu" and not whole_floats):
        raise ValueError(f"{op}: {name} must be a 1-D sequence of ints, got {array.dtype} of shape "
                         f"{tuple(array.shape)}" + (f": {array.tolist()}" if array.ndim == 1 else ""))
    return array.astype(int64)


def _packed_positions(sorted_lengths: Any) -> tuple[Any, Any]:
    """``(t, j)`` of every valid step in packed order: time-major, sorted batch order within a step."""
    steps = xp.arange(int(sorted_lengths[0]) if sorted_lengths.size else 0)
    return xp.nonzero(sorted_lengths[None, :] > steps[:, None])


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences of ``lengths``.

    Args:
        input: the padded batch.
        lengths: each sequence's length (list, array or int tensor), ``1 <= length <= T``.
        batch_first: ``input`` is ``(B, T, *)``.
        enforce_sorted: require ``lengths`` sorted in decreasing order; pass False to
            let the function sort (and record the permutation).

    Returns:
        A ``PackedSequence``.
    """
    op = "pack_padded_sequence"
    lengths = _int_array(lengths, op, "lengths")
    if batch_first:
        input = transpose(input, 0, 1)
    T, B = input.shape[0], input.shape[1]
    if lengths.shape[0] != B:
        raise ValueError(f"{op}: expected {B} lengths (one per sequence of the batch), "
                         f"got {lengths.shape[0]}")
    if B and (lengths.min() < 1 or lengths.max() > T):
        raise ValueError(f"{op}: lengths must be between 1 and the padded length {T}, got {lengths.tolist()}")
    if enforce_sorted:
        if (xp.diff(lengths) > 0).any():
            raise ValueError(f"{op}: `lengths` array must be sorted in decreasing order when "
                             f"`enforce_sorted` is True, got {lengths.tolist()}. Pass enforce_sorted=False "
                             f"to pack unsorted sequences.")
        order, sorted_indices, unsorted_indices = xp.arange(B), None, None
    else:
        order = xp.argsort(-lengths, kind="stable")
        unsorted = xp.empty_like(order)
        unsorted[order] = xp.arange(B)
        sorted_indices, unsorted_indices = Tensor._wrap(order), Tensor._wrap(unsorted)
    steps, rows = _packed_positions(lengths[order])
    data = getitem(input, (steps, order[rows]))
    batch_sizes = xp.bincount(steps, minlength=int(lengths.max()) if B else 0).astype(int64)
    return PackedSequence(data, Tensor._wrap(batch_sizes), sorted_indices, unsorted_indices)


def _lengths_and_order(sequence: PackedSequence) -> tuple[Any, Any]:
    """Sorted lengths and the batch index of each sorted position."""
    batch_sizes = sequence.batch_sizes.data
    B = int(batch_sizes[0]) if batch_sizes.size else 0
    sorted_lengths = (batch_sizes[:, None] > xp.arange(B)[None, :]).sum(axis=0).astype(int64)
    order = xp.arange(B) if sequence.sorted_indices is None else sequence.sorted_indices.data
    return sorted_lengths, order


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Inverse of ``pack_padded_sequence``: ``(padded, lengths)``, in the original batch order.

    Args:
        sequence: a ``PackedSequence``.
        batch_first: return ``(B, T, *)`` instead of ``(T, B, *)``.
        padding_value: the value of padded positions.
        total_length: pad to this length (at least the longest sequence) instead of the longest.
    """
    sorted_lengths, order = _lengths_and_order(sequence)
    T = int(sorted_lengths.max()) if sorted_lengths.size else 0
    if total_length is not None:
        if total_length < T:
            raise ValueError(f"pad_packed_sequence: total_length={total_length} is less than the longest "
                             f"sequence length {T}; pass total_length >= {T} or None")
        T = total_length
    data = sequence.data
    B = order.shape[0]
    n = data.shape[0]
    steps, rows = _packed_positions(sorted_lengths)
    index = xp.full((T, B), n, dtype=int64)  # row n is the padding row appended below
    index[steps, order[rows]] = xp.arange(n)
    pad_row = Tensor._wrap(xp.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype))
    padded = getitem(cat([data, pad_row], 0), index)
    lengths = xp.empty(B, dtype=int64)
    lengths[order] = sorted_lengths
    if batch_first:
        padded = transpose(padded, 0, 1)
    return padded, Tensor._wrap(lengths)


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes ``(L_i, *)`` into ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``), padded.

    Args:
        sequences: the tensors; all trailing dims must agree.  The result has the first
            one's dtype; the others are cast to it (as PyTorch copies them into its buffer).
        batch_first: put the batch dim first.
        padding_value: the value of padded positions, cast to that dtype.
        padding_side: ``"right"`` (pad after each sequence) or ``"left"``.
    """
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}")
    sequences = list(sequences)
    if not sequences:
        raise ValueError("pad_sequence: received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if s.ndim == 0:
            raise ValueError(f"pad_sequence: sequence {i} is 0-d; each sequence needs a length dim "
                             f"(L_i, *), e.g. s.reshape(1)")
        if tuple(s.shape[1:]) != trailing:
            raise ValueError(f"pad_sequence: sequence {i} has shape {tuple(s.shape)}, expected trailing dims "
                             f"{trailing} like sequence 0")
    lengths = xp.asarray([s.shape[0] for s in sequences], dtype=int64)
    T, n = int(lengths.max()), int(lengths.sum())
    starts = xp.concatenate([[0], xp.cumsum(lengths)[:-1]])
    offset = xp.arange(T)[:, None] - (T - lengths[None, :] if padding_side == "left" else 0)
    valid = (offset >= 0) & (offset < lengths[None, :])
    index = xp.where(valid, starts[None, :] + offset, n)  # (T, B); n is the padding row
    dtype = sequences[0].data.dtype
    sequences = [s.to(dtype) for s in sequences]
    pad_row = Tensor._wrap(xp.full((1,) + trailing, padding_value, dtype=dtype))
    padded = getitem(cat(sequences + [pad_row], 0), index)
    return transpose(padded, 0, 1) if batch_first else padded


def unpad_sequence(padded_sequences: Tensor, lengths: Any, batch_first: bool = False) -> list[Tensor]:
    """Inverse of ``pad_sequence``: the list of ``(L_i, *)`` tensors, ``L_i = lengths[i]``.

    Args:
        padded_sequences: ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``).
        lengths: each sequence's length (list, array or int tensor).
        batch_first: the batch dim comes first.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.utils.rnn import unpad_sequence
        >>> [s.tolist() for s in unpad_sequence(rb.tensor([[1.0, 3.0], [2.0, 0.0]]), [2, 1])]
        [[1.0, 2.0], [3.0]]
    """
    lengths = _int_array(lengths, "unpad_sequence", "lengths")
    if not batch_first:
        padded_sequences = transpose(padded_sequences, 0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(lengths)]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of ``(L_i, *)`` tensors: ``pack_padded_sequence(pad_sequence(sequences), lengths)``.

    Args:
        sequences: the tensors, longest first unless ``enforce_sorted`` is False.
        enforce_sorted: require decreasing lengths; False sorts them (and records the permutation).

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.utils.rnn import pack_sequence
        >>> packed = pack_sequence([rb.tensor([1.0, 2.0]), rb.tensor([3.0])])
        >>> packed.data.tolist(), packed.batch_sizes.tolist()
        ([1.0, 3.0, 2.0], [2, 1])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Inverse of ``pack_sequence``: the list of ``(L_i, *)`` tensors in the original order.

    Example:
        >>> import rosenblatt as rb
        >>> from rosenblatt.nn.utils.rnn import pack_sequence, unpack_sequence
        >>> packed = pack_sequence([rb.tensor([3.0]), rb.tensor([1.0, 2.0])], enforce_sorted=False)
        >>> [s.tolist() for s in unpack_sequence(packed)]
        [[3.0], [1.0, 2.0]]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
