"""konspekt's autograd against torch on the same work, in one process.

Two cases, one at each end of the cost spectrum:

* a 10-operation chain on 4×4 tensors, where the arrays cost nothing and the time is the engine's
  own bookkeeping per operation (recording nodes, the backward walk, accumulating .grad);
* an MLP 256→1024→1024→10 at batch 256, where the time is the matrix products, so the engine
  must add (almost) nothing on top of the BLAS calls.

Each time is the median over repeats of the mean over a batch of iterations, after warm-up runs;
the two libraries alternate batch by batch and the ratio is the median of the per-batch ratios.
Run with ``python benchmarks/bench_autograd.py`` or ``make bench``.
"""

import numpy as np
import torch

from common import THREADS, compare

# ---- (a) a 10-operation chain on 4×4 float32 tensors --------------------------------------------

def chain_data(rng):
    return (rng.standard_normal((4, 4)).astype(np.float32),
            rng.standard_normal((4, 4)).astype(np.float32))


def chain(L, x_np, w_np):
    """The step for library ``L`` (konspekt or torch: the same code runs on both)."""
    x = L.tensor(x_np, requires_grad=True)
    w = L.tensor(w_np, requires_grad=True)

    def step():
        x.grad = None
        w.grad = None
        a = x * w
        b = a + x
        c = L.tanh(b)
        d = c @ w
        e = L.exp(d)
        f = e - x
        g = L.sigmoid(f)
        h = g * 2.0
        i = L.relu(h)
        loss = i.sum()
        loss.backward()
    return step


# ---- (b) an MLP 256→1024→1024→10, batch 256, float32 -------------------------------------------

MLP_SIZES = (256, 1024, 1024, 10)
MLP_BATCH = 256


def mlp_data(rng):
    X = rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(np.float32)
    layers = []
    for n_in, n_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        W = (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        b = np.zeros(n_out, dtype=np.float32)
        layers.append((W, b))
    return X, layers


def mlp(L, X_np, layers_np):
    """The step for library ``L`` (konspekt or torch)."""
    X = L.tensor(X_np)
    (W1, b1), (W2, b2), (W3, b3) = [(L.tensor(W, requires_grad=True),
                                     L.tensor(b, requires_grad=True)) for W, b in layers_np]
    params = (W1, b1, W2, b2, W3, b3)

    def step():
        for p in params:
            p.grad = None
        h1 = L.relu(X @ W1 + b1)
        h2 = L.relu(h1 @ W2 + b2)
        loss = (h2 @ W3 + b3).sum()
        loss.backward()
    return step


# ---- the table ----------------------------------------------------------------------------------

CASES = [
    # name, data, step for a library, iterations per repeat, target ratio
    ("10-op chain 4x4 fwd+bwd", chain_data, chain, 2000, 1.5),
    ("MLP 256-1024-1024-10 b256", mlp_data, mlp, 20, 1.0),
]


def main():
    torch.set_num_threads(THREADS)
    title = (f"autograd: konspekt vs torch {torch.__version__} (numpy {np.__version__}, "
             f"torch threads {torch.get_num_threads()}), median time per forward+backward")
    cases = []
    for name, make_data, case, iterations, target in CASES:
        data = make_data(np.random.default_rng(0))
        cases.append((name, lambda L, case=case, data=data: case(L, *data), iterations, target))
    return compare(title, cases, torch)


if __name__ == "__main__":
    main()
