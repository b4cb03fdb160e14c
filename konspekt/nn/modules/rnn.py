"""Recurrent layers: ``RNN``, ``LSTM`` (with the course's peephole variant), ``GRU`` and their
single-step cells ``RNNCell``, ``LSTMCell``, ``GRUCell``, with torch's arguments, parameter names
(``weight_ih_l{k}[_reverse]``, ``weight_hh_l…``, ``bias_ih_l…``, ``bias_hh_l…``, ``weight_hr_l…``:
torch's state dicts load unchanged), shapes and initialisation U(−1/√H, 1/√H).

Each layer and direction runs as one fused node (``konspekt.nn.functional.rnn``): the input
projections of all time steps in one GEMM, then per step one product with W_hh and the cell's
pointwise arithmetic. A ``PackedSequence`` input runs each sequence for its own length only.
"""

import math
import numbers
import warnings

from ...autograd.creation import empty, zeros
from ...autograd.ops.arithmetic import scalar_type_name
from ...autograd.ops.indexing import index_select
from ...autograd.ops.shape import cat, stack
from .. import functional as F
from .. import init
from ..functional.rnn import CELLS, Recurrence, split_output
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _packed_sequence_class():
    # nn.utils imports the layers' package indirectly (pruning), so look it up at call time.
    from ..utils.rnn import PackedSequence
    return PackedSequence


