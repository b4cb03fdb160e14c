"""Batches of sequences of different lengths, as torch.nn.utils.rnn: padding and packing.

A batch of B sequences x⁽¹⁾ … x⁽ᴮ⁾ of lengths L_1 ≥ … ≥ L_B is *padded* into one tensor
(T = L_1, B, *) with a filler after each sequence's end, or *packed*: the rows of the padded
tensor that hold data, time step by time step,

    data = [x⁽¹⁾_1, …, x⁽ᵇ¹⁾_1,  x⁽¹⁾_2, …, x⁽ᵇ²⁾_2,  …],    batch_sizes[t] = #{b : L_b > t},

so that a recurrent network at step t simply runs on the first batch_sizes[t] rows and a
sequence that has ended costs nothing and changes nothing. Unsorted batches are sorted by
decreasing length first (``sorted_indices``) and restored afterwards (``unsorted_indices``).

Every function is differentiable: packing and unpacking move rows, and their backward passes
move the gradients back (padding positions get none).
"""

from collections import namedtuple

from ...autograd.backend import xp
from ...autograd.function import Function
from ...autograd.ops.arithmetic import scalar_type_name
from ...autograd.ops.shape import pad, stack
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence"]


class _Gather(Function):
    """y = x[index] along the first dimension, for an index without repeats (a selection of
    rows); the backward pass puts the gradient rows back in place."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.rows = index, x.shape[0]
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return _Scatter.apply(g, ctx.index, ctx.rows, 0.0), None


class _Scatter(Function):
    """y = a (rows, *) array filled with ``fill`` and x put at rows ``index``: the inverse of
    ``_Gather``, whose backward pass it is, and vice versa."""

    @staticmethod
    def forward(ctx, x, index, rows, fill):
        ctx.index = index
        out = xp.full((rows,) + x.shape[1:], fill, dtype=x.dtype)
        out[index] = x
        return out

    @staticmethod
    def backward(ctx, g):
        return _Gather.apply(g, ctx.index), None, None, None


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A batch of variable-length sequences in packed form (see the module's docstring).

    Build it with ``pack_padded_sequence`` or ``pack_sequence``, not by hand.

    Attributes
    ----------
    data : Tensor
        Shape (Σ_b L_b, *): the sequences' steps, time step by time step.
    batch_sizes : Tensor
        int64, shape (T,): how many sequences are still running at each step.
    sorted_indices : Tensor or None
        int64: the order (by decreasing length) in which the sequences appear in ``data``;
        None when the batch was given sorted.
    unsorted_indices : Tensor or None
        The inverse permutation of ``sorted_indices``: restores the caller's order.
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same sequence with ``data`` converted by ``Tensor.to``."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._replace(data=data)

    def double(self):
        return self._replace(data=self.data.double())

    def float(self):
        return self._replace(data=self.data.float())

    @property
    def is_cuda(self):
        return False


def _invert_permutation(permutation):
    inverse = xp.empty_like(permutation.data)
    inverse[permutation.data] = xp.arange(permutation.data.size)
    return _make_tensor(inverse)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        array = lengths.data
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{array.ndim}D cpu {scalar_type_name(array.dtype)} tensor")
        return array.astype(xp.int64)
    array = xp.asarray(lengths)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise RuntimeError(f"'lengths' argument should be a 1-D sequence of integers, got "
                           f"{lengths!r}")
    return array.astype(xp.int64)


def _packed_rows(lengths, batch, order):
    """The rows of a time-major padded tensor, flattened to (T·B, *), that packing keeps, in
    packed order; ``order`` lists the sequences by decreasing length."""
    steps = int(lengths.max())
    sorted_lengths = lengths[order]
    time = xp.arange(steps)[:, None]
    keep = time < sorted_lengths[None, :]
    rows = time * batch + order[None, :]
    batch_sizes = keep.sum(1)
    return rows[keep], batch_sizes


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch of sequences.

    Parameters
    ----------
    input : Tensor
        Shape (T, B, *), or (B, T, *) when ``batch_first``.
    lengths : Tensor or list of int
        The B sequences' lengths, each at least 1 and at most T.
    batch_first : bool, default False
    enforce_sorted : bool, default True
        Require the lengths in decreasing order; with False the batch is sorted here and
        ``sorted_indices`` records how.

    Returns
    -------
    PackedSequence

    Examples
    --------
    >>> x = kp.arange(6.0).reshape(3, 2, 1)
    >>> pack_padded_sequence(x, [3, 1]).batch_sizes
    tensor([2, 1, 1])
    """
    lengths = _lengths_array(lengths)
    if input.dim() < 2:
        raise RuntimeError(f"pack_padded_sequence: input must have at least 2 dimensions "
                           f"(T, B, *), got {input.dim()}")
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if lengths.shape[0] != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lengths.shape[0]} (batch_size={batch})")
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    if lengths.size and lengths.max() > steps:
        raise RuntimeError(f"Expected every length to be at most the padded length {steps}, "
                           f"got lengths {lengths.tolist()}")
    if enforce_sorted:
        if (xp.diff(lengths) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
        order, sorted_indices = xp.arange(batch), None
    else:
        # Stable, so that equal lengths keep the caller's order.
        order = xp.argsort(-lengths, kind="stable")
        sorted_indices = _make_tensor(order.astype(xp.int64))
    rows, batch_sizes = _packed_rows(lengths, batch, order)
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = _Gather.apply(flat, rows)
    return PackedSequence(data, _make_tensor(batch_sizes.astype(xp.int64)), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack a ``PackedSequence`` into a padded tensor: the inverse of
    ``pack_padded_sequence``.

    Parameters
    ----------
    sequence : PackedSequence
    batch_first : bool, default False
        Return (B, T, *) instead of (T, B, *).
    padding_value : float, default 0.0
        The value after each sequence's end.
    total_length : int, optional
        Pad to this many steps instead of the longest length (at least that length).

    Returns
    -------
    padded : Tensor
        Shape (T, B, *) or (B, T, *), the sequences in the caller's original order.
    lengths : Tensor
        int64, shape (B,): each sequence's length, in the same order.

    Examples
    --------
    >>> packed = pack_sequence([kp.ones(3, 1), kp.ones(1, 1)])
    >>> padded, lengths = pad_packed_sequence(packed)
    >>> padded.shape, lengths
    ((3, 2, 1), tensor([3, 1]))
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.data
    steps, batch = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    # Sequence k (in packed order) runs for as many steps as have more than k sequences.
    sorted_lengths = (batch_sizes[None, :] > xp.arange(batch)[:, None]).sum(1)
    if sequence.sorted_indices is None:
        order, lengths = xp.arange(batch), sorted_lengths
    else:
        order = sequence.sorted_indices.data
        lengths = sorted_lengths[sequence.unsorted_indices.data]
    rows, _ = _packed_rows(lengths, batch, order)
    padded = _Scatter.apply(data, rows, steps * batch, padding_value)
    padded = padded.reshape((steps, batch) + tuple(data.shape[1:]))
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _make_tensor(lengths.astype(xp.int64))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shapes (L_b, *) into one tensor, padded to the longest.

    Parameters
    ----------
    sequences : list of Tensor
        Each of shape (L_b, *), the trailing dimensions equal.
    batch_first : bool, default False
        Return (B, T, *) instead of (T, B, *).
    padding_value : float, default 0.0
    padding_side : {'right', 'left'}, default 'right'
        Where the filler goes: after each sequence or before it.

    Returns
    -------
    Tensor
        Shape (T, B, *) or (B, T, *), T = max_b L_b.

    Examples
    --------
    >>> pad_sequence([kp.ones(3), kp.ones(1)], batch_first=True)
    tensor([[1., 1., 1.],
            [1., 0., 0.]])
    """
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    trailing = sequences[0].shape[1:]
    for i, s in enumerate(sequences):
        if s.dim() == 0 or s.shape[1:] != trailing:
            raise RuntimeError(f"pad_sequence: every sequence must have shape (L, "
                               f"{', '.join(map(str, trailing)) or '*'}); sequences[{i}] has "
                               f"shape {list(s.shape)}, sequences[0] {list(sequences[0].shape)}")
    steps = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = steps - s.shape[0]
        widths = (0, 0) * len(trailing) + ((0, missing) if padding_side == "right"
                                           else (missing, 0))
        padded.append(pad(s, widths, value=padding_value) if missing else s)
    return stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_b, *): ``pack_padded_sequence(pad_sequence(sequences),
    lengths)``.

    Parameters
    ----------
    sequences : list of Tensor
    enforce_sorted : bool, default True
        Require decreasing lengths; with False the sequences are sorted here.

    Returns
    -------
    PackedSequence

    Examples
    --------
    >>> pack_sequence([kp.ones(3), kp.ones(2), kp.ones(1)]).batch_sizes
    tensor([3, 2, 1])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences in a padded tensor, each cut to its length.

    Parameters
    ----------
    padded_sequences : Tensor
        Shape (T, B, *), or (B, T, *) when ``batch_first``.
    lengths : Tensor or list of int
    batch_first : bool, default False

    Returns
    -------
    list of Tensor
        Shapes (L_b, *).

    Examples
    --------
    >>> [s.shape for s in unpad_sequence(kp.zeros(3, 2), [3, 1])]
    [(3,), (1,)]
    """
    lengths = _lengths_array(lengths)
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, :int(n)] for b, n in enumerate(lengths)]


def unpack_sequence(packed_sequences):
    """The list of sequences in a ``PackedSequence``, in the caller's order.

    Examples
    --------
    >>> [s.shape for s in unpack_sequence(pack_sequence([kp.ones(3), kp.ones(1)]))]
    [(3,), (1,)]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
