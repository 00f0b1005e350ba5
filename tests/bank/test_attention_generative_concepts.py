"""Attention, generative models and conceptual pools: answers cross-checked against PyTorch and hand values."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from generator.answers import (
    Essay,
    MultiPart,
    MultipleChoice,
    Numerical,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from generator.errors import ParamError
from generator.variant import make_variant

SEEDS = range(12)

COMPUTED = (
            "dl/attention/self-attention-counts",
            "dl/attention/multihead-attention-params",
            "dl/attention/scaled-dot-product-weights",
            "dl/attention/positional-encoding",
            "dl/generative/gaussian-kl",
            "dl/generative/vae-kl-term",
            "dl/generative/gan-generator-gradients",
)
POOLS = (
         "dl/generative/vae-statements",
         "dl/generative/gan-statements",
         "dl/cnn/residual-statements",
         "dl/train/batchnorm-inference-statements",
         "dl/train/mixed-precision-statements",
)
OTHERS = (
          "dl/cnn/pooling-statements",
          "dl/rnn/lstm-gate-roles",
          "dl/generative/gan-training-essay",
)
ALL = COMPUTED + POOLS + OTHERS


def _values(v):
    return [p.answer.value for p in v.answer.parts]


# ----------------------------------------------------------------------------- the whole list


@pytest.mark.parametrize("qid", ALL)
def test_template_makes_verified_variants(bank, qid):
    q = bank.questions[qid]
    assert q.topic == qid.split("/")[1]
    assert q.source and q.title and q.difficulty in ("beginner", "intermediate", "advanced")
    variants = [make_variant(q, s) for s in range(200)]
    for v in variants:
        for text in (v.stem_tex, v.solution_tex):
            assert "$" not in text, "math must use \\( \\) and \\[ \\], never $"
            assert re.search(r"(?<!\\)%", text) is None, "an unescaped % comments out LaTeX"
            assert "<<" not in text and "<%" not in text
        if not isinstance(v.answer, Essay):  # essays are graded by hand
            assert v.answer.grade(v.answer.correct_response()) == 1.0
            assert v.answer.grade(v.answer.wrong_response()) == 0.0
    # variants differ: in their answers (computed), or in their stems (pools, text, essays)
    distinct = {(v.stem_tex, v.answer.key_text()) for v in variants}
    assert len(distinct) >= 3
    if qid in COMPUTED:
        assert q.has_verify()
        assert len({v.answer.key_text() for v in variants}) >= 20


# ----------------------------------------------------------------------------- self-attention counts


@pytest.mark.parametrize("seed", SEEDS)
def test_self_attention_counts_match_torch(solve, seed):
    v = solve("dl/attention/self-attention-counts", seed)
    n, d, bias = v.params["n_tokens"], v.params["dim"], v.params["bias"]
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(d, 1, bias=bias)
    # Our layer is the query/key/value part of nn.MultiheadAttention: in_proj_weight (3D x D) and in_proj_bias.
    qkv = mha.in_proj_weight.numel() + (mha.in_proj_bias.numel() if bias else 0)
    assert (mha.in_proj_bias is not None) == bias
    x = torch.randn(n, d)
    with torch.no_grad():
        _, weights = mha(x, x, x, need_weights=True)
    assert _values(v) == [qkv, weights.numel()]
    assert tuple(weights.shape) == (n, n)


def test_self_attention_counts_seed_paper_and_overrides(solve):
    # Seed paper 000, Minor-I Q5: N inputs of length D, weights excluding biases: 3 D^2; N^2 attention weights.
    assert _values(solve("dl/attention/self-attention-counts", n_tokens=10, dim=64, bias=False)) == [12288, 100]
    assert _values(solve("dl/attention/self-attention-counts", n_tokens=5, dim=4, bias=True)) == [60, 25]
    with pytest.raises(ParamError):
        solve("dl/attention/self-attention-counts", n_tokens=0)
    with pytest.raises(ParamError):
        solve("dl/attention/self-attention-counts", dim=2.5)


# ----------------------------------------------------------------------------- multi-head attention


@pytest.mark.parametrize("seed", SEEDS)
def test_multihead_attention_params_match_torch(solve, seed):
    v = solve("dl/attention/multihead-attention-params", seed)
    d, h = v.params["d_model"], v.params["heads"]
    mha = torch.nn.MultiheadAttention(d, h)
    assert isinstance(v.answer, SingleChoice)
    assert v.answer.value == sum(p.numel() for p in mha.parameters())
    assert len(v.answer.options) == 4
    assert len({o.value for o in v.answer.options}) == 4
    assert all(o.rationale for o in v.answer.options if not o.correct)


def test_multihead_attention_params_overrides(solve):
    # Transformer base: d_model = 512, h = 8: 4 * 512^2 + 4 * 512.
    assert solve("dl/attention/multihead-attention-params", d_model=512, heads=8).answer.value == 1050624
    assert solve("dl/attention/multihead-attention-params", d_model=64, heads=4).answer.value == 16640
    with pytest.raises(ParamError):
        solve("dl/attention/multihead-attention-params", d_model=100, heads=8)


# ----------------------------------------------------------------------------- scaled dot-product attention


@pytest.mark.parametrize("seed", SEEDS)
def test_scaled_dot_product_weights_match_torch(solve, seed):
    v = solve("dl/attention/scaled-dot-product-weights", seed)
    q = torch.tensor(v.params["queries"], dtype=torch.float64)
    k = torch.tensor(v.params["keys"], dtype=torch.float64)
    # With V = I the attention output is the weight matrix itself.
    out = F.scaled_dot_product_attention(q[None], k[None], torch.eye(k.shape[0], dtype=torch.float64)[None])[0]
    manual = torch.softmax(q @ k.T / math.sqrt(q.shape[1]), dim=-1)
    assert np.allclose(v.answer.array, out.numpy(), atol=1e-9)
    assert np.allclose(v.answer.array, manual.numpy(), atol=1e-9)
    assert np.allclose(v.answer.array.sum(axis=1), 1.0)


def test_scaled_dot_product_weights_by_hand(solve):
    # scores [[2, 0], [0, 2]] / sqrt(2): weights e^{sqrt 2} / (e^{sqrt 2} + 1) = 0.8044 on the diagonal.
    v = solve("dl/attention/scaled-dot-product-weights", queries=[[1, 1], [1, -1]], keys=[[1, 1], [1, -1]])
    a = 1 / (1 + math.exp(-math.sqrt(2)))
    assert np.allclose(v.answer.array, [[a, 1 - a], [1 - a, a]], atol=1e-12)
    assert v.answer.grade("0.804 0.196; 0.196 0.804") == 1.0
    assert v.answer.grade("0.5 0.5; 0.5 0.5") == 0.0
    with pytest.raises(ParamError):
        solve("dl/attention/scaled-dot-product-weights", queries=[[1, 2, 3]], keys=[[1, 2]])


# ----------------------------------------------------------------------------- positional encoding


@pytest.mark.parametrize("seed", SEEDS)
def test_positional_encoding_matches_torch_table(solve, seed):
    v = solve("dl/attention/positional-encoding", seed)
    pos, j, d = v.params["pos"], v.params["index"], v.params["d_model"]
    # The table as torch code builds it (float64), e.g. in the PyTorch transformer tutorial.
    position = torch.arange(pos + 1, dtype=torch.float64).unsqueeze(1)
    div_term = torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(pos + 1, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position / div_term)
    pe[:, 1::2] = torch.cos(position / div_term)
    assert v.answer.value == pytest.approx(pe[pos, j].item(), abs=1e-9)


def test_positional_encoding_by_hand(solve):
    qid = "dl/attention/positional-encoding"
    assert solve(qid, pos=1, index=0, d_model=512).answer.value == pytest.approx(math.sin(1.0))   # 0.841
    assert solve(qid, pos=1, index=1, d_model=512).answer.value == pytest.approx(math.cos(1.0))   # 0.540
    # j = 2 -> i = 1: angle 10 / 10000^(2/4) = 0.1
    assert solve(qid, pos=10, index=2, d_model=4).answer.value == pytest.approx(math.sin(0.1))
    assert solve(qid, pos=0, index=5, d_model=16).answer.value == pytest.approx(1.0)
    with pytest.raises(ParamError):
        solve(qid, pos=3, index=16, d_model=16)
    with pytest.raises(ParamError):
        solve(qid, d_model=15)


# ----------------------------------------------------------------------------- KL divergences


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_kl_matches_torch(solve, seed):
    v = solve("dl/generative/gaussian-kl", seed)
    p = v.params
    q_dist = torch.distributions.Normal(torch.tensor(p["mu1"], dtype=torch.float64), p["sigma1"])
    p_dist = torch.distributions.Normal(torch.tensor(p["mu2"], dtype=torch.float64), p["sigma2"])
    assert v.answer.value == pytest.approx(torch.distributions.kl_divergence(q_dist, p_dist).item(), abs=1e-12)


def test_gaussian_kl_by_hand(solve):
    qid = "dl/generative/gaussian-kl"
    assert solve(qid, mu1=1.0, sigma1=1.0, mu2=0.0, sigma2=1.0).answer.value == pytest.approx(0.5)
    assert solve(qid, mu1=0.0, sigma1=1.0, mu2=0.0, sigma2=1.0).answer.value == pytest.approx(0.0, abs=1e-15)
    # ln 2 + 1/8 - 1/2
    assert solve(qid, mu1=0.0, sigma1=1.0, mu2=0.0, sigma2=2.0).answer.value == pytest.approx(math.log(2) - 0.375)
    with pytest.raises(ParamError):
        solve(qid, sigma1=0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_vae_kl_term_matches_torch(solve, seed):
    v = solve("dl/generative/vae-kl-term", seed)
    mu = torch.tensor(v.params["mu"], dtype=torch.float64)
    sigma = torch.tensor(v.params["sigma"], dtype=torch.float64)
    q = torch.distributions.Independent(torch.distributions.Normal(mu, sigma), 1)
    prior = torch.distributions.Independent(torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    assert v.answer.value == pytest.approx(torch.distributions.kl_divergence(q, prior).item(), abs=1e-12)
    # the Kingma & Welling expression with log-variances, as a VAE implementation writes it
    log_var = torch.log(sigma ** 2)
    kw = -0.5 * torch.sum(1 + log_var - mu ** 2 - log_var.exp())
    assert v.answer.value == pytest.approx(kw.item(), abs=1e-12)


def test_vae_kl_term_by_hand(solve):
    qid = "dl/generative/vae-kl-term"
    assert solve(qid, mu=[1.0, -1.0], sigma=[1.0, 1.0]).answer.value == pytest.approx(1.0)
    assert solve(qid, mu=[0.0, 0.0, 0.0], sigma=[1.0, 1.0, 1.0]).answer.value == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ParamError):
        solve(qid, mu=[0.0, 1.0], sigma=[1.0])
    with pytest.raises(ParamError):
        solve(qid, mu=[0.0], sigma=[-1.0])


# ----------------------------------------------------------------------------- GAN generator gradients


@pytest.mark.parametrize("seed", SEEDS)
def test_gan_generator_gradients_match_autograd(solve, seed):
    v = solve("dl/generative/gan-generator-gradients", seed)
    assert isinstance(v.answer, MultiPart)
    a = torch.tensor(v.params["logit"], dtype=torch.float64, requires_grad=True)
    d = torch.sigmoid(a)
    (g_sat,) = torch.autograd.grad(torch.log(1 - d), a)
    a2 = a.detach().clone().requires_grad_(True)
    (g_ns,) = torch.autograd.grad(-torch.log(torch.sigmoid(a2)), a2)
    assert _values(v) == pytest.approx([d.item(), g_sat.item(), g_ns.item()], rel=1e-12)


def test_gan_generator_gradients_seed_paper(solve):
    qid = "dl/generative/gan-generator-gradients"
    # a = 0: D = 1/2, both gradients -1/2.
    assert _values(solve(qid, logit=0.0)) == pytest.approx([0.5, -0.5, -0.5])
    # Seed paper 001, Q21: when D(G(z)) is near 0 the non-saturating loss has the larger gradient.
    d, g_sat, g_ns = _values(solve(qid, logit=-5.0))
    assert d < 0.01 and abs(g_sat) < 0.01 and abs(g_ns) > 0.99
    part = solve(qid, logit=-5.0).answer.parts[1].answer
    assert isinstance(part, Numerical) and part.grade("-0.00669") == 1.0 and part.grade("0") == 0.0
    with pytest.raises(ParamError):
        solve(qid, logit=100.0)


# ----------------------------------------------------------------------------- statement pools


def _module(bank, qid):
    import sys
    return sys.modules[type(bank.questions[qid]).__module__]


@pytest.mark.parametrize("qid", POOLS + ("dl/cnn/pooling-statements",))
def test_pools_have_enough_statements_with_reasons(bank, qid):
    mod = _module(bank, qid)
    assert len(mod.TRUE) >= 5 and len(mod.FALSE) >= 5
    for entry in mod.FALSE:
        statement, why = entry
        assert statement.strip() and why.strip()
    texts = [t if isinstance(t, str) else t[0] for t in mod.TRUE] + [s for s, _ in mod.FALSE]
    assert len(set(texts)) == len(texts)
    assert not any("$" in t for t in texts)


@pytest.mark.parametrize("qid", POOLS)
def test_pools_draw_both_polarities(bank, qid):
    variants = [make_variant(bank.questions[qid], s) for s in range(60)]
    polarities = {v.params["polarity"] for v in variants}
    assert polarities == {True, False}
    for v in variants:
        options = v.answer.options
        correct = [o for o in options if o.correct]
        # "which is TRUE": correct options carry no reason; "which is FALSE": each carries its reason
        assert all(bool(o.rationale) != v.params["polarity"] for o in correct)
        assert all(bool(o.rationale) == v.params["polarity"] for o in options if not o.correct)
        if isinstance(v.answer, SingleChoice):
            assert len(correct) == 1
        else:
            assert isinstance(v.answer, MultipleChoice) and 1 <= len(correct) <= 3


def test_pooling_true_false_statements(bank, solve):
    qid = "dl/cnn/pooling-statements"
    variants = [make_variant(bank.questions[qid], s) for s in range(80)]
    assert {v.answer.value for v in variants} == {True, False}
    assert all(isinstance(v.answer, TrueFalse) for v in variants)
    assert len({v.stem_tex for v in variants}) >= 10
    # The ReLU / average-pooling statement of seed paper 000 (Minor-I, Q1) is false.
    v = solve(qid, truth=False, index=0)
    assert "average-pooling" in v.stem_tex and v.answer.value is False and v.answer.grade("false") == 1.0
    with pytest.raises(ParamError):
        solve(qid, truth=True, index=99)


def test_pooling_statement_facts_hold_in_torch():
    # ReLU commutes with max pooling but not with average pooling; pooling has no parameters.
    x = torch.tensor([[[[-2.0, 2.0], [-3.0, 1.0]]]])
    assert torch.equal(F.max_pool2d(F.relu(x), 2), F.relu(F.max_pool2d(x, 2)))
    y = torch.tensor([[[[-2.0, 2.0]]]])
    assert F.avg_pool2d(F.relu(y), (1, 2)).item() == 1.0 and F.relu(F.avg_pool2d(y, (1, 2))).item() == 0.0
    assert sum(p.numel() for p in torch.nn.MaxPool2d(2).parameters()) == 0


def test_residual_gradient_statement_holds_in_torch():
    # dL/dx = dL/dy (I + dF/dx) for y = x + F(x)
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 3)
    x = torch.randn(3, requires_grad=True)
    y = x + torch.tanh(lin(x))
    upstream = torch.tensor([1.0, -2.0, 0.5])
    (grad,) = torch.autograd.grad(y, x, upstream)
    jac = torch.autograd.functional.jacobian(lambda t: torch.tanh(lin(t)), x.detach())
    assert torch.allclose(grad, upstream @ (torch.eye(3) + jac), atol=1e-6)


def test_batchnorm_statement_facts_hold_in_torch():
    torch.manual_seed(0)
    bn = torch.nn.BatchNorm1d(2)
    bn(torch.randn(8, 2) * 3 + 1)
    running = bn.running_mean.clone()
    bn.eval()
    x = torch.randn(4, 2, requires_grad=True)
    out = bn(x)
    assert torch.equal(bn.running_mean, running)                   # not updated in eval mode
    assert sum(p.numel() for p in bn.parameters()) == 4            # gamma, beta only; running stats are buffers
    assert torch.allclose(bn(x[:1]), out[:1])                      # independent of the batch in eval mode
    out.sum().backward()
    assert x.grad is not None                                      # eval() does not stop gradients


def test_mixed_precision_statement_facts_hold_in_torch():
    assert torch.finfo(torch.float16).max == 65504
    assert torch.tensor(70000.0).half().isinf()
    assert torch.tensor(1e-8).half().item() == 0.0                      # underflow without loss scaling
    assert torch.tensor(1e-8 * 1024).half().item() != 0.0               # a scaled gradient survives
    assert (torch.tensor(1.0).half() + torch.tensor(1e-4).half()).item() == 1.0   # update rounded away
    assert torch.finfo(torch.bfloat16).max > 1e38


# ----------------------------------------------------------------------------- short text and essay


def test_lstm_gate_roles_short_text(bank, solve):
    qid = "dl/rnn/lstm-gate-roles"
    prompts = {make_variant(bank.questions[qid], s).params["prompt"] for s in range(80)}
    assert len(prompts) == len(_module(bank, qid).PROMPTS) >= 5
    v = solve(qid, prompt=0)
    assert isinstance(v.answer, ShortText) and "erase" in v.stem_tex
    assert v.answer.grade("Forget  Gate") == 1.0 and v.answer.grade("input gate") == 0.0
    assert solve(qid, prompt=1).answer.grade("input gate") == 1.0
    assert solve(qid, prompt=2).answer.grade("output gate") == 1.0
    assert solve(qid, prompt=4).answer.grade("sigmoid") == 1.0
    with pytest.raises(ParamError):
        solve(qid, prompt=len(_module(bank, qid).PROMPTS))


def test_lstm_gate_facts_hold_in_torch():
    # PyTorch's LSTM: c_t = f * c_{t-1} + i * g. With forget-gate bias -inf-ish and input-gate bias +large,
    # the old cell state is erased: check the forget gate is the one that erases.
    torch.manual_seed(0)
    lstm = torch.nn.LSTMCell(2, 3)
    with torch.no_grad():
        lstm.weight_ih.zero_()
        lstm.weight_hh.zero_()
        lstm.bias_hh.zero_()
        lstm.bias_ih.zero_()
        lstm.bias_ih[3:6] = -50.0          # forget gate (PyTorch order: i, f, g, o) closed
    c0 = torch.full((1, 3), 5.0)
    _, c1 = lstm(torch.zeros(1, 2), (torch.zeros(1, 3), c0))
    assert torch.allclose(c1, torch.zeros(1, 3), atol=1e-6)


def test_gan_training_essay(bank, solve):
    qid = "dl/generative/gan-training-essay"
    variants = [make_variant(bank.questions[qid], s) for s in range(40)]
    assert len({v.stem_tex for v in variants}) == len(_module(bank, qid).PROMPTS)
    for v in variants:
        assert isinstance(v.answer, Essay) and len(v.answer.model_answer_tex) > 400
        assert v.answer.model_answer_tex not in v.solution_tex  # the key prints the model answer once
        assert "Marking guide (3 marks)" in v.solution_tex
    assert "non-convergence" in solve(qid, prompt=0).stem_tex
