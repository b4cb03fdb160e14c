"""Collation: turning a list of samples into one batch, as torch.utils.data does it.

``default_collate`` stacks tensors, NumPy arrays and numbers along a new first dimension and
recurses into dicts, named tuples and sequences; ``default_convert`` only turns NumPy arrays into
tensors (the ``DataLoader``'s collation when automatic batching is off).
"""

import collections.abc
import copy
import re

from ...autograd.backend import ndarray, xp
from ...autograd.creation import as_tensor, from_numpy, tensor
from ...autograd.dtype import float64
from ...autograd.ops.shape import stack
from ...autograd.tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
          "found {}")
# NumPy dtype strings of byte strings, unicode and objects, which make no tensor
_STRING_OR_OBJECT = re.compile(r"[SaUO]")


def _is_numpy_scalar(value):
    return isinstance(value, (xp.bool_, xp.number, xp.object_))


def default_collate(batch):
    """Collate a list of samples into a batch, following the type of the first sample.

    ============================  ================================================================
    sample element                batch
    ============================  ================================================================
    Tensor                        ``kp.stack(batch)``: a new first dimension of size len(batch)
    ndarray (numbers)             the arrays stacked into a tensor of their dtype
    NumPy scalar                  a tensor of the scalars
    float                         a float64 tensor
    int (bool)                    an int64 (bool) tensor
    str, bytes                    the list, unchanged
    Mapping                       the same mapping, each key's values collated
    namedtuple                    the same named tuple, each field collated
    other Sequence                a list (tuples) or the same sequence type, position by position
    ============================  ================================================================

    Parameters
    ----------
    batch : list
        The samples.

    Returns
    -------
    The collated batch.

    Raises
    ------
    TypeError
        For any other type, and for arrays of strings or objects.
    RuntimeError
        When the sequences of a batch differ in length.

    Examples
    --------
    >>> default_collate([(0, 1.5), (2, 3.5)])
    [tensor([0, 2]), tensor([1.5, 3.5], dtype=konspekt.float64)]
    >>> default_collate([{"x": 1}, {"x": 2}])
    {'x': tensor([1, 2])}
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, ndarray):
        if _STRING_OR_OBJECT.search(elem.dtype.str) is not None:
            raise TypeError(_ERROR.format(elem.dtype))
        return from_numpy(xp.stack(batch))
    if _is_numpy_scalar(elem):
        return as_tensor(batch)
    if isinstance(elem, float):
        return tensor(batch, dtype=float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        return _same_type(elem, collated, collections.abc.MutableMapping)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        collated = [default_collate(position) for position in zip(*batch)]
        if isinstance(elem, tuple):
            return collated
        return _same_type(elem, collated, collections.abc.MutableSequence)
    raise TypeError(_ERROR.format(type(elem)))


def _same_type(elem, collated, mutable):
    """The collated values in a container of ``elem``'s type: a copy of ``elem`` updated in place
    when it is mutable (a subclass may carry more state), else built from the values; a plain
    dict or list when the type allows neither."""
    try:
        if isinstance(elem, mutable):
            clone = copy.copy(elem)
            if isinstance(collated, dict):
                clone.update(collated)
            else:
                for i, value in enumerate(collated):
                    clone[i] = value
            return clone
        return type(elem)(collated)
    except TypeError:
        return collated


def default_convert(data):
    """Turn the NumPy arrays and scalars in ``data`` into tensors, leaving everything else.

    Recurses into mappings, named tuples and sequences (not strings); arrays of strings or
    objects stay arrays.

    Examples
    --------
    >>> default_convert((np.array([1, 2]), "a"))  # a tuple becomes a list, as in torch
    [tensor([1, 2]), 'a']
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, ndarray):
        if _STRING_OR_OBJECT.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if _is_numpy_scalar(data):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        return _same_type(data, converted, collections.abc.MutableMapping)
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_type(data, [default_convert(d) for d in data],
                          collections.abc.MutableSequence)
    return data
