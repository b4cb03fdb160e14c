"""konspekt: a machine-learning course that runs.

``import konspekt as kp`` gives the torch-style tensor API: ``kp.tensor``, ``kp.randn``,
``kp.exp``, ``kp.no_grad`` …, with the chapters beside it: ``kp.autograd``, ``kp.func``,
``kp.linalg``, ``kp.nn``, ``kp.optim``, ``kp.utils.data``, ``kp.data``, ``kp.train``,
``kp.models``; scikit-learn's side in ``kp.base``, ``kp.metrics`` and ``kp.model_selection``; and
``kp.viz``. ``kp.save`` / ``kp.load`` store state dicts and ``kp.summary`` tabulates a model.
"""

from .autograd import (Tensor, enable_grad, get_default_dtype, is_grad_enabled, no_grad,
                       set_default_dtype, set_grad_enabled)
from .autograd.creation import (Generator, arange, as_tensor, bernoulli, default_generator,
                                empty, empty_like, eye, from_numpy, full, full_like,
                                initial_seed, linspace, logspace, manual_seed, multinomial,
                                normal, ones, ones_like, rand, rand_like, randint, randint_like,
                                randn, randn_like, randperm, seed, tensor, zeros, zeros_like)
from .autograd.dtype import (bool_ as bool, double, dtype, float, float16, float32, float64,
                             half, int, int8, int16, int32, int64, long, short, uint8)
from .autograd.ops.arithmetic import (abs, add, div, floor_divide, mul, neg, pow, reciprocal,
                                      remainder, rsub, sign, square, sub, true_divide)
from .autograd.ops.comparison import (allclose, bitwise_and, bitwise_not, bitwise_or,
                                      bitwise_xor, eq, equal, ge, greater, greater_equal, gt,
                                      isclose, isfinite, isinf, isnan, le, less, less_equal,
                                      logical_and, logical_not, logical_or, logical_xor, lt, ne)
from .autograd.ops.conversion import clone
from .autograd.ops.elementwise import (arctan, atan, ceil, clamp, clip, cos, erf, exp, expm1,
                                       floor, log, log1p, log2, log10, maximum, minimum, relu,
                                       round, rsqrt, sigmoid, sin, sqrt, tan, tanh, trunc, where)
from .autograd.ops.indexing import (gather, index_put, index_select, masked_fill, masked_select,
                                    nonzero, scatter, scatter_add, take_along_dim)
from .autograd.ops.linalg import (bmm, diag, diag_embed, diagonal, dot, einsum, inner, matmul,
                                  mm, outer, trace)
from .autograd.ops.reduction import (all, amax, amin, any, argmax, argmin, count_nonzero,
                                     cumsum, logsumexp, max, mean, min, norm, prod, std,
                                     std_mean, sum, var, var_mean)
from .autograd.ops.shape import (broadcast_tensors, broadcast_to, cat, chunk, concat,
                                 concatenate, flatten, flip, fliplr, flipud, hstack, movedim,
                                 narrow, permute, repeat,
                                 reshape, roll, select, split, squeeze, stack, swapaxes,
                                 swapdims, t, transpose, tril, triu, unbind, unflatten,
                                 unsqueeze, vstack)
from .autograd.ops.softmax import log_softmax, softmax
from .autograd.ops.sorting import argsort, kthvalue, msort, sort, topk
from . import (autograd, base, compose, data, func, linalg, metrics,  # noqa: E402
               model_selection, models, nn, optim, pipeline, preprocessing, train, utils)
from .serialization import load, save  # noqa: E402
from .train import summary  # noqa: E402

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()
