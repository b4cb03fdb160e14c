"""Running a konspekt optimiser and torch's on the same float64 model, data and settings.

``trajectories(kp_cls, torch_cls, steps, **settings)`` trains a small MLP (4 → 5 → tanh → 3,
torch's initial weights copied into konspekt's layers) on a fixed regression batch and returns
the parameters after every step, for both libraries. ``groups`` turns the list of parameters
into what the optimiser is given (for parameter groups with their own settings).
"""

import numpy as np
import torch

import konspekt as kp

X = np.random.default_rng(0).uniform(-1, 1, size=(16, 4))
Y = np.random.default_rng(1).uniform(-1, 1, size=(16, 3))


def torch_model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 5, dtype=torch.float64), torch.nn.Tanh(),
                               torch.nn.Linear(5, 3, dtype=torch.float64))


def kp_model_like(model):
    """konspekt's copy of a torch model, same weights."""
    copy = kp.nn.Sequential(kp.nn.Linear(4, 5, dtype=kp.float64), kp.nn.Tanh(),
                            kp.nn.Linear(5, 3, dtype=kp.float64))
    for k, t in zip(copy.parameters(), model.parameters()):
        k.data[...] = t.detach().numpy()
    return copy


def models(seed=0):
    t = torch_model(seed)
    return kp_model_like(t), t


def loss_of(model, library):
    dtype = next(iter(model.parameters())).detach().numpy().dtype  # the data follow the model
    x, y = library.tensor(X.astype(dtype)), library.tensor(Y.astype(dtype))
    return ((model(x) - y) ** 2).mean()


def train(model, optimizer, library, steps):
    """``steps`` steps; the parameters (as arrays) after each."""
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_of(model, library).backward()
        optimizer.step()
        path.append([p.detach().numpy().copy() for p in model.parameters()])
    return path


def trajectories(kp_cls, torch_cls, steps=20, groups=list, seed=0, **settings):
    kp_net, torch_net = models(seed)
    kp_opt = kp_cls(groups(list(kp_net.parameters())), **settings)
    torch_opt = torch_cls(groups(list(torch_net.parameters())), **settings)
    return train(kp_net, kp_opt, kp, steps), train(torch_net, torch_opt, torch, steps)


def assert_same_path(kp_path, torch_path, rtol=1e-6, atol=1e-9):
    for step, (k_params, t_params) in enumerate(zip(kp_path, torch_path, strict=True)):
        for i, (k, t) in enumerate(zip(k_params, t_params, strict=True)):
            np.testing.assert_allclose(k, t, rtol=rtol, atol=atol,
                                       err_msg=f"parameter {i} after step {step + 1}")


def assert_moves(path):
    """The trajectory is not trivially constant (so agreeing with torch means something)."""
    first, last = path[0], path[-1]
    assert any(not np.allclose(a, b) for a, b in zip(first, last))
