"""A model's parameters as one vector and back, as ``torch.nn.utils``: ``parameters_to_vector``
and ``vector_to_parameters``.

The lecture's w ∈ ℝᴺ: the second-order methods (Newton, BFGS, the natural gradient) see all the
weights of a network as a single vector, whose Hessian or Fisher matrix is N × N.
"""

from ...autograd.ops.shape import cat
from ...autograd.tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_tensor(param, i):
    if not isinstance(param, Tensor):
        raise TypeError(f"parameters[{i}]: expected a Tensor, got {type(param).__name__}")


def parameters_to_vector(parameters):
    """Concatenate the flattened parameters into one vector w = (vec W₁, vec W₂, …).

    Differentiable: the result is recorded (a concatenation of reshapes), so a loss of it sends
    gradients back to the parameters.

    Parameters
    ----------
    parameters : iterable of Tensor
        E.g. ``model.parameters()``.

    Returns
    -------
    Tensor
        One-dimensional, of length Σ numel(W_k).

    Examples
    --------
    >>> layer = kp.nn.Linear(3, 2)
    >>> kp.nn.utils.parameters_to_vector(layer.parameters()).shape
    (8,)
    """
    flat = []
    for i, param in enumerate(parameters):
        _check_tensor(param, i)
        flat.append(param.reshape(-1))
    if not flat:
        raise RuntimeError("parameters_to_vector: expected a non-empty list of Tensors")
    return cat(flat)


def vector_to_parameters(vec, parameters):
    """Give each parameter its slice of ``vec``: W_k ← reshape(w[o_k : o_k + numel(W_k)]).

    As in torch, each parameter's ``.data`` becomes a view of ``vec``'s memory (no copy), and the
    assignment is not recorded by autograd.

    Parameters
    ----------
    vec : Tensor
        One-dimensional, at least Σ numel(W_k) long.
    parameters : iterable of Tensor
        E.g. ``model.parameters()``, in the order used by ``parameters_to_vector``.

    Examples
    --------
    >>> layer = kp.nn.Linear(3, 2)
    >>> kp.nn.utils.vector_to_parameters(kp.zeros(8), layer.parameters())
    >>> float(layer.weight.abs().sum())
    0.0
    """
    if not isinstance(vec, Tensor):
        # torch's message, word for word
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    if vec.ndim != 1:
        raise RuntimeError(f"vector_to_parameters: vec must be one-dimensional, got shape "
                           f"{list(vec.shape)}")
    pointer = 0
    for i, param in enumerate(parameters):
        _check_tensor(param, i)
        count = param.numel()
        if pointer + count > vec.shape[0]:
            raise RuntimeError(f"vector_to_parameters: vec has {vec.shape[0]} elements, fewer "
                               f"than the parameters need (parameters[{i}] ends at "
                               f"{pointer + count})")
        param.data = vec.data[pointer:pointer + count].reshape(param.shape)
        pointer += count
