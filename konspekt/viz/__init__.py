"""``konspekt.viz``: pictures of what the library computes.

So far the computational graph, ``draw_graph``; plots come with the chapters that need them.
Nothing in konspekt's core imports this package, and it needs no plotting library to be imported.
"""

from .graph import draw_graph

__all__ = ["draw_graph"]
