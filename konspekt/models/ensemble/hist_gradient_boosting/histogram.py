"""Gradient histograms: for a node's samples S and each feature j and bin b,

    G_jb = Σ_{i∈S, bin_j(xᵢ)=b} gᵢ,   H_jb = Σ_{i∈S, bin_j(xᵢ)=b} hᵢ,   n_jb = #{i∈S : bin_j(xᵢ)=b}.

Everything a split search needs comes from these sums, in O(features × bins) instead of a pass
over the samples. The subtraction trick: a child's histogram is its parent's minus its
sibling's, so after a split only the child with fewer samples is summed (the larger one is
``parent − smaller``), which at least halves the work per level.

The histogram has ``n_bins`` = (the largest number of non-missing bins) + 1 columns, the last
one for the missing values whatever their bin index in the binned data, so that features with
few distinct values keep histograms small.

When the Hessian is constant (unweighted squared / absolute / quantile loss, h = 1), H_jb is
the count n_jb.
"""

import numpy as np

from ....utils.accel import njit

__all__ = ["build_histogram", "subtract_histogram"]


@njit
def build_histogram(X_binned, sample_indices, gradients, hessians, constant_hessian, n_bins,
                    missing_bin):
    """The histogram of the samples ``sample_indices``: an array of shape
    (n_features, n_bins, 3) holding G_jb, H_jb and n_jb (float64), summed in sample order; the
    samples in bin ``missing_bin`` are counted in the last column.

    ``gradients`` and ``hessians`` are the float32 per-sample arrays of the whole training set.
    """
    n_features = X_binned.shape[1]
    n_node = sample_indices.shape[0]
    histogram = np.zeros((n_features, n_bins, 3))
    # Gathered once so that every feature's pass reads them contiguously.
    node_gradients = np.empty(n_node)
    node_hessians = np.empty(n_node)
    for i in range(n_node):
        node_gradients[i] = gradients[sample_indices[i]]
        node_hessians[i] = 1.0 if constant_hessian else hessians[sample_indices[i]]
    for j in range(n_features):
        column = X_binned[:, j]
        for i in range(n_node):
            b = column[sample_indices[i]]
            if b == missing_bin:
                b = n_bins - 1
            histogram[j, b, 0] += node_gradients[i]
            histogram[j, b, 1] += node_hessians[i]
            histogram[j, b, 2] += 1.0
    return histogram


def subtract_histogram(parent, sibling):
    """The histogram of a child from its parent's and its sibling's: parent − sibling."""
    return parent - sibling
