"""``Embedding``: a learnable lookup table of vectors, one row per token or category, with torch's
arguments, parameter name (``weight``), initialisation N(0, 1) and printing. The formula and the
gradient are documented with ``konspekt.nn.functional.sparse.embedding``.
"""

from ...autograd.creation import empty
from ...autograd.grad_mode import no_grad
from .. import init
from ..functional.sparse import embedding
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["Embedding"]


def _normalized_padding_idx(padding_idx, num_embeddings):
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_embeddings


class Embedding(Module):
    """y = W[i]: the row of the table W for each index i (= onehot(i) W).

    Parameters
    ----------
    num_embeddings : int
        The number of rows (vocabulary size).
    embedding_dim : int
        The length of each vector.
    padding_idx : int, optional
        A row that is zero at initialisation and never receives a gradient (a padding token).
        Negative values count from the end.
    max_norm : float, optional
        Rows looked up whose ``norm_type``-norm exceeds this are rescaled to it, in place.
    norm_type : float, default 2.0
    scale_grad_by_freq : bool, default False
        Divide each row's gradient by its index's frequency in the mini-batch.
    sparse : bool, default False
        Accepted for torch compatibility; gradients are dense.
    _weight : Tensor, optional
        A table to use instead of a random one, shape (num_embeddings, embedding_dim).
    _freeze : bool, default False
        Do not train the table.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        W, shape (num_embeddings, embedding_dim), initialised N(0, 1).

    Examples
    --------
    >>> table = kp.nn.Embedding(10, 3, padding_idx=0)
    >>> table(kp.tensor([[1, 2, 0]])).shape
    (1, 3, 3)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        check_device("Embedding", device)
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _normalized_padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            self.weight = Parameter(empty(num_embeddings, embedding_dim, dtype=dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and "
                                     "embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        """W ~ N(0, 1), with the padding row set to zero."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += ", scale_grad_by_freq=True"
        if self.sparse is not False:
            text += ", sparse=True"
        return text

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An ``Embedding`` whose table is ``embeddings`` (2-D; shared, not copied).

        Parameters
        ----------
        embeddings : Tensor
            Shape (num_embeddings, embedding_dim).
        freeze : bool, default True
            Keep the table fixed (``weight.requires_grad`` False).
        padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse
            As in the constructor; the padding row is left as given.

        Examples
        --------
        >>> table = kp.nn.Embedding.from_pretrained(kp.eye(4))
        >>> table.weight.requires_grad
        False
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)
