"""konspekt's training pipeline against torch's on the same work, in one process.

Two cases, each written once and run on both libraries (the classes have the same names):

* an epoch of LeNet-5 on the bundled digits (1,347 training images of 8×8, upsampled once to
  32×32), including data loading: ``TensorDataset`` + shuffling ``DataLoader`` at batch 64,
  cross-entropy, backward, SGD with momentum;
* one Adam step over 1M parameters (four tensors of 250,000) with gradients in place.

Times are medians over alternating batches (see ``common.measure``). Run with
``python benchmarks/bench_training.py`` or ``make bench``.
"""

import numpy as np
import torch

import konspekt as kp
from common import THREADS, compare

LIBRARIES = {"konspekt": kp, "torch": torch}


def digits_32(split):
    """The bundled digits, scaled to [0, 1] and upsampled to 32×32 as the demo does."""
    data = kp.data.load_digits(split=split)
    images = kp.tensor(np.asarray(data.images, dtype=np.float32)[:, None] / 16.0)
    images = kp.nn.functional.interpolate(images, size=(32, 32), mode="bilinear")
    return images.numpy(), np.asarray(data.target, dtype=np.int64)


def lenet5(L):
    """LeNet-5 for 32×32 inputs, as LeCun et al. (1998) and the demo."""
    nn = L.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def lenet_epoch(L, images, labels):
    """One epoch of LeNet-5 with SGD and momentum, from the same initial weights (torch's)."""
    torch.manual_seed(0)
    model = reference = lenet5(torch)
    if L is not torch:
        model = lenet5(L)
        model.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    dataset = L.utils.data.TensorDataset(L.tensor(images), L.tensor(labels))
    loader = L.utils.data.DataLoader(dataset, batch_size=64, shuffle=True)
    optimizer = L.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = L.nn.CrossEntropyLoss()

    def epoch():
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    return epoch


def adam_step(L):
    rng = np.random.default_rng(0)
    params = []
    for _ in range(4):
        p = L.tensor(rng.standard_normal(250_000).astype(np.float32), requires_grad=True)
        p.grad = L.tensor(rng.standard_normal(250_000).astype(np.float32))
        params.append(p)
    optimizer = L.optim.Adam(params, lr=1e-3)
    return optimizer.step


def main():
    torch.set_num_threads(THREADS)
    images, labels = digits_32("train")
    cases = [
        ("LeNet-5 epoch on digits (1347)", lambda L: lenet_epoch(L, images, labels), 1, 2.0),
        ("Adam step, 1M parameters", adam_step, 50, 1.5),
    ]
    return compare(f"training: konspekt vs torch {torch.__version__} (numpy {np.__version__}, "
                   f"torch threads {torch.get_num_threads()}), median time per call, float32",
                   cases, torch, width=32)


if __name__ == "__main__":
    main()
