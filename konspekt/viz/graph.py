"""Drawing the computational graph that autograd recorded, as Graphviz DOT text.

The lecture draws F = sin(x + y) as

    x ──┐
        ├─> AddBackward ──> SinBackward ──> F
    y ──┘

one box per leaf variable, one per operation, and arrows in the direction the values flow. The
graph autograd keeps points the other way — each node knows the nodes its gradient goes to
(``grad_fn.next_functions``) — so ``draw_graph`` walks it from the output back to the leaves and
turns every arrow around.

Only the public node API is used: ``tensor.grad_fn``, ``node.name()``, ``node.next_functions``
and ``AccumulateGrad.variable``. Rendering calls the Graphviz ``dot`` program when it is
installed; no Python package is needed for either.
"""

import os
import shutil
import subprocess
import uuid
import warnings
from collections import deque

from ..autograd import Tensor

__all__ = ["draw_graph"]

FORMATS = ("svg", "png", "pdf")

# Colours as torchviz uses them, so the picture looks familiar: leaves blue, output green.
_LEAF_STYLE = 'fillcolor="lightblue"'
_OPERATION_STYLE = 'fillcolor="lightgrey"'
_OUTPUT_STYLE = 'fillcolor="darkolivegreen1"'


def draw_graph(tensor, params=None, path=None, format="svg", show_shapes=True):
    """Draw the computational graph that produced ``tensor``, as DOT text.

    The graph has one node per leaf tensor that requires grad, one per recorded operation
    (labelled with its backward node's name, e.g. ``SinBackward``) and one for the output. An edge
    u → v means that v's forward computation used u, so arrows run leaf → operation → … → output
    as in the lecture's figure. A value used twice (a shared subexpression) is one node with two
    outgoing edges — exactly where backward adds up the two gradient contributions.

    Parameters
    ----------
    tensor : Tensor or sequence of Tensor
        The output(s) whose history is drawn.
    params : dict of str to Tensor, optional
        Names for tensors, e.g. ``dict(x=x, y=y)``; an iterable of (name, tensor) pairs is also
        accepted. A named leaf is labelled with its name; a named output or intermediate result
        puts its name on its node. Unnamed leaves are labelled ``leaf``, unnamed outputs
        ``output``.
    path : str or os.PathLike, optional
        Where to write the picture, e.g. ``"out/graph.svg"``. The DOT text goes next to it
        (``out/graph.dot``) and the Graphviz ``dot`` program, when it is on ``PATH``, renders it to
        ``path``; without ``dot`` only the ``.dot`` file is written and a warning says so. A path
        ending in ``.dot`` or with no extension gets the picture at ``<stem>.<format>``. Missing
        folders are created; each file is written whole or not at all (temporary file, then
        rename).
    format : {"svg", "png", "pdf"}, default "svg"
        Image format for ``path``.
    show_shapes : bool, default True
        Add the shape to the labels of leaves and outputs.

    Returns
    -------
    str
        The graph in the DOT language.

    Raises
    ------
    TypeError
        If ``tensor`` or a value of ``params`` is not a Tensor.
    ValueError
        If ``format`` is unknown or contradicts the extension of ``path``.
    RuntimeError
        If ``dot`` is installed but fails to render.

    Examples
    --------
    >>> import konspekt as kp
    >>> from konspekt.viz import draw_graph
    >>> x = kp.tensor([1.0, 2.0], requires_grad=True)
    >>> y = kp.tensor([0.5, 0.5], requires_grad=True)
    >>> F = kp.sin(x + y)
    >>> print(draw_graph(F, params={"x": x, "y": y, "F": F}))  # doctest: +NORMALIZE_WHITESPACE
    digraph computational_graph {
        graph [rankdir=LR];
        node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];
        n0 [label="F\\n(2,)", fillcolor="darkolivegreen1"];
        n1 [label="SinBackward", fillcolor="lightgrey"];
        n2 [label="AddBackward", fillcolor="lightgrey"];
        n3 [label="x\\n(2,)", fillcolor="lightblue"];
        n4 [label="y\\n(2,)", fillcolor="lightblue"];
        n1 -> n0;
        n2 -> n1;
        n3 -> n2;
        n4 -> n2;
    }
    """
    outputs = _as_tensor_list(tensor)
    named = _named_tensors(params)
    if format not in FORMATS:
        raise ValueError(f"draw_graph: format must be one of {FORMATS}, got {format!r}")
    text = _to_dot(outputs, named, show_shapes)
    if path is not None:
        _write_and_render(text, os.fspath(path), format)
    return text


def _as_tensor_list(tensor):
    if isinstance(tensor, Tensor):
        return [tensor]
    items = list(tensor) if isinstance(tensor, (list, tuple)) else []
    if not items or not all(isinstance(t, Tensor) for t in items):
        raise TypeError("draw_graph: expected a Tensor or a non-empty sequence of Tensors, got "
                        f"{type(tensor).__name__}")
    return items


