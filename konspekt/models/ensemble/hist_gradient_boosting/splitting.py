"""The best split of a node from its gradient histogram (XGBoost's exact greedy search over the
bins).

With G, H the sums of gᵢ, hᵢ over the node and G_L, H_L / G_R, H_R over the candidate left /
right child, the optimal leaf value of a set of samples under the second-order expansion of
the loss with L2 leaf regularisation λ is w* = −G / (H + λ), and the loss reduction of a split
(Chen & Guestrin 2016, eq. 7, without the complexity penalty γ) is

    gain = ½ [ G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ) ].

For each feature the cumulative sums are scanned over the bins (b = 0, 1, …: left = bins ≤ b).
Missing values (their own bin) are sent right in a left-to-right scan, and — for a feature that
had missing values in training — left in a second, right-to-left scan; the direction with the
larger gain wins. The last non-missing bin as threshold with missing values right is the
"split on missing" (all known values left). A candidate is skipped when a child would have
fewer than ``min_samples_leaf`` samples or a Hessian sum below ``min_hessian_to_split``; the
first feature / bin reaching the largest gain (strictly above 0) is kept.

Categorical features (Fisher 1958, "On grouping for maximum homogeneity", as LightGBM and
scikit-learn): the categories of the node (missing values as one more category) with a Hessian
sum of at least 10 (rescaled by n / H) are ordered by G_c / (H_c + 10); the left child takes a
prefix of that order, scanned from the left and from the right up to half of the categories
(the rare categories always go right). The chosen set is written into ``category_left``.

Monotonic constraints (as scikit-learn's): the children values are clipped to the bounds the
node inherited, and a split whose values w_L, w_R go against the feature's constraint
(+1: w_L ≤ w_R, −1: w_L ≥ w_R) is skipped; the gain is then ½ (G·w − G_L·w_L − G_R·w_R) with
the clipped values, which is the formula above when nothing is clipped.

As scikit-learn, the node's own term uses the value the node was given (−G/(H + λ) for every
node but the root, whose value is 0): at the root the term G²/(H + λ) is left out, which only
shifts all the root's gains by one constant. A tiny 1e-15 is added to every denominator.
"""


import numpy as np

from ....utils.accel import njit

__all__ = ["find_best_split", "node_value"]

# LightGBM's cat_smooth: the smallest Hessian sum of a category, and the smoothing of G_c / H_c.
_MIN_CATEGORY_SUPPORT = 10.0


@njit
def node_value(sum_gradients, sum_hessians, l2_regularization):
    """The optimal leaf value w* = −G / (H + λ) of the second-order expansion."""
    return -sum_gradients / (sum_hessians + l2_regularization + 1e-15)


@njit
def _split_gain(gradients_left, hessians_left, gradients_right, hessians_right, node_loss,
                monotonic, lower_bound, upper_bound, l2_regularization):
    """½ (G·w − G_L·w_L − G_R·w_R) with the children values w clipped to the bounds; −1 when
    w_L, w_R break the monotonic constraint (+1: w_L ≤ w_R, −1: w_L ≥ w_R)."""
    value_left = min(max(node_value(gradients_left, hessians_left, l2_regularization),
                         lower_bound), upper_bound)
    value_right = min(max(node_value(gradients_right, hessians_right, l2_regularization),
                          lower_bound), upper_bound)
    if (monotonic == 1 and value_left > value_right) or \
            (monotonic == -1 and value_left < value_right):
        return -1.0
    return (node_loss - gradients_left * value_left - gradients_right * value_right) * 0.5


