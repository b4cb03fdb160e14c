"""``konspekt.viz``: pictures of what the library computes.

The computational graph (``draw_graph``) and the plots of training: learning curves
(``plot_history``), the confusion matrix (``plot_confusion_matrix``) and decision trees
(``plot_tree``). Nothing in konspekt's core
imports this package, and it needs no plotting library to be imported: matplotlib is loaded when a
plot is made.
"""

from .graph import draw_graph
from .plots import plot_confusion_matrix, plot_history, save_figure
from .tree import plot_tree

__all__ = ["draw_graph", "plot_confusion_matrix", "plot_history", "plot_tree", "save_figure"]
