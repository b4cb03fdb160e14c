"""The fused recurrence behind ``RNN``, ``LSTM`` and ``GRU``: one layer, one direction, the whole
sequence in one node of the graph.

The layer computes the input projection X W_ihᵀ + b_ih for every time step at once (one GEMM,
done by the caller with ``linear``), then runs the recurrence inside ``Recurrence``:

    forward:   per step one product h_{t−1} W_hhᵀ and the cell's pointwise gate arithmetic, on
               raw arrays (no graph, little Python per step);
    backward:  back-propagation through time, again per step one product and the pointwise
               derivatives of the gates; the weight gradient ∂L/∂W_hh = Σ_t δ_tᵀ h_{t−1} is one
               GEMM over all steps at the end.

Both passes are written once, for anything with NumPy's operators: in an ordinary backward pass
they run on arrays; when the backward pass itself is recorded (``create_graph=True``) the forward
is recomputed and the same backward runs on Tensors, so the result is differentiable again
(Hessian-vector products, double backprop) without a second set of rules.

Sequences of different lengths use the packed layout of ``PackedSequence``: the rows of the
input are grouped by time step, step t holding the first ``batch_sizes[t]`` sequences (sorted by
decreasing length). A sequence that has ended keeps its state unchanged, so the final state of
each sequence is the one at its own last step, and padded steps touch neither outputs nor
gradients. The full batch is the special case ``batch_sizes = [B] * T``.

Nothing here is public: the layers in ``konspekt.nn.modules.rnn`` are the interface.
"""

import numpy as np

from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled
from ...autograd.ops.shape import cat
from ...autograd.tensor import _make_tensor

__all__ = []


class _ArrayOps:
    """The few functions the recurrence needs beyond operators, on NumPy arrays."""

    tanh = staticmethod(np.tanh)

    @staticmethod
    def sigmoid(x):
        # σ(x) = (1 + tanh(x/2))/2: the same function, an order of magnitude faster than
        # scipy's expit on gate-sized arrays, and free of overflow for large |x|.
        y = np.multiply(x, 0.5)
        np.tanh(y, out=y)
        y *= 0.5
        y += 0.5
        return y

    @staticmethod
    def relu(x):
        return np.maximum(x, x.dtype.type(0))

    @staticmethod
    def relu_slope(y):
        return (y > 0).astype(y.dtype)

    @staticmethod
    def cat(pieces):
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces, 0)

    @staticmethod
    def transpose(w):
        # A contiguous copy: BLAS multiplies by it faster than by a transposed view (h·Wᵀ runs
        # once per step, the copy once per sequence).
        return np.ascontiguousarray(w.T)

    @staticmethod
    def cat_columns(pieces):
        return np.concatenate(pieces, 1)


class _TensorOps:
    """The same functions on Tensors: the recorded (differentiable) version."""

    @staticmethod
    def sigmoid(x):
        return x.sigmoid()

    @staticmethod
    def tanh(x):
        return x.tanh()

    @staticmethod
    def relu(x):
        return x.relu()

    @staticmethod
    def relu_slope(y):
        # [y > 0]: a constant; the second derivative of ReLU is zero almost everywhere.
        return _make_tensor((y.data > 0).astype(y.data.dtype))

    @staticmethod
    def cat(pieces):
        return pieces[0] if len(pieces) == 1 else cat(pieces, 0)

    @staticmethod
    def transpose(w):
        return w.T

    @staticmethod
    def cat_columns(pieces):
        return cat(pieces, 1)


def _hidden_product(ops, h, w_hh_t, b_hh):
    hw = h @ w_hh_t
    return hw if b_hh is None else hw + b_hh


