"""Compiled split search of the decision trees: the best split of a node, or the best of random
splits (extremely randomised trees), following scikit-learn's ``BestSplitter`` and
``RandomSplitter`` step for step so that the trees come out identical.

Steps of ``node_split_best`` on the node ``samples[start:end]``:

1. Draw features without replacement (Fisher–Yates on the persistent ``features`` array, with
   the xorshift generator ``rand_r`` seeded from ``random_state``) until ``max_features``
   non-constant features were visited; features found constant in an ancestor are skipped.
2. For a drawn feature f, sort the node's samples by x_f (float32, introsort with a three-way
   partition); if max − min ≤ 1e−7 the feature is constant here and for the subtree.
3. Scan the positions between distinct values, skipping those leaving fewer than
   ``min_samples_leaf`` samples or less than ``min_weight_leaf`` weight in a child, and keep
   the position with the largest proxy improvement (the first one on ties). The threshold is
   the midpoint x_f[p−1]/2 + x_f[p]/2.
4. Partition the node's samples around the best threshold and compute the children's
   impurities and the information gain IG.
"""

import numpy as np

from ...utils.accel import njit
from ._absolute_error import LEFT_ERRORS, RIGHT_ERRORS, absolute_error_reset
from ._sort import sort, swap
from .criteria import (ABSOLUTE_ERROR, ENTROPY, GINI, POISSON, POISSON_EPSILON, SQUARED_ERROR,
                       W_NODE, children_impurity, impurity_improvement, log2, reset, update)

# Features whose values in a node span no more than this are constant there (float32 as in
# scikit-learn, so the comparison is made in single precision).
FEATURE_THRESHOLD = np.float32(1e-7)
RAND_R_MAX = 0x7FFFFFFF


@njit(nogil=True)
def rand_r(state):
    """The xorshift step of scikit-learn's ``our_rand_r``: the next integer in [0, 2³¹ − 1]."""
    seed = state[0]
    if seed == 0:
        seed = 1
    seed ^= (seed << 13) & 0xFFFFFFFF
    seed ^= seed >> 17
    seed ^= (seed << 5) & 0xFFFFFFFF
    state[0] = seed
    return seed % (RAND_R_MAX + 1)


@njit(nogil=True)
def rand_int(low, high, state):
    """An integer in [low, high)."""
    return low + rand_r(state) % (high - low)


@njit(nogil=True)
def rand_uniform(low, high, state):
    """A float in [low, high)."""
    return ((high - low) * float(rand_r(state)) / float(RAND_R_MAX)) + low


