"""Linear maps: ``linear`` (y = x Wᵀ + b, fused) and ``bilinear`` (y_k = x₁ᵀ A_k x₂ + b_k).

``linear`` is the hot path of every MLP, so it is one node of the graph: forward is one GEMM and
an in-place bias add, and backward, with G = ∂L/∂Y and the leading dimensions of X flattened
into the batch,

    ∂L/∂X = G W,    ∂L/∂W = Gᵀ X,    ∂L/∂b = Σ_batch G,

is written with tensor products, so that it is itself differentiable (second derivatives for
Newton's method, double backprop).
"""

import math

from ...autograd.function import Function
from ...autograd.ops.arithmetic import scalar_type_name
from ...autograd.ops.linalg import MatMul, einsum, matmul
from ...autograd.ops.shape import sum_to_shape

__all__ = ["linear", "bilinear"]


class Linear(Function):
    """Y = X Wᵀ + b over the last dimension of X; b (optional) broadcasts against Y."""

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        ctx.bias_shape = None if bias is None else bias.shape
        rows = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        y = rows @ weight.T
        if x.ndim != 2:
            y = y.reshape(x.shape[:-1] + (weight.shape[0],))
        if bias is not None:
            y += bias  # in place: the product is a fresh array, and b broadcasts to its shape
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        rows = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        grad_x = grad_weight = grad_bias = None
        if need_x:
            grad_x = MatMul.apply(rows, weight)
            if x.ndim != 2:
                grad_x = grad_x.reshape(x.shape)
        if need_weight:
            x_rows = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
            grad_weight = MatMul.apply(rows, x_rows, True, False)
        if need_bias:
            shape = ctx.bias_shape
            grad_bias = (rows.sum(0) if shape == (g.shape[-1],)
                         else sum_to_shape(g, shape))
        return grad_x, grad_weight, grad_bias


def _check_bias_broadcasts(bias_shape, output_shape):
    """torch expands the bias to the output's shape; say so in its words when it cannot."""
    if len(bias_shape) > len(output_shape):
        raise RuntimeError(f"linear(): the bias has {len(bias_shape)} dimensions, more than the "
                           f"{len(output_shape)} of the output {list(output_shape)}")
    for i in range(1, len(bias_shape) + 1):
        if bias_shape[-i] not in (1, output_shape[-i]):
            raise RuntimeError(
                f"The expanded size of the tensor ({output_shape[-i]}) must match the existing "
                f"size ({bias_shape[-i]}) at non-singleton dimension {len(output_shape) - i}.  "
                f"Target sizes: {list(output_shape)}.  Tensor sizes: {list(bias_shape)}")


def linear(input, weight, bias=None):
    """y = x Wᵀ + b, applied to the last dimension of ``input``.

    Parameters
    ----------
    input : Tensor
        Shape (*, in_features).
    weight : Tensor
        Shape (out_features, in_features), or (in_features,) for a single output without batch
        dimension of its own.
    bias : Tensor, optional
        Shape (out_features,), or anything that broadcasts to the output.

    Returns
    -------
    Tensor
        Shape (*, out_features).

    Examples
    --------
    >>> F.linear(kp.ones(2, 3), kp.ones(4, 3), kp.zeros(4)).shape
    (2, 4)
    """
    x, w = input.data, weight.data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    if w.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {w.ndim}D")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_type_name(x.dtype)} != {_c_type_name(w.dtype)}")
    if w.ndim == 1:
        # A weight vector: y = x·w, one number per row; torch takes no bias here.
        if bias is not None:
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
        if x.shape[-1] != w.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({x.shape[0]}), mat "
                               f"({'x'.join(map(str, x.shape))}), vec ({w.shape[0]})")
        return matmul(input, weight)
    if x.shape[-1] != w.shape[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({math.prod(x.shape[:-1])}x{x.shape[-1]} and "
                           f"{w.shape[1]}x{w.shape[0]})")
    if bias is not None:
        if bias.data.dtype != x.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                               f"{scalar_type_name(bias.data.dtype)} and "
                               f"{scalar_type_name(x.dtype)}")
        _check_bias_broadcasts(bias.shape, x.shape[:-1] + (w.shape[0],))
    return Linear.apply(input, weight, bias)


def _c_type_name(dtype):
    # torch's matmul errors name dtypes as C types: float, double, long …
    return {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int",
            "int32": "int"}.get(dtype.name, dtype.name)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x₁ᵀ A_k x₂ + b_k for each output k, over the last dimensions of the inputs.

    Parameters
    ----------
    input1 : Tensor
        Shape (*, in1_features).
    input2 : Tensor
        Shape (*, in2_features), the same leading dimensions as ``input1``.
    weight : Tensor
        Shape (out_features, in1_features, in2_features): the matrices A_k.
    bias : Tensor, optional
        Shape (out_features,).

    Returns
    -------
    Tensor
        Shape (*, out_features).

    Examples
    --------
    >>> F.bilinear(kp.ones(2, 3), kp.ones(2, 4), kp.ones(5, 3, 4)).shape
    (2, 5)
    """
    x1, x2, w = input1.data, input2.data, weight.data
    if x1.ndim != x2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {x1.ndim} and "
                           f"{x2.ndim}")
    for d in range(x1.ndim - 1):
        if x1.shape[d] != x2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {x1.shape[d]} and {x2.shape[d]}")
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out_features, in1_features, "
                           f"in2_features), got {w.ndim}-D")
    if x1.shape[-1] != w.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{x1.shape[-1]} but expected {w.shape[1]}")
    if x2.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{x2.shape[-1]} but expected {w.shape[2]}")
    if bias is not None and (bias.data.ndim != 1 or bias.shape[0] != w.shape[0]):
        got = bias.shape[0] if bias.data.ndim else 0
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but "
                           f"expected {w.shape[0]}")
    dtypes = [t.data.dtype for t in (input1, input2, weight)]
    if len(set(dtypes)) > 1:
        raise RuntimeError("All tensors must have the same dtype, got input1: {}, input2: {}, "
                           "weight: {}".format(*(_c_type_name(d) for d in dtypes)))
    y = einsum("...i,kij,...j->...k", input1, weight, input2)
    return y if bias is None else y + bias
