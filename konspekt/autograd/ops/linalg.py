"""Linear algebra: matmul (batched), mm, bmm, dot, inner, outer, einsum, trace, diag, diagonal,
and ``linalg.inv``, ``det``, ``slogdet``, ``solve``, ``cholesky``, ``vector_norm``, ``matrix_norm``,
``norm``.

Backward rules, from the lecture on differentiating matrix functions (G = ∂L/∂Y):
  Y = X₁X₂:      ∂L/∂X₁ = G X₂ᵀ,  ∂L/∂X₂ = X₁ᵀ G
  Y = X⁻¹:       ∂L/∂X = −Yᵀ G Yᵀ
  y = det X:     ∂L/∂X = g · y · X⁻ᵀ = g · cof X  (the cofactor matrix, which a singular X
                 has too: cof_ij = (−1)^(i+j) det X without row i and column j)
  y = log|det X|: ∂L/∂X = g · X⁻ᵀ
  Y = A⁻¹B:      ∂L/∂B = A⁻ᵀ G,  ∂L/∂A = −(∂L/∂B) Yᵀ
  A = LLᵀ:       ∂L/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹), Φ = lower triangle with the diagonal halved,
                 sym(S) = (S + Sᵀ)/2
  einsum:        the gradient of one operand is the einsum of G with the other operands,
                 written back to the operand's subscripts (expanded over indices only it has,
                 put on the diagonal for indices it repeats).
"""

import string
from collections import namedtuple

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
    _check_same_dtype(input, mat2, "bmm")
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


def inner(input, other):
    """The sum over the last dimension of both: inner(a, b)[i…, j…] = Σ_k a[i…, k] b[j…, k]
    (a · b for vectors); a 0-D operand multiplies."""
    if input.data.ndim == 0 or other.data.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    _check_same_dtype(input, other, "inner")
    k = input.shape[-1]
    product = MatMul.apply(input.reshape(-1, k), other.reshape(-1, k), False, True)
    return product.reshape(input.shape[:-1] + other.shape[:-1])


def outer(input, vec2):
    """The outer product a bᵀ of two vectors."""
    for name, vector in (("self", input), ("vec2", vec2)):
        if vector.data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{vector.data.ndim}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


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
    # Those, and indices where the others had size 1 and broadcast against this operand, come
    # back with size 1: expand them. Indices where this operand had size 1 and broadcast against
    # the others come back full: sum them back to size 1.
    target = tuple(size[c] for c in unique)
    broadcast = tuple(max(r, t) for r, t in zip(result.shape, target))
    result = sum_to_shape(result.expand(broadcast), target)
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
        g = g.unsqueeze(-1).unsqueeze(-1)
        if xp.all(y.data != 0):
            return g * y.unsqueeze(-1).unsqueeze(-1) * inv(A).mT
        # y · X⁻ᵀ has no inverse to use at a singular X, but its limit, the cofactor matrix, is
        # the determinants of the minors: exact there, and differentiable again through Det.
        return g * _cofactors(A)


def _cofactors(A):
    """cof_ij = (−1)^(i+j) det(A without row i and column j), for (batches of) square A."""
    n = A.shape[-1]
    # Row i of `others` lists 0 … n−1 without i: the rows (and columns) that minor i keeps.
    kept = xp.arange(n - 1)
    others = kept + (kept >= xp.arange(n)[:, None])
    minors = A[..., others[:, None, :, None], others[None, :, None, :]]
    signs = 1 - 2 * ((xp.arange(n)[:, None] + xp.arange(n)) % 2)
    return Det.apply(minors) * _make_tensor(signs.astype(A.data.dtype))


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


sign_logabsdet = namedtuple("sign_logabsdet", ["sign", "logabsdet"])


def slogdet(A):
    """(sign, log|det A|), a named tuple as in torch; only the second is differentiable."""
    _square(A, "slogdet")
    sign = _make_tensor(xp.asarray(xp.linalg.slogdet(A.data)[0]))
    return sign_logabsdet(sign, LogAbsDet.apply(A))


def solve(A, B, *, left=True):
    """X with AX = B (``left=False``: XA = B). As in torch, B is a vector, or a batch of vectors,
    when it is 1-D or has A's shape without the last dimension; a vector is the column of AX = B
    (so ``left=False`` refuses it)."""
    _square(A, "solve")
    _check_same_dtype(A, B, "linalg.solve")
    vector = B.data.ndim == 1 or (B.data.ndim == A.data.ndim - 1
                                  and B.shape == A.shape[:-1])
    column = B.unsqueeze(-1) if vector else B
    n, (rows, columns) = A.shape[-1], column.shape[-2:]
    if (rows if left else columns) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {rows}x{columns})")
    try:
        xp.broadcast_shapes(A.shape[:-2], column.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {list(A.shape)} and B "
                           f"{list(B.shape)} do not broadcast") from None
    if not left:
        return Solve.apply(A.mT, column.mT).mT
    X = Solve.apply(A, column)
    return X.squeeze(-1) if vector else X


def cholesky(A, *, upper=False):
    """The lower-triangular L with A = LLᵀ (or Lᵀ when ``upper``) for positive-definite A."""
    _square(A, "cholesky")
    L = Cholesky.apply(A)
    return L.mT if upper else L


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (all elements when None)."""
    if isinstance(ord, str):
        # Tensor.norm takes 'fro' as the 2-norm; torch.linalg keeps names for matrix norms.
        raise TypeError(f"linalg.vector_norm: ord must be a number, not {ord!r}")
    return x.norm(p=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """A norm of (batches of) matrices over the dimensions ``dim`` = (rows, columns):
      'fro': ‖A‖_F = (Σ_ij a_ij²)^½,
      1 / −1: the largest / smallest column sum max_j Σ_i |a_ij|,
      inf / −inf: the largest / smallest row sum max_i Σ_j |a_ij|.
    ('nuc' and ±2 need singular values, which konspekt does not compute.)"""
    if dtype is not None:
        A = A.to(dtype)
    if A.data.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions, but got {A.data.ndim}")
    if A.data.dtype.kind != "f":
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point tensor as input. Got "
                           f"{A.dtype}")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {tuple(dim)}")
    rows, columns = (_check_dim(d, A.data.ndim) for d in dim)
    if rows == columns:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {columns})")
    if ord == "fro":
        return A.norm(p="fro", dim=(rows, columns), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, "
                                  "which are not implemented")
    if ord not in (1, -1, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    sums = A.abs().sum(dim=rows if abs(ord) == 1 else columns, keepdim=True)
    # The summed dimension has size 1 now, so reducing both removes (or keeps) the pair.
    return (sums.amax if ord > 0 else sums.amin)(dim=(rows, columns), keepdim=keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``linalg.norm``: a matrix norm over two dimensions (``dim`` of length 2, a 2-D input with
    ``ord`` given and no ``dim``, or ``ord`` 'fro' or 'nuc'), else the vector norm over ``dim``
    (all elements when both ``ord`` and ``dim`` are None)."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and ord is not None:
        if A.data.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                               f"be 1D or 2D. Got {A.data.ndim}D.")
        dim = tuple(range(A.data.ndim))
    if isinstance(ord, str) or (dim is not None and len(dim) == 2):
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