@njit
def find_best_split(histogram, n_bins_non_missing, has_missing_values, is_categorical,
                    monotonic_cst, allowed_features, sum_gradients, sum_hessians, value,
                    lower_bound, upper_bound, n_samples, l2_regularization, min_samples_leaf,
                    min_hessian_to_split, category_left):
    """The best split of a node over the ``allowed_features`` (a 0/1 mask), its children's
    values kept within [lower_bound, upper_bound] and ordered as ``monotonic_cst`` asks.

    Returns
    -------
    gain, feature, bin, missing_go_to_left, sum_gradients_left, sum_hessians_left,
    n_samples_left : the split (gain −1 and feature −1 when no split is valid). For a
    categorical split, bin is 0 and ``category_left`` (uint8, one entry per histogram column,
    the last for missing values) is set to 1 for the categories sent left.
    """
    node_loss = sum_gradients * value
    best = (-1.0, -1, 0, False, 0.0, 0.0, 0.0)
    n_columns = histogram.shape[1]
    category_bins = np.empty(n_columns, dtype=np.int64)
    category_values = np.empty(n_columns)
    for j in range(histogram.shape[0]):
        if not allowed_features[j]:
            continue
        feature_gain = -1.0
        feature_best = (-1.0, -1, 0, False, 0.0, 0.0, 0.0)
        if is_categorical[j]:
            # Candidate categories, ordered by their smoothed value G_c / (H_c + 10).
            support = n_samples / sum_hessians
            n_used = 0
            for b in range(n_bins_non_missing[j] + has_missing_values[j]):
                column = b if b < n_bins_non_missing[j] else n_columns - 1
                if histogram[j, column, 1] * support >= _MIN_CATEGORY_SUPPORT:
                    category_bins[n_used] = column
                    category_values[n_used] = histogram[j, column, 0] / (
                        histogram[j, column, 1] + _MIN_CATEGORY_SUPPORT)
                    n_used += 1
            if n_used <= 1:
                continue
            order = np.argsort(category_values[:n_used], kind="mergesort")
            chosen_end = -1
            chosen_direction = 1
            for direction in (1, -1):
                middle = (n_used + 1) // 2 if direction == 1 else (n_used + 1) // 2 - 1
                gradients_left = 0.0
                hessians_left = 0.0
                count_left = 0.0
                for i in range(middle):
                    position = i if direction == 1 else n_used - 1 - i
                    column = category_bins[order[position]]
                    gradients_left += histogram[j, column, 0]
                    hessians_left += histogram[j, column, 1]
                    count_left += histogram[j, column, 2]
                    count_right = n_samples - count_left
                    hessians_right = sum_hessians - hessians_left
                    if count_left < min_samples_leaf or hessians_left < min_hessian_to_split:
                        continue
                    if count_right < min_samples_leaf or \
                            hessians_right < min_hessian_to_split:
                        break
                    gradients_right = sum_gradients - gradients_left
                    gain = _split_gain(gradients_left, hessians_left, gradients_right,
                                       hessians_right, node_loss, monotonic_cst[j],
                                       lower_bound, upper_bound, l2_regularization)
                    if gain > feature_gain and gain > 0.0:
                        feature_gain = gain
                        chosen_end = position
                        chosen_direction = direction
                        feature_best = (gain, j, 0, False, gradients_left, hessians_left,
                                        count_left)
            if feature_gain > best[0]:
                category_left[:] = 0
                first, last = (0, chosen_end) if chosen_direction == 1 \
                    else (chosen_end, n_used - 1)
                for position in range(first, last + 1):
                    category_left[category_bins[order[position]]] = 1
                missing_left = has_missing_values[j] == 1 and category_left[n_columns - 1] == 1
                best = (feature_best[0], j, 0, missing_left, feature_best[4], feature_best[5],
                        feature_best[6])
            continue
        # Pass 1, left to right: the missing values (last bin) go right.
        end = n_bins_non_missing[j] - 1 + has_missing_values[j]
        gradients_left = 0.0
        hessians_left = 0.0
        count_left = 0.0
        for b in range(end):
            gradients_left += histogram[j, b, 0]
            hessians_left += histogram[j, b, 1]
            count_left += histogram[j, b, 2]
            count_right = n_samples - count_left
            hessians_right = sum_hessians - hessians_left
            if count_left < min_samples_leaf:
                continue
            if count_right < min_samples_leaf:
                break
            if hessians_left < min_hessian_to_split:
                continue
            if hessians_right < min_hessian_to_split:
                break
            gradients_right = sum_gradients - gradients_left
            gain = _split_gain(gradients_left, hessians_left, gradients_right,
                               hessians_right, node_loss, monotonic_cst[j],
                               lower_bound, upper_bound, l2_regularization)
            if gain > feature_gain and gain > 0.0:
                feature_gain = gain
                feature_best = (gain, j, b, False, gradients_left, hessians_left, count_left)
        # Pass 2, right to left (only where missing values were seen): they go left.
        if has_missing_values[j]:
            gradients_right = 0.0
            hessians_right = 0.0
            count_right = 0.0
            for b in range(n_bins_non_missing[j] - 2, -1, -1):
                gradients_right += histogram[j, b + 1, 0]
                hessians_right += histogram[j, b + 1, 1]
                count_right += histogram[j, b + 1, 2]
                count_left = n_samples - count_right
                hessians_left = sum_hessians - hessians_right
                if count_right < min_samples_leaf:
                    continue
                if count_left < min_samples_leaf:
                    break
                if hessians_right < min_hessian_to_split:
                    continue
                if hessians_left < min_hessian_to_split:
                    break
                gradients_left = sum_gradients - gradients_right
                gain = _split_gain(gradients_left, hessians_left, gradients_right,
                                   hessians_right, node_loss, monotonic_cst[j],
                                   lower_bound, upper_bound, l2_regularization)
                if gain > feature_gain and gain > 0.0:
                    feature_gain = gain
                    feature_best = (gain, j, b, True, gradients_left, hessians_left,
                                    count_left)
        if feature_gain > best[0]:
            best = feature_best
    return best
