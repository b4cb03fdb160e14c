"""Convolution: ``conv1d``, ``conv2d``, ``conv_transpose1d``, ``conv_transpose2d``, and the
sliding-window primitives ``unfold`` (im2col) and ``fold`` (col2im).

Notation of the course, per spatial axis: input size I, kernel K, stride S, padding P, dilation D.
Output position o reads the input at o·S − P + k·D, k = 0 … K − 1, so

    O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1.

A convolution (a cross-correlation, as in every framework) of x (N, C_in, H, W) with W of shape
(C_out, C_in/G, K_h, K_w) in G groups is

    y[n, o, i, j] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x_pad[n, g(o)·C_in/G + c, i·S + p·D,
                                                             j·S + q·D]

and is computed as im2col and one matrix product: the windows of the zero-padded input are a
strided view of it (no copy), copied once into the column matrix X_col (C_in·K_h·K_w rows, one
column per output pixel), and Y = W_mat · X_col with W_mat = W reshaped to (C_out, C_in·K_h·K_w)
(block-diagonal over the groups). With G = ∂L/∂Y its derivatives are

    ∂L/∂W = G · X_colᵀ,    ∂L/∂X = col2im(W_matᵀ · G),    ∂L/∂b = Σ_{n, i, j} G,

where col2im adds each window's gradient back onto the pixels it read: the transposed
convolution. The three maps (convolution, transposed convolution, weight gradient) are bilinear
and adjoint to each other, ⟨conv(X, W), G⟩ = ⟨X, convᵀ(G, W)⟩ = ⟨W, grad_W(X, G)⟩, so each one's
backward is written with the other two, and derivatives of every order exist.
``conv_transpose`` is ∂L/∂X of the convolution whose output is its input, hence its output size

    O = (I − 1)·S − 2P + D(K − 1) + P_out + 1.

The work runs over chunks of the batch whose column matrix takes a few MiB, so it stays in the
cache and the column matrix of the whole batch never exists: a layer keeps only its input for the
backward pass, as torch does. 1-D convolutions are 2-D ones of height 1.
"""

import math
from typing import NamedTuple

from ...autograd.backend import xp
from ...autograd.function import Function

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "fold", "unfold"]

# Bytes of im2col columns per chunk of the batch: enough columns for an efficient matrix product,
# few enough to stay in a core's L2 cache between the copy and the product, and small beside the
# activations, so that a training step's peak memory stays that of torch.
_CHUNK_BYTES = 1 << 20


class _Windows(NamedTuple):
    """Where the sliding windows lie over a (N, C, H, W) array, per axis (height, width)."""

    size: tuple      # (H, W) without padding
    padding: tuple   # ((top, bottom), (left, right)): zeros around it
    kernel: tuple    # (K_h, K_w)
    dilation: tuple
    stride: tuple
    blocks: tuple    # (O_h, O_w): windows along each axis

    @property
    def padded(self):
        return tuple(n + lo + hi for n, (lo, hi) in zip(self.size, self.padding))

    @property
    def inside(self):
        """The index of the unpadded array within the padded one."""
        return (slice(None), slice(None)) + tuple(
            slice(lo, lo + n) for n, (lo, _) in zip(self.size, self.padding))

    @property
    def is_padded(self):
        return any(lo or hi for lo, hi in self.padding)


# ---- array kernels --------------------------------------------------------------------------


def _window_view(padded, windows):
    """The windows of a padded (B, C, H_p, W_p) array as a (B, C, K_h, K_w, O_h, O_w) view."""
    sb, sc, sh, sw = padded.strides
    (dh, dw), (th, tw) = windows.dilation, windows.stride
    return xp.lib.stride_tricks.as_strided(
        padded, padded.shape[:2] + windows.kernel + windows.blocks,
        (sb, sc, sh * dh, sw * dw, sh * th, sw * tw), writeable=False)


def _add_windows(target, columns, windows):
    """col2im into a zeroed padded (·, ·, H_p, W_p) target from (·, ·, K_h, K_w, O_h, O_w)
    columns: one strided slice-add per kernel offset (the windows of one offset never overlap)."""
    (dh, dw), (th, tw), (oh, ow) = windows.dilation, windows.stride, windows.blocks
    for p in range(windows.kernel[0]):
        rows = slice(p * dh, p * dh + th * (oh - 1) + 1, th)
        for q in range(windows.kernel[1]):
            target[:, :, rows, q * dw:q * dw + tw * (ow - 1) + 1:tw] += columns[:, :, p, q]


