"""CNN templates: answers cross-checked against PyTorch over several seeds, and hand-checked overrides.

Every ``solve(qid, seed)`` already runs the template's own independent
verification; these tests add a third route (real PyTorch modules and
functions) and pin the numbers of the seed papers that are right.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from generator.answers import Matrix, MultiPart, Numerical, SingleChoice
from generator.errors import ParamError

SEEDS = range(15)

CNN_IDS = (
    "dl/cnn/conv-params",
    "dl/cnn/depthwise-separable-params",
    "dl/cnn/transposed-conv-output-size",
    "dl/cnn/transposed-conv-values",
    "dl/cnn/conv2d-valid",
    "dl/cnn/cnn-layer-table",
    "dl/cnn/receptive-field",
    "dl/cnn/pooling-output-size",
    "dl/cnn/inception-module",
    "dl/cnn/yolo-output",
    "dl/cnn/rpn-params",
    "dl/cnn/alexnet-layer-params",
    "dl/cnn/relu-backward-modes",
)


def n_params(*modules: nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


def part_values(v) -> list:
    assert isinstance(v.answer, MultiPart)
    return [p.answer.value for p in v.answer.parts]


def test_all_templates_present_with_topic_cnn(bank):
    for qid in CNN_IDS:
        q = bank.questions[qid]
        assert q.topic == "cnn" and q.source and q.has_verify(), qid


@pytest.mark.parametrize("qid", CNN_IDS)
def test_variants_differ_and_are_reproducible(solve, qid):
    keys = {solve(qid, seed).answer.key_text() for seed in range(60)}
    assert len(keys) >= 10, f"{qid}: only {len(keys)} distinct answers in 60 seeds"
    a, b = solve(qid, 7), solve(qid, 7)
    assert dict(a.params) == dict(b.params) and a.stem_tex == b.stem_tex


# --------------------------------------------------------------------------- 1. conv-params


def test_conv_params_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/conv-params", seed)
        p = v.params
        assert isinstance(v.answer, SingleChoice)
        assert v.answer.value == n_params(
            nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel"])
        )


@pytest.mark.parametrize(
    "c_in,c_out,k,expected", [(3, 64, 3, 1792), (1, 6, 5, 156), (16, 32, 1, 544)]
)
def test_conv_params_hand_values(solve, c_in, c_out, k, expected):
    # 3*64*9 + 64; LeNet-5 C1: 6*25 + 6; a 1x1 conv: 16*32 + 32
    v = solve("dl/cnn/conv-params", in_channels=c_in, out_channels=c_out, kernel=k)
    assert v.answer.value == expected
    wrong = {o.value for o in v.answer.options if not o.correct}
    assert expected not in wrong and len(wrong) == 3


def test_conv_params_rejects_bad_params(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/conv-params", kernel=0)
    with pytest.raises(ParamError):
        solve("dl/cnn/conv-params", channels=3)  # not a param of this template


# --------------------------------------------------------------------------- 2. depthwise separable


def test_depthwise_separable_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/depthwise-separable-params", seed)
        c_in, c_out, k = v.params["in_channels"], v.params["out_channels"], v.params["kernel"]
        depthwise = nn.Conv2d(c_in, c_in, k, groups=c_in, bias=False)
        pointwise = nn.Conv2d(c_in, c_out, 1, bias=False)
        assert v.answer.value == n_params(depthwise, pointwise)


def test_depthwise_separable_seed_paper_001_q8(solve):
    v = solve("dl/cnn/depthwise-separable-params", in_channels=32, out_channels=64, kernel=3)
    assert v.answer.value == 2336  # 32*9 + 32*64
    # distractors are modelled mistakes; the two parts never both appear (they would add up to the key)
    mistakes = {32 * 64 * 9, 32 * 9, 32 * 64, 9 * 64 + 32 * 64, 2336 + 32 + 64, 3 * 32 + 32 * 64,
                9 * 32 * 32 + 32 * 64, 32 * 64 * 9 + 32 * 64, 9 + 32 * 64, 32 * 9 + 64}
    values = {o.value for o in v.answer.options}
    assert 2336 in values and values - {2336} <= mistakes
    assert not {32 * 9, 32 * 64} <= values


# --------------------------------------------------------------------------- 3. transposed conv size


def test_transposed_conv_output_size_matches_torch(solve):
    for seed in range(40):
        v = solve("dl/cnn/transposed-conv-output-size", seed)
        p = v.params
        layer = nn.ConvTranspose2d(
            1,
            1,
            p["kernel"],
            stride=p["stride"],
            padding=p["padding"],
            output_padding=p["output_padding"],
        )
        out = layer(torch.zeros(1, 1, p["size"], p["size"]))
        assert isinstance(v.answer, Numerical)
        assert out.shape[-1] == out.shape[-2] == v.answer.value


@pytest.mark.parametrize(
    "size,kernel,stride,padding,output_padding,expected",
    [
        (4, 3, 2, 1, 1, 8),  # 3*2 - 2 + 3 + 1: the usual "double the size" layer
        (4, 4, 2, 1, 0, 8),  # DCGAN-style 4x4/2/1
        (7, 3, 1, 0, 0, 9),  # stride 1, no padding: n + k - 1
        (5, 2, 3, 0, 2, 16),  # 4*3 + 2 + 2
    ],
)
def test_transposed_conv_output_size_hand_values(
    solve, size, kernel, stride, padding, output_padding, expected
):
    v = solve(
        "dl/cnn/transposed-conv-output-size",
        size=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
    )
    assert v.answer.value == expected


def test_transposed_conv_output_padding_must_be_below_stride(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/transposed-conv-output-size", stride=2, output_padding=2)


# --------------------------------------------------------------------------- 4. transposed conv values


def test_transposed_conv_values_match_torch(solve):
    for seed in range(30):
        v = solve("dl/cnn/transposed-conv-values", seed)
        p = v.params
        x = torch.tensor(p["input"], dtype=torch.float64)[None, None]
        w = torch.tensor(p["kernel"], dtype=torch.float64)[None, None]
        expected = F.conv_transpose2d(x, w, stride=p["stride"], padding=p["padding"])[0, 0].numpy()
        assert isinstance(v.answer, Matrix)
        np.testing.assert_array_equal(v.answer.array, expected)


def test_transposed_conv_values_seed_paper_001_q17(solve):
    # Seed paper 001 Q17's setup; its printed options do not match conv_transpose2d, this does.
    v = solve(
        "dl/cnn/transposed-conv-values",
        input=[[1, 2], [3, 4]],
        kernel=[[1, 0, -1], [1, 0, -1], [1, 0, -1]],
        stride=2,
        padding=1,
    )
    np.testing.assert_array_equal(v.answer.array, [[0, 1, 0], [0, 2, 0], [0, 1, 0]])
    full = solve(
        "dl/cnn/transposed-conv-values",
        input=[[1, 2], [3, 4]],
        kernel=[[1, 0, -1], [1, 0, -1], [1, 0, -1]],
        stride=2,
        padding=0,
    )
    # row 2 is where the copies of the first and second input rows overlap: 1+3, 0, (-1+2)+(-3+4), 0, -2-4
    np.testing.assert_array_equal(full.answer.array[2], [4, 0, 2, 0, -6])


def test_transposed_conv_values_stride_one_is_full_convolution(solve):
    v = solve(
        "dl/cnn/transposed-conv-values",
        input=[[1, 2], [3, 4]],
        kernel=[[1, 1], [1, 1]],
        stride=1,
        padding=0,
    )
    np.testing.assert_array_equal(v.answer.array, [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


def test_transposed_conv_values_rejects_overcropping(solve):
    with pytest.raises(ParamError):
        solve(
            "dl/cnn/transposed-conv-values",
            input=[[1]],
            kernel=[[1, 1], [1, 1]],
            stride=1,
            padding=1,
        )


# --------------------------------------------------------------------------- 5. conv2d valid


def test_conv2d_valid_matches_torch(solve):
    for seed in range(30):
        v = solve("dl/cnn/conv2d-valid", seed)
        x = torch.tensor(v.params["input"], dtype=torch.float64)[None, None]
        w = torch.tensor(v.params["kernel"], dtype=torch.float64)[None, None]
        np.testing.assert_array_equal(v.answer.array, F.conv2d(x, w)[0, 0].numpy())


def test_conv2d_valid_hand_values(solve):
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    v = solve(
        "dl/cnn/conv2d-valid", input=x, kernel=[[1, 1], [1, 1]]
    )  # seed paper 001 Q20's conv step
    np.testing.assert_array_equal(v.answer.array, [[12, 16], [24, 28]])
    v = solve(
        "dl/cnn/conv2d-valid", input=x, kernel=[[1, 0], [0, -1]]
    )  # no flip: x[i,j] - x[i+1,j+1]
    np.testing.assert_array_equal(v.answer.array, [[-4, -4], [-4, -4]])
    with pytest.raises(ParamError):
        solve("dl/cnn/conv2d-valid", input=[[1, 2]], kernel=[[1], [1]])


# --------------------------------------------------------------------------- 6. CNN layer table


def _table_net(p):
    f1, k1, s1, p1 = p["conv1"]
    f2, k2, s2, p2 = p["conv2"]
    features = nn.Sequential(
        nn.Conv2d(p["channels"], k1, f1, stride=s1, padding=p1),
        nn.ReLU(),
        nn.MaxPool2d(*p["pool1"]),
        nn.Conv2d(k1, k2, f2, stride=s2, padding=p2),
        nn.ReLU(),
        nn.MaxPool2d(*p["pool2"]),
    )
    return features


def test_cnn_layer_table_matches_torch(solve):
    for seed in range(10):
        v = solve("dl/cnn/cnn-layer-table", seed)
        p = v.params
        features = _table_net(p)
        x = torch.zeros(1, p["channels"], p["size"], p["size"])
        conv1_out = features[0](x)
        pool1_out = features[2](conv1_out)
        conv2_out = features[3](pool1_out)
        pool2_out = features[5](conv2_out)
        flat = pool2_out.numel()
        fc1, fc2 = nn.Linear(flat, p["fc"]), nn.Linear(p["fc"], p["classes"])
        expected = [
            conv1_out.shape[-1],
            features[0].weight.numel(),
            pool1_out.shape[-1],
            conv2_out.shape[-1],
            features[3].weight.numel(),
            pool2_out.shape[-1],
            fc1.weight.numel(),
            n_params(features, fc1, fc2),
        ]
        assert part_values(v) == expected


def test_cnn_layer_table_seed_paper_002_numbers(solve):
    # Seed paper 002 Q2c: 128x128x3, CONV-9-32, POOL-2, CONV-5-64, POOL-2 (then FC layers of our own).
    v = solve(
        "dl/cnn/cnn-layer-table",
        size=128,
        channels=3,
        conv1=[9, 32, 1, 0],
        pool1=[2, 2],
        conv2=[5, 64, 1, 0],
        pool2=[2, 2],
        fc=100,
        classes=3,
    )
    weights = 7776 + 51200 + 28 * 28 * 64 * 100 + 100 * 3
    biases = 32 + 64 + 100 + 3
    assert part_values(v) == [120, 7776, 60, 56, 51200, 28, 28 * 28 * 64 * 100, weights + biases]


def test_cnn_layer_table_rejects_kernel_too_large(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/cnn-layer-table", size=8, conv1=[9, 8, 1, 0])


# --------------------------------------------------------------------------- 7. receptive field


def _torch_receptive_field(kernels, strides, dilations, layer):
    """Span of the input positions with a nonzero gradient for output unit 0 (all-ones weights)."""
    convs = [
        nn.Conv1d(1, 1, k, stride=s, dilation=d, bias=False)
        for k, s, d in zip(kernels[:layer], strides[:layer], dilations[:layer])
    ]
    for c in convs:
        nn.init.ones_(c.weight)
    x = torch.zeros(1, 1, 400, requires_grad=True)
    y = x
    for c in convs:
        y = c(y)
    y[0, 0, 0].backward()
    nonzero = torch.nonzero(x.grad[0, 0]).flatten()
    return int(nonzero.max() - nonzero.min() + 1)


def test_receptive_field_matches_torch_gradients(solve):
    for seed in range(20):
        v = solve("dl/cnn/receptive-field", seed)
        p = v.params
        assert v.answer.value == _torch_receptive_field(
            p["kernels"], p["strides"], p["dilations"], p["layer"]
        )


@pytest.mark.parametrize("layer,expected", [(1, 3), (2, 19), (3, 27)])
def test_receptive_field_seed_paper_004_q8(solve, layer, expected):
    # H1: k3 s2 d1; H2: k5 s1 d2; H3: k3 s2 d2.  3;  3 + 2*4*2 = 19;  19 + 2*2*2 = 27.
    v = solve(
        "dl/cnn/receptive-field",
        kernels=[3, 5, 3],
        strides=[2, 1, 2],
        dilations=[1, 2, 2],
        layer=layer,
    )
    assert v.answer.value == expected


def test_receptive_field_rejects_mismatched_lists(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/receptive-field", kernels=[3, 3], strides=[1], dilations=[1, 1], layer=1)
    with pytest.raises(ParamError):
        solve("dl/cnn/receptive-field", kernels=[3, 3], strides=[1, 1], dilations=[1, 1], layer=3)


# --------------------------------------------------------------------------- 8. pooling output size


def test_pooling_output_size_matches_torch(solve):
    for seed in range(60):
        v = solve("dl/cnn/pooling-output-size", seed)
        p = v.params
        cls = nn.MaxPool2d if p["kind"] == "max" else nn.AvgPool2d
        layer = cls(p["kernel"], stride=p["stride"], padding=p["padding"], ceil_mode=p["ceil_mode"])
        assert v.answer.value == layer(torch.zeros(1, 1, p["size"], p["size"])).shape[-1]


@pytest.mark.parametrize(
    "size,kernel,stride,padding,ceil_mode,expected",
    [
        (7, 2, 2, 0, False, 3),
        (7, 2, 2, 0, True, 4),  # the last window hangs over the edge and is kept
        (
            5,
            3,
            3,
            1,
            True,
            2,
        ),  # ceil gives 3, but the third window would start in the right padding
        (55, 3, 2, 0, False, 27),  # AlexNet's overlapping pooling
        (13, 3, 2, 0, True, 6),
    ],
)
def test_pooling_output_size_hand_values(solve, size, kernel, stride, padding, ceil_mode, expected):
    v = solve(
        "dl/cnn/pooling-output-size",
        size=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        kind="max",
    )
    assert v.answer.value == expected


def test_pooling_rejects_padding_over_half_window(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/pooling-output-size", kernel=2, padding=2)


# --------------------------------------------------------------------------- 9. inception module


def _inception(p):
    c = p["channels"]
    b1 = nn.Conv2d(c, p["n1"], 1)
    b2 = nn.Sequential(
        nn.Conv2d(c, p["r3"], 1), nn.ReLU(), nn.Conv2d(p["r3"], p["n3"], 3, padding=1)
    )
    b3 = nn.Sequential(
        nn.Conv2d(c, p["r5"], 1), nn.ReLU(), nn.Conv2d(p["r5"], p["n5"], 5, padding=2)
    )
    b4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(c, p["pool_proj"], 1))
    return b1, b2, b3, b4


def test_inception_module_matches_torch(solve):
    for seed in range(6):
        v = solve("dl/cnn/inception-module", seed)
        p = v.params
        branches = _inception(p)
        x = torch.zeros(1, p["channels"], p["size"], p["size"])
        with torch.no_grad():
            out = torch.cat([b(x) for b in branches], dim=1)
            unpadded = nn.Conv2d(p["r5"], p["n5"], 5)(branches[2][0](x))
        direct = nn.Conv2d(p["channels"], p["n5"], 5, padding=2)
        assert out.shape[-1] == p["size"]
        assert part_values(v) == [
            out.shape[1],
            unpadded.shape[-1],
            n_params(branches[2]),
            n_params(direct),
            n_params(*branches),
        ]


def test_inception_module_googlenet_3a_and_seed_paper_003(solve):
    # GoogLeNet inception(3a) on 28x28x192: output depth 256; seed paper 003 Q9: an unpadded 5x5 gives 24.
    v = solve(
        "dl/cnn/inception-module",
        size=28,
        channels=192,
        n1=64,
        r3=96,
        n3=128,
        r5=16,
        n5=32,
        pool_proj=32,
    )
    b3 = 192 * 16 + 16 + 25 * 16 * 32 + 32
    total = (192 * 64 + 64) + (192 * 96 + 96 + 9 * 96 * 128 + 128) + b3 + (192 * 32 + 32)
    assert part_values(v) == [256, 24, b3, 25 * 192 * 32 + 32, total]


# --------------------------------------------------------------------------- 10. YOLO


def test_yolo_seed_paper_004_q1c(solve):
    # 7x7 grid, 3 boxes, 20 classes, 5 cells with objects: 7x7x35 output, 44 empty cells x 32 don't-care.
    v = solve("dl/cnn/yolo-output", grid=7, boxes=3, classes=20, object_cells=5)
    assert part_values(v) == [35, 1715, 1408]


def test_yolo_v1_paper_shape(solve):
    # Redmon et al. 2016: S=7, B=2, C=20 gives a 7x7x30 tensor; with no object every cell has 20+8 don't-care.
    v = solve("dl/cnn/yolo-output", grid=7, boxes=2, classes=20, object_cells=0)
    assert part_values(v) == [30, 1470, 49 * 28]


def test_yolo_counts_against_a_torch_target_mask(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/yolo-output", seed)
        s, b, c, m = (v.params[k] for k in ("grid", "boxes", "classes", "object_cells"))
        used = torch.zeros(s * s, b * 5 + c, dtype=torch.bool)
        objects = torch.randperm(s * s, generator=torch.Generator().manual_seed(seed))[:m]
        used[objects] = True
        empty = torch.ones(s * s, dtype=torch.bool)
        empty[objects] = False
        used[empty.nonzero().flatten()[:, None], torch.arange(4, 5 * b, 5)[None, :]] = True
        assert part_values(v) == [b * 5 + c, used.numel(), int((~used).sum())]


def test_yolo_rejects_too_many_object_cells(solve):
    with pytest.raises(ParamError):
        solve("dl/cnn/yolo-output", grid=3, object_cells=10)


# --------------------------------------------------------------------------- 11. RPN


def test_rpn_params_match_torch(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/rpn-params", seed)
        p = v.params
        w, b = p["window"], p["bias"]
        modules = (
            nn.Conv2d(p["channels"], p["hidden"], w, padding=w // 2, bias=b),
            nn.Conv2d(p["hidden"], p["per_anchor"] * p["anchors"], 1, bias=b),
            nn.Conv2d(p["hidden"], 4 * p["anchors"], 1, bias=b),
        )
        assert v.answer.value == n_params(*modules)


@pytest.mark.parametrize("bias,expected", [(False, 608256), (True, 608584)])
def test_rpn_params_seed_paper_004_q9(solve, bias, expected):
    # 13x13x256 AlexNet map, 3x3 window to 256-d, 12 anchors: 256*9*256 + 256*(2*12 + 4*12) (+ biases).
    v = solve(
        "dl/cnn/rpn-params",
        channels=256,
        hidden=256,
        anchors=12,
        window=3,
        per_anchor=2,
        bias=bias,
        size=13,
    )
    assert v.answer.value == expected


# --------------------------------------------------------------------------- 12. AlexNet


def _alexnet(p):
    f, fc = p["filters"], p["fc"]
    features = nn.Sequential(
        nn.Conv2d(p["channels"], f[0], 11, stride=4),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(f[0], f[1], 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(f[1], f[2], 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(f[2], f[3], 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(f[3], f[4], 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Flatten(),
    )
    with torch.no_grad():
        flat = features(torch.zeros(1, p["channels"], p["size"], p["size"])).shape[1]
    classifier = nn.Sequential(
        nn.Linear(flat, fc[0]),
        nn.ReLU(),
        nn.Linear(fc[0], fc[1]),
        nn.ReLU(),
        nn.Linear(fc[1], fc[2]),
    )
    convs = [m for m in features if isinstance(m, nn.Conv2d)]
    return features, classifier, convs, flat


def test_alexnet_params_match_torch(solve):
    for seed in range(5):
        v = solve("dl/cnn/alexnet-layer-params", seed)
        features, classifier, convs, flat = _alexnet(v.params)
        expected = [
            n_params(convs[v.params["layer"] - 1]),
            flat,
            n_params(classifier[0]),
            n_params(features, classifier),
        ]
        assert part_values(v) == expected


@pytest.mark.parametrize(
    "layer,conv_params", [(1, 34944), (2, 614656), (3, 885120), (4, 1327488), (5, 884992)]
)
def test_alexnet_seed_paper_004_q10(solve, layer, conv_params):
    # Seed paper 004 Q10 (its weight counts are right): 34,848 + 96; 614,400 + 256; 884,736 + 384;
    # 1,327,104 + 384; 884,736 + 256; FC6 9,216 x 4,096 + 4,096; total 62,378,344.
    v = solve(
        "dl/cnn/alexnet-layer-params",
        size=227,
        channels=3,
        filters=[96, 256, 384, 384, 256],
        fc=[4096, 4096, 1000],
        layer=layer,
    )
    assert part_values(v) == [conv_params, 9216, 37748736 + 4096, 62378344]


# --------------------------------------------------------------------------- 13. ReLU backward modes


def _torch_relu_backward(x, r, mode):
    relu = nn.ReLU()
    if mode == "guided":
        relu.register_full_backward_hook(lambda m, g_in, g_out: (g_in[0].clamp(min=0),))
    elif mode == "deconvnet":
        relu.register_full_backward_hook(lambda m, g_in, g_out: (g_out[0].clamp(min=0),))
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    relu(xt).backward(torch.tensor(r, dtype=torch.float64))
    return xt.grad.numpy()


def test_relu_backward_modes_match_torch_hooks(solve):
    for seed in range(30):
        v = solve("dl/cnn/relu-backward-modes", seed)
        p = v.params
        np.testing.assert_array_equal(
            v.answer.array, _torch_relu_backward(p["x"], p["signal"], p["mode"])
        )


def test_relu_backward_modes_hand_values(solve):
    x, r = [[1, -2], [3, -4]], [[-5, 6], [7, -8]]
    expected = {
        "backprop": [[-5, 0], [7, 0]],
        "deconvnet": [[0, 6], [7, 0]],
        "guided": [[0, 0], [7, 0]],
    }
    for mode, want in expected.items():
        v = solve("dl/cnn/relu-backward-modes", x=x, signal=r, mode=mode)
        np.testing.assert_array_equal(v.answer.array, want)
    with pytest.raises(ParamError):
        solve("dl/cnn/relu-backward-modes", x=x, signal=r, mode="gradcam")


def test_relu_backward_modes_differ_in_every_drawn_variant(bank):
    from generator.variant import make_variant

    q = bank.questions["dl/cnn/relu-backward-modes"]
    for seed in range(40):
        p = dict(make_variant(q, seed).params)
        answers = {
            m: q.solve({**p, "mode": m}).array.tobytes()
            for m in ("backprop", "deconvnet", "guided")
        }
        assert len(set(answers.values())) == 3, seed
