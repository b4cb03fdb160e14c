"""Linear algebra: matmul (batched), mm, bmm, dot, outer, einsum, trace, diag, diagonal, and
``linalg.inv``, ``det``, ``slogdet``, ``solve``, ``cholesky``.

Backward rules, from the lecture on differentiating matrix functions (G = ∂L/∂Y):
  Y = X₁X₂:      ∂L/∂X₁ = G X₂ᵀ,  ∂L/∂X₂ = X₁ᵀ G
  Y = X⁻¹:       ∂L/∂X = −Yᵀ G Yᵀ
  y = det X:     ∂L/∂X = g · y · X⁻ᵀ
  y = log|det X|: ∂L/∂X = g · X⁻ᵀ
  Y = A⁻¹B:      ∂L/∂B = A⁻ᵀ G,  ∂L/∂A = −(∂L/∂B) Yᵀ
  A = LLᵀ:       ∂L/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹), Φ = lower triangle with the diagonal halved,
                 sym(S) = (S + Sᵀ)/2
  einsum:        the gradient of one operand is the einsum of G with the other operands,
                 written back to the operand's subscripts (expanded over indices only it has,
                 put on the diagonal for indices it repeats).
"""

import string

from ..backend import xp
from ..function import Function
from ..tensor import Tensor, _check_dim, _make_tensor
from .indexing import IndexGradient
from .shape import sum_to_shape


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed (a singular or non-positive-definite matrix)."""


class MatMul(Function):
    """C = op(A)·op(B), op = transpose of the last two dimensions when the flag is set.

    The flags let backward form G·Bᵀ and Aᵀ·G without transposing first (BLAS reads the
    transposed layout directly), and the gradient of each flagged product is again one product:
      ∂L/∂op(A) = G·op(B)ᵀ,  ∂L/∂op(B) = op(A)ᵀ·G,
    transposed back when op(A) = Aᵀ or op(B) = Bᵀ.
    """

    @staticmethod
    def forward(ctx, a, b, transpose_a=False, transpose_b=False):
        ctx.save_for_backward(a, b)
        ctx.flags = transpose_a, transpose_b
        return xp.matmul(a.swapaxes(-1, -2) if transpose_a else a,
                         b.swapaxes(-1, -2) if transpose_b else b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ta, tb = ctx.flags
        need_a, need_b = ctx.needs_input_grad[:2]
        ga = gb = None
        if need_a:
            ga = (MatMul.apply(b, g, tb, True) if ta else MatMul.apply(g, b, False, not tb))
            ga = sum_to_shape(ga, a.shape)
        if need_b:
            gb = (MatMul.apply(g, a, True, ta) if tb else MatMul.apply(a, g, not ta, False))
            gb = sum_to_shape(gb, b.shape)
        return ga, gb


def _check_same_dtype(a, b, name):
    if a.data.dtype != b.data.dtype:
        raise RuntimeError(f"{name}: expected both arguments to have the same dtype, but got: "
                           f"{a.dtype} != {b.dtype}")


def matmul(input, other):
    """The matrix product with torch's rules: 1-D operands are vectors (a 1 is put in front of
    the first, behind the second, and removed again); leading dimensions broadcast."""
    if not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    a, b = input, other
    x, y = a.data, b.data
    if x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0] and x.dtype == y.dtype:
        return MatMul.apply(a, b)  # the common case, checked in one line
    if a.data.ndim == 0 or b.data.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.data.ndim}D and {b.data.ndim}D")
    _check_same_dtype(a, b, "matmul")
    k1 = a.data.shape[-1]
    k2 = b.data.shape[-2] if b.data.ndim > 1 else b.data.shape[0]
    if k1 != k2:
        if a.data.ndim == 2 and b.data.ndim == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
        raise RuntimeError(f"matmul: shapes {list(a.shape)} and {list(b.shape)} cannot be "
                           f"multiplied ({k1} != {k2})")
    if a.data.ndim >= 2 and b.data.ndim >= 2:
        try:
            return MatMul.apply(a, b)
        except ValueError:
            raise RuntimeError(f"matmul: the batch dimensions of {list(a.shape)} and "
                               f"{list(b.shape)} do not broadcast") from None
    if a.data.ndim == 1 and b.data.ndim == 1:
        return MatMul.apply(a.unsqueeze(0), b.unsqueeze(1)).reshape(())
    if a.data.ndim == 1:
        return MatMul.apply(a.unsqueeze(0), b).squeeze(-2)
    return MatMul.apply(a, b.unsqueeze(1)).squeeze(-1)


def mm(input, mat2):
    """The product of two matrices (2-D only)."""
    if input.data.ndim != 2:
        raise RuntimeError(f"self must be a matrix, got a {input.data.ndim}-D tensor")
    if mat2.data.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got a {mat2.data.ndim}-D tensor")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batched product of (b, n, m) and (b, m, p) tensors."""
    if input.data.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor, got {input.data.ndim}D")
    if mat2.data.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor, got {mat2.data.ndim}D")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return MatMul.apply(input, mat2)


