"""konspekt.nn against torch.nn on the same work, in one process.

Three cases, each written once and run on both libraries (the layers have the same names):

* a LeNet-5 training step (forward, cross-entropy, backward, SGD update) at batch 64 on 1×28×28;
* a 3×3 Conv2d 64→64 with padding 1 on 32×32 at batch 32, forward and backward;
* an MLP 784→256→256→10 training step at batch 128.

Times are medians over alternating batches (see ``common.measure``). Peak memory of the LeNet-5
step is measured apart, each library in a fresh process that imports both: the growth of the
resident set's high-water mark (VmHWM, reset through /proc/self/clear_refs) over the steps.
Run with ``python benchmarks/bench_nn.py`` or ``make bench``.
"""

import ctypes
import gc
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

import konspekt as kp
from common import THREADS, compare, report_row

LIBRARIES = {"konspekt": kp, "torch": torch}
M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h


def lenet5(L):
    """LeNet-5 for 1×28×28 inputs (padding 2 on the first convolution restores 32×32)."""
    nn = L.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def mlp(L):
    nn = L.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def training_step(L, build, batch, input_shape, seed=0, lr=0.01):
    """One SGD step of ``build(L)`` on a fixed random batch; the same weights in both libraries."""
    rng = np.random.default_rng(seed)
    # Start both libraries from the same weights (torch's, seeded), so that they do the same
    # arithmetic.
    torch.manual_seed(seed)
    model = reference = build(torch)
    if L is not torch:
        model = build(L)
        model.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    x = L.tensor(rng.standard_normal((batch, *input_shape)).astype(np.float32))
    y = L.tensor(rng.integers(0, 10, batch))
    loss_fn = L.nn.CrossEntropyLoss()
    params = list(model.parameters())

    def step():
        for p in params:
            p.grad = None
        loss = loss_fn(model(x), y)
        loss.backward()
        with L.no_grad():
            for p in params:
                p -= lr * p.grad
    return step


def lenet_step(L):
    return training_step(L, lenet5, 64, (1, 28, 28))


def mlp_step(L):
    return training_step(L, mlp, 128, (784,))


def conv_step(L):
    rng = np.random.default_rng(0)
    conv = L.nn.Conv2d(64, 64, 3, padding=1)
    x = L.tensor(rng.standard_normal((32, 64, 32, 32)).astype(np.float32), requires_grad=True)

    def step():
        x.grad = None
        conv.weight.grad = conv.bias.grad = None
        conv(x).sum().backward()
    return step


CASES = [
    # name, step for a library, iterations per repeat, target ratio
    ("LeNet-5 train step b64", lenet_step, 10, 2.0),
    ("Conv2d 64-64 3x3 32x32 b32", conv_step, 3, 2.5),
    ("MLP 784-256-256-10 b128", mlp_step, 30, 1.3),
]


def _resident_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def peak_memory_of_lenet_step(library, steps=5):
    """MiB by which the resident high-water mark grows over ``steps`` LeNet-5 steps."""
    # glibc's malloc serves blocks of 64 KiB and more by mmap and unmaps them on free, so the
    # resident set follows the live arrays of either library instead of the allocator's cache.
    ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, 64 * 1024)
    torch.set_num_threads(THREADS)
    step = lenet_step(LIBRARIES[library])
    step()  # the first step allocates what every later step reuses (gradients, caches)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    before = _resident_kib("VmRSS")
    for _ in range(steps):
        step()
    return (_resident_kib("VmHWM") - before) / 1024


def _peak_in_fresh_process(library):
    out = subprocess.run([sys.executable, __file__, "--peak-memory", library], check=True,
                         capture_output=True, text=True, cwd=Path(__file__).parent)
    return float(out.stdout.strip())


def main():
    torch.set_num_threads(THREADS)
    results = compare(f"nn: konspekt vs torch {torch.__version__} (numpy {np.__version__}, "
                      f"torch threads {torch.get_num_threads()}), median time per step, float32",
                      CASES, torch)
    k_mib, t_mib = _peak_in_fresh_process("konspekt"), _peak_in_fresh_process("torch")
    results.append(report_row("LeNet-5 step peak memory", k_mib, t_mib,
                              k_mib / max(t_mib, 1e-9), 1.5, 28, unit_time=False))
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--peak-memory":
        print(peak_memory_of_lenet_step(sys.argv[2]))
    else:
        main()