def _chunks(n, bytes_per_sample):
    """Slices of the batch, of nearly equal sizes, each with about _CHUNK_BYTES of columns."""
    if n == 0:
        return []
    most = max(1, _CHUNK_BYTES // max(bytes_per_sample, 1))
    size = -(-n // -(-n // most))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _column_chunks(x, windows, groups):
    """im2col by chunks of the batch: yields (slice, columns), the columns of shape
    (G, C/G·K_h·K_w, B·O_h·O_w) (rows channel-major, columns sample-major), in a buffer that the
    next chunk overwrites."""
    c = x.shape[1]
    rows = c * math.prod(windows.kernel)
    pixels = math.prod(windows.blocks)
    slices = _chunks(x.shape[0], rows * pixels * x.itemsize)
    if not slices:
        return
    most = slices[0].stop
    buffer = xp.empty(rows * most * pixels, x.dtype)
    padded = xp.zeros((most, c) + windows.padded, x.dtype) if windows.is_padded else None
    for part in slices:
        b = part.stop - part.start
        if padded is None:
            source = x[part]
        else:
            source = padded[:b]
            source[windows.inside] = x[part]  # the border stays zero from one chunk to the next
        columns = buffer[:rows * b * pixels].reshape((c,) + windows.kernel + (b,) + windows.blocks)
        columns[...] = _window_view(source, windows).transpose(1, 2, 3, 0, 4, 5)
        yield part, columns.reshape(groups, rows // groups, b * pixels)


def _rows_of(g, part, groups):
    """A chunk of an output-shaped (N, O, O_h, O_w) array as (G, O/G, B·O_h·O_w), the layout of
    the column matrix."""
    b, o, pixels = part.stop - part.start, g.shape[1], math.prod(g.shape[2:])
    chunk = g[part].reshape(b, groups, o // groups, pixels)
    if b == 1:
        return chunk[0]
    return chunk.transpose(1, 2, 0, 3).reshape(groups, o // groups, b * pixels)


def _convolve(x, weight, windows, groups):
    """Y = W_mat · X_col, chunk by chunk."""
    n, o = x.shape[0], weight.shape[0]
    y = xp.empty((n, o) + windows.blocks, x.dtype)
    matrix = weight.reshape(groups, o // groups, math.prod(weight.shape[1:]))
    product = None
    for part, columns in _column_chunks(x, windows, groups):
        b = part.stop - part.start
        if b == 1:
            xp.matmul(matrix, columns, out=y[part].reshape(groups, o // groups, columns.shape[2]))
            continue
        if product is None:  # reused, as the columns are
            product = xp.empty(o * columns.shape[2], x.dtype)
        result = product[:o * columns.shape[2]].reshape(groups, o // groups, columns.shape[2])
        xp.matmul(matrix, columns, out=result)
        y[part] = result.reshape((o, b) + windows.blocks).transpose(1, 0, 2, 3)
    return y


def _weight_gradient(x, g, windows, groups):
    """∂L/∂W = G · X_colᵀ, summed over the chunks."""
    o, c = g.shape[1], x.shape[1]
    total = xp.zeros((groups, o // groups, c // groups * math.prod(windows.kernel)), x.dtype)
    for part, columns in _column_chunks(x, windows, groups):
        total += xp.matmul(_rows_of(g, part, groups), columns.swapaxes(1, 2))
    return total.reshape((o, c // groups) + windows.kernel)


def _transposed_convolve(g, weight, windows, groups):
    """∂L/∂X = col2im(W_matᵀ · G), chunk by chunk; g is (N, O, O_h, O_w), weight (O, C/G, …)."""
    n, o = g.shape[:2]
    c = weight.shape[1] * groups
    pixels = math.prod(windows.blocks)
    out = xp.empty((n, c) + windows.size, g.dtype)
    transposed = weight.reshape(groups, o // groups, math.prod(weight.shape[1:])).swapaxes(1, 2)
    rows = c * math.prod(windows.kernel)
    slices = _chunks(n, rows * pixels * g.itemsize)
    if not slices:
        return out
    # One buffer for every chunk: a fresh array of megabytes costs more in page faults than the
    # product that fills it.
    buffer = xp.empty(rows * slices[0].stop * pixels, g.dtype)
    # The sums run in a channel-major target, (C, B, H_p, W_p), where each kernel offset's columns
    # are one contiguous block; the result is transposed back to (B, C, H, W) once at the end.
    target = xp.empty((c, slices[0].stop) + windows.padded, g.dtype)
    for part in slices:
        b = part.stop - part.start
        columns = buffer[:rows * b * pixels].reshape(groups, rows // groups, b * pixels)
        xp.matmul(transposed, _rows_of(g, part, groups), out=columns)
        columns = columns.reshape((c,) + windows.kernel + (b,) + windows.blocks)
        sums = target[:, :b]
        sums[...] = 0
        _add_windows(sums, columns.transpose(0, 3, 1, 2, 4, 5), windows)
        out[part] = sums[windows.inside].transpose(1, 0, 2, 3)
    return out


def _im2col(x, windows):
    n, c = x.shape[:2]
    if windows.is_padded:
        padded = xp.zeros((n, c) + windows.padded, x.dtype)
        padded[windows.inside] = x
        x = padded
    columns = xp.ascontiguousarray(_window_view(x, windows))
    return columns.reshape(n, c * math.prod(windows.kernel), math.prod(windows.blocks))


def _col2im(columns, windows):
    n, rows = columns.shape[:2]
    c = rows // math.prod(windows.kernel)
    target = xp.zeros((n, c) + windows.padded, columns.dtype)
    _add_windows(target, columns.reshape((n, c) + windows.kernel + windows.blocks), windows)
    return target[windows.inside] if windows.is_padded else target


# ---- differentiable primitives --------------------------------------------------------------


class Convolution(Function):
    """y = conv(x, W) + b on (N, C, H, W) arrays; ``windows`` describes x's windows."""

    @staticmethod
    def forward(ctx, x, weight, bias, windows, groups):
        ctx.save_for_backward(x, weight)
        ctx.windows, ctx.groups = windows, groups
        y = _convolve(x, weight, windows, groups)
        if bias is not None:
            y += bias.reshape(-1, 1, 1)
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        windows, groups = ctx.windows, ctx.groups
        return (ConvolutionTranspose.apply(g, weight, None, windows, groups) if need_x else None,
                ConvolutionWeight.apply(x, g, windows, groups) if need_weight else None,
                g.sum((0, 2, 3)) if need_bias else None)


class ConvolutionTranspose(Function):
    """y = convᵀ(x, W) + b: the adjoint of ``Convolution`` with the same ``windows`` (those of
    its output y); x has the shape of that convolution's output."""

    @staticmethod
    def forward(ctx, x, weight, bias, windows, groups):
        ctx.save_for_backward(x, weight)
        ctx.windows, ctx.groups = windows, groups
        y = _transposed_convolve(x, weight, windows, groups)
        if bias is not None:
            y += bias.reshape(-1, 1, 1)
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        windows, groups = ctx.windows, ctx.groups
        # ⟨convᵀ(x, W), g⟩ = ⟨x, conv(g, W)⟩ = ⟨W, grad_W(g, x)⟩
        return (Convolution.apply(g, weight, None, windows, groups) if need_x else None,
                ConvolutionWeight.apply(g, x, windows, groups) if need_weight else None,
                g.sum((0, 2, 3)) if need_bias else None)


class ConvolutionWeight(Function):
    """grad_W(x, g) = G · X_colᵀ, the weight gradient of ``Convolution`` for output gradient g."""

    @staticmethod
    def forward(ctx, x, g, windows, groups):
        ctx.save_for_backward(x, g)
        ctx.windows, ctx.groups = windows, groups
        return _weight_gradient(x, g, windows, groups)

    @staticmethod
    def backward(ctx, h):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        windows, groups = ctx.windows, ctx.groups
        # ⟨grad_W(x, g), h⟩ = ⟨conv(x, h), g⟩ = ⟨x, convᵀ(g, h)⟩
        return (ConvolutionTranspose.apply(g, h, None, windows, groups) if need_x else None,
                Convolution.apply(x, h, None, windows, groups) if need_g else None)


class Im2Col(Function):
    """(N, C, H, W) → (N, C·K_h·K_w, O_h·O_w): the windows as columns; its adjoint is Col2Im."""

    @staticmethod
    def forward(ctx, x, windows):
        ctx.windows = windows
        return _im2col(x, windows)

    @staticmethod
    def backward(ctx, g):
        return Col2Im.apply(g, ctx.windows)


class Col2Im(Function):
    """(N, C·K_h·K_w, O_h·O_w) → (N, C, H, W): each column added back onto its window."""

    @staticmethod
    def forward(ctx, columns, windows):
        ctx.windows = windows
        return _col2im(columns, windows)

    @staticmethod
    def backward(ctx, g):
        return Im2Col.apply(g, ctx.windows)


# ---- argument checks ------------------------------------------------------------------------

_SCALAR_TYPES = {"float16": ("Half", "c10::Half"), "float32": ("Float", "float"),
                 "float64": ("Double", "double"), "int64": ("Long", "long int"),
                 "int32": ("Int", "int"), "int16": ("Short", "short int"),
                 "int8": ("Char", "signed char"), "uint8": ("Byte", "unsigned char")}


def _type_names(dtype):
    """torch's names of a dtype: the scalar type (Float) and the C type (float)."""
    return _SCALAR_TYPES.get(dtype.name, (dtype.name, dtype.name))


def _values(value, name, dims):
    """An int or a sequence of 1 or ``dims`` ints, as a tuple of ``dims`` ints."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(values) == 1:
        values *= dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(values)}")
    return tuple(int(v) for v in values)


def _check_ranks(name, dims, input, weight, weight_layout):
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    if weight.dim() != dims + 2:
        raise RuntimeError(f"{name}: expected a {dims + 2}-D weight {weight_layout}, but got "
                           f"weight of size {list(weight.shape)}")


def _check_options(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _check_groups(weight, groups):
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           f"instead")


def _check_dtypes(input, weight, bias):
    x_type, w_type = input.data.dtype, weight.data.dtype
    if x_type != w_type:
        raise RuntimeError(f"expected scalar type {_type_names(x_type)[0]} but found "
                           f"{_type_names(w_type)[0]}")
    if bias is not None and bias.data.dtype != x_type:
        raise RuntimeError(f"Input type ({_type_names(x_type)[1]}) and bias type "
                           f"({_type_names(bias.data.dtype)[1]}) should be the same")


def _check_bias(bias, weight, channels, transposed):
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != channels):
        given = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(f"{given} of size {list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {channels} elements, but got bias of size "
                           f"{list(bias.shape)} instead")


def _same_padding(kernel, dilation):
    """'same': D(K − 1) zeros per axis, the odd one on the far side, as torch places them."""
    return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                 for k, d in zip(kernel, dilation))


def _as_2d(values, fill):
    """A 1-D convolution's per-axis values with the height axis (``fill``) put in front."""
    return values if len(values) == 2 else (fill,) + values


def _blocks(size, padding, kernel, dilation, stride):
    """O = ⌊(I + P_lo + P_hi − D(K − 1) − 1) / S⌋ + 1 per axis (truncated toward zero when
    negative, as torch reports it)."""
    return tuple(int((n + lo + hi - d * (k - 1) - 1) / s) + 1
                 for n, (lo, hi), k, d, s in zip(size, padding, kernel, dilation, stride))


def _batched(input, weight, dims):
    """The input as a batch of 2-D maps, and the weight with a kernel height of 1 for 1-D."""
    x = input if input.dim() == dims + 2 else input.reshape((1,) + input.shape)
    if dims == 1:
        x = x.reshape(x.shape[:2] + (1,) + x.shape[2:])
        weight = weight.reshape(weight.shape[:2] + (1,) + weight.shape[2:])
    return x, weight


def _unbatched(y, input, dims):
    """y in the layout of the input: without the height axis for 1-D, without the batch axis for
    an unbatched input."""
    shape = y.shape[:2] + y.shape[4 - dims:]
    if input.dim() == dims + 1:
        shape = shape[1:]
    return y if shape == y.shape else y.reshape(shape)


# ---- convolution --------------------------------------------------------------------------


def _convolution(name, dims, input, weight, bias, stride, padding, dilation, groups):
    _check_ranks(name, dims, input, weight, "(out_channels, in_channels/groups, *kernel_size)")
    stride = _values(stride, "stride", dims)
    dilation = _values(dilation, "dilation", dims)
    _check_options(stride, dilation, groups)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * dims
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _same_padding(kernel, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: {padding!r}")
    else:
        widths = _values(padding, "padding", dims)
        if any(p < 0 for p in widths):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((p, p) for p in widths)
    _check_groups(weight, groups)
    shape = tuple(input.shape) if input.dim() == dims + 2 else (1,) + tuple(input.shape)
    if shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                           f"input{list(shape)} to have {weight.shape[1] * groups} channels, but "
                           f"got {shape[1]} channels instead")
    _check_dtypes(input, weight, bias)
    _check_bias(bias, weight, weight.shape[0], False)
    padded = [n + lo + hi for n, (lo, hi) in zip(shape[2:], pads)]
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, extent)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, extent))}). Kernel size can't be greater than "
                           f"actual input size")
    windows = _Windows(_as_2d(shape[2:], 1), _as_2d(pads, (0, 0)), _as_2d(kernel, 1),
                       _as_2d(dilation, 1), _as_2d(stride, 1),
                       _as_2d(_blocks(shape[2:], pads, kernel, dilation, stride), 1))
    x, w = _batched(input, weight, dims)
    return _unbatched(Convolution.apply(x, w, bias, windows, groups), input, dims)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) over (N, C_in, L) inputs.

    y[n, o, i] = b[o] + Σ_{c, k} W[o, c, k] · x_pad[n, g(o)·C_in/G + c, i·S + k·D], with
    O = ⌊(L + 2P − D(K − 1) − 1) / S⌋ + 1 outputs.

    Parameters
    ----------
    input : Tensor
        (N, C_in, L), or (C_in, L) unbatched.
    weight : Tensor
        (C_out, C_in/groups, K).
    bias : Tensor, optional
        (C_out,).
    stride, dilation : int or tuple of 1 int
    padding : int, tuple of 1 int, 'valid' or 'same'
        Zeros added at both ends; 'same' keeps the length (stride 1 only; an odd total goes to
        the right end), 'valid' adds none.
    groups : int
        Input and output channels are split into this many groups, each convolved on its own.

    Returns
    -------
    Tensor
        (N, C_out, O), or (C_out, O) unbatched.

    Examples
    --------
    >>> F.conv1d(kp.ones(2, 3, 10), kp.ones(4, 3, 3), padding="same").shape
    (2, 4, 10)
    """
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) over (N, C_in, H, W) inputs.

    y[n, o, i, j] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x_pad[n, g(o)·C_in/G + c, i·S + p·D,
    j·S + q·D], with O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1 per axis; computed as im2col and one
    matrix product (see the module's docstring).

    Parameters
    ----------
    input : Tensor
        (N, C_in, H, W), or (C_in, H, W) unbatched.
    weight : Tensor
        (C_out, C_in/groups, K_h, K_w).
    bias : Tensor, optional
        (C_out,).
    stride, dilation : int or tuple of 2 ints
    padding : int, tuple of 2 ints, 'valid' or 'same'
        Zeros added on both sides of each axis; 'same' keeps the size (stride 1 only; an odd
        total D(K − 1) puts the extra zero at the bottom / right), 'valid' adds none.
    groups : int
        Input and output channels are split into this many groups, each convolved on its own
        (groups = C_in: a depthwise convolution).

    Returns
    -------
    Tensor
        (N, C_out, O_h, O_w), or (C_out, O_h, O_w) unbatched.

    Examples
    --------
    >>> F.conv2d(kp.ones(1, 3, 8, 8), kp.ones(16, 3, 3, 3), stride=2, padding=1).shape
    (1, 16, 4, 4)
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


# ---- transposed convolution -----------------------------------------------------------------


def _transposed_convolution(name, dims, input, weight, bias, stride, padding, output_padding,
                            groups, dilation):
    _check_ranks(name, dims, input, weight, "(in_channels, out_channels/groups, *kernel_size)")
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = _values(stride, "stride", dims)
    dilation = _values(dilation, "dilation", dims)
    widths = _values(padding, "padding", dims)
    extra = _values(output_padding, "output_padding", dims)
    _check_options(stride, dilation, groups)
    if any(p < 0 for p in widths):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in extra):
        raise RuntimeError("negative output_padding is not supported")
    _check_groups(weight, groups)
    shape = tuple(input.shape) if input.dim() == dims + 2 else (1,) + tuple(input.shape)
    if shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"input{list(shape)} to have {weight.shape[0]} channels, but got "
                           f"{shape[1]} channels instead")
    _check_dtypes(input, weight, bias)
    _check_bias(bias, weight, weight.shape[1] * groups, True)
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        (eh, ew), (sh, sw), (dh, dw) = _as_2d(extra, 0), _as_2d(stride, 1), _as_2d(dilation, 1)
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but "
                           f"got output_padding_height: {eh} output_padding_width: {ew} "
                           f"stride_height: {sh} stride_width: {sw} dilation_height: {dh} "
                           f"dilation_width: {dw}")
    kernel = tuple(weight.shape[2:])
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1
                 for n, s, p, d, k, e in zip(shape[2:], stride, widths, dilation, kernel, extra))
    if any(n < 1 for n in size):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, shape[2:]))}). "
                           f"Calculated output size per channel: "
                           f"({' x '.join(map(str, size))}). Output size is too small")
    # The windows of the convolution whose input gradient this is: its input has the output's
    # size, its output grid is this input.
    windows = _Windows(_as_2d(size, 1), _as_2d(tuple((p, p) for p in widths), (0, 0)),
                       _as_2d(kernel, 1), _as_2d(dilation, 1), _as_2d(stride, 1),
                       _as_2d(shape[2:], 1))
    x, w = _batched(input, weight, dims)
    return _unbatched(ConvolutionTranspose.apply(x, w, bias, windows, groups), input, dims)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution: the adjoint (input gradient) of ``conv1d``.

    Each input element spreads W[c, :, k] · x[n, c, i] onto output position i·S − P + k·D, so
    O = (L − 1)·S − 2P + D(K − 1) + P_out + 1.

    Parameters
    ----------
    input : Tensor
        (N, C_in, L), or (C_in, L) unbatched.
    weight : Tensor
        (C_in, C_out/groups, K).
    bias : Tensor, optional
        (C_out,).
    stride, padding, dilation : int or tuple of 1 int
        Those of the convolution this one transposes: ``padding`` trims D(K − 1) − P … from
        both ends.
    output_padding : int or tuple of 1 int
        Extra length at the end (smaller than the stride or the dilation), to pick one of the
        input lengths that a strided convolution maps to the same output length.
    groups : int

    Returns
    -------
    Tensor
        (N, C_out, O), or (C_out, O) unbatched.

    Examples
    --------
    >>> F.conv_transpose1d(kp.ones(2, 3, 5), kp.ones(3, 4, 3), stride=2).shape
    (2, 4, 11)
    """
    return _transposed_convolution("conv_transpose1d", 1, input, weight, bias, stride, padding,
                                   output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution (sometimes called deconvolution): the adjoint of ``conv2d``.

    Computed as col2im(W_matᵀ · x): each input pixel spreads W[c, :, p, q] · x[n, c, i, j] onto
    output pixel (i·S − P + p·D, j·S − P + q·D); per axis
    O = (I − 1)·S − 2P + D(K − 1) + P_out + 1.

    Parameters
    ----------
    input : Tensor
        (N, C_in, H, W), or (C_in, H, W) unbatched.
    weight : Tensor
        (C_in, C_out/groups, K_h, K_w).
    bias : Tensor, optional
        (C_out,).
    stride, padding, dilation : int or tuple of 2 ints
        Those of the convolution this one transposes.
    output_padding : int or tuple of 2 ints
        Extra rows / columns at the bottom / right (each smaller than the stride or the
        dilation).
    groups : int

    Returns
    -------
    Tensor
        (N, C_out, O_h, O_w), or (C_out, O_h, O_w) unbatched.

    Examples
    --------
    >>> F.conv_transpose2d(kp.ones(1, 16, 4, 4), kp.ones(16, 3, 3, 3), stride=2, padding=1,
    ...                    output_padding=1).shape
    (1, 3, 8, 8)
    """
    return _transposed_convolution("conv_transpose2d", 2, input, weight, bias, stride, padding,
                                   output_padding, groups, dilation)


# ---- unfold and fold ----------------------------------------------------------------------


def _window_options(kernel_size, dilation, padding, stride):
    kernel = _values(kernel_size, "kernel_size", 2)
    dilation = _values(dilation, "dilation", 2)
    padding = _values(padding, "padding", 2)
    stride = _values(stride, "stride", 2)
    for values, what, name in ((kernel, "kernel size", "kernel"),
                               (dilation, "dilation", "dilation"),
                               (stride, "stride", "stride")):
        if any(v <= 0 for v in values):
            raise RuntimeError(f"{what} should be greater than zero, but got {name}_height: "
                               f"{values[0]} {name}_width: {values[1]}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, padding, stride


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: the sliding windows of a batch of images as columns.

    out[n, (c, p, q), (i, j)] = x_pad[n, c, i·S + p·D, j·S + q·D], the column index running over
    the L = O_h·O_w windows, O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1 per axis. A convolution is
    W_mat · unfold(x).

    Parameters
    ----------
    input : Tensor
        (N, C, H, W), or (C, H, W) unbatched.
    kernel_size, dilation, padding, stride : int or tuple of 2 ints

    Returns
    -------
    Tensor
        (N, C·K_h·K_w, L), or (C·K_h·K_w, L) unbatched.

    Examples
    --------
    >>> F.unfold(kp.ones(2, 3, 5, 5), 3, padding=1).shape
    (2, 27, 25)
    """
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(input.shape)}")
    kernel, dilation, padding, stride = _window_options(kernel_size, dilation, padding, stride)
    size = tuple(input.shape[-2:])
    pads = tuple((p, p) for p in padding)
    blocks = _blocks(size, pads, kernel, dilation, stride)
    if any(b < 1 for b in blocks):
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the "
                           f"array of sliding blocks as {blocks}, but its components must be at "
                           f"least one.")
    windows = _Windows(size, pads, kernel, dilation, stride, blocks)
    if input.dim() == 3:
        return Im2Col.apply(input.reshape((1,) + input.shape), windows).reshape(
            (-1, math.prod(blocks)))
    return Im2Col.apply(input, windows)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: the adjoint of ``unfold``, adding each column back onto its window.

    out[n, c, y, x] = Σ over the windows (i, j) and offsets (p, q) with i·S − P + p·D = y and
    j·S − P + q·D = x of input[n, (c, p, q), (i, j)]; overlapping windows add up.

    Parameters
    ----------
    input : Tensor
        (N, C·K_h·K_w, L), or (C·K_h·K_w, L) unbatched, with L = O_h·O_w the number of windows
        that fit ``output_size``.
    output_size : int or tuple of 2 ints
        (H, W) of the result.
    kernel_size, dilation, padding, stride : int or tuple of 2 ints

    Returns
    -------
    Tensor
        (N, C, H, W), or (C, H, W) unbatched.

    Examples
    --------
    >>> F.fold(kp.ones(2, 27, 25), (5, 5), 3, padding=1).shape
    (2, 3, 5, 5)
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    size = _values(output_size, "output_size", 2)
    kernel, dilation, padding, stride = _window_options(kernel_size, dilation, padding, stride)
    rows, length = input.shape[-2:]
    if rows % math.prod(kernel):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={rows} and "
                           f"kernel_size={kernel}.")
    pads = tuple((p, p) for p in padding)
    blocks = _blocks(size, pads, kernel, dilation, stride)
    if any(b < 1 for b in blocks) or math.prod(blocks) != length:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, stride={stride}, expected "
                           f"size of input's dimension {input.dim() - 1} to match the calculated "
                           f"number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size({input.dim() - 1})="
                           f"{length}.")
    windows = _Windows(size, pads, kernel, dilation, stride, blocks)
    if input.dim() == 2:
        return Col2Im.apply(input.reshape((1,) + input.shape), windows).reshape(
            (-1,) + size)
    return Col2Im.apply(input, windows)
