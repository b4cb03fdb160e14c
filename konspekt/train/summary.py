"""``summary``: a network's layers, output shapes, parameter counts and memory, as torchsummaryX
prints them."""

from ..autograd.grad_mode import no_grad
from ..autograd.tensor import Tensor

__all__ = ["Summary", "SummaryRow", "summary"]


class SummaryRow:
    """One call of one module during the summary's forward pass.

    Attributes
    ----------
    name : str
        Dotted path in the model ('' for the model itself).
    class_name : str
    output_shape : list of int, or list of such lists when the module returned several tensors
    kernel_shape : list of int or None
        Shape of the module's ``weight`` parameter, when it has one.
    params : int
        Parameters owned by the module (its subtree for a leaf, its own ones for a container);
        0 on a second call of a module already listed.
    trainable_params, non_trainable_params : int
        ``params`` split by ``requires_grad``.
    mult_adds : int or None
        Multiply-adds of this call (the whole batch) where the layer has a known formula:
        Linear N·out·in, ConvNd (output elements)·(in/groups)·∏K, ConvTransposeNd
        (input elements)·(out/groups)·∏K; None otherwise.
    repeated : bool
        True when this module was already called earlier in the pass (a shared module).
    depth : int
        Nesting depth (0 for the model itself).
    leaf : bool
        Whether the module has no children (only leaves count towards the activation memory).
    output_bytes : int
        Bytes of the tensors this call returned.
    """

    def __init__(self, name, class_name, depth):
        self.name = name
        self.class_name = class_name
        self.depth = depth
        self.output_shape = None
        self.output_bytes = 0
        self.kernel_shape = None
        self.params = self.trainable_params = self.non_trainable_params = 0
        self.mult_adds = None
        self.repeated = False
        self.leaf = True

    def __repr__(self):
        return (f"SummaryRow({self.label!r}, output_shape={self.output_shape}, "
                f"params={self.params}, mult_adds={self.mult_adds})")

    @property
    def label(self):
        """The name shown in the table: 'features.0 (Conv2d)'."""
        return f"{self.name} ({self.class_name})" if self.name else self.class_name


class Summary:
    """What ``summary`` returns: the rows and the totals; ``str()`` gives the table.

    Attributes
    ----------
    rows : list of SummaryRow
        In the order the modules were called.
    total_params, trainable_params, non_trainable_params : int
        Over ``model.parameters()``: every parameter once, shared ones included once, frozen
        (``requires_grad=False``) ones counted as non-trainable.
    total_mult_adds : int
        Sum over the rows that have a multiply-add estimate.
    input_bytes, activation_bytes, param_bytes, buffer_bytes, total_bytes : int
        Memory estimate: the example input, the outputs of the leaf layers (what a backward pass
        keeps), the parameters and the buffers; ``total_bytes`` is their sum.
    """

    def __init__(self, rows, model, input_bytes):
        self.rows = rows
        params = list(model.parameters())
        self.total_params = sum(p.numel() for p in params)
        self.trainable_params = sum(p.numel() for p in params if p.requires_grad)
        self.non_trainable_params = self.total_params - self.trainable_params
        self.total_mult_adds = sum(r.mult_adds for r in rows if r.mult_adds is not None)
        self.input_bytes = input_bytes
        self.activation_bytes = sum(r.output_bytes for r in rows if r.leaf)
        self.param_bytes = sum(p.data.nbytes for p in params)
        self.buffer_bytes = sum(b.data.nbytes for b in model.buffers())
        self.total_bytes = (self.input_bytes + self.activation_bytes + self.param_bytes
                            + self.buffer_bytes)

    def __repr__(self):
        return (f"Summary(total_params={self.total_params}, trainable_params="
                f"{self.trainable_params}, non_trainable_params={self.non_trainable_params}, "
                f"total_mult_adds={self.total_mult_adds}, total_bytes={self.total_bytes})")

    def __str__(self):
        header = ["Layer", "Output Shape", "Kernel Shape", "Params", "Mult-Adds"]
        body = [[row.label, _shape_text(row.output_shape),
                 "-" if row.kernel_shape is None else str(row.kernel_shape),
                 "(shared)" if row.repeated else (f"{row.params:,}" if row.params else "-"),
                 "-" if row.mult_adds is None else f"{row.mult_adds:,}"]
                for row in self.rows]
        widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]

        def line(cells):
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths)))

        rule = sum(widths) + 2 * (len(widths) - 1)
        totals = [("Total params", f"{self.total_params:,}"),
                  ("Trainable params", f"{self.trainable_params:,}"),
                  ("Non-trainable params", f"{self.non_trainable_params:,}"),
                  ("Mult-Adds", f"{self.total_mult_adds:,}"),
                  ("Input size", _bytes_text(self.input_bytes)),
                  ("Forward activations size", _bytes_text(self.activation_bytes)),
                  ("Params size", _bytes_text(self.param_bytes)),
                  ("Buffers size", _bytes_text(self.buffer_bytes)),
                  ("Estimated total size", _bytes_text(self.total_bytes))]
        key_width = max(len(k) for k, _ in totals)
        rule = max(rule, key_width + 2 + max(len(v) for _, v in totals))
        lines = ["=" * rule, line(header), "-" * rule]
        lines += [line(cells) for cells in body]
        lines.append("-" * rule)
        lines += [f"{key:<{key_width}}  {value}" for key, value in totals[:4]]
        lines.append("-" * rule)
        lines += [f"{key:<{key_width}}  {value}" for key, value in totals[4:]]
        lines.append("=" * rule)
        return "\n".join(lines)


