"""Autodiff showcase: a two-layer network learns the two-moons problem, with nothing but tensors.

What the lecture on automatic differentiation promises, run end to end:

1. the forward pass builds a computational graph as a side effect of ordinary arithmetic;
2. ``loss.backward()`` walks it backwards and fills ``.grad`` of every leaf;
3. gradient descent updates the weights under ``no_grad`` (the update itself is not part of the
   model, so it must not be recorded);
4. ``gradcheck`` / ``gradgradcheck`` compare the analytic first and second derivatives with
   central differences, (f(w + ε) − f(w − ε)) / 2ε, in float64;
5. ``konspekt.viz.draw_graph`` draws the graph, for F = sin(x + y) and for the model's loss.

Run it with ``make demo`` (or ``python examples/autodiff_showcase.py``).
"""

import shutil
import warnings
from pathlib import Path

import numpy as np

import konspekt as kp
from konspekt.autograd import gradcheck, gradgradcheck
from konspekt.viz import draw_graph

OUT = Path(__file__).resolve().parent.parent / "out"


def two_moons(n_samples=200, noise=0.15, seed=0):
    """Two interleaving half circles, labels 0 (upper) and 1 (lower)."""
    rng = np.random.default_rng(seed)
    half = n_samples // 2
    angle = rng.uniform(0.0, np.pi, n_samples)
    upper = np.stack([np.cos(angle[:half]), np.sin(angle[:half])], axis=1)
    lower = np.stack([1.0 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])], axis=1)
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    y = np.concatenate([np.zeros(half), np.ones(n_samples - half)])
    # Centred and scaled so that tanh units start in their steep middle part.
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype(np.float32), y.astype(np.float32)


def init_params(n_in=2, n_hidden=16, seed=0):
    """Xavier-style scale 1/√fan_in keeps the pre-activations of order one."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, 1), "b2": (1,)}
    params = {}
    for name, shape in shapes.items():
        scale = 1.0 / np.sqrt(shape[0]) if name.startswith("W") else 0.0
        values = (scale * rng.standard_normal(shape)).astype(np.float32)
        params[name] = kp.tensor(values, requires_grad=True)
    return params


def logits(X, W1, b1, W2, b2):
    """z = tanh(X W1 + b1) W2 + b2, one score per sample."""
    hidden = kp.tanh(X @ W1 + b1)
    return (hidden @ W2 + b2).reshape(-1)


def bce_with_logits(z, y):
    """Mean binary cross-entropy −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z.

    softplus(z) = log(1 + e^z) is written as max(z, 0) + log(1 + e^−|z|): the same number, but
    e^z never overflows for large z.
    """
    softplus = kp.relu(z) + kp.log1p(kp.exp(-kp.abs(z)))
    return (softplus - y * z).mean()


def accuracy(X, y, params):
    with kp.no_grad():
        predicted = (logits(X, **params) > 0).float()
        return (predicted == y).float().mean().item()


def train(X, y, params, epochs=1500, lr=0.5, report_every=150):
    print(f"training a 2-16-1 tanh network on {len(y)} two-moons points, "
          f"full-batch gradient descent, lr={lr}")
    for epoch in range(1, epochs + 1):
        loss = bce_with_logits(logits(X, **params), y)
        loss.backward()
        with kp.no_grad():
            for p in params.values():
                p -= lr * p.grad
                p.grad = None  # backward accumulates: clear before the next epoch
        if epoch % report_every == 0 or epoch == 1:
            print(f"  epoch {epoch:5d}   loss {loss.item():.4f}")


def check_derivatives(X, y, params):
    """Both checks in float64: in float32 the rounding error ~1e-7/ε would drown the test."""
    X64, y64 = X[:12].double(), y[:12].double()  # a few points keep the O(#weights²) cost small
    weights = tuple(p.detach().double().requires_grad_() for p in params.values())

    def loss_of_weights(W1, b1, W2, b2):
        return bce_with_logits(logits(X64, W1, b1, W2, b2), y64)

    n_weights = sum(w.numel() for w in weights)
    print(f"gradcheck     ∂loss/∂w   ({n_weights} weights, float64): "
          f"{gradcheck(loss_of_weights, weights)}")
    print(f"gradgradcheck ∂²loss/∂w² ({n_weights} weights, float64): "
          f"{gradgradcheck(loss_of_weights, weights)}")


def draw(name, tensor, params):
    """Write out/<name>.svg (and its .dot source); only the .dot when Graphviz is missing."""
    with warnings.catch_warnings():
        # The demo says it in its own words below.
        warnings.filterwarnings("ignore", message=".*'dot' is not on PATH")
        draw_graph(tensor, params=params, path=OUT / f"{name}.svg")
    if shutil.which("dot") is None:
        print(f"  wrote {OUT / name}.dot (install Graphviz's 'dot' to get the .svg as well)")
    else:
        print(f"  wrote {OUT / name}.svg and its source {OUT / name}.dot")


def main():
    X_train, y_train = (kp.from_numpy(a) for a in two_moons(seed=0))
    X_test, y_test = (kp.from_numpy(a) for a in two_moons(seed=1))
    params = init_params()

    train(X_train, y_train, params)
    print(f"accuracy: training {accuracy(X_train, y_train, params):.1%}, "
          f"held-out {accuracy(X_test, y_test, params):.1%}")
    print()
    check_derivatives(X_train, y_train, params)
    print()

    print("computational graphs:")
    OUT.mkdir(exist_ok=True)
    x = kp.tensor([0.5, 1.0], requires_grad=True)
    y = kp.tensor([0.25, -1.0], requires_grad=True)
    F = kp.sin(x + y)
    draw("sin_of_sum", F, {"x": x, "y": y, "F": F})
    loss = bce_with_logits(logits(X_train, **params), y_train)
    draw("model_loss", loss, {**params, "loss": loss})


if __name__ == "__main__":
    main()
