"""Issue 3's public interface: every listed id answers `variantex solve ID --set name=value --json`
with exactly the listed params, and its number(s) equal what PyTorch computes.

Each case runs the real command line (click's CliRunner) and compares ``answer.value`` (or
``answer.parts`` in order) with an independent PyTorch computation on the same params.
"""

from __future__ import annotations

import itertools
import json
import math

import pytest
import torch
from click.testing import CliRunner
from torch import nn
from torch.nn import functional as F

from generator.cli import main


def solve_cli(qid: str, **params) -> dict:
    args = ["solve", qid, "--json"]
    for name, value in params.items():
        args += ["--set", f"{name}={json.dumps(value)}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == qid
    for name, value in params.items():
        assert data["params"][name] == value
    return data["answer"]


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_conv_output_size():
    p = {"size": 32, "kernel": 5, "stride": 2, "padding": 1, "dilation": 2}
    out = nn.Conv2d(1, 1, p["kernel"], p["stride"], p["padding"], p["dilation"])(torch.zeros(1, 1, 32, 32))
    assert solve_cli("dl/cnn/conv-output-size", **p)["value"] == out.shape[-1]


def test_conv_params():
    p = {"in_channels": 3, "out_channels": 64, "kernel": 7}
    assert solve_cli("dl/cnn/conv-params", **p)["value"] == n_params(nn.Conv2d(3, 64, 7))


def test_depthwise_separable_params():
    p = {"in_channels": 32, "out_channels": 64, "kernel": 3}
    module = nn.Sequential(nn.Conv2d(32, 32, 3, groups=32, bias=False), nn.Conv2d(32, 64, 1, bias=False))
    assert solve_cli("dl/cnn/depthwise-separable-params", **p)["value"] == n_params(module) == 2336


def test_transposed_conv_output_size():
    p = {"size": 7, "kernel": 4, "stride": 3, "padding": 1, "output_padding": 2}
    layer = nn.ConvTranspose2d(1, 1, 4, stride=3, padding=1, output_padding=2)
    assert solve_cli("dl/cnn/transposed-conv-output-size", **p)["value"] == layer(torch.zeros(1, 1, 7, 7)).shape[-1]


def test_transposed_conv_values():
    x, k = [[1, 2], [3, 4]], [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
    got = solve_cli("dl/cnn/transposed-conv-values", input=x, kernel=k, stride=2, padding=1)["value"]
    want = F.conv_transpose2d(torch.tensor(x, dtype=torch.float64)[None, None],
                              torch.tensor(k, dtype=torch.float64)[None, None], stride=2, padding=1)[0, 0]
    assert torch.equal(torch.tensor(got, dtype=torch.float64), want)


def test_conv2d_valid():
    x = [[1, 2, 0, 3], [4, -1, 2, 1], [0, 3, 1, -2], [2, 1, 0, 1]]
    k = [[1, -1], [2, 0]]
    got = solve_cli("dl/cnn/conv2d-valid", input=x, kernel=k)["value"]
    want = F.conv2d(torch.tensor(x, dtype=torch.float64)[None, None], torch.tensor(k, dtype=torch.float64)[None, None])
    assert torch.equal(torch.tensor(got, dtype=torch.float64), want[0, 0])


@pytest.mark.parametrize("qid, module", [("dl/rnn/rnn-params", nn.RNN), ("dl/rnn/lstm-params", nn.LSTM),
                                         ("dl/rnn/gru-params", nn.GRU)])
@pytest.mark.parametrize("bias_vectors", [1, 2])
def test_recurrent_params(qid, module, bias_vectors):
    m = module(input_size=20, hidden_size=30)
    expected = n_params(m) - (m.bias_hh_l0.numel() if bias_vectors == 1 else 0)  # one bias vector per gate
    assert solve_cli(qid, input_size=20, hidden_size=30, bias_vectors=bias_vectors)["value"] == expected


def test_mlp_param_count():
    sizes = [7] + [15] * 12 + [3]
    net = nn.Sequential(*[nn.Linear(a, b) for a, b in itertools.pairwise(sizes)])
    got = solve_cli("dl/mlp/param-count", inputs=7, outputs=3, hidden_layers=12, width=15)["value"]
    assert got == n_params(net) == 2808


@pytest.mark.parametrize("d, h", [(3, 3), (2, 5), (1, 7), (4, 10)])
def test_linear_regions(d, h):
    expected = sum(math.comb(h, j) for j in range(d + 1))  # Zaslavsky: regions of h hyperplanes in R^d
    assert solve_cli("dl/mlp/linear-regions", input_dim=d, hidden_units=h)["value"] == expected


def test_epochs():
    dataset = torch.utils.data.TensorDataset(torch.zeros(60000, 1))
    per_epoch = len(torch.utils.data.DataLoader(dataset, batch_size=100))
    assert solve_cli("dl/train/epochs", iterations=15000, dataset_size=60000, batch_size=100)["value"] \
        == pytest.approx(15000 / per_epoch)


def test_product_graph():
    x, y, z, lr = 1.5, -2.0, 2.0, 0.1
    parts = solve_cli("dl/backprop/product-graph", x=x, y=y, z=z, lr=lr)["parts"]
    t = torch.tensor([x, y, z], dtype=torch.float64, requires_grad=True)
    ((t[0] + t[1]) * t[0] ** t[2]).backward()
    new = (t - lr * t.grad).detach()
    assert [p["value"] for p in parts] == pytest.approx(new.tolist(), abs=1e-9)


def test_softmax_temperature():
    logits, temperature = [2.0, 1.0, 0.1, -1.0], 0.5
    got = solve_cli("dl/activations/softmax-temperature", logits=logits, temperature=temperature)["value"]
    want = torch.softmax(torch.tensor(logits, dtype=torch.float64) / temperature, dim=0)
    assert got == pytest.approx(want.tolist(), abs=1e-9)