def dot(input, other):
    """Σ_i a_i b_i of two 1-D tensors."""
    if input.data.ndim != 1 or other.data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.data.ndim}D and "
                           f"{other.data.ndim}D tensors")
    if input.shape != other.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements, but got "
                           f"{input.shape[0]} and {other.shape[0]} elements respectively")
    return matmul(input, other)


inner = dot


def outer(input, vec2):
    """The outer product a bᵀ of two vectors."""
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


# ---- einsum -------------------------------------------------------------------------------------

def _explicit(equation, shapes):
    """Rewrite an einsum equation with explicit output and without '...'."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum(): {len(terms)} operands in the equation, but "
                           f"{len(shapes)} were given")
    used = set(equation) - set(".,->")
    free = [c for c in string.ascii_letters if c not in used]
    ellipsis_dims = 0
    for term, shape in zip(terms, shapes):
        if "..." in term:
            ellipsis_dims = max(ellipsis_dims, len(shape) - (len(term) - 3))
        elif len(term) != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(term)}) does not match the number of dimensions "
                               f"({len(shape)}) for operand {terms.index(term)}")
    letters = "".join(free[:ellipsis_dims])
    explicit = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            k = len(shape) - (len(term) - 3)
            term = term.replace("...", letters[ellipsis_dims - k:])
        explicit.append(term)
    if arrow:
        output = output.replace("...", letters)
    else:
        counts = {}
        for term in explicit:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        output = letters + "".join(sorted(c for c, n in counts.items()
                                          if n == 1 and c not in letters))
    return explicit, output


class Einsum(Function):
    @staticmethod
    def forward(ctx, *arrays, terms, output):
        ctx.save_for_backward(*arrays)
        ctx.terms, ctx.output = terms, output
        return xp.einsum(",".join(terms) + "->" + output, *arrays,
                         optimize=len(arrays) > 2)

    @staticmethod
    def backward(ctx, g):
        operands = ctx.saved_tensors
        grads = []
        for i, term in enumerate(ctx.terms):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(t, op) for j, (t, op) in enumerate(zip(ctx.terms, operands)) if j != i]
            grads.append(_einsum_operand_grad(g, ctx.output, others, term, operands[i].shape))
        return tuple(grads)


def _einsum_operand_grad(g, output, others, term, shape):
    present = set(output).union(*(set(t) for t, _ in others))
    unique = "".join(dict.fromkeys(term))
    size = {c: shape[term.index(c)] for c in unique}
    kept = "".join(c for c in unique if c in present)
    terms = [output] + [t for t, _ in others]
    result = Einsum.apply(g, *(op for _, op in others), terms=terms, output=kept)
    # Indices that only this operand has were summed out in forward: broadcast back over them.
    for position, c in enumerate(unique):
        if c not in present:
            result = result.unsqueeze(position)
    result = result.expand(tuple(size[c] for c in unique)) if len(kept) < len(unique) else result
    # Size-1 dimensions that broadcast against the others: sum back to size 1.
    result = sum_to_shape(result, tuple(size[c] for c in unique))
    if len(unique) == len(term):
        return result
    # Repeated indices (a diagonal, as in 'ii->i'): put the values on that diagonal.
    key = []
    for c in term:
        axis_shape = [1] * len(unique)
        axis_shape[unique.index(c)] = size[c]
        key.append(xp.arange(size[c]).reshape(axis_shape))
    return IndexGradient.apply(result, tuple(key), shape, False)


def einsum(equation, *operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is a @ b; '...' broadcasts."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, output = _explicit(equation, [op.shape for op in operands])
    dtypes = {op.data.dtype for op in operands}
    if len(dtypes) > 1:
        raise RuntimeError(f"einsum(): operands must have the same dtype, got "
                           f"{sorted(str(d) for d in dtypes)}")
    try:
        return Einsum.apply(*operands, terms=terms, output=output)
    except ValueError as error:
        raise RuntimeError(f"einsum(): operands do not match the equation {equation!r}: "
                           f"{error}") from None


# ---- diagonals --------------------------------------------------------------------------------

def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal {x[i, i + offset]} of two dimensions, appended as the last dimension."""
    nd = input.data.ndim
    d1, d2 = _check_dim(dim1, nd), _check_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rest = [d for d in range(nd) if d not in (d1, d2)]
    moved = input.permute(*rest, d1, d2)
    n1, n2 = input.shape[d1], input.shape[d2]
    n = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    rows = xp.arange(n) + max(-offset, 0)
    cols = xp.arange(n) + max(offset, 0)
    return moved[(Ellipsis, rows, cols)]


def diag(input, diagonal=0):
    """A 1-D tensor → the matrix with it on diagonal ``diagonal``; a matrix → that diagonal."""
    if input.data.ndim == 2:
        return input.diagonal(diagonal)
    if input.data.ndim != 1:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.data.ndim}D")
    n = input.shape[0] + abs(diagonal)
    positions = xp.arange(input.shape[0])
    key = (positions + max(-diagonal, 0), positions + max(diagonal, 0))
    return IndexGradient.apply(input, key, (n, n), False)


