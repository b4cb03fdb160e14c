"""Sorting a node's feature values together with its sample indices: introsort (median of three,
three-way partition, heapsort past depth 2·log₂ n, insertion sort below 16 elements) — the exact
sequence of swaps of scikit-learn's ``simultaneous_sort``, so that equal values end in the same
order as there."""

import numpy as np

from ...utils.accel import njit


@njit(nogil=True)
def swap(values, indices, i, j):
    values[i], values[j] = values[j], values[i]
    indices[i], indices[j] = indices[j], indices[i]


@njit(nogil=True)
def _median3(values, first, n):
    a = values[first]
    b = values[first + n // 2]
    c = values[first + n - 1]
    if a < b:
        if b < c:
            return b
        elif a < c:
            return c
        return a
    elif b < c:
        if a < c:
            return a
        return c
    return b


@njit(nogil=True)
def _heapsort(values, indices, first, n):
    start = (n - 2) // 2
    end = n
    while True:
        _sift_down(values, indices, first, start, end)
        if start == 0:
            break
        start -= 1
    end = n - 1
    while end > 0:
        swap(values, indices, first, first + end)
        _sift_down(values, indices, first, np.int64(0), end)
        end -= 1


@njit(nogil=True)
def _sift_down(values, indices, first, start, end):
    root = start
    while True:
        child = root * 2 + 1
        largest = root
        if child < end and values[first + largest] < values[first + child]:
            largest = child
        if child + 1 < end and values[first + largest] < values[first + child + 1]:
            largest = child + 1
        if largest == root:
            break
        swap(values, indices, first + root, first + largest)
        root = largest


@njit(nogil=True)
def sort(values, indices, first, n):
    """Sort ``values[first:first+n]`` and permute ``indices`` alike: introsort (median of three,
    three-way partition, heapsort past depth 2·log₂ n, insertion sort below 16 elements) —
    the exact sequence of swaps of scikit-learn's ``simultaneous_sort``, so that equal values
    end in the same order. The recursion on the left part is kept on an explicit stack."""
    if n == 0:
        return
    stack_first = np.empty(64 + 2 * int(np.log2(n + 1)), dtype=np.int64)
    stack_n = np.empty_like(stack_first)
    stack_depth = np.empty_like(stack_first)
    top = 0
    stack_first[0] = first
    stack_n[0] = n
    stack_depth[0] = 2 * int(np.log2(n))
    top = 1
    while top > 0:
        top -= 1
        lo = stack_first[top]
        size = stack_n[top]
        max_depth = stack_depth[top]
        finished = False
        while size > 15:
            if max_depth <= 0:
                _heapsort(values, indices, lo, size)
                finished = True
                break
            max_depth -= 1
            pivot = _median3(values, lo, size)
            i = 0
            left = 0
            right = size
            while i < right:
                if values[lo + i] < pivot:
                    swap(values, indices, lo + i, lo + left)
                    i += 1
                    left += 1
                elif values[lo + i] > pivot:
                    right -= 1
                    swap(values, indices, lo + i, lo + right)
                else:
                    i += 1
            stack_first[top] = lo
            stack_n[top] = left
            stack_depth[top] = max_depth
            top += 1
            lo += right
            size -= right
        if not finished:
            for i in range(1, size):
                value = values[lo + i]
                index = indices[lo + i]
                j = i
                while j > 0 and values[lo + j - 1] > value:
                    values[lo + j] = values[lo + j - 1]
                    indices[lo + j] = indices[lo + j - 1]
                    j -= 1
                values[lo + j] = value
                indices[lo + j] = index