def _named_tensors(params):
    """The (name, tensor) pairs of ``params``, checked."""
    if params is None:
        return []
    pairs = list(params.items() if hasattr(params, "items") else params)
    for name, value in pairs:
        if not isinstance(value, Tensor):
            raise TypeError(f"draw_graph: params[{name!r}] must be a Tensor, got "
                            f"{type(value).__name__}")
    return [(str(name), value) for name, value in pairs]


class _Graph:
    """Nodes in the order they were first met (so the DOT text is reproducible) and edges."""

    def __init__(self):
        self.ids = {}
        self.lines = []
        self.edges = []

    def node(self, key, label, style):
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            self.lines.append(f'    {self.ids[key]} [label="{label}", {style}];')
        return self.ids[key]

    def edge(self, source, target):
        self.edges.append(f"    {source} -> {target};")


def _to_dot(outputs, named, show_shapes):
    # Tensors are matched by identity: two tensors holding equal values are different nodes.
    tensor_names = {id(t): name for name, t in named}
    output_ids = {id(t) for t in outputs}
    # A name given to an intermediate result goes onto the operation that computed it.
    operation_names = {id(t.grad_fn): name for name, t in named
                       if t.grad_fn is not None and id(t) not in output_ids}
    graph = _Graph()
    pending = deque()
    for index, out in enumerate(outputs):
        default = "output" if len(outputs) == 1 else f"output {index}"
        out_id = graph.node(("tensor", id(out)),
                            _label(tensor_names.get(id(out), default), out, show_shapes),
                            _OUTPUT_STYLE)
        if out.grad_fn is not None:
            pending.append((out.grad_fn, out_id))
    # A queue, not recursion: an unrolled RNN easily has more nodes than Python's stack allows.
    while pending:
        fn, consumer = pending.popleft()
        key = ("operation", id(fn))
        first_visit = key not in graph.ids
        fn_id = graph.node(key, _operation_label(fn, operation_names.get(id(fn))),
                           _OPERATION_STYLE)
        graph.edge(fn_id, consumer)
        if not first_visit:
            continue
        for next_node, _ in fn.next_functions:
            if next_node is None:
                continue
            leaf = getattr(next_node, "variable", None)
            if leaf is None:
                pending.append((next_node, fn_id))
                continue
            # AccumulateGrad objects are made afresh on every access to next_functions, so a
            # leaf is keyed by its tensor.
            leaf_id = graph.node(("tensor", id(leaf)),
                                 _label(tensor_names.get(id(leaf), "leaf"), leaf, show_shapes),
                                 _LEAF_STYLE)
            graph.edge(leaf_id, fn_id)
    return "\n".join(["digraph computational_graph {",
                      "    graph [rankdir=LR];",
                      '    node [shape=box, style="rounded,filled", fontname="Helvetica", '
                      "fontsize=11];",
                      *graph.lines, *graph.edges, "}"]) + "\n"


def _escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _label(name, tensor, show_shapes):
    lines = [_escape(name)]
    if show_shapes:
        lines.append(str(tuple(tensor.shape)))
    return "\\n".join(lines)


def _operation_label(fn, result_name):
    label = _escape(fn.name() if hasattr(fn, "name") else type(fn).__name__)
    return label if result_name is None else f"{label}\\n{_escape(result_name)}"


def _write_and_render(text, path, format):
    stem, extension = os.path.splitext(path)
    if extension in ("", ".dot"):
        image_path = f"{stem}.{format}"
    elif extension[1:].lower() == format:
        image_path = path
    else:
        raise ValueError(f"draw_graph: path {path!r} ends in {extension!r} but format={format!r}; "
                         f"use a path ending in '.{format}' or pass format={extension[1:]!r}")
    dot_path = f"{stem}.dot"
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    _write_atomically(dot_path, text.encode("utf-8"))

    program = shutil.which("dot")
    if program is None:
        warnings.warn(f"draw_graph: the Graphviz program 'dot' is not on PATH, so only "
                      f"{dot_path} was written, not {image_path}. Install Graphviz "
                      "(e.g. apt install graphviz) to render it.", stacklevel=3)
        return
    temporary = _temporary_name(image_path)
    try:
        result = subprocess.run([program, f"-T{format}", dot_path, "-o", temporary],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"draw_graph: 'dot -T{format}' failed on {dot_path} "
                               f"(exit status {result.returncode}): {result.stderr.strip()}")
        os.replace(temporary, image_path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _temporary_name(path):
    # Beside the target, so that os.replace is a rename within one file system. Not mkstemp:
    # its files are private (0600) and would stay so after the rename.
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")


def _write_atomically(path, data):
    """A reader never sees half a file: write a temporary file beside it, then rename."""
    temporary = _temporary_name(path)
    try:
        with open(temporary, "xb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
