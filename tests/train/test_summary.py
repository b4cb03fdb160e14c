"""konspekt.train.summary: rows, parameter totals (shared once, frozen as non-trainable),
multiply-adds, memory estimate, and that the model is left as it was."""

import itertools

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.train import Summary, summary

nn = kp.nn


Linear = nn.Linear


def Conv2d(in_channels, out_channels, groups=1):
    """A 3×3 'same' convolution."""
    return nn.Conv2d(in_channels, out_channels, 3, padding=1, groups=groups)


def ConvTranspose2d(in_channels, out_channels):
    """A transposed convolution with kernel 2 and stride 2, without bias: it doubles H and W."""
    return nn.ConvTranspose2d(in_channels, out_channels, 2, stride=2, bias=False)


class Scaled(nn.Module):
    """A container with a parameter of its own around a body."""

    def __init__(self, body):
        super().__init__()
        self.body = body
        self.scale = nn.Parameter(kp.ones(1))

    def forward(self, x):
        return self.body(x) * self.scale


def mlp():
    return nn.Sequential(Linear(6, 5), nn.ReLU(), Linear(5, 4), nn.Tanh(), Linear(4, 2))


def linear_params(*sizes):
    return sum(i * o + o for i, o in itertools.pairwise(sizes))


def test_mlp_rows_and_totals():
    result = summary(mlp(), kp.zeros(3, 6), show=False)
    assert isinstance(result, Summary)
    assert [row.label for row in result.rows] == [
        "0 (Linear)", "1 (ReLU)", "2 (Linear)", "3 (Tanh)", "4 (Linear)"]
    assert [row.output_shape for row in result.rows] == [[3, 5], [3, 5], [3, 4], [3, 4], [3, 2]]
    assert [row.kernel_shape for row in result.rows] == [[5, 6], None, [4, 5], None, [2, 4]]
    assert [row.params for row in result.rows] == [35, 0, 24, 0, 10]
    assert result.total_params == result.trainable_params == linear_params(6, 5, 4, 2)
    assert result.non_trainable_params == 0
    assert [row.mult_adds for row in result.rows] == [3 * 30, None, 3 * 20, None, 3 * 8]
    assert result.total_mult_adds == 3 * (30 + 20 + 8)


def test_frozen_parameters_are_non_trainable():
    model = mlp()
    model[0].requires_grad_(False)
    model[4].bias.requires_grad_(False)
    result = summary(model, kp.zeros(1, 6), show=False)
    assert result.non_trainable_params == 35 + 2
    assert result.trainable_params == linear_params(6, 5, 4, 2) - 37
    assert result.rows[0].non_trainable_params == 35 and result.rows[0].trainable_params == 0
    assert result.rows[4].trainable_params == 8
    assert "Non-trainable params" in str(result) and "37" in str(result)


def test_shared_module_and_tied_weights_counted_once():
    shared = Linear(4, 4)
    decoder = Linear(4, 4, bias=False)
    decoder.weight = shared.weight
    model = nn.Sequential(shared, nn.ReLU(), shared, decoder)
    result = summary(model, kp.zeros(2, 4), show=False)
    assert [row.name for row in result.rows] == ["0", "1", "0", "3"]
    assert [row.repeated for row in result.rows] == [False, False, True, False]
    assert result.rows[2].params == 0 and "(shared)" in str(result)
    assert result.total_params == 16 + 4
    assert result.total_mult_adds == 3 * 2 * 16


def test_containers_with_own_parameters_and_include_containers():
    model = Scaled(nn.Sequential(Linear(3, 2), nn.Sigmoid()))
    result = summary(model, kp.zeros(1, 3), show=False)
    assert [row.label for row in result.rows] == ["Scaled", "body.0 (Linear)",
                                                  "body.1 (Sigmoid)"]
    assert result.rows[0].params == 1 and result.total_params == 9
    full = summary(model, kp.zeros(1, 3), include_containers=True, show=False)
    assert [row.label for row in full.rows] == ["Scaled", "body (Sequential)",
                                                "body.0 (Linear)", "body.1 (Sigmoid)"]
    assert [row.depth for row in full.rows] == [0, 1, 2, 2]
    assert full.total_params == 9
    assert full.activation_bytes == result.activation_bytes == 2 * 2 * 4


def test_memory_estimate():
    model = mlp()
    x = kp.zeros(3, 6)
    result = summary(model, x, show=False)
    assert result.input_bytes == x.data.nbytes == 3 * 6 * 4
    assert result.param_bytes == 4 * linear_params(6, 5, 4, 2)
    assert result.activation_bytes == 4 * 3 * (5 + 5 + 4 + 4 + 2)
    assert result.buffer_bytes == 0
    assert result.total_bytes == result.input_bytes + result.param_bytes + \
        result.activation_bytes
    model.register_buffer("stats", kp.zeros(10, dtype=kp.float64))
    assert summary(model, x, show=False).buffer_bytes == 80


