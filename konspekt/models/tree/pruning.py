"""Minimal cost-complexity pruning (Breiman et al., 1984, ch. 3).

With R(t) = (N_t / N_X)·G(t) the weighted impurity of node t and R(T_t) = Σ_{leaves l of T_t} R(l)
that of the branch T_t below it, the cost complexity of a tree T is R_α(T) = R(T) + α·|leaves(T)|.
Collapsing T_t into the leaf t changes it by R(t) − R(T_t) − α·(|T_t| − 1), so the branch is
worth keeping only while α < α_eff(t) = (R(t) − R(T_t)) / (|T_t| − 1). The weakest link —
the internal node of smallest α_eff (the first in node order on ties) — is pruned, the
ancestors' R(T_t) and |T_t| are updated, and this repeats: the α_eff found are the
``ccp_alphas`` of the pruning path, increasing, and the R(T) after each step its
``impurities``. Fitting with ``ccp_alpha`` prunes while α_eff ≤ ccp_alpha.
"""

import numpy as np

from ...utils.accel import njit
from .tree_structure import TREE_LEAF, TREE_UNDEFINED, Tree


@njit(nogil=True)
def weakest_links(children_left, children_right, weighted_n_node_samples, impurity, ccp_alpha):
    """Prune weakest links while α_eff ≤ ``ccp_alpha`` (∞: until only the root is left).

    Returns
    -------
    is_leaf : uint8 (n_nodes,), the leaves of the pruned tree (1) among the nodes kept
    alphas, impurities : float64, the pruning path (α_eff, R(T)) starting at (0, R(T₀))
    """
    n_nodes = children_left.shape[0]
    total = weighted_n_node_samples[0]
    r_node = np.empty(n_nodes)
    for i in range(n_nodes):
        r_node[i] = weighted_n_node_samples[i] * impurity[i] / total
    parent = np.full(n_nodes, TREE_UNDEFINED, dtype=np.int64)
    is_leaf = np.zeros(n_nodes, dtype=np.uint8)
    for i in range(n_nodes):
        if children_left[i] == TREE_LEAF:
            is_leaf[i] = 1
        else:
            parent[children_left[i]] = i
            parent[children_right[i]] = i
    n_leaves = np.zeros(n_nodes, dtype=np.int64)
    r_branch = np.zeros(n_nodes)
    for leaf in range(n_nodes):
        if not is_leaf[leaf]:
            continue
        r_branch[leaf] = r_node[leaf]
        node = leaf
        while node != 0:
            node = parent[node]
            r_branch[node] += r_node[leaf]
            n_leaves[node] += 1
    candidate = np.empty(n_nodes, dtype=np.uint8)
    for i in range(n_nodes):
        candidate[i] = 1 - is_leaf[i]
    in_subtree = np.ones(n_nodes, dtype=np.uint8)
    alphas = np.empty(n_nodes)
    impurities = np.empty(n_nodes)
    alphas[0] = 0.0
    impurities[0] = r_branch[0]
    count = 1
    stack = np.empty(n_nodes + 1, dtype=np.int64)
    max_float = np.finfo(np.float64).max
    while candidate[0]:
        effective_alpha = max_float
        weakest = 0
        for i in range(n_nodes):
            if not candidate[i]:
                continue
            alpha = (r_node[i] - r_branch[i]) / (n_leaves[i] - 1)
            if alpha < effective_alpha:
                effective_alpha = alpha
                weakest = i
        if ccp_alpha < effective_alpha:
            break
        stack[0] = weakest
        top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            if not in_subtree[node]:
                continue
            candidate[node] = 0
            is_leaf[node] = 0
            in_subtree[node] = 0
            if children_left[node] != TREE_LEAF:
                stack[top] = children_left[node]
                stack[top + 1] = children_right[node]
                top += 2
        is_leaf[weakest] = 1
        in_subtree[weakest] = 1
        n_pruned = n_leaves[weakest] - 1
        n_leaves[weakest] = 0
        r_diff = r_node[weakest] - r_branch[weakest]
        r_branch[weakest] = r_node[weakest]
        node = parent[weakest]
        while node != TREE_UNDEFINED:
            n_leaves[node] -= n_pruned
            r_branch[node] += r_diff
            node = parent[node]
        alphas[count] = effective_alpha
        impurities[count] = r_branch[0]
        count += 1
    return is_leaf, alphas[:count], impurities[:count]


def pruning_path(tree):
    """{"ccp_alphas", "impurities"} of the full pruning sequence of ``tree``."""
    _, alphas, impurities = weakest_links(tree.children_left, tree.children_right,
                                          tree.weighted_n_node_samples, tree.impurity, np.inf)
    return {"ccp_alphas": alphas, "impurities": impurities}


def prune(tree, ccp_alpha):
    """The subtree of ``tree`` kept by minimal cost-complexity pruning with ``ccp_alpha``,
    renumbered in depth-first order (left before right)."""
    is_leaf, _, _ = weakest_links(tree.children_left, tree.children_right,
                                  tree.weighted_n_node_samples, tree.impurity, float(ccp_alpha))
    old_ids, new_left, new_right, depths = [], [], [], []
    stack = [(0, -1, False, 0)]
    while stack:
        node, parent, is_left, depth = stack.pop()
        new_id = len(old_ids)
        old_ids.append(node)
        new_left.append(TREE_LEAF)
        new_right.append(TREE_LEAF)
        depths.append(depth)
        if parent >= 0:
            (new_left if is_left else new_right)[parent] = new_id
        if not is_leaf[node]:
            stack.append((tree.children_right[node], new_id, False, depth + 1))
            stack.append((tree.children_left[node], new_id, True, depth + 1))
    old_ids = np.array(old_ids, dtype=np.intp)
    leaves = is_leaf[old_ids].astype(bool)
    feature = np.where(leaves, TREE_UNDEFINED, tree.feature[old_ids])
    threshold = np.where(leaves, float(TREE_UNDEFINED), tree.threshold[old_ids])
    nodes_int = np.column_stack([new_left, new_right, feature,
                                 tree.n_node_samples[old_ids]]).astype(np.int64)
    nodes_float = np.column_stack([threshold, tree.impurity[old_ids],
                                   tree.weighted_n_node_samples[old_ids]])
    return Tree(tree.n_features, tree.n_classes, tree.n_outputs, nodes_int, nodes_float,
                tree.value[old_ids].copy(), max(depths))