def diag_embed(input):
    """Batches of vectors (…, n) → batches of diagonal matrices (…, n, n)."""
    n = input.shape[-1]
    return input.unsqueeze(-1) * _make_tensor(xp.eye(n, dtype=input.data.dtype))


def trace(input):
    """Σ_i x_ii of a matrix."""
    if input.data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                           f"{input.data.ndim}")
    return diagonal(input).sum()


# ---- torch.linalg ------------------------------------------------------------------------------

def _square(A, name):
    if A.data.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{' by '.join(map(str, A.shape[-2:]))} matrices")
    if A.data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{name}: Expected a floating point tensor as input. Got "
                           f"{A.dtype}")


def _lapack(function, *arrays, name):
    try:
        return function(*arrays)
    except xp.linalg.LinAlgError as error:
        raise LinAlgError(f"linalg.{name}: {error}") from None


class Inv(Function):
    @staticmethod
    def forward(ctx, A):
        Y = _lapack(xp.linalg.inv, A, name="inv")
        ctx.save_for_backward(Y)
        return Y

    @staticmethod
    def backward(ctx, g):
        Y, = ctx.saved_tensors
        Yt = Y.mT
        return -(Yt @ g @ Yt)


class Det(Function):
    @staticmethod
    def forward(ctx, A):
        y = xp.linalg.det(A)
        ctx.save_for_backward(A, y)
        return y

    @staticmethod
    def backward(ctx, g):
        A, y = ctx.saved_tensors
        return (g * y).unsqueeze(-1).unsqueeze(-1) * inv(A).mT


class LogAbsDet(Function):
    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return xp.linalg.slogdet(A)[1]

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        return g.unsqueeze(-1).unsqueeze(-1) * inv(A).mT


class Solve(Function):
    @staticmethod
    def forward(ctx, A, B):
        X = _lapack(xp.linalg.solve, A, B, name="solve")
        ctx.save_for_backward(A, X)
        ctx.shapes = A.shape, B.shape
        return X

    @staticmethod
    def backward(ctx, g):
        A, X = ctx.saved_tensors
        sa, sb = ctx.shapes
        gB = solve(A.mT, g)
        need_a, need_b = ctx.needs_input_grad
        return (sum_to_shape(-(gB @ X.mT), sa) if need_a else None,
                sum_to_shape(gB, sb) if need_b else None)


class Cholesky(Function):
    @staticmethod
    def forward(ctx, A):
        L = _lapack(xp.linalg.cholesky, A, name="cholesky")
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        n = L.shape[-1]
        half_diagonal = xp.tril(xp.ones((n, n), dtype=L.data.dtype)) - 0.5 * xp.eye(
            n, dtype=L.data.dtype)
        phi = (L.mT @ g.tril()) * half_diagonal
        L_inverse = inv(L)
        S = L_inverse.mT @ phi @ L_inverse
        return 0.5 * (S + S.mT)


def inv(A):
    """The inverse A⁻¹ of (batches of) square matrices."""
    _square(A, "inv")
    return Inv.apply(A)


def det(A):
    """The determinant of (batches of) square matrices."""
    _square(A, "det")
    return Det.apply(A)


def slogdet(A):
    """(sign, log|det A|); only the second is differentiable."""
    _square(A, "slogdet")
    sign = _make_tensor(xp.asarray(xp.linalg.slogdet(A.data)[0]))
    return sign, LogAbsDet.apply(A)


def solve(A, B, *, left=True):
    """X with AX = B (``left=False``: XA = B); B may be a vector or a batch of them."""
    if not left:
        return solve(A.mT, B.mT).mT
    _square(A, "solve")
    _check_same_dtype(A, B, "linalg.solve")
    vector = B.data.ndim == 1 or (B.data.ndim == A.data.ndim - 1
                                  and B.shape == A.shape[:-1])
    if vector:
        return Solve.apply(A, B.unsqueeze(-1)).squeeze(-1)
    if B.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B"
                           f" ({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    return Solve.apply(A, B)


def cholesky(A, *, upper=False):
    """The lower-triangular L with A = LLᵀ (or Lᵀ when ``upper``) for positive-definite A."""
    _square(A, "cholesky")
    L = Cholesky.apply(A)
    return L.mT if upper else L


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (all elements when None)."""
    return x.norm(p=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False):
    """The Frobenius norm (``ord='fro'``) of (batches of) matrices."""
    if ord != "fro":
        raise NotImplementedError("linalg.matrix_norm: only ord='fro' is implemented")
    return A.norm(p="fro", dim=dim, keepdim=keepdim)


def norm(A, ord=None, dim=None, keepdim=False):
    """``linalg.norm``: the 2-norm of the flattened input when ``ord`` is None, else the
    vector norm over ``dim``."""
    return A.norm(p=2 if ord is None else ord, dim=dim, keepdim=keepdim)