def _check_size(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero")


def _check_hidden(hx, expected, message="Expected hidden size {}, got {}"):
    if tuple(hx.shape) != expected:
        raise RuntimeError(message.format(expected, list(hx.shape)))


def _check_state_dtype(state, dtype):
    if state.dtype != dtype:
        raise RuntimeError(f"Input and hidden tensors are not the same dtype, found input tensor "
                           f"with {scalar_type_name(dtype)} and hidden tensor with "
                           f"{scalar_type_name(state.dtype)}")


class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrent network shared by ``RNN``, ``LSTM``
    and ``GRU``; ``mode`` is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.

    Layer k > 0 reads the outputs of layer k − 1 (both directions joined), after dropout with
    probability ``dropout`` in training. The reverse direction reads the sequence from its end
    (each sequence's own end, for a packed batch).
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None, *, peephole=False):
        super().__init__()
        check_device(type(self).__name__, device)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + str(mode))
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so "
                          f"non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        for value, name in ((bias, "bias"), (batch_first, "batch_first")):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        _check_size(input_size, "input_size")
        _check_size(hidden_size, "hidden_size")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        self.peephole = peephole
        directions = 2 if bidirectional else 1
        output_size = proj_size or hidden_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else output_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, output_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                if peephole:
                    shapes.append(("weight_ch", (3 * hidden_size,)))
                names = [name + suffix for name, _ in shapes]
                for name, (_, shape) in zip(names, shapes):
                    setattr(self, name, Parameter(empty(*shape, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        """torch's default: every weight and bias U(−1/√H, 1/√H), H = hidden_size."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self):
        """Nothing to do: torch packs the weights into one buffer for cuDNN; here they are used
        where they are. Kept so that code written for torch runs unchanged."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction, in torch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_parameters(self, index):
        names = self._all_weights[index]
        found = {name.split("_l")[0]: getattr(self, name) for name in names}
        return (found["weight_ih"], found["weight_hh"], found.get("bias_ih"),
                found.get("bias_hh"), found.get("weight_ch"), found.get("weight_hr"))

    # ---- checks ---------------------------------------------------------------------------------

    def _check_input(self, input, packed):
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight.dtype}). Convert input: input.to({weight.dtype}), or "
                             f"convert model: model.to({input.dtype})")
        expected = 2 if packed else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _expected_hidden(self, batch, size):
        return (self.num_layers * (2 if self.bidirectional else 1), batch, size)

    # ---- forward ------------------------------------------------------------------------------

    def forward(self, input, hx=None):
        """Run the network over a sequence.

        Parameters
        ----------
        input : Tensor or PackedSequence
            (T, B, input_size), (B, T, input_size) with ``batch_first``, (T, input_size)
            unbatched, or a packed batch of variable-length sequences.
        hx : Tensor, or (h_0, C_0) for the LSTM, optional
            Initial states, (num_layers · directions, B, H) each ((…, H) unbatched, proj_size
            for h_0 when projecting); zeros when omitted.

        Returns
        -------
        output : Tensor or PackedSequence
            The last layer's h_t for every step, both directions joined: (T, B, directions · H).
        h_n : Tensor, or (h_n, C_n) for the LSTM
            Each layer's and direction's final state (a sequence's own last step).
        """
        lstm = self.mode == "LSTM"
        name = {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
        output_size = self.proj_size or self.hidden_size
        packed = isinstance(input, _packed_sequence_class())
        if lstm and hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTM: hx must be a tuple (h_0, c_0) of two tensors")
        if packed:
            data, batch_sizes = input.data, [int(n) for n in input.batch_sizes.data]
            sorted_indices, unsorted_indices = input.sorted_indices, input.unsorted_indices
            batch, batched = batch_sizes[0], True
            self._check_input(data, True)
        else:
            if input.dim() not in (2, 3):
                tensor = " tensor" if name == "RNN" else ""
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                                 f"{tensor} instead")
            batched = input.dim() == 3
            if not batched:
                input = input.unsqueeze(0 if self.batch_first else 1)
                if hx is not None:
                    hx = self._unsqueeze_unbatched(hx, lstm)
            elif hx is not None:
                dims = [h.dim() for h in hx] if lstm else [hx.dim()]
                if any(d != 3 for d in dims):
                    what = "hx and cx" if lstm else "hx"
                    got = f"({dims[0]}-D, {dims[1]}-D) tensors" if lstm else f"{dims[0]}-D tensor"
                    raise RuntimeError(f"For batched 3-D input, {what} should also be 3-D but "
                                       f"got {got}")
            self._check_input(input, False)
            if self.batch_first:
                input = input.transpose(0, 1)
            steps, batch = input.shape[0], input.shape[1]
            data = input.reshape(steps * batch, self.input_size)
            batch_sizes, sorted_indices, unsorted_indices = [batch] * steps, None, None
        h0, c0 = self._initial_states(hx, lstm, batch, output_size, data.dtype)
        if sorted_indices is not None:
            # The caller's states follow the caller's order; the packed rows are sorted.
            h0 = index_select(h0, 1, sorted_indices)
            c0 = None if c0 is None else index_select(c0, 1, sorted_indices)
        output, h_n, c_n = self._run_layers(data, batch_sizes, h0, c0)
        if unsorted_indices is not None:
            h_n = index_select(h_n, 1, unsorted_indices)
            c_n = None if c_n is None else index_select(c_n, 1, unsorted_indices)
        if packed:
            output = type(input)(output, input.batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = output.reshape(steps, batch, output.shape[-1])
            if self.batch_first:
                output = output.transpose(0, 1)
            if not batched:
                output = output.squeeze(0 if self.batch_first else 1)
                h_n = h_n.squeeze(1)
                c_n = None if c_n is None else c_n.squeeze(1)
        return output, ((h_n, c_n) if lstm else h_n)

    def _unsqueeze_unbatched(self, hx, lstm):
        if lstm:
            if hx[0].dim() != 2 or hx[1].dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx and cx should also be 2-D but "
                                   f"got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            return (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        if hx.dim() != 2:
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                               f"{hx.dim()}-D tensor")
        return hx.unsqueeze(1)

    def _initial_states(self, hx, lstm, batch, output_size, dtype):
        expected_h = self._expected_hidden(batch, output_size)
        expected_c = self._expected_hidden(batch, self.hidden_size)
        if hx is None:
            return zeros(*expected_h, dtype=dtype), (zeros(*expected_c, dtype=dtype) if lstm
                                                     else None)
        if lstm:
            _check_hidden(hx[0], expected_h, "Expected hidden[0] size {}, got {}")
            _check_hidden(hx[1], expected_c, "Expected hidden[1] size {}, got {}")
            _check_state_dtype(hx[0], dtype)
            _check_state_dtype(hx[1], dtype)
            return hx[0], hx[1]
        _check_hidden(hx, expected_h)
        _check_state_dtype(hx, dtype)
        return hx, None

    def _run_layers(self, data, batch_sizes, h0, c0):
        cell = CELLS[self.mode]
        directions = 2 if self.bidirectional else 1
        rows, batch = data.shape[0], batch_sizes[0]
        output_size = self.proj_size or self.hidden_size
        layer_input, h_n, c_n = data, [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh, w_ch, w_hr = self._layer_parameters(index)
                xw = F.linear(layer_input, w_ih, b_ih)
                flat = Recurrence.apply(xw, w_hh, b_hh, h0[index],
                                        None if c0 is None else c0[index], w_ch, w_hr,
                                        cell=cell, batch_sizes=batch_sizes,
                                        reverse=direction == 1)
                output, h, c = split_output(flat, rows, batch, output_size,
                                            None if c0 is None else self.hidden_size)
                outputs.append(output)
                h_n.append(h)
                c_n.append(c)
            layer_input = outputs[0] if directions == 1 else cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, stack(h_n, 0), (None if c0 is None else stack(c_n, 0))

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        if self.peephole:
            s += ", peephole=True"
        return s


class RNN(RNNBase):
    """The Elman network, stacked and optionally bidirectional:

        h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)      (or ReLU in place of tanh),

    h_0 given or zero; the output is h_1 … h_T of the last layer.

    Parameters
    ----------
    input_size : int
        The number of features of x_t.
    hidden_size : int
        H, the number of features of h_t.
    num_layers : int, default 1
    nonlinearity : {'tanh', 'relu'}, default 'tanh'
    bias : bool, default True
        Whether to learn b_ih and b_hh.
    batch_first : bool, default False
        Input and output as (B, T, features) instead of (T, B, features); states unchanged.
    dropout : float, default 0
        Dropout on the outputs of every layer but the last, in training.
    bidirectional : bool, default False
        Also run each layer from the sequence's end and join the two outputs.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse] : Parameter
        W_ih (H, input_size or directions · H) and W_hh (H, H) of layer k.
    bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse] : Parameter
        b_ih and b_hh (H,). All initialised U(−1/√H, 1/√H).

    Examples
    --------
    >>> rnn = kp.nn.RNN(10, 20, 2)
    >>> output, h_n = rnn(kp.randn(5, 3, 10), kp.randn(2, 3, 20))
    >>> output.shape, h_n.shape
    ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), stacked and optionally
    bidirectional. [h_{t−1}, x_t] is the concatenation, and each gate's W_· is its block of rows
    of ``weight_hh`` and ``weight_ih`` side by side (blocks in torch's order i, f, C̃ (g), o), so
    W_f·[h_{t−1}, x_t] = h_{t−1} W_hfᵀ + x_t W_ifᵀ:

        f_t = σ(W_f·[h_{t−1}, x_t] + b_f)                  forget gate
        i_t = σ(W_i·[h_{t−1}, x_t] + b_i)                  input gate
        C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)              candidate
        C_t = f_t ⊙ C_{t−1} + i_t ⊙ C̃_t                    cell state
        o_t = σ(W_o·[h_{t−1}, x_t] + b_o)                  output gate
        h_t = o_t ⊙ tanh(C_t)

    with b_· = b_ih + b_hh. With ``proj_size`` P > 0, h_t = W_hr (o_t ⊙ tanh C_t) has P features
    (Sak et al., 2014). With ``peephole=True`` (the course's variant; Gers & Schmidhuber, 2000)
    the gates also look at the cell state through diagonal weights:

        f_t = σ(W_f·[h_{t−1}, x_t] + w_cf ⊙ C_{t−1} + b_f)
        i_t = σ(W_i·[h_{t−1}, x_t] + w_ci ⊙ C_{t−1} + b_i)
        o_t = σ(W_o·[h_{t−1}, x_t] + w_co ⊙ C_t + b_o)

    Without peepholes the layer is exactly torch's LSTM (its state dict loads unchanged).

    Parameters
    ----------
    input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        As for ``RNN``.
    proj_size : int, default 0
        P, the size of h_t when projecting (0: no projection, h_t has H features).
    device : None or "cpu"
    dtype : dtype, optional
    peephole : bool, default False
        Add the peephole connections (keyword only; not in torch).

    Attributes
    ----------
    weight_ih_l{k}[_reverse] : Parameter
        (4H, input_size or directions · H'): the rows of W_i, W_f, W_C, W_o acting on x_t.
    weight_hh_l{k}[_reverse] : Parameter
        (4H, H'), acting on h_{t−1}; H' = P when projecting, else H.
    bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse] : Parameter
        (4H,) each.
    weight_hr_l{k}[_reverse] : Parameter
        (P, H), only with ``proj_size``.
    weight_ch_l{k}[_reverse] : Parameter
        (3H,): w_ci, w_cf, w_co stacked, only with ``peephole``. All parameters initialised
        U(−1/√H, 1/√H).

    Examples
    --------
    >>> lstm = kp.nn.LSTM(10, 20, 2)
    >>> output, (h_n, c_n) = lstm(kp.randn(5, 3, 10))
    >>> output.shape, h_n.shape, c_n.shape
    ((5, 3, 20), (2, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None, *,
                 peephole=False):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype, peephole=peephole)


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al., 2014), stacked and optionally bidirectional, as torch
    computes it (rows of W_ih, W_hh in the order r, z, n):

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)                 reset gate
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)                 update gate
        h̃_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))      candidate
        h_t = (1 − z_t) ⊙ h̃_t + z_t ⊙ h_{t−1}

    The course writes the candidate as h̃_t = tanh(W x_t + U (r_t ⊙ h_{t−1}) + b), the reset
    gate applied *before* the hidden product; torch (and cuDNN) apply it after, to
    U h_{t−1} + b_hn, as above. This layer follows torch so that weights are interchangeable;
    the two agree when r_t = 1 and differ in general.

    Parameters
    ----------
    input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        As for ``RNN``.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse] : Parameter
        (3H, input_size or directions · H) and (3H, H).
    bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse] : Parameter
        (3H,) each. All initialised U(−1/√H, 1/√H).

    Examples
    --------
    >>> gru = kp.nn.GRU(10, 20, bidirectional=True, batch_first=True)
    >>> output, h_n = gru(kp.randn(3, 5, 10))
    >>> output.shape, h_n.shape
    ((3, 5, 40), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)


class RNNCellBase(Module):
    """One step of a recurrent layer: parameters ``weight_ih`` (G·H, input_size), ``weight_hh``
    (G·H, H), ``bias_ih``, ``bias_hh`` (G·H,), G the number of gate blocks, all U(−1/√H, 1/√H).
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        check_device(type(self).__name__, device)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _check_dims(self, input, states):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for what, state in states:
            if state is not None and state.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {state.dim()}D "
                                 "instead")

    def _step(self, mode, input, h, c):
        """One step of the fused recurrence on a batch (B, input_size); states (B, H)."""
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        batch = input.shape[0]
        for k, state in enumerate((h, c)):
            if state is None:
                continue
            if state.shape[0] != batch:
                raise RuntimeError(f"Input batch size {batch} doesn't match hidden{k} batch "
                                   f"size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got "
                                   f"{state.shape[1]}, expected {self.hidden_size}")
            _check_state_dtype(state, input.dtype)
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        flat = Recurrence.apply(xw, self.weight_hh, self.bias_hh, h, c, None, None,
                                cell=CELLS[mode], batch_sizes=[batch], reverse=False)
        output, _, c_new = split_output(flat, batch, batch, self.hidden_size,
                                        None if c is None else self.hidden_size)
        return output, c_new