class RNNTanhCell:
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)."""

    has_cell_state = False

    @staticmethod
    def step(ops, xw, h, c, w_hh_t, b_hh, extra):
        h_new = ops.tanh(xw + _hidden_product(ops, h, w_hh_t, b_hh))
        return h_new, None, (h_new,)

    @staticmethod
    def step_backward(ops, dh, dc, saved, h, c, extra):
        """δ_t = ∂L/∂h_t ⊙ (1 − h_t²), for both the input and the hidden product."""
        y, = saved
        delta = dh * (1 - y * y)
        return delta, delta, None, None, None


class RNNReluCell(RNNTanhCell):
    """h_t = max(0, x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)."""

    @staticmethod
    def step(ops, xw, h, c, w_hh_t, b_hh, extra):
        h_new = ops.relu(xw + _hidden_product(ops, h, w_hh_t, b_hh))
        return h_new, None, (h_new,)

    @staticmethod
    def step_backward(ops, dh, dc, saved, h, c, extra):
        """δ_t = ∂L/∂h_t ⊙ [h_t > 0]."""
        y, = saved
        delta = dh * ops.relu_slope(y)
        return delta, delta, None, None, None


class LSTMCellKernel:
    """One LSTM step in torch's gate order (i, f, g, o), optionally with peepholes
    (``extra[0]``: the stacked diagonal weights w_ci, w_cf, w_co) and a projection
    (``extra[1]``: W_hr, h_t = (o_t ⊙ tanh C_t) W_hrᵀ)."""

    has_cell_state = True

    @staticmethod
    def step(ops, xw, h, c, w_hh_t, b_hh, extra):
        peephole, w_hr = extra
        n = c.shape[1]
        pre = xw + _hidden_product(ops, h, w_hh_t, b_hh)
        g = ops.tanh(pre[:, 2 * n:3 * n])
        if peephole is None:
            # One σ over the whole block (the g columns wasted) costs less than three calls.
            gates = ops.sigmoid(pre)
            i, f, o = gates[:, :n], gates[:, n:2 * n], gates[:, 3 * n:]
            c_new = f * c + i * g
        else:
            i = ops.sigmoid(pre[:, :n] + peephole[:n] * c)
            f = ops.sigmoid(pre[:, n:2 * n] + peephole[n:2 * n] * c)
            c_new = f * c + i * g
            o = ops.sigmoid(pre[:, 3 * n:] + peephole[2 * n:] * c_new)
        tanh_c = ops.tanh(c_new)
        m = o * tanh_c
        h_new = m if w_hr is None else m @ w_hr.T
        return h_new, c_new, (i, f, g, o, tanh_c, c_new, m)

    @staticmethod
    def step_backward(ops, dh, dc, saved, h, c, extra):
        """With m_t = o_t ⊙ tanh C_t (∂L/∂m_t = ∂L/∂h_t, or ∂L/∂h_t W_hr when projecting):

            δo = ∂L/∂m_t ⊙ tanh C_t ⊙ o(1 − o)
            ∂L/∂C_t += ∂L/∂m_t ⊙ o ⊙ (1 − tanh² C_t)   (+ δo ⊙ w_co with peepholes)
            δi = ∂L/∂C_t ⊙ C̃_t ⊙ i(1 − i),   δf = ∂L/∂C_t ⊙ C_{t−1} ⊙ f(1 − f),
            δC̃ = ∂L/∂C_t ⊙ i ⊙ (1 − C̃_t²)
            ∂L/∂C_{t−1} = ∂L/∂C_t ⊙ f   (+ δi ⊙ w_ci + δf ⊙ w_cf with peepholes)

        and the peephole weights' gradients Σ δi ⊙ C_{t−1}, Σ δf ⊙ C_{t−1}, Σ δo ⊙ C_t.
        """
        peephole, w_hr = extra
        i, f, g, o, tanh_c, c_new, _ = saved
        dm = dh if w_hr is None else dh @ w_hr
        delta_o = dm * tanh_c * o * (1 - o)
        dc = dc + dm * o * (1 - tanh_c * tanh_c)
        if peephole is not None:
            n = c.shape[1]
            dc = dc + delta_o * peephole[2 * n:]
        delta_i = dc * g * i * (1 - i)
        delta_f = dc * c * f * (1 - f)
        delta_g = dc * i * (1 - g * g)
        dc_prev = dc * f
        peephole_terms = None
        if peephole is not None:
            dc_prev = dc_prev + delta_i * peephole[:n] + delta_f * peephole[n:2 * n]
            peephole_terms = ((delta_i * c).sum(0), (delta_f * c).sum(0),
                              (delta_o * c_new).sum(0))
        delta = ops.cat_columns([delta_i, delta_f, delta_g, delta_o])
        return delta, delta, None, dc_prev, peephole_terms


class GRUCellKernel:
    """One GRU step as torch computes it (gate order r, z, n; the reset gate multiplies the
    hidden product, bias included): n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn)),
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}."""

    has_cell_state = False

    @staticmethod
    def step(ops, xw, h, c, w_hh_t, b_hh, extra):
        n = h.shape[1]
        hw = _hidden_product(ops, h, w_hh_t, b_hh)
        reset_update = ops.sigmoid(xw[:, :2 * n] + hw[:, :2 * n])
        r, z = reset_update[:, :n], reset_update[:, n:]
        hidden_n = hw[:, 2 * n:]
        candidate = ops.tanh(xw[:, 2 * n:] + r * hidden_n)
        h_new = candidate + z * (h - candidate)
        return h_new, None, (r, z, candidate, hidden_n)

    @staticmethod
    def step_backward(ops, dh, dc, saved, h, c, extra):
        """δn = ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − n²),  δz = ∂L/∂h_t ⊙ (h_{t−1} − n) ⊙ z(1 − z),
        δr = δn ⊙ (W_hn h_{t−1} + b_hn) ⊙ r(1 − r); the hidden product receives δn ⊙ r in
        place of δn, and h_{t−1} also ∂L/∂h_t ⊙ z directly."""
        r, z, candidate, hidden_n = saved
        delta_n = dh * (1 - z) * (1 - candidate * candidate)
        delta_z = dh * (h - candidate) * z * (1 - z)
        delta_r = delta_n * hidden_n * r * (1 - r)
        delta_x = ops.cat_columns([delta_r, delta_z, delta_n])
        delta_h = ops.cat_columns([delta_r, delta_z, delta_n * r])
        return delta_x, delta_h, dh * z, None, None


CELLS = {"RNN_TANH": RNNTanhCell, "RNN_RELU": RNNReluCell, "LSTM": LSTMCellKernel,
         "GRU": GRUCellKernel}


def _steps(batch_sizes, reverse):
    """(t, first row, number of rows) for each step, in the order the recurrence visits them."""
    out, start = [], 0
    for t, size in enumerate(batch_sizes):
        out.append((t, start, size))
        start += size
    return out[::-1] if reverse else out


def _join(ops, new, old, size):
    """The state after a step: the first ``size`` rows updated, the ended sequences kept."""
    return new if size == old.shape[0] else ops.cat([new, old[size:]])


def _run(ops, cell, xw, w_hh, b_hh, h0, c0, extra, batch_sizes, reverse):
    """The recurrence over all steps; returns the outputs (packed rows), the final states and,
    per step, what backward needs."""
    w_hh_t = ops.transpose(w_hh)
    h, c = h0, c0
    outputs = [None] * len(batch_sizes)
    record = [None] * len(batch_sizes)
    for t, start, size in _steps(batch_sizes, reverse):
        h_prev = h if size == h.shape[0] else h[:size]
        c_prev = None if c is None else (c if size == c.shape[0] else c[:size])
        h_new, c_new, saved = cell.step(ops, xw[start:start + size], h_prev, c_prev, w_hh_t,
                                        b_hh, extra)
        outputs[t] = h_new
        record[t] = (saved, h_prev, c_prev)
        h = _join(ops, h_new, h, size)
        if c is not None:
            c = _join(ops, c_new, c, size)
    return ops.cat(outputs), h, c, record


def _run_backward(ops, cell, grad_outputs, dh, dc, w_hh, extra, record, batch_sizes, reverse):
    """Back-propagation through time from ∂L/∂(outputs, h_n, C_n); returns
    ∂L/∂(xw, W_hh, b_hh, h_0, C_0, extra)."""
    delta_x = [None] * len(batch_sizes)
    delta_h, h_prevs = [], []
    peephole_sums = None
    w_hr = extra[1] if cell is LSTMCellKernel else None
    dh_projected, cell_outputs = [], []
    for t, start, size in _steps(batch_sizes, not reverse):
        saved, h_prev, c_prev = record[t]
        full = size == dh.shape[0]
        dh_t = (dh if full else dh[:size]) + grad_outputs[start:start + size]
        dc_t = None if dc is None else (dc if full else dc[:size])
        dx, dhw, dh_direct, dc_prev, peephole_terms = cell.step_backward(
            ops, dh_t, dc_t, saved, h_prev, c_prev, extra)
        dh_prev = dhw @ w_hh
        if dh_direct is not None:
            dh_prev = dh_prev + dh_direct
        dh = _join(ops, dh_prev, dh, size)
        if dc is not None:
            dc = _join(ops, dc_prev, dc, size)
        delta_x[t] = dx
        delta_h.append(dhw)
        h_prevs.append(h_prev)
        if w_hr is not None:
            dh_projected.append(dh_t)
            cell_outputs.append(saved[-1])
        if peephole_terms is not None:
            peephole_sums = (peephole_terms if peephole_sums is None else
                             tuple(a + b for a, b in zip(peephole_sums, peephole_terms)))
    delta_h = ops.cat(delta_h)
    grad_w_hh = delta_h.T @ ops.cat(h_prevs)
    grad_b_hh = delta_h.sum(0)
    grad_extra = (None, None)
    if cell is LSTMCellKernel:
        grad_extra = (None if peephole_sums is None else ops.cat(list(peephole_sums)),
                      None if w_hr is None else ops.cat(dh_projected).T @ ops.cat(cell_outputs))
    return ops.cat(delta_x), grad_w_hh, grad_b_hh, dh, dc, grad_extra


class Recurrence(Function):
    """One layer and direction of a recurrent network over a (packed) sequence.

    Inputs: xw (N, G) the input projections x_t W_ihᵀ + b_ih in packed row order; W_hh (G, P);
    b_hh (G,) or None; h_0 (B, P); C_0 (B, H) or None; for the LSTM the stacked peephole weights
    (3H,) or None and the projection W_hr (P, H) or None. Options: ``cell`` (one of ``CELLS``),
    ``batch_sizes`` (rows per step), ``reverse``.

    Output: one flat array, [h_t for every packed row; h_n; C_n (LSTM)] raveled and joined, which
    ``split_output`` cuts apart; a single output keeps the node simple and costs a few views.
    """

    @staticmethod
    def forward(ctx, xw, w_hh, b_hh, h0, c0, peephole, w_hr, *, cell, batch_sizes, reverse):
        extra = (peephole, w_hr)
        outputs, h, c, record = _run(_ArrayOps, cell, xw, w_hh, b_hh, h0, c0, extra,
                                     batch_sizes, reverse)
        ctx.cell, ctx.batch_sizes, ctx.reverse, ctx.record = cell, batch_sizes, reverse, record
        ctx.save_for_backward(xw, w_hh, b_hh, h0, c0, peephole, w_hr)
        return np.concatenate([outputs.ravel(), h.ravel()] + ([] if c is None else [c.ravel()]))

    @staticmethod
    def backward(ctx, grad):
        xw, w_hh, b_hh, h0, c0, peephole, w_hr = ctx.saved_tensors
        cell, batch_sizes, reverse = ctx.cell, ctx.batch_sizes, ctx.reverse
        if is_grad_enabled():
            # The backward pass is being recorded: the saved activations must be functions of
            # the inputs, so recompute them on Tensors.
            ops, extra = _TensorOps, (peephole, w_hr)
            *_, record = _run(ops, cell, xw, w_hh, b_hh, h0, c0, extra, batch_sizes, reverse)
        else:
            ops, record, grad, w_hh = _ArrayOps, ctx.record, grad.data, w_hh.data
            extra = tuple(None if e is None else e.data for e in (peephole, w_hr))
        rows, batch = sum(batch_sizes), h0.shape[0]
        grad_outputs, dh, dc = split_output(grad, rows, batch, h0.shape[1],
                                            None if c0 is None else c0.shape[1])
        dxw, dw_hh, db_hh, dh0, dc0, (dpeephole, dw_hr) = _run_backward(
            ops, cell, grad_outputs, dh, dc, w_hh, extra, record, batch_sizes, reverse)
        grads = (dxw, dw_hh, None if b_hh is None else db_hh, dh0,
                 None if c0 is None else dc0, dpeephole, dw_hr)
        if ops is _ArrayOps:
            grads = tuple(None if g is None else _make_tensor(g) for g in grads)
        return grads


def split_output(flat, rows, batch, hidden, cell_size):
    """Cut the flat output of ``Recurrence`` (or its gradient) into the outputs (rows, hidden),
    h_n (batch, hidden) and, when ``cell_size`` is given, C_n (batch, cell_size)."""
    end_outputs, end_h = rows * hidden, (rows + batch) * hidden
    outputs = flat[:end_outputs].reshape(rows, hidden)
    h = flat[end_outputs:end_h].reshape(batch, hidden)
    c = None if cell_size is None else flat[end_h:].reshape(batch, cell_size)
    return outputs, h, c
