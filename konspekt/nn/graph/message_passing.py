"""``MessagePassing``: the base class of graph layers.

One round of message passing (the course's scheme, and PyTorch Geometric's) updates every node v
from the messages of its neighbours u ∈ N(v), the senders of the edges that v receives:

  m_uv    = MESSAGE(h_u^(k−1), h_v^(k−1), e_uv)           one message per edge (u → v)
  a_v     = AGG({m_uv : u ∈ N(v)})                        sum, mean or max over v's edges
  h_v^(k) = UPDATE(h_v^(k−1), a_v)

A layer subclasses ``MessagePassing``, chooses AGG (``aggr``) and overrides ``message`` and, if it
needs to, ``update`` (and ``aggregate``); its ``forward`` calls ``propagate(edge_index, **tensors)``.
"""

import inspect

from ..modules.module import Module
from .edges import check_edge_index
from .scatter import gather, scatter

__all__ = ["MessagePassing"]

_AGGREGATIONS = ("sum", "mean", "max")


class MessagePassing(Module):
    """Base class of message-passing layers: h_v' = UPDATE(h_v, AGG_{u ∈ N(v)} MESSAGE(h_u, h_v,
    e_uv)).

    ``propagate(edge_index, **kwargs)`` runs the three steps. The arguments of ``message`` are
    filled in by name:

    * ``name_j``: the tensor ``kwargs[name]`` (one row per node) read at the sender s_k of each
      edge — h_u; ``name_i``: read at the receiver r_k — h_v;
    * ``index``: the receivers r_k (to normalise over a node's incoming edges);
      ``num_nodes``: N; ``edge_index``: the edges;
    * any other name: ``kwargs[name]`` as it is (e.g. ``edge_attr``, one row per edge).

    ``aggregate(messages, index, num_nodes)`` reduces the messages (E, …) by receiver to (N, …);
    ``update(aggregated, **kwargs)`` receives the arguments of ``propagate`` that its signature
    names and returns the new node states (by default ``aggregated`` itself).

    Parameters
    ----------
    aggr : {"sum", "mean", "max"}, default "sum"
        AGG. A node without incoming edges aggregates to 0.
    flow : {"source_to_target", "target_to_source"}, default "source_to_target"
        Whether messages go along the edges (row 0 sends, row 1 receives) or against them.

    Examples
    --------
    >>> class Neighbours(MessagePassing):
    ...     def forward(self, x, edge_index):
    ...         return self.propagate(edge_index, x=x)
    ...     def message(self, x_j):
    ...         return x_j
    >>> Neighbours(aggr="sum")(kp.tensor([[1.0], [2.0], [4.0]]), [[0, 1], [2, 2]]).tolist()
    [[0.0], [0.0], [3.0]]
    """

    def __init__(self, aggr="sum", flow="source_to_target"):
        super().__init__()
        if aggr not in _AGGREGATIONS:
            raise ValueError(f"argument 'aggr' must be one of {list(_AGGREGATIONS)}, got {aggr!r}")
        if flow not in ("source_to_target", "target_to_source"):
            raise ValueError(f"argument 'flow' must be 'source_to_target' or 'target_to_source', "
                             f"got {flow!r}")
        self.aggr = aggr
        self.flow = flow

    def propagate(self, edge_index, num_nodes=None, **kwargs):
        """One round of message passing: message on every edge, aggregate by receiver, update.

        Parameters
        ----------
        edge_index : Tensor or array of int, shape (2, E)
        num_nodes : int, optional
            N; when omitted, the rows of a node tensor that ``message`` reads per node (``x`` for
            ``x_i`` or ``x_j``), else of ``x``.
        **kwargs : Tensor
            The tensors ``message`` and ``update`` ask for by name.

        Returns
        -------
        Tensor, shape (N, …)
        """
        message_names = _parameter_names(self.message)
        if num_nodes is None:
            num_nodes = self._infer_num_nodes(message_names, kwargs)
        edge_index = check_edge_index(edge_index, num_nodes)
        senders, receivers = edge_index.data
        if self.flow == "target_to_source":
            senders, receivers = receivers, senders
        arguments = {}
        for name in message_names:
            arguments[name] = self._message_argument(name, kwargs, senders, receivers,
                                                     edge_index, num_nodes)
        messages = self.message(**arguments)
        aggregated = self.aggregate(messages, receivers, num_nodes)
        update_names = _parameter_names(self.update)[1:]
        return self.update(aggregated, **{n: kwargs[n] for n in update_names if n in kwargs})

    def _infer_num_nodes(self, names, kwargs):
        for name in names:
            base = name[:-2]
            if name[-2:] in ("_i", "_j") and base in kwargs:
                return kwargs[base].shape[0]
        if "x" in kwargs:
            return kwargs["x"].shape[0]
        raise ValueError(f"{type(self).__name__}.propagate(): give 'num_nodes', or a node tensor "
                         f"that message() reads per node (as x for x_i or x_j)")

    def _message_argument(self, name, kwargs, senders, receivers, edge_index, num_nodes):
        if name == "index":
            return receivers
        if name == "num_nodes":
            return num_nodes
        if name == "edge_index":
            return edge_index
        if name in kwargs:
            return kwargs[name]
        base, side = name[:-2], name[-2:]
        if side in ("_i", "_j") and base in kwargs:
            nodes = kwargs[base]
            if nodes.shape[0] != num_nodes:
                raise ValueError(f"{type(self).__name__}.propagate(): argument '{base}' must have "
                                 f"one row per node ({num_nodes}), got shape "
                                 f"{tuple(nodes.shape)}")
            return gather(nodes, receivers if side == "_i" else senders)
        raise TypeError(f"{type(self).__name__}.message() needs '{name}', which propagate() was "
                        f"not given (it got {sorted(kwargs)})")

    def message(self, x_j):
        """The message m_uv on each edge; by default the sender's state h_u."""
        return x_j

    def aggregate(self, messages, index, num_nodes):
        """a_v = AGG_{k: r_k = v} m_k, with AGG = ``self.aggr``.

        Parameters
        ----------
        messages : Tensor, shape (E, …)
        index : array of int, shape (E,)
            The receivers r_k.
        num_nodes : int

        Returns
        -------
        Tensor, shape (num_nodes, …)
        """
        return scatter(messages, index, num_nodes, reduce=self.aggr)

    def update(self, aggregated):
        """h_v' from the aggregate a_v; by default a_v itself."""
        return aggregated

    def extra_repr(self):
        return f"aggr={self.aggr!r}"


def _parameter_names(method):
    return list(inspect.signature(method).parameters)