@njit(nogil=True)
def _scan(y, sample_weight, samples, feature_values, start, end, only_pos, min_samples_leaf,
          min_weight_leaf, criterion, n_classes, sums, w_node, mae_buffers):
    """Step 3: the first position of largest proxy improvement, and that proxy.

    The positions are those between distinct sorted feature values, or ``only_pos`` alone when
    it is ≥ 0 (the random splitter's partition). The running sums are kept in local
    variables — the arithmetic, and its order, of scikit-learn's ``Criterion.update`` and
    ``proxy_impurity_improvement``, without a function call per position.
    """
    n_outputs = sums.shape[1]
    total = sums[0]
    left = sums[1]
    right = sums[2]
    classification = criterion <= ENTROPY
    best_pos = end
    best_proxy = -np.inf
    for k in range(n_outputs):
        for c in range(sums.shape[2]):
            left[k, c] = 0.0
    if criterion == ABSOLUTE_ERROR:
        absolute_error_reset(y, sample_weight, samples, start, end, mae_buffers)
    w_left = 0.0
    pos = start
    p = start if only_pos < 0 else only_pos - 1
    while p < end:
        if only_pos < 0:
            p += 1
            while p < end and feature_values[p] <= feature_values[p - 1] + FEATURE_THRESHOLD:
                p += 1
            if p == end:
                continue
        else:
            p = only_pos
        if p - start < min_samples_leaf or end - p < min_samples_leaf:
            if only_pos >= 0:
                break
            continue
        if (p - pos) <= (end - p) or criterion == ABSOLUTE_ERROR:
            for q in range(pos, p):
                i = samples[q]
                w = sample_weight[i]
                for k in range(n_outputs):
                    if classification:
                        left[k, int(y[i, k])] += w
                    else:
                        left[k, 0] += w * y[i, k]
                w_left += w
        else:
            for k in range(n_outputs):
                for c in range(sums.shape[2]):
                    left[k, c] = total[k, c]
            w_left = w_node
            for q in range(end - 1, p - 1, -1):
                i = samples[q]
                w = sample_weight[i]
                for k in range(n_outputs):
                    if classification:
                        left[k, int(y[i, k])] -= w
                    else:
                        left[k, 0] -= w * y[i, k]
                w_left -= w
        pos = p
        w_right = w_node - w_left
        for k in range(n_outputs):
            for c in range(n_classes[k]):
                right[k, c] = total[k, c] - left[k, c]
        if w_left < min_weight_leaf or w_right < min_weight_leaf:
            if only_pos >= 0:
                break
            continue
        if criterion == SQUARED_ERROR:
            proxy_left = 0.0
            proxy_right = 0.0
            for k in range(n_outputs):
                proxy_left += left[k, 0] * left[k, 0]
                proxy_right += right[k, 0] * right[k, 0]
            proxy = proxy_left / w_left + proxy_right / w_right
        elif criterion == POISSON:
            proxy_left = 0.0
            proxy_right = 0.0
            empty_mean = False
            for k in range(n_outputs):
                if left[k, 0] <= POISSON_EPSILON or right[k, 0] <= POISSON_EPSILON:
                    empty_mean = True
                    break
                proxy_left -= left[k, 0] * log2(left[k, 0] / w_left)
                proxy_right -= right[k, 0] * log2(right[k, 0] / w_right)
            proxy = -np.inf if empty_mean else -proxy_left - proxy_right
        elif criterion == ABSOLUTE_ERROR:
            impurity_left = mae_buffers[LEFT_ERRORS, p - 1] / (w_left * n_outputs)
            impurity_right = mae_buffers[RIGHT_ERRORS, p] / (w_right * n_outputs)
            proxy = -w_right * impurity_right - w_left * impurity_left
        else:
            impurity_left = 0.0
            impurity_right = 0.0
            for k in range(n_outputs):
                if criterion == GINI:
                    sq_left = 0.0
                    sq_right = 0.0
                    for c in range(n_classes[k]):
                        sq_left += left[k, c] * left[k, c]
                        sq_right += right[k, c] * right[k, c]
                    impurity_left += 1.0 - sq_left / (w_left * w_left)
                    impurity_right += 1.0 - sq_right / (w_right * w_right)
                else:
                    for c in range(n_classes[k]):
                        count = left[k, c]
                        if count > 0.0:
                            count /= w_left
                            impurity_left -= count * log2(count)
                        count = right[k, c]
                        if count > 0.0:
                            count /= w_right
                            impurity_right -= count * log2(count)
            proxy = (-w_right * (impurity_right / n_outputs)
                     - w_left * (impurity_left / n_outputs))
        if proxy > best_proxy:
            best_proxy = proxy
            best_pos = p
        if only_pos >= 0:
            break
    return best_pos, best_proxy