def _batched(input, states):
    """Unbatched (1-D) inputs and states as a batch of one."""
    if input.dim() == 2:
        return input, states, True
    return input.unsqueeze(0), [None if s is None else s.unsqueeze(0) for s in states], False


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU): one step of ``RNN``.

    Parameters
    ----------
    input_size : int
    hidden_size : int
    bias : bool, default True
    nonlinearity : {'tanh', 'relu'}, default 'tanh'
    device : None or "cpu"
    dtype : dtype, optional

    Examples
    --------
    >>> cell = kp.nn.RNNCell(10, 20)
    >>> cell(kp.randn(3, 10)).shape
    (3, 20)
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        """input (B, input_size) or (input_size,); hx (B, H) or (H,), zeros when omitted."""
        self._check_dims(input, [("hidden", hx)])
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        input, (hx,), batched = _batched(input, [hx])
        if hx is None:
            hx = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        h, _ = self._step(modes[self.nonlinearity], input, hx, None)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of ``LSTM`` (the equations there): (h', C') from x and (h, C).

    Parameters
    ----------
    input_size : int
    hidden_size : int
    bias : bool, default True
    device : None or "cpu"
    dtype : dtype, optional

    Examples
    --------
    >>> cell = kp.nn.LSTMCell(10, 20)
    >>> h, c = cell(kp.randn(3, 10))
    >>> h.shape, c.shape
    ((3, 20), (3, 20))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        """input (B, input_size) or (input_size,); hx = (h, C), each (B, H) or (H,), zeros when
        omitted. Returns (h', C')."""
        states = [None, None] if hx is None else list(hx)
        self._check_dims(input, [(f"hx[{k}]", s) for k, s in enumerate(states)])
        input, states, batched = _batched(input, states)
        if hx is None:
            states = [zeros(input.shape[0], self.hidden_size, dtype=input.dtype)] * 2
        h, c = self._step("LSTM", input, states[0], states[1])
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of ``GRU`` (the equations there, torch's form): h' from x and h.

    Parameters
    ----------
    input_size : int
    hidden_size : int
    bias : bool, default True
    device : None or "cpu"
    dtype : dtype, optional

    Examples
    --------
    >>> cell = kp.nn.GRUCell(10, 20)
    >>> cell(kp.randn(3, 10), kp.randn(3, 20)).shape
    (3, 20)
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        """input (B, input_size) or (input_size,); hx (B, H) or (H,), zeros when omitted."""
        self._check_dims(input, [("hidden", hx)])
        input, (hx,), batched = _batched(input, [hx])
        if hx is None:
            hx = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        h, _ = self._step("GRU", input, hx, None)
        return h if batched else h.squeeze(0)
