"""Coverage batch B (issue 10): compression, distillation, GNNs, autoregressive models, masked attention,
attention cost, grouped convolution, beta-VAE, gradient calculations, inverse problems and code reading.

Every ``solve(qid, seed)`` already runs the template's own independent verification; these tests add a
third route, real PyTorch modules and functions (autograd, ``torch.quantize_per_tensor``,
``scaled_dot_product_attention``, ``FlopCounterMode`` ...), over several seeds each.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from generator.answers import Matrix, MultiPart, SingleChoice

SEEDS = range(15)

IDS = (
    "dl/cnn/group-conv-params",
    "dl/cnn/kernel-from-output-size",
    "dl/mlp/fewest-hidden-units",
    "dl/code/tensor-shape",
    "dl/attention/causal-attention-weights",
    "dl/attention/attention-cost",
    "dl/compression/model-size",
    "dl/compression/quantize-per-tensor",
    "dl/distillation/kd-loss",
    "dl/gnn/gcn-layer",
    "dl/backprop/conv-gradients",
    "dl/backprop/sigmoid-mse-neuron",
    "dl/backprop/deconvnet-chain",
    "dl/generative/beta-vae-loss",
    "dl/autoregressive/causal-receptive-field",
    "dl/autoregressive/pixelcnn-mask",
    "dl/autoregressive/param-count",
    "dl/gnn/gnn-layer-params",
    "dl/cnn/cnn-diagram-sizes",
    "dl/compression/minmax-qparams",
    "dl/compression/magnitude-pruning",
    "dl/code/sequential-params",
    "dl/attention/kv-cache-size",
    "dl/gnn/gcn-receptive-hops",
    "dl/rnn/lstm-hidden-from-params",
    "dl/compression/filter-pruning",
    "dl/attention/padding-mask-weights",
    "dl/distillation/kd-gradient",
    "dl/autoregressive/made-masks",
    "dl/compression/quantized-linear",
    "dl/code/einsum-shape",
    "dl/attention/gqa-params",
    "dl/gnn/gat-attention",
    "dl/cnn/group-conv-cost",
)


def n_params(*modules: nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


def parts(v) -> list:
    assert isinstance(v.answer, MultiPart)
    return [p.answer for p in v.answer.parts]


def t64(x) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


# --------------------------------------------------------------------------- every template


@pytest.mark.parametrize("qid", IDS)
def test_template_is_sourced_verified_and_in_its_topic_folder(bank, qid):
    q = bank.questions[qid]
    assert q.source and q.has_verify()
    assert q.topic == qid.split("/")[1]
    assert bank.files[qid].parent.name == q.topic


@pytest.mark.parametrize("qid", IDS)
def test_variants_differ_and_are_reproducible(solve, qid):
    variants = [solve(qid, seed) for seed in range(30)]
    shown = {(v.stem_tex, v.answer.key_text()) for v in variants}
    keys = {v.answer.key_text() for v in variants}
    assert len(shown) >= 20 and len(keys) >= 6, (len(shown), len(keys))
    a, b = solve(qid, 11), solve(qid, 11)
    assert dict(a.params) == dict(b.params) and a.stem_tex == b.stem_tex and a.solution_tex == b.solution_tex


def rank_counts(solve, qid, seeds=range(120)) -> Counter:
    counts: Counter = Counter()
    for seed in seeds:
        a = solve(qid, seed).answer
        assert isinstance(a, SingleChoice)
        counts[sum(o.value < a.value for o in a.options)] += 1
    return counts


# --------------------------------------------------------------------------- grouped convolution


def test_group_conv_params_match_torch(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/group-conv-params", seed)
        p = v.params
        layer = nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel"], groups=p["groups"], bias=p["bias"])
        assert isinstance(v.answer, SingleChoice)
        assert v.answer.value == n_params(layer)
        assert all(o.value >= 1 for o in v.answer.options)
        assert all(o.rationale for o in v.answer.options if not o.correct)


def test_group_conv_cost_matches_flop_counter(solve):
    from torch.utils.flop_counter import FlopCounterMode

    for seed in SEEDS:
        v = solve("dl/cnn/group-conv-cost", seed)
        p = v.params
        costs = []
        for groups in (p["groups"], 1):
            layer = nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel"], stride=p["stride"],
                              padding=p["padding"], groups=groups, bias=False, device="meta")
            with FlopCounterMode(display=False) as counter:
                y = layer(torch.empty(1, p["in_channels"], p["size"], p["size"], device="meta"))
            costs.append(counter.get_total_flops() // 2)
        size, macs, standard = (a.value for a in parts(v))
        assert size == y.shape[-1] and [macs, standard] == costs


def test_group_conv_key_is_not_given_away_by_its_rank(solve):
    counts = rank_counts(solve, "dl/cnn/group-conv-params")
    assert set(counts) == {0, 1, 2, 3} and max(counts.values()) <= 0.4 * sum(counts.values()), counts


def test_group_conv_hand_value(solve):
    # ResNeXt-style 3x3 grouped conv: 128 -> 128 channels in 32 groups: 128 * 4 * 9 weights, no bias
    v = solve("dl/cnn/group-conv-params", in_channels=128, out_channels=128, kernel=3, groups=32, bias=False)
    assert v.answer.value == 4608
    assert len({o.value for o in v.answer.options}) == 4


# --------------------------------------------------------------------------- inverse problems


def test_kernel_or_padding_from_output_size_is_the_only_fit_in_torch(solve):
    for seed in range(25):
        v = solve("dl/cnn/kernel-from-output-size", seed)
        p = v.params
        x = torch.zeros(1, 1, p["size"], p["size"])
        fits = []
        for c in ((1, 3, 5, 7, 9, 11) if p["unknown"] == "kernel" else range(6)):
            k, pad = (c, p["padding"]) if p["unknown"] == "kernel" else (p["kernel"], c)
            if k > p["size"] + 2 * pad:
                continue
            out = nn.Conv2d(1, 1, k, stride=p["stride"], padding=pad)(x)
            if out.shape[-1] == p["output"]:
                fits.append(c)
        assert fits == [v.answer.value], (p, fits)


def test_fewest_hidden_units_by_counting_regions_of_torch_networks(solve):
    """1-D: the joints -b_i/w_i of a random nn.Linear(1, h) are h distinct points, so h + 1 regions.
    2-D: h random lines in general position make 1 + h + (number of crossings) regions; the crossings are
    counted from the weights of a random nn.Linear(2, h). The answer h reaches the asked count, h - 1 does not."""
    torch.manual_seed(0)

    def regions(d, h):
        if h == 0:
            return 1
        layer = nn.Linear(d, h).double()
        w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        if d == 1:
            return len(set(np.round(-b / w[:, 0], 12))) + 1
        crossings = sum(1 for i in range(h) for j in range(i + 1, h) if abs(np.linalg.det(w[[i, j]])) > 1e-12)
        return 1 + h + crossings

    checked = 0
    for seed in range(40):
        v = solve("dl/mlp/fewest-hidden-units", seed)
        d, r, h = v.params["input_dim"], v.params["regions"], v.answer.value
        if d == 3:
            assert sum(math.comb(h, j) for j in range(4)) >= r > sum(math.comb(h - 1, j) for j in range(4))
            continue
        assert regions(d, h) >= r > regions(d, h - 1), (d, r, h)
        checked += 1
    assert checked >= 20


def test_lstm_hidden_size_is_the_only_torch_lstm_with_that_many_parameters(solve):
    for seed in SEEDS:
        v = solve("dl/rnn/lstm-hidden-from-params", seed)
        d, total = v.params["input_size"], v.params["n_params"]
        counts = {h: n_params(nn.LSTM(d, h, device="meta")) for h in range(1, 600)}
        assert [h for h, c in counts.items() if c == total] == [v.answer.value]


def test_fewest_hidden_units_hand_values(solve):
    assert solve("dl/mlp/fewest-hidden-units", input_dim=1, regions=7).answer.value == 6
    assert solve("dl/mlp/fewest-hidden-units", input_dim=2, regions=7).answer.value == 3  # 1 + 3 + 3
    assert solve("dl/mlp/fewest-hidden-units", input_dim=2, regions=8).answer.value == 4


# --------------------------------------------------------------------------- code reading


def run_chain_in_torch(shape, ops):
    x = torch.zeros(shape)
    for op in ops:
        kind = op["op"]
        if kind == "conv":
            x = nn.Conv2d(op["in"], op["out"], kernel_size=op["k"], stride=op["s"], padding=op["p"])(x)
        elif kind == "pool":
            x = nn.MaxPool2d(op["k"])(x)
        elif kind == "flatten":
            x = torch.flatten(x, start_dim=op["start"])
        elif kind == "permute":
            x = x.permute(*op["dims"])
        elif kind == "transpose":
            x = x.transpose(op["a"], op["b"])
        elif kind == "reshape":
            x = x.reshape(*op["shape"])
        elif kind == "linear":
            x = nn.Linear(op["in"], op["out"])(x)
        elif kind == "gram":
            x = x @ x.transpose(-2, -1)
        elif kind in ("mean", "sum"):
            x = getattr(x, kind)(dim=op["dim"], keepdim=bool(op.get("keepdim")))
        elif kind == "unsqueeze":
            x = x.unsqueeze(op["dim"])
        else:
            raise AssertionError(kind)
    return list(x.shape)


def test_tensor_shape_matches_running_the_code_in_torch(solve):
    with torch.no_grad():
        for seed in range(25):
            v = solve("dl/code/tensor-shape", seed)
            assert isinstance(v.answer, Matrix)
            assert v.answer.array.astype(int).tolist() == run_chain_in_torch(v.params["shape"], v.params["ops"])
            # the stem shows the code that was run
            assert "nn." in v.stem_tex and "torch.zeros(" + ", ".join(map(str, v.params["shape"])) in v.stem_tex


def build_sequential(layers) -> nn.Sequential:
    modules = []
    for layer in layers:
        kind = layer["op"]
        if kind == "conv":
            modules.append(nn.Conv2d(layer["in"], layer["out"], layer["k"], stride=layer["s"], padding=layer["p"],
                                     bias=layer["bias"]))
        elif kind == "bn":
            modules.append(nn.BatchNorm2d(layer["c"]))
        elif kind == "relu":
            modules.append(nn.ReLU())
        elif kind == "pool":
            modules.append(nn.MaxPool2d(2))
        elif kind == "flatten":
            modules.append(nn.Flatten())
        else:
            modules.append(nn.Linear(layer["in"], layer["out"]))
    return nn.Sequential(*modules)


def test_sequential_params_match_the_model_built_from_the_code(bank, solve):
    for seed in SEEDS:
        v = solve("dl/code/sequential-params", seed)
        p = v.params
        model = build_sequential(p["layers"])
        with torch.no_grad():
            model(torch.zeros(2, p["in_channels"], p["size"], p["size"]))  # the code runs on the stated input
        assert v.answer.value == sum(q.numel() for q in model.parameters())
        buffers = sum(b.numel() for name, b in model.named_buffers() if "running" in name)
        if buffers:  # counting the running statistics is one of the modelled mistakes
            pool = bank.questions["dl/code/sequential-params"].solve(dict(p))
            assert v.answer.value + buffers in {o.value for o in pool.wrong}
        assert "nn.Sequential(" in v.stem_tex


def test_einsum_shape_matches_torch_einsum(solve):
    equations = set()
    for seed in range(25):
        v = solve("dl/code/einsum-shape", seed)
        p = v.params
        equations.add(p["equation"])
        operands = [torch.zeros(s, device="meta") for s in p["shapes"]]
        assert v.answer.array.astype(int).tolist() == list(torch.einsum(p["equation"], *operands).shape)
        assert p["equation"] in v.stem_tex
    assert len(equations) >= 6


# --------------------------------------------------------------------------- attention


def test_gqa_params_match_torch_projections_that_run_gqa(solve):
    for seed in SEEDS:
        v = solve("dl/attention/gqa-params", seed)
        d, h, g, bias = (v.params[k] for k in ("dim", "heads", "kv_heads", "bias"))
        head = d // h
        q_proj, o_proj = nn.Linear(d, d, bias=bias), nn.Linear(d, d, bias=bias)
        k_proj, v_proj = nn.Linear(d, g * head, bias=bias), nn.Linear(d, g * head, bias=bias)
        x = torch.randn(1, 5, d)
        with torch.no_grad():
            q = q_proj(x).view(1, 5, h, head).transpose(1, 2)
            k = k_proj(x).view(1, 5, g, head).transpose(1, 2)
            val = v_proj(x).view(1, 5, g, head).transpose(1, 2)
            out = F.scaled_dot_product_attention(q, k, val, enable_gqa=True).transpose(1, 2).reshape(1, 5, d)
            assert o_proj(out).shape == x.shape
        assert v.answer.value == n_params(q_proj, k_proj, v_proj, o_proj)


def test_kv_cache_size_matches_torch_tensors_and_gqa_attention(solve):
    for seed in SEEDS:
        v = solve("dl/attention/kv-cache-size", seed)
        p = v.params
        dtype = {"fp16": torch.float16, "fp32": torch.float32, "int8": torch.int8}[p["dtype"]]
        sizes = []
        for kv in (p["heads"], p["kv_heads"]):
            k = torch.empty(p["batch"], kv, p["tokens"], p["head_dim"], dtype=dtype, device="meta")
            sizes.append(p["layers"] * 2 * k.numel() * k.element_size() / 2**30)
        mha, gqa = parts(v)
        assert mha.agrees_with(sizes[0]) and gqa.agrees_with(sizes[1])
    # grouped-query attention really runs with the smaller cache (few tokens, same head counts)
    q = torch.randn(1, p["heads"], 3, 8)
    kv = torch.randn(1, p["kv_heads"], 3, 8)
    out = F.scaled_dot_product_attention(q, kv, kv, enable_gqa=True)
    assert out.shape == q.shape


def test_causal_attention_weights_match_scaled_dot_product_attention(solve):
    for seed in SEEDS:
        v = solve("dl/attention/causal-attention-weights", seed)
        s, values = t64(v.params["scores"]), t64(v.params["values"])
        n = s.shape[0]
        # Q K^T / sqrt(n) = S with K = I and Q = S sqrt(n); V = I returns the weights themselves
        q = (s * math.sqrt(n))[None]
        weights = F.scaled_dot_product_attention(q, torch.eye(n, dtype=torch.float64)[None],
                                                 torch.eye(n, dtype=torch.float64)[None], is_causal=True)[0]
        out = F.scaled_dot_product_attention(q, torch.eye(n, dtype=torch.float64)[None], values[None],
                                             is_causal=True)[0]
        a, b = parts(v)
        assert a.agrees_with(weights.numpy()) and np.allclose(a.array, weights.numpy(), atol=5e-4)
        assert np.allclose(b.array, out[v.params["token"] - 1].numpy(), atol=5e-4)
        assert np.all(np.triu(a.array, 1) == 0)


def test_padding_mask_weights_match_sdpa_with_a_boolean_mask(solve):
    for seed in SEEDS:
        v = solve("dl/attention/padding-mask-weights", seed)
        s, pad = t64(v.params["scores"]), v.params["padding"]
        rows, n = s.shape
        keep = torch.ones(rows, n, dtype=torch.bool)
        keep[:, n - pad:] = False  # True = takes part in attention
        q = s * math.sqrt(n)  # Q K^T / sqrt(n) = S with K = I
        eye = torch.eye(n, dtype=torch.float64)
        weights = F.scaled_dot_product_attention(q[None], eye[None], eye[None], attn_mask=keep[None])[0]
        a, b = parts(v)
        assert np.allclose(a.array, weights.numpy(), atol=5e-4)
        buggy = torch.softmax(torch.where(keep, s, torch.zeros_like(s)), dim=-1)
        assert b.value == pytest.approx(buggy[0, n - pad:].sum().item(), abs=1e-9)


def test_attention_cost_matches_flop_counter_and_tensor_sizes(solve):
    from torch.utils.flop_counter import FlopCounterMode

    for seed in SEEDS:
        v = solve("dl/attention/attention-cost", seed)
        p = v.params
        n, d, h, b = p["n_tokens"], p["dim"], p["heads"], p["batch"]
        q = torch.empty(1, h, n, d // h, device="meta")
        with FlopCounterMode(display=False) as counter:
            torch.matmul(q, q.transpose(-2, -1))
        macs = counter.get_total_flops() // 2  # FlopCounterMode counts 2 FLOPs per multiply-add
        dtype = torch.float32 if p["dtype"] == "fp32" else torch.float16
        weights = torch.empty(b, h, n, n, dtype=dtype, device="meta")
        a, mem, crossing = parts(v)
        assert a.value == macs
        assert mem.agrees_with(weights.numel() * weights.element_size() / 2**20)
        x = torch.empty(1, crossing.value, d, device="meta")
        proj = nn.Linear(d, d, bias=False, device="meta")
        with FlopCounterMode(display=False) as products:
            qq = x.view(1, -1, h, d // h).transpose(1, 2)
            att = torch.matmul(qq, qq.transpose(-2, -1))
            torch.matmul(att, qq)
        with FlopCounterMode(display=False) as projections:
            for _ in range(4):
                proj(x)
        assert products.get_total_flops() == projections.get_total_flops()


# --------------------------------------------------------------------------- compression


def test_model_size_matches_torch_parameters_and_element_sizes(solve):
    for seed in SEEDS:
        v = solve("dl/compression/model-size", seed)
        widths, bits = v.params["widths"], v.params["bits"]
        net = nn.Sequential(*[nn.Linear(a, b, device="meta") for a, b in itertools.pairwise(widths)])
        count, fp32, quant = parts(v)
        assert count.value == n_params(net)
        assert fp32.agrees_with(sum(p.numel() * p.element_size() for p in net.parameters()) / 1e6)
        int8 = torch.empty(0, dtype=torch.int8).element_size()
        assert quant.agrees_with(n_params(net) * int8 * bits / 8 / 1e6)


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_quantize_per_tensor_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/compression/quantize-per-tensor", seed)
        p = v.params
        dtype = torch.quint8 if p["dtype"] == "quint8" else torch.qint8
        q = torch.quantize_per_tensor(torch.tensor(p["values"], dtype=torch.float32), p["scale"], p["zero_point"], dtype)
        codes, deq = parts(v)
        assert codes.array.astype(int).tolist() == q.int_repr().int().tolist()
        assert np.allclose(deq.array, q.dequantize().double().numpy(), atol=1e-5)


def test_quantize_clips_out_of_range_values(solve):
    v = solve("dl/compression/quantize-per-tensor", values=[1.0, 20.0, -20.0, 0.26], scale=0.1, zero_point=0,
              dtype="qint8")
    codes, deq = parts(v)
    assert codes.array.tolist() == [10, 127, -128, 3]
    assert np.allclose(deq.array, [1.0, 12.7, -12.8, 0.3])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_minmax_qparams_match_torch_observer(solve):
    from torch.ao.quantization.observer import MinMaxObserver

    schemes = set()
    for seed in range(20):
        v = solve("dl/compression/minmax-qparams", seed)
        p = v.params
        schemes.add(p["scheme"])
        if p["scheme"] == "affine":
            obs, dtype = MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine), torch.quint8
        else:
            obs, dtype = MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric), torch.qint8
        obs(torch.tensor(p["values"]))
        scale, zero_point = obs.calculate_qparams()
        code = torch.quantize_per_tensor(torch.tensor([p["probe"]]), float(scale), int(zero_point), dtype)
        s, z, q = (a.value for a in parts(v))
        assert s == pytest.approx(float(scale), rel=1e-6)
        assert z == int(zero_point)
        assert q == code.int_repr().item()
    assert schemes == {"affine", "symmetric"}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_quantized_linear_matches_torch_quantized_tensors(solve):
    for seed in SEEDS:
        v = solve("dl/compression/quantized-linear", seed)
        p = v.params
        real_x = p["s_x"] * (torch.tensor(p["x_codes"], dtype=torch.float32) - p["z_x"])
        x = torch.quantize_per_tensor(real_x, p["s_x"], p["z_x"], torch.quint8)
        w = torch.quantize_per_tensor(p["s_w"] * torch.tensor(p["w_codes"], dtype=torch.float32), p["s_w"], 0, torch.qint8)
        assert x.int_repr().tolist() == p["x_codes"] and w.int_repr().tolist() == p["w_codes"]
        y = F.linear(x.dequantize().double(), w.dequantize().double(), t64(p["bias"]))
        q_y = torch.quantize_per_tensor(y.float(), p["s_y"], p["z_y"], torch.quint8)
        acc, out, codes = parts(v)
        assert np.allclose(out.array, y.numpy(), atol=1e-5)
        assert codes.array.astype(int).tolist() == q_y.int_repr().int().tolist()
        centred = t64(p["x_codes"]) - p["z_x"]
        assert acc.array.tolist() == (t64(p["w_codes"]) @ centred).tolist()


def test_magnitude_pruning_matches_torch_prune(solve):
    from torch.nn.utils import prune

    for seed in SEEDS:
        v = solve("dl/compression/magnitude-pruning", seed)
        p = v.params
        w = t64(p["weights"])
        layer = nn.Linear(w.shape[1], w.shape[0], bias=False).double()
        with torch.no_grad():
            layer.weight.copy_(w)
        prune.l1_unstructured(layer, "weight", amount=p["prune"])
        pruned, out = parts(v)
        assert np.allclose(pruned.array, layer.weight.detach().numpy())
        assert int((layer.weight == 0).sum()) == p["prune"]
        with torch.no_grad():
            assert np.allclose(out.array, layer(t64(p["x"])).numpy())


def test_filter_pruning_matches_rebuilt_torch_layers(solve):
    from torch.nn.utils import prune

    for seed in SEEDS:
        v = solve("dl/compression/filter-pruning", seed)
        p = v.params
        first = nn.Conv2d(p["c0"], p["c1"], p["k1"])
        second = nn.Conv2d(p["c1"], p["c2"], p["k2"])
        # choose the filters with the smallest L1 norms as torch's structured pruning does, then rebuild
        prune.ln_structured(first, "weight", amount=p["removed"], n=1, dim=0)
        keep = torch.nonzero(first.weight_mask.flatten(1).sum(1) > 0).flatten()
        assert len(keep) == p["c1"] - p["removed"]
        small1 = nn.Conv2d(p["c0"], len(keep), p["k1"])
        small2 = nn.Conv2d(len(keep), p["c2"], p["k2"])
        with torch.no_grad():
            small1.weight.copy_(first.weight[keep])
            small1.bias.copy_(first.bias[keep])
            small2.weight.copy_(second.weight[:, keep])
            small2.bias.copy_(second.bias)
            x = torch.randn(1, p["c0"], 12, 12)
            # the rebuilt network computes what the masked one does once the pruned maps are dropped
            full = second(torch.relu(first(x)) * first.weight_mask.flatten(1).amax(1)[None, :, None, None])
            assert torch.allclose(small2(torch.relu(small1(x))), full, atol=1e-5)
        assert v.answer.value == n_params(small1, small2)


# --------------------------------------------------------------------------- distillation


def test_kd_loss_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/distillation/kd-loss", seed)
        p = v.params
        t, s, temp, alpha = t64(p["teacher"]), t64(p["student"]), p["temperature"], p["alpha"]
        soft = F.softmax(t / temp, dim=-1)
        kd = F.kl_div(F.log_softmax(s / temp, dim=-1)[None], soft[None], reduction="batchmean") * temp**2
        ce = F.cross_entropy(s[None], torch.tensor([p["label"] - 1]))
        a, b, c = parts(v)
        assert np.allclose(a.array, soft.numpy(), atol=5e-5)
        assert b.value == pytest.approx(kd.item(), abs=1e-9)
        assert c.value == pytest.approx((alpha * kd + (1 - alpha) * ce).item(), abs=1e-9)
        # forgetting the T^2 factor is outside the tolerance
        assert not b.accepts(kd.item() / temp**2)


def test_kd_gradient_matches_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/distillation/kd-gradient", seed)
        p = v.params
        temp = p["temperature"]
        s = t64(p["student"]).requires_grad_()
        soft = F.softmax(t64(p["teacher"]) / temp, dim=-1)
        (F.kl_div(F.log_softmax(s / temp, dim=-1), soft, reduction="sum") * temp**2).backward()
        grad, factor = parts(v)
        assert np.allclose(grad.array, s.grad.numpy(), atol=1e-12)
        plain = t64(p["student"]).requires_grad_()
        F.kl_div(F.log_softmax(plain / temp, dim=-1), soft, reduction="sum").backward()
        assert torch.allclose(s.grad, plain.grad * factor.value)


# --------------------------------------------------------------------------- GNN


def test_gcn_layer_matches_dense_torch_computation(solve):
    for seed in SEEDS:
        v = solve("dl/gnn/gcn-layer", seed)
        p = v.params
        n = p["n_nodes"]
        a = torch.zeros(n, n, dtype=torch.float64)
        for i, j in p["edges"]:
            a[i - 1, j - 1] = a[j - 1, i - 1] = 1
        a_tilde = a + torch.eye(n, dtype=torch.float64)
        deg = a_tilde.sum(dim=1)
        norm = torch.diag(deg.rsqrt()) @ a_tilde @ torch.diag(deg.rsqrt())
        lin = nn.Linear(len(p["weights"]), 1, bias=False).double()
        with torch.no_grad():
            lin.weight.copy_(t64([p["weights"]]))
            h = torch.relu(norm @ lin(t64(p["features"])))[:, 0]
        degrees, out = parts(v)
        assert degrees.array.tolist() == deg.tolist()
        assert np.allclose(out.array, h.numpy(), atol=1e-9)
        assert v.figure_tex.count(r"\node") == n and v.figure_tex.count(r"\draw") == len(p["edges"])
        assert v.figure_alt


# --------------------------------------------------------------------------- gradient calculations


def test_conv_gradients_match_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/backprop/conv-gradients", seed)
        p = v.params
        x = t64(p["input"])[None, None].requires_grad_()
        k = t64(p["kernel"])[None, None].requires_grad_()
        (F.conv2d(x, k) * t64(p["upstream"])).sum().backward()
        dk, dx = parts(v)
        assert dk.array.tolist() == k.grad[0, 0].tolist()
        assert dx.array.tolist() == x.grad[0, 0].tolist()


def test_sigmoid_mse_neuron_matches_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/backprop/sigmoid-mse-neuron", seed)
        p = v.params
        w = t64(p["w"]).requires_grad_()
        b = torch.tensor(p["b"], dtype=torch.float64, requires_grad=True)
        y = torch.sigmoid(w @ t64(p["x"]) + b)
        loss = F.mse_loss(y, torch.tensor(p["target"], dtype=torch.float64))
        (loss / 2 if p["half"] else loss).backward()
        out, gw, gb = parts(v)
        assert out.value == pytest.approx(y.item(), abs=1e-12)
        assert np.allclose(gw.array, w.grad.numpy(), atol=1e-12)
        assert gb.value == pytest.approx(b.grad.item(), abs=1e-12)
        # the halved and the plain loss differ by a factor 2: never both within the tolerance
        if abs(gb.value) > 1e-3:
            assert not gb.accepts(gb.value * (2 if p["half"] else 0.5))
        # the computation graph drawn for the variant shows every drawn value
        assert v.figure_tex.count(r"\times") == len(p["x"]) and v.figure_alt
        for i, (xi, wi) in enumerate(zip(p["x"], p["w"], strict=True)):
            assert f"x_{i + 1} = {xi:g}" in v.figure_tex and f"w_{i + 1} = {wi:g}" in v.figure_tex


class _DeconvRelu(torch.autograd.Function):
    """ReLU forward; DeconvNet backward: the ReLU applied to the incoming signal (Zeiler & Fergus 2014)."""

    @staticmethod
    def forward(ctx, x):
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        return grad.clamp(min=0)


def test_deconvnet_chain_matches_autograd_with_each_relu_rule(solve):
    modes = set()
    for seed in range(20):
        v = solve("dl/backprop/deconvnet-chain", seed)
        p = v.params
        modes.add(p["mode"])
        x = t64(p["input"])[None, None].requires_grad_()
        c = F.conv2d(x, t64(p["kernel"])[None, None])
        r = torch.relu(c) if p["mode"] == "backprop" else _DeconvRelu.apply(c)
        m = F.max_pool2d(r, 2, stride=1)
        (m[0, 0] * t64(p["weights"])).sum().backward()
        assert v.answer.array.tolist() == x.grad[0, 0].tolist(), (seed, p["mode"])
    assert modes == {"backprop", "deconvnet"}


# --------------------------------------------------------------------------- beta-VAE


def test_beta_vae_loss_matches_torch_distributions(solve):
    from torch.distributions import Normal, kl_divergence

    for seed in SEEDS:
        v = solve("dl/generative/beta-vae-loss", seed)
        p = v.params
        recon = F.mse_loss(t64(p["x_hat"]), t64(p["x"]), reduction="sum")
        q = Normal(t64(p["mu"]), torch.exp(0.5 * t64(p["log_var"])))
        kl = kl_divergence(q, Normal(torch.zeros(len(p["mu"]), dtype=torch.float64), 1.0)).sum()
        a, b, c = parts(v)
        assert a.value == pytest.approx(recon.item(), abs=1e-9)
        assert b.value == pytest.approx(kl.item(), abs=1e-9)
        assert c.value == pytest.approx((recon + p["beta"] * kl).item(), abs=1e-9)


# --------------------------------------------------------------------------- autoregressive models


def test_causal_receptive_field_matches_autograd_through_conv1d_stack(solve):
    for seed in SEEDS:
        v = solve("dl/autoregressive/causal-receptive-field", seed)
        p = v.params
        k, dil = p["kernel"], p["dilations"]
        rf, depth = (a.value for a in parts(v))

        def field(dilations, k=k):
            length = 1 + (k - 1) * sum(dilations) + 5
            x = torch.zeros(1, 1, length, requires_grad=True)
            h = x
            for d in dilations:
                conv = nn.Conv1d(1, 1, k, dilation=d, bias=False)
                nn.init.constant_(conv.weight, 1.0)
                h = conv(F.pad(h, ((k - 1) * d, 0)))  # left padding only: causal
                assert h.shape[-1] == length
            h[0, 0, -1].backward()
            seen = torch.nonzero(x.grad[0, 0]).flatten()
            assert seen.max() == length - 1  # the last output sees the current input, nothing later
            return int(seen.max() - seen.min() + 1)

        assert rf == field(dil)
        assert field([2**i for i in range(depth)]) >= p["target"]
        if depth > 1:
            assert field([2**i for i in range(depth - 1)]) < p["target"]


def test_pixelcnn_mask_matches_torch_masked_conv(solve):
    for seed in SEEDS:
        v = solve("dl/autoregressive/pixelcnn-mask", seed)
        p = v.params
        k = p["kernel"]
        conv = nn.Conv2d(p["in_channels"], p["out_channels"], k, padding=k // 2)
        mask = torch.ones(k, k)
        mask[k // 2, k // 2 + (1 if p["mask"] == "B" else 0):] = 0
        mask[k // 2 + 1:, :] = 0
        with torch.no_grad():
            conv.weight.mul_(mask)
        kept, effective = (a.value for a in parts(v))
        assert kept == int(mask.sum())
        assert effective == int((conv.weight != 0).sum()) + conv.bias.numel()
        # autoregressive property: the centre output depends only on earlier pixels (and itself for B)
        img = torch.randn(1, p["in_channels"], k, k, requires_grad=True)
        conv(img)[0, 0, k // 2, k // 2].backward()
        seen = img.grad[0].abs().sum(0) > 0
        c = k // 2
        allowed = torch.tensor([[(i, j) < (c, c) or (p["mask"] == "B" and (i, j) == (c, c)) for j in range(k)]
                                for i in range(k)])
        assert torch.equal(seen, allowed)


def test_made_masks_make_a_torch_autoencoder_autoregressive(solve):
    from torch.autograd.functional import jacobian

    torch.manual_seed(0)
    for seed in SEEDS:
        v = solve("dl/autoregressive/made-masks", seed)
        p = v.params
        d, h = p["n_inputs"], len(p["degrees"])
        w_mask, v_mask, reach = parts(v)
        enc, dec = nn.Linear(d, h).double(), nn.Linear(h, d).double()
        mw, mv = t64(w_mask.array), t64(v_mask.array)

        def made(x, enc=enc, dec=dec, mw=mw, mv=mv):
            return dec.bias + (torch.tanh(enc.bias + x @ (enc.weight * mw).T)) @ (dec.weight * mv).T

        jac = jacobian(made, torch.randn(d, dtype=torch.float64))  # (outputs, inputs)
        depends = jac.abs() > 1e-12
        assert not torch.triu(depends).any()  # output d never sees x_d or later inputs: autoregressive
        assert int(depends[p["output"] - 1].sum()) == reach.value


def test_autoregressive_param_count_matches_torch_modules(solve):
    for seed in SEEDS:
        v = solve("dl/autoregressive/param-count", seed)
        n, d = v.params["n_vars"], v.params["hidden"]
        table, fvsbn, nade = (a.value for a in parts(v))
        assert table == 2**n - 1
        # FVSBN as one masked nn.Linear(n, n): strictly lower-triangular weights plus n biases
        lin = nn.Linear(n, n)
        assert fvsbn == int(torch.tril(torch.ones_like(lin.weight), diagonal=-1).sum()) + lin.bias.numel()
        # NADE: W, c as nn.Linear(n, d); V, b as nn.Linear(d, n)
        assert nade == n_params(nn.Linear(n, d), nn.Linear(d, n))


# --------------------------------------------------------------------------- GNN parameters


class _GCN(nn.Module):
    def __init__(self, f, g):
        super().__init__()
        self.lin = nn.Linear(f, g, bias=False)
        self.bias = nn.Parameter(torch.zeros(g))

    def forward(self, x, a_norm):
        return a_norm @ self.lin(x) + self.bias


class _SAGE(nn.Module):
    def __init__(self, f, g):
        super().__init__()
        self.lin_l, self.lin_r = nn.Linear(f, g), nn.Linear(f, g, bias=False)

    def forward(self, x, a_mean):
        return self.lin_l(a_mean @ x) + self.lin_r(x)


class _GAT(nn.Module):
    def __init__(self, f, g, heads):
        super().__init__()
        self.heads, self.g = heads, g
        self.lin = nn.Linear(f, heads * g, bias=False)
        self.att_src, self.att_dst = nn.Parameter(torch.randn(1, heads, g)), nn.Parameter(torch.randn(1, heads, g))
        self.bias = nn.Parameter(torch.zeros(heads * g))

    def forward(self, x, adj):
        h = self.lin(x).view(-1, self.heads, self.g)
        scores = (h * self.att_dst).sum(-1)[:, None] + (h * self.att_src).sum(-1)[None]  # (dst, src, heads)
        scores = F.leaky_relu(scores, 0.2).masked_fill(~adj[..., None], float("-inf"))
        return torch.einsum("ijh,jhg->ihg", scores.softmax(dim=1), h).reshape(len(x), -1) + self.bias


def test_gat_attention_matches_the_torch_gat_head(solve):
    for seed in SEEDS:
        v = solve("dl/gnn/gat-attention", seed)
        p = v.params
        z = t64(p["features"])
        n, f = z.shape
        head = _GAT(f, f, 1).double()
        adj = torch.zeros(n, n, dtype=torch.bool)
        adj[0, 0] = True
        for j in p["neighbours"]:
            adj[0, j - 1] = True
        adj |= torch.eye(n, dtype=torch.bool)  # the other rows only need some neighbour
        with torch.no_grad():
            head.lin.weight.copy_(torch.eye(f, dtype=torch.float64))  # z = W h with W = I: h is z
            head.att_dst.copy_(t64(p["a_self"]).view(1, 1, f))
            head.att_src.copy_(t64(p["a_neigh"]).view(1, 1, f))
            head.bias.zero_()
            out = head(z, adj)
        alpha, new = parts(v)
        order = [0, *sorted(j - 1 for j in p["neighbours"])]
        scores = F.leaky_relu(z[0] @ t64(p["a_self"]) + z[order] @ t64(p["a_neigh"]), 0.2)
        assert np.allclose(alpha.array, scores.softmax(0).numpy(), atol=5e-4)
        assert np.allclose(new.array, out[0].numpy(), atol=1e-3)


def test_gnn_layer_params_match_torch_modules_that_run_on_a_graph(solve):
    kinds = set()
    for seed in range(24):
        v = solve("dl/gnn/gnn-layer-params", seed)
        p = v.params
        kinds.add(p["kind"])
        n = 6  # any graph: the count must not depend on it
        adj = torch.eye(n, dtype=torch.bool) | torch.roll(torch.eye(n, dtype=torch.bool), 1, 0)
        adj = adj | adj.T
        a = adj.double()
        x = torch.randn(n, p["widths"][0], dtype=torch.float64)
        layers, f = [], p["widths"][0]
        for g in p["widths"][1:]:
            if p["kind"] == "gcn":
                layer = _GCN(f, g).double()
            elif p["kind"] == "sage":
                layer = _SAGE(f, g).double()
            else:
                layer = _GAT(f, g, p["heads"]).double()
            x = layer(x, adj if p["kind"] == "gat" else a / a.sum(1, keepdim=True))
            layers.append(layer)
            f = x.shape[-1]
        assert v.answer.value == n_params(*layers), p
        assert all(o.value >= 1 for o in v.answer.options)
    assert kinds == {"gcn", "sage", "gat"}


def test_gnn_layer_params_key_is_not_given_away_by_its_rank(solve):
    counts = rank_counts(solve, "dl/gnn/gnn-layer-params")
    assert set(counts) == {0, 1, 2, 3} and max(counts.values()) <= 0.4 * sum(counts.values()), counts


# --------------------------------------------------------------------------- a question built on a figure


def test_cnn_diagram_sizes_match_torch_shapes_and_the_figure_shows_the_params(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/cnn-diagram-sizes", seed)
        p = v.params
        features = nn.Sequential(
            nn.Conv2d(p["in_channels"], p["c1"], p["k1"], padding=p["p1"]), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(p["c1"], p["c2"], p["k2"], padding=p["p2"]), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        x = torch.zeros(1, p["in_channels"], p["size"], p["size"])
        a_map = features[0](x)
        flat = features(x)
        fc = nn.Linear(flat.shape[1], p["hidden"])
        nn.Sequential(features, fc, nn.ReLU(), nn.Linear(p["hidden"], p["classes"]))(x)  # the network runs
        a, b, f, fc_params = (part.value for part in parts(v))
        assert a == a_map.shape[-1]
        assert b == features[:6](x).shape[-1]
        assert f == flat.shape[1]
        assert fc_params == n_params(fc)
        # the figure is drawn from the params: the layer settings appear in it, the unknowns as letters
        fig = v.figure_tex
        for shown in (rf"conv \({p['k1']}\times{p['k1']}\)", f"pad {p['p1']}", f"{p['c2']} filters",
                      rf"\({p['hidden']}\)", rf"\({p['classes']}\)", r"\times A\times A", r"\times B\times B"):
            assert shown in fig, shown
        assert f"{p['size']} x {p['size']}" in v.figure_alt


def test_gcn_receptive_hops_match_autograd_through_gcn_layers(solve):
    torch.manual_seed(0)
    for seed in SEEDS:
        v = solve("dl/gnn/gcn-receptive-hops", seed)
        p = v.params
        n = p["n_nodes"]
        a = torch.zeros(n, n, dtype=torch.float64)
        for i, j in p["edges"]:
            a[i - 1, j - 1] = a[j - 1, i - 1] = 1
        a_tilde = a + torch.eye(n, dtype=torch.float64)
        d = a_tilde.sum(1).rsqrt()
        a_hat = d[:, None] * a_tilde * d[None, :]

        def influencers(layers, n=n, a_hat=a_hat, node=p["node"]):
            x = torch.rand(n, 3, dtype=torch.float64, requires_grad=True)
            h = x
            for _ in range(layers):
                lin = nn.Linear(h.shape[1], 3, bias=False).double()
                nn.init.uniform_(lin.weight, 0.1, 1.0)  # positive weights: nothing cancels
                h = torch.relu(a_hat @ lin(h))
            h[node - 1].sum().backward()
            return int((x.grad.abs().sum(1) > 0).sum())

        within, needed = (part.value for part in parts(v))
        assert influencers(p["layers"]) == within
        assert influencers(needed) == n and influencers(needed - 1) < n
        assert f"fill=gray!25] (n{p['node']})" in v.figure_tex