def test_convolution_mult_adds():
    model = nn.Sequential(Conv2d(4, 8), Conv2d(8, 8, groups=4), ConvTranspose2d(8, 2))
    result = summary(model, kp.zeros(2, 4, 5, 5), show=False)
    assert [row.output_shape for row in result.rows] == [[2, 8, 5, 5], [2, 8, 5, 5],
                                                         [2, 2, 10, 10]]
    assert [row.mult_adds for row in result.rows] == [
        2 * 8 * 25 * 4 * 9, 2 * 8 * 25 * 2 * 9, 2 * 8 * 25 * 2 * 4]
    assert result.rows[0].kernel_shape == [8, 4, 3, 3]
    assert result.total_params == (8 * 4 * 9 + 8) + (8 * 2 * 9 + 8) + 8 * 2 * 4


class Pair(nn.Module):
    def forward(self, x, offset, scale=1.0):
        return x + offset, (x * scale).sum(dim=1)


def test_tuple_outputs_arguments_and_arrays():
    result = summary(Pair(), np.zeros((2, 3), np.float32), 1.0, scale=2.0, show=False)
    assert result.rows[0].output_shape == [[2, 3], [2]]
    assert result.activation_bytes == (6 + 2) * 4
    assert "[2, 3], [2]" in str(result)


class Recorder(nn.Module):
    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, x):
        self.seen.append((self.training, kp.is_grad_enabled()))
        return x


def test_runs_in_eval_without_grad_and_restores_modes():
    inner = Recorder()
    model = nn.Sequential(Recorder(), nn.Sequential(inner))
    model.train()
    model[1].eval()
    summary(model, kp.zeros(1, 2), show=False)
    assert model[0].seen == inner.seen == [(False, False)]
    assert [m.training for m in model.modules()] == [True, True, False, False]
    assert kp.is_grad_enabled()


class Broken(nn.Module):
    def forward(self, x):
        raise ValueError("broken layer")


def test_hooks_removed_even_when_forward_raises():
    model = nn.Sequential(Linear(2, 2), Broken())
    user_hook = model[0].register_forward_hook(lambda m, args, out: None)
    model.train()
    with pytest.raises(ValueError, match="broken layer"):
        summary(model, kp.zeros(1, 2), show=False)
    for module in model.modules():
        assert module.training
        expected = 1 if module is model[0] else 0
        assert len(module._forward_hooks) == expected and not module._forward_pre_hooks
    user_hook.remove()
    summary(nn.Sequential(Linear(2, 2)), kp.zeros(1, 2), show=False)


def test_prints_the_table(capsys):
    result = summary(mlp(), kp.zeros(1, 6))
    printed = capsys.readouterr().out
    assert printed.strip() == str(result).strip()
    for text in ("Layer", "Output Shape", "Params", "Mult-Adds", "0 (Linear)", "[1, 5]",
                 "Total params", "Trainable params", "Estimated total size"):
        assert text in printed
    assert f"{linear_params(6, 5, 4, 2):,}" in printed


def test_parameter_totals_match_torch_for_a_custom_tree():
    """The totals are those of ``sum(p.numel() for p in model.parameters())`` in torch."""
    def build(lib):
        class Block(lib.nn.Module):
            def __init__(self, n_in, n_out):
                super().__init__()
                self.a = lib.nn.Parameter(lib.zeros(n_in, n_out))
                self.b = lib.nn.Parameter(lib.zeros(n_out))

            def forward(self, x):
                return x @ self.a + self.b
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                shared = Block(3, 4)
                self.body = lib.nn.Sequential(shared, lib.nn.ReLU(),
                                              lib.nn.Sequential(Block(4, 4), Block(4, 2)))
                self.tied = shared
                self.body[2][0].requires_grad_(False)

            def forward(self, x):
                return self.body(x)
        return Net()
    tmodel = build(torch)
    result = summary(build(kp), kp.zeros(1, 3), show=False)
    assert result.total_params == sum(p.numel() for p in tmodel.parameters())
    assert result.trainable_params == sum(p.numel() for p in tmodel.parameters()
                                          if p.requires_grad)
    assert result.non_trainable_params == 20


def test_real_linear_layers():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    result = summary(model, kp.zeros(4, 784), show=False)
    assert result.total_params == 784 * 256 + 256 + 256 * 10 + 10
    assert result.total_mult_adds == 4 * (784 * 256 + 256 * 10)
    assert [row.kernel_shape for row in result.rows] == [[256, 784], None, [10, 256]]


def test_real_convolution():
    model = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.Conv2d(6, 4, 3, groups=2))
    result = summary(model, kp.zeros(1, 3, 12, 12), show=False)
    assert [row.output_shape for row in result.rows] == [[1, 6, 8, 8], [1, 6, 8, 8],
                                                         [1, 4, 6, 6]]
    assert result.total_params == (6 * 3 * 25 + 6) + (4 * 3 * 9 + 4)
    assert result.total_mult_adds == 6 * 64 * 3 * 25 + 4 * 36 * 3 * 9


def test_library_layers_with_parameters():
    model = nn.Sequential(nn.PReLU(4), Linear(4, 3), nn.PReLU())
    model[2].requires_grad_(False)
    result = summary(model, kp.zeros(2, 4), show=False)
    assert [row.label for row in result.rows] == ["0 (PReLU)", "1 (Linear)", "2 (PReLU)"]
    assert [row.params for row in result.rows] == [4, 15, 1]
    assert [row.kernel_shape for row in result.rows] == [[4], [3, 4], [1]]
    assert (result.total_params, result.non_trainable_params) == (20, 1)
    assert [row.mult_adds for row in result.rows] == [None, 2 * 3 * 4, None]
