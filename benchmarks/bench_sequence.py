"""konspekt's sequence layers against torch's on the same work, in one process.

* an LSTM (input 32, hidden 128) over sequences of length 50 at batch 64, forward and backward;
* a TransformerEncoderLayer (d_model 128, 4 heads, feed-forward 512) over length 64 at batch 32,
  forward and backward (training mode, dropout 0, so that torch takes its ordinary path).

Both start from the same weights (torch's, copied). Times are medians over alternating batches
(see ``common.measure``). Run with ``python benchmarks/bench_sequence.py`` or ``make bench``.
"""

import numpy as np
import torch

from common import THREADS, compare


def _same_weights(build, L):
    """``build(L)``, with the weights of ``build(torch)`` when L is konspekt."""
    torch.manual_seed(0)
    reference = build(torch)
    if L is torch:
        return reference
    model = build(L)
    model.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    return model


def forward_backward(L, build, input_shape):
    model = _same_weights(build, L)
    model.train()
    x = L.tensor(np.random.default_rng(0).standard_normal(input_shape).astype(np.float32),
                 requires_grad=True)

    def step():
        x.grad = None
        for p in model.parameters():
            p.grad = None
        output = model(x)
        (output[0] if isinstance(output, tuple) else output).sum().backward()
    return step


def lstm(L):
    return L.nn.LSTM(32, 128, batch_first=True)


def encoder_layer(L):
    return L.nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0,
                                        batch_first=True)


CASES = [
    # name, step for a library, iterations per repeat, target ratio
    ("LSTM 32-128 L50 b64 fwd+bwd", lambda L: forward_backward(L, lstm, (64, 50, 32)), 3, 2.5),
    ("Transformer enc. d128 h4 L64 b32",
     lambda L: forward_backward(L, encoder_layer, (32, 64, 128)), 3, 2.0),
]


def main():
    torch.set_num_threads(THREADS)
    return compare(f"sequence: konspekt vs torch {torch.__version__} (numpy {np.__version__}, "
                   f"torch threads {torch.get_num_threads()}), median time per forward+backward, "
                   f"float32", CASES, torch, width=33)


if __name__ == "__main__":
    main()