def summary(model, example_input, *args, include_containers=False, show=True, **kwargs):
    """Run ``model(example_input, *args, **kwargs)`` once and tabulate what each layer did.

    One forward pass under ``no_grad`` in evaluation mode (BatchNorm's running statistics are
    left alone, Dropout is off), with a forward hook on every module recording the output shape;
    the hooks are removed and every module's training flag restored afterwards, also when the
    forward raises.

    Parameters
    ----------
    model : Module
    example_input : Tensor or array_like
        The first argument of ``forward``, e.g. a batch of one image ``kp.zeros(1, 3, 32, 32)``.
    *args, **kwargs
        Further arguments of ``forward``.
    include_containers : bool, default False
        Also list the modules that have children (Sequential, blocks), before their children.
        Leaves, and containers that own parameters directly, are always listed.
    show : bool, default True
        Print the table.

    Returns
    -------
    Summary
        ``rows``, ``total_params``, ``trainable_params``, ``non_trainable_params``,
        ``total_mult_adds`` and the memory estimate; ``str()`` is the printed table.

    Examples
    --------
    >>> import konspekt as kp
    >>> net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.ReLU(), kp.nn.Linear(8, 2))
    >>> result = kp.train.summary(net, kp.zeros(1, 4), show=False)
    >>> result.total_params, [row.output_shape for row in result.rows]
    (58, [[1, 8], [1, 8], [1, 2]])
    """
    if not isinstance(example_input, Tensor):
        example_input = Tensor(example_input)
    names = {}
    depths = {}
    for name, module in model.named_modules():
        names[module] = name
        depths[module] = name.count(".") + 1 if name else 0
    # A row is opened before the module's forward (so a container comes before its children)
    # and completed after it, when the output is known.
    rows, open_rows, seen, handles = [], {}, set(), []

    def before(module, inputs):
        row = SummaryRow(names[module], type(module).__name__, depths[module])
        row.leaf = not any(True for _ in module.children())
        row.repeated = module in seen
        seen.add(module)
        if not row.repeated:
            own = list(module.parameters(recurse=row.leaf))
            row.params = sum(p.numel() for p in own)
            row.trainable_params = sum(p.numel() for p in own if p.requires_grad)
            row.non_trainable_params = row.params - row.trainable_params
        weight = module._parameters.get("weight")
        if weight is not None:
            row.kernel_shape = list(weight.shape)
        rows.append(row)
        open_rows.setdefault(module, []).append(row)

    def after(module, inputs, output):
        # A module running inside itself (recursion) closes its innermost call first.
        row = open_rows[module].pop()
        tensors = _tensors(output)
        shapes = [list(t.shape) for t in tensors]
        row.output_shape = shapes[0] if len(shapes) == 1 else shapes
        row.output_bytes = sum(t.data.nbytes for t in tensors)
        row.mult_adds = _mult_adds(module, inputs, tensors)

    for module in names:
        listed = (include_containers or not any(True for _ in module.children())
                  or any(p is not None for p in module._parameters.values()))
        if listed:
            handles.append(module.register_forward_pre_hook(before))
            handles.append(module.register_forward_hook(after))
    modes = {module: module.training for module in names}
    try:
        model.eval()
        with no_grad():
            model(example_input, *args, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
        for module, mode in modes.items():
            object.__setattr__(module, "training", mode)
    input_bytes = sum(t.data.nbytes for t in _tensors((example_input, args, kwargs)))
    result = Summary(rows, model, input_bytes)
    if show:
        print(result)
    return result


def _tensors(value):
    """The tensors in a (nested) output: a tensor, tuple, list or dict of them."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _tensors(item)]
    return []


def _bytes_text(count):
    """A byte count in the largest unit that keeps it at or above 1: '3.52 MiB', '96 B'."""
    if count < 1024:
        return f"{count} B"
    for unit in ("KiB", "MiB", "GiB"):
        count /= 1024
        if count < 1024 or unit == "GiB":
            return f"{count:.2f} {unit}"


def _shape_text(shape):
    if shape is None:
        return "-"
    return str(shape) if not shape or not isinstance(shape[0], list) else \
        ", ".join(str(s) for s in shape)


def _mult_adds(module, inputs, outputs):
    """Multiply-adds of one call for the layers with a plain formula, else None."""
    weight = module._parameters.get("weight")
    if weight is None or not outputs:
        return None
    kinds = {cls.__name__ for cls in type(module).__mro__}
    out = outputs[0]
    if "Linear" in kinds:
        # Each output element is a dot product of length in_features.
        return out.numel() * weight.shape[-1]
    if any(k.startswith("ConvTranspose") for k in kinds):
        # Each input element is scattered into out/groups · ∏K outputs.
        first = _tensors(inputs)
        return first[0].numel() * (weight.numel() // weight.shape[0]) if first else None
    if any(k.startswith("Conv") for k in kinds):
        # Each output element is a dot product over (in/groups) · ∏K inputs.
        return out.numel() * (weight.numel() // weight.shape[0])
    return None
