"""``Parameter``: a tensor that a Module registers as one of its learnable weights."""

from ..autograd.creation import empty
from ..autograd.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that, assigned as an attribute of a ``Module``, joins its ``parameters()``.

    Parameters
    ----------
    data : Tensor or array_like, optional
        The initial values; an empty float tensor when omitted. A Tensor's array is shared, not
        copied, as torch does.
    requires_grad : bool, default True
        Whether the optimiser should train it; False freezes it.

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.zeros(2, 3))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (self.data, self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copied = Parameter(self.data.copy(), self.requires_grad)
        memo[id(self)] = copied
        return copied