@njit(nogil=True)
def node_split(X, y, sample_weight, samples, feature_values, features, constant_features,
               start, end, impurity, n_known_constants, max_features, min_samples_leaf,
               min_weight_leaf, rng, random_splits, criterion, n_classes, sums, stats,
               mae_buffers):
    """Find the best split of ``samples[start:end]`` (see the module's docstring).

    With ``random_splits`` (extremely randomised trees) each drawn feature gets one threshold
    drawn uniformly between its minimum and maximum in the node instead of the scan of step 3.

    Returns
    -------
    (pos, feature, threshold, impurity_left, impurity_right, improvement, n_constants):
    ``pos == end`` when no split is valid; n_constants is the number of features known
    constant for the children.
    """
    best_pos = end
    best_feature = np.int64(0)
    best_threshold = 0.0
    best_proxy = -np.inf
    impurity_left = np.inf
    impurity_right = np.inf
    improvement = -np.inf
    n_features = features.shape[0]
    f_i = n_features
    n_visited = np.int64(0)
    n_found_constants = np.int64(0)
    n_drawn_constants = np.int64(0)
    n_total_constants = n_known_constants
    current_feature = -1
    no_position = np.int64(-1)
    while f_i > n_total_constants and (n_visited < max_features
                                       or n_visited <= n_found_constants + n_drawn_constants):
        n_visited += 1
        f_j = rand_int(n_drawn_constants, f_i - n_found_constants, rng)
        if f_j < n_known_constants:
            features[n_drawn_constants], features[f_j] = features[f_j], features[n_drawn_constants]
            n_drawn_constants += 1
            continue
        f_j += n_found_constants
        current_feature = features[f_j]
        column = X[:, current_feature]
        if random_splits:
            min_value = column[samples[start]]
            max_value = min_value
            feature_values[start] = min_value
            for p in range(start + 1, end):
                value = column[samples[p]]
                feature_values[p] = value
                if value < min_value:
                    min_value = value
                elif value > max_value:
                    max_value = value
            constant = max_value <= min_value + FEATURE_THRESHOLD
        else:
            for p in range(start, end):
                feature_values[p] = column[samples[p]]
            sort(feature_values, samples, start, end - start)
            constant = feature_values[end - 1] <= feature_values[start] + FEATURE_THRESHOLD
        if constant:
            features[f_j], features[n_total_constants] = (features[n_total_constants],
                                                          features[f_j])
            n_found_constants += 1
            n_total_constants += 1
            continue
        f_i -= 1
        features[f_i], features[f_j] = features[f_j], features[f_i]

        if random_splits:
            threshold = rand_uniform(np.float64(min_value), np.float64(max_value), rng)
            if threshold == max_value:
                threshold = np.float64(min_value)
            left = start
            right = end
            while left < right:
                if feature_values[left] <= threshold:
                    left += 1
                else:
                    right -= 1
                    swap(feature_values, samples, left, right)
            pos, proxy = _scan(y, sample_weight, samples, feature_values, start, end, right,
                               min_samples_leaf, min_weight_leaf, criterion, n_classes, sums,
                               stats[W_NODE], mae_buffers)
            if proxy > best_proxy:
                best_proxy = proxy
                best_pos = pos
                best_feature = current_feature
                best_threshold = threshold
            continue

        pos, proxy = _scan(y, sample_weight, samples, feature_values, start, end, no_position,
                           min_samples_leaf, min_weight_leaf, criterion, n_classes, sums,
                           stats[W_NODE], mae_buffers)
        if proxy > best_proxy:
            best_proxy = proxy
            best_pos = pos
            best_feature = current_feature
            best_threshold = (np.float64(feature_values[pos - 1]) / 2.0
                              + np.float64(feature_values[pos]) / 2.0)

    if best_pos < end:
        # The random splitter's samples are still partitioned on the last feature tried.
        if not (random_splits and current_feature == best_feature):
            column = X[:, best_feature]
            left = start
            right = end
            while left < right:
                if column[samples[left]] <= best_threshold:
                    left += 1
                else:
                    right -= 1
                    samples[left], samples[right] = samples[right], samples[left]
        reset(y, sample_weight, samples, sums, stats, criterion, mae_buffers)
        update(y, sample_weight, samples, best_pos, sums, stats, n_classes, criterion)
        impurity_left, impurity_right = children_impurity(y, sample_weight, samples, sums, stats,
                                                          n_classes, criterion, mae_buffers)
        improvement = impurity_improvement(stats, impurity, impurity_left, impurity_right)

    # Known constants keep their order for the siblings; the new ones are recorded after them.
    for j in range(n_known_constants):
        features[j] = constant_features[j]
    for j in range(n_known_constants, n_known_constants + n_found_constants):
        constant_features[j] = features[j]
    return (best_pos, best_feature, best_threshold, impurity_left, impurity_right, improvement,
            n_total_constants)
