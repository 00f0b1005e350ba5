"""Coverage batch A (issue 10): classical ML, derivations and short explanations.

Numeric templates are cross-checked against PyTorch (or a third, independent count) over
several seeds, on top of the template's own verify(); essays are checked prompt by prompt:
every prompt has a marking guide that names what the prompt asks and adds up to the points.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from generator.answers import Essay, Matrix, MultiPart, Numerical
from generator.errors import ParamError

SEEDS = range(15)
#: numeric templates whose answers are vectors or matrices (no modelled mistakes to check)
MATRIX_IDS = ("dl/classical/perceptron-updates", "dl/backprop/softmax-ce-weight-gradient", "dl/cnn/grad-cam-map",
              "dl/cnn/shift-equivariance", "dl/train/batch-vs-layer-norm")

NUMERIC_IDS = (
    "dl/classical/perceptron-updates",
    "dl/classical/perceptron-mistake-bound",
    "dl/classical/l2-gaussian-prior",
    "dl/classical/precision-recall-f1",
    "dl/classical/gaussian-nll",
    "dl/backprop/softmax-ce-weight-gradient",
    "dl/generative/elbo-gaussian",
    "dl/train/dropout-ensemble-average",
    "dl/cnn/grad-cam-map",
    "dl/cnn/shift-equivariance",
    "dl/attention/vit-tokens",
    "dl/train/batch-vs-layer-norm",
    "dl/cnn/weight-sharing-params",
    "dl/train/info-nce-loss",
    "dl/rnn/teacher-forcing-loss",
    "dl/generative/cycle-consistency-loss",
    "dl/backprop/residual-gradient-flow",
)


def parts(v) -> list[float]:
    assert isinstance(v.answer, MultiPart)
    return [p.answer.value for p in v.answer.parts]


@pytest.mark.parametrize("qid", NUMERIC_IDS)
def test_numeric_variants_differ_and_are_reproducible(bank, solve, qid):
    q = bank.questions[qid]
    assert q.source and q.has_verify()
    keys = {solve(qid, seed).answer.key_text() for seed in range(40)}
    assert len(keys) >= 20, f"{qid}: only {len(keys)} distinct answers in 40 seeds"
    a, b = solve(qid, 5), solve(qid, 5)
    assert dict(a.params) == dict(b.params) and a.stem_tex == b.stem_tex and a.solution_tex == b.solution_tex


@pytest.mark.parametrize("qid", [q for q in NUMERIC_IDS if q not in MATRIX_IDS])
def test_modelled_mistakes_lie_outside_the_tolerance(solve, qid):
    for seed in range(30):
        v = solve(qid, seed)
        for part in v.answer.parts:
            if not isinstance(part.answer, Numerical):  # vectors and matrices carry no modelled mistakes
                continue
            assert part.answer.mistakes, f"{qid} part {part.label}: no modelled mistakes"
            assert not part.answer.accepted_mistakes(), (qid, seed, part.label)
            for m in part.answer.mistakes:
                assert m.rationale and part.answer.grade(f"{m.value:.3f}") == 0.0, (qid, seed, m)


# --------------------------------------------------------------------------- perceptron


def torch_perceptron_pass(points, labels, start, lr) -> torch.Tensor:
    w = torch.tensor(start, dtype=torch.float64)
    for x, y in zip(points, labels):
        xa = torch.tensor([*x, 1.0], dtype=torch.float64)
        if y * torch.dot(w, xa) <= 1e-12:
            w = w + lr * y * xa
    return w


def test_perceptron_updates_match_torch(solve):
    for seed in SEEDS:
        v = solve("dl/classical/perceptron-updates", seed)
        p = v.params
        assert isinstance(v.answer, Matrix)
        want = torch_perceptron_pass(p["points"], p["labels"], p["start"], p["lr"])
        np.testing.assert_allclose(v.answer.array, want.numpy(), atol=1e-9)


def test_perceptron_updates_hand_case(solve):
    # from 0: (1, 1), y=+1 is on the boundary -> update to (1, 1, 1); (2, 0), y=+1: a=3 > 0, no update;
    # (-1, 2), y=-1: a = -1 + 2 + 1 = 2 -> update to (2, -1, 0)
    v = solve("dl/classical/perceptron-updates", points=[[1, 1], [2, 0], [-1, 2]], labels=[1, 1, -1],
              start=[0, 0, 0], lr=1.0)
    np.testing.assert_array_equal(v.answer.array, [2, -1, 0])
    with pytest.raises(ParamError):
        solve("dl/classical/perceptron-updates", labels=[1, 0, 1, 1])


def test_perceptron_mistake_bound_holds_for_torch_runs(solve):
    for seed in SEEDS:
        v = solve("dl/classical/perceptron-mistake-bound", seed)
        p = v.params
        r, gamma, most = parts(v)
        x = torch.tensor(p["points"], dtype=torch.float64)
        y = torch.tensor(p["labels"], dtype=torch.float64)
        u = torch.tensor(p["u"][:2], dtype=torch.float64) / p["u"][2]
        assert r == pytest.approx(torch.linalg.vector_norm(x, dim=1).max().item(), abs=1e-9)
        assert gamma == pytest.approx((y * (x @ u)).min().item(), abs=1e-9)
        assert most == math.floor((r / gamma) ** 2)
        # the theorem: whatever the order, the perceptron from w = 0 makes at most `most` mistakes
        gen = torch.Generator().manual_seed(seed)
        for _ in range(5):
            order = torch.randperm(len(x), generator=gen)
            w, mistakes = torch.zeros(2, dtype=torch.float64), 0
            for _epoch in range(most + 2):
                changed = False
                for i in order:
                    if y[i] * torch.dot(w, x[i]) <= 0:
                        w, mistakes, changed = w + y[i] * x[i], mistakes + 1, True
                if not changed:
                    break
            assert not changed and mistakes <= most


def test_perceptron_mistake_bound_hand_case(solve):
    # u = (3/5, 4/5); margins 11/5, 25/5 and 5/5 -> gamma = 1; R = 5 (the point (-3, -4)); bound 25
    v = solve("dl/classical/perceptron-mistake-bound", u=[3, 4, 5], points=[[1, 2], [-3, -4], [-1, 2]],
              labels=[1, -1, 1])
    assert parts(v) == [5, 1, 25]
    with pytest.raises(ParamError):  # u does not separate these labels
        solve("dl/classical/perceptron-mistake-bound", u=[3, 4, 5], points=[[1, 2], [-3, -4]], labels=[1, 1])


@pytest.mark.parametrize("qid", ["dl/classical/perceptron-updates", "dl/classical/perceptron-mistake-bound"])
def test_perceptron_figures_show_the_drawn_points(solve, qid):
    from generator.figures import png_size, render_pngs

    variants = [solve(qid, seed) for seed in range(3)]
    for v in variants:
        for i, ((x, y), label) in enumerate(zip(v.params["points"], v.params["labels"]), start=1):
            assert f"at ({x},{y})" in v.figure_tex
            assert f"point {i} at ({x}, {y}) with label {'+1' if label > 0 else '-1'}" in v.figure_alt
        if "u" in v.params:
            a, b, c = v.params["u"]
            assert f"u = ({a}/{c}, {b}/{c})" in v.figure_alt
    assert len({v.figure_tex for v in variants}) == 3
    pngs = render_pngs({v.figure_tex: f"{qid} seed={v.seed}" for v in variants})
    assert all(w > 100 and h > 100 for w, h in map(png_size, pngs.values()))


# --------------------------------------------------------------------------- L2 prior, metrics, NLL


def torch_map(x: list, y: list, noise_var: float, prior_var: float) -> float:
    """The MAP weight of y = w x + noise under a Gaussian prior, by L-BFGS on torch log-densities."""
    xt, yt = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    noise = torch.distributions.Normal(0.0, math.sqrt(noise_var))
    prior = torch.distributions.Normal(0.0, math.sqrt(prior_var))
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=100, tolerance_grad=1e-12, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = -(noise.log_prob(yt - w * xt).sum() + prior.log_prob(w))
        loss.backward()
        return loss

    opt.step(closure)
    return w.item()


def test_l2_gaussian_prior_matches_torch_map(solve):
    for seed in SEEDS:
        v = solve("dl/classical/l2-gaussian-prior", seed)
        p = v.params
        lam, w_map = parts(v)
        x = torch.tensor(p["x"], dtype=torch.float64)
        y = torch.tensor(p["y"], dtype=torch.float64)
        assert w_map == pytest.approx(torch_map(p["x"], p["y"], p["noise_var"], p["prior_var"]), abs=1e-6)
        assert lam == pytest.approx(p["noise_var"] / p["prior_var"])
        # the penalised sum of squares with this lambda has its minimum at the same w
        ridge = torch.linalg.lstsq(torch.cat([x[:, None], math.sqrt(lam) * torch.ones(1, 1, dtype=torch.float64)]),
                                   torch.cat([y, torch.zeros(1, dtype=torch.float64)])[:, None]).solution
        assert ridge.item() == pytest.approx(w_map, abs=1e-9)


def test_precision_recall_match_torch_counts(solve):
    for seed in SEEDS:
        v = solve("dl/classical/precision-recall-f1", seed)
        p = v.params
        # labels in a shuffled order, counted with torch
        gen = torch.Generator().manual_seed(seed)
        pairs = torch.tensor([[1, 1]] * p["tp"] + [[1, 0]] * p["fn"] + [[0, 1]] * p["fp"] + [[0, 0]] * p["tn"])
        pairs = pairs[torch.randperm(len(pairs), generator=gen)]
        truth, pred = pairs[:, 0].bool(), pairs[:, 1].bool()
        tp = (truth & pred).sum().item()
        precision, recall = tp / pred.sum().item(), tp / truth.sum().item()
        f1 = 2 * precision * recall / (precision + recall)
        accuracy = (truth == pred).double().mean().item()
        assert parts(v) == pytest.approx([precision, recall, f1, accuracy], abs=1e-12)
        # the modelled mistakes are rejected: precision and recall swapped, the arithmetic mean for F1
        a, b, c, _ = v.answer.parts
        assert a.answer.grade(f"{recall:.3f}") == 0 and b.answer.grade(f"{precision:.3f}") == 0
        assert c.answer.grade(f"{(precision + recall) / 2:.3f}") == 0
        assert c.answer.grade(f"{f1:.3f}") == 1


def test_gaussian_nll_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/classical/gaussian-nll", seed)
        p = v.params
        y = torch.tensor(p["targets"], dtype=torch.float64)
        f = torch.tensor(p["predictions"], dtype=torch.float64, requires_grad=True)
        var = torch.full_like(y, p["sigma"] ** 2)
        loss = torch.nn.GaussianNLLLoss(full=True, reduction="sum")(f, y, var)
        loss.backward()
        const, nll, grad = parts(v)
        assert nll == pytest.approx(loss.item(), abs=1e-9)
        assert grad == pytest.approx(f.grad[0].item(), abs=1e-9)
        perfect = torch.nn.GaussianNLLLoss(full=True, reduction="sum")(y, y, var)
        assert const == pytest.approx(perfect.item(), abs=1e-9)


def test_elbo_gaussian_matches_torch_distributions(solve):
    from torch.distributions import Normal, kl_divergence

    for seed in SEEDS:
        v = solve("dl/generative/elbo-gaussian", seed)
        p = v.params
        elbo, evidence, gap = parts(v)
        x, s2 = torch.tensor(p["x"], dtype=torch.float64), p["noise_var"]
        q = Normal(torch.tensor(p["q_mean"], dtype=torch.float64), math.sqrt(p["q_var"]))
        prior = Normal(torch.tensor(0.0, dtype=torch.float64), 1.0)
        posterior = Normal(x / (1 + s2), math.sqrt(s2 / (1 + s2)))
        marginal = Normal(torch.tensor(0.0, dtype=torch.float64), math.sqrt(1 + s2))
        assert evidence == pytest.approx(marginal.log_prob(x).item(), abs=1e-9)
        assert gap == pytest.approx(kl_divergence(q, posterior).item(), abs=1e-9)
        # the ELBO by Monte Carlo with torch samples (reparametrised), within sampling error
        gen = torch.Generator().manual_seed(seed)
        z = q.loc + q.scale * torch.randn(400_000, generator=gen, dtype=torch.float64)
        mc = (Normal(z, math.sqrt(s2)).log_prob(x) + prior.log_prob(z) - q.log_prob(z)).mean().item()
        assert elbo == pytest.approx(mc, abs=0.02)
        assert elbo == pytest.approx(evidence - gap, abs=1e-9)


def test_dropout_ensemble_average_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/train/dropout-ensemble-average", seed)
        p = v.params
        count, mean, train_y, test_y = parts(v)
        h = torch.tensor(p["inputs"], dtype=torch.float64)
        layer = torch.nn.Linear(len(h), 1).double()
        with torch.no_grad():
            layer.weight.copy_(torch.tensor([p["weights"]], dtype=torch.float64))
            layer.bias.fill_(p["bias"])
        masks = torch.cartesian_prod(*[torch.tensor([0.0, 1.0], dtype=torch.float64)] * len(h)).reshape(-1, len(h))
        probs = torch.where(masks == 1, torch.full_like(masks, 1 - p["drop"]), torch.full_like(masks, p["drop"])).prod(dim=1)
        with torch.no_grad():
            assert count == len(masks)
            assert mean == pytest.approx((probs * layer(masks * h).squeeze(1)).sum().item(), abs=1e-9)
            # nn.Dropout in eval mode is the identity; in train mode it scales kept entries by 1/(1-p)
            dropout = torch.nn.Dropout(p["drop"])
            assert test_y == pytest.approx(layer(dropout.eval()(h)).item(), abs=1e-9)
            with torch.random.fork_rng():
                torch.manual_seed(seed)
                sample = dropout.train()(torch.ones(1000, dtype=torch.float64))
            scale = sample[sample != 0].unique()
            assert len(scale) == 1
            mask = torch.tensor(p["mask"], dtype=torch.float64)
            assert train_y == pytest.approx(layer(mask * h * scale).item(), abs=1e-9)


def test_grad_cam_map_matches_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/grad-cam-map", seed)
        p = v.params
        acts = torch.tensor(p["activations"], dtype=torch.float64, requires_grad=True)
        head = torch.tensor(p["gradients"], dtype=torch.float64)
        (head * acts).sum().backward()  # a linear class score whose gradient is the given G
        alpha = acts.grad.mean(dim=(1, 2))
        cam = F.relu((alpha[:, None, None] * acts.detach()).sum(dim=0))
        got_alpha, got_cam = (part.answer.array for part in v.answer.parts)
        np.testing.assert_allclose(got_alpha, alpha.numpy(), atol=1e-12)
        np.testing.assert_allclose(got_cam, cam.numpy(), atol=1e-12)
        # the ReLU matters in every variant: without it some entry is negative
        assert (alpha[:, None, None] * acts.detach()).sum(dim=0).min() < 0 < cam.max()


def test_shift_equivariance_matches_torch(solve):
    answers = []
    for seed in range(40):
        v = solve("dl/cnn/shift-equivariance", seed)
        p = v.params
        x = torch.tensor(p["signal"], dtype=torch.float64)[None, None]
        k = torch.tensor(p["kernel"], dtype=torch.float64)[None, None]
        x_shift = torch.roll(x, 1, dims=-1)
        x_shift[..., 0] = 0
        y, y_shift = F.conv1d(x, k), F.conv1d(x_shift, k)
        pool, pool_shift = F.max_pool1d(y, 2), F.max_pool1d(y_shift, 2)
        got = [part.answer for part in v.answer.parts]
        for answer, want in zip(got[:4], (y, y_shift, pool, pool_shift)):
            np.testing.assert_array_equal(answer.array, want.flatten().numpy())
        assert got[4].value == bool(torch.equal(pool, pool_shift))
        # equivariance away from the border
        assert torch.equal(y_shift[..., 1:], y[..., :-1])
        answers.append(got[4].value)
    assert 10 <= sum(answers) <= 30  # both answers to the true/false part occur


def test_vit_tokens_match_torch_modules(solve):
    for seed in SEEDS:
        v = solve("dl/attention/vit-tokens", seed)
        p = v.params
        tokens, embed, pos, attn = parts(v)
        c, d, size, patch = p["channels"], p["width"], p["image_size"], p["patch"]
        conv = torch.nn.Conv2d(c, d, patch, stride=patch)
        with torch.no_grad():
            patch_tokens = conv(torch.zeros(1, c, size, size)).flatten(2).transpose(1, 2)
            sequence = torch.cat([torch.zeros(1, 1, d), patch_tokens], dim=1)
            head = torch.nn.MultiheadAttention(d, num_heads=1, batch_first=True)
            _, weights = head(sequence, sequence, sequence, need_weights=True)
        assert tokens == sequence.shape[1]
        assert embed == sum(t.numel() for t in conv.parameters())
        assert pos == torch.nn.Parameter(torch.zeros(1, sequence.shape[1], d)).numel()
        assert attn == weights[0].numel()


def test_batch_vs_layer_norm_match_torch(solve):
    for seed in SEEDS:
        v = solve("dl/train/batch-vs-layer-norm", seed)
        x = torch.tensor(v.params["activations"], dtype=torch.float64)
        bn = torch.nn.BatchNorm1d(x.shape[1], eps=1e-12, affine=False, dtype=torch.float64).train()(x)
        ln = torch.nn.LayerNorm(x.shape[1], eps=1e-12, elementwise_affine=False, dtype=torch.float64)(x)
        got_bn, got_ln = (part.answer.array for part in v.answer.parts)
        np.testing.assert_allclose(got_bn, bn.detach().numpy(), atol=1e-9)
        np.testing.assert_allclose(got_ln, ln.detach().numpy(), atol=1e-9)
        assert np.max(np.abs(got_bn - got_ln)) > 0.1


def test_weight_sharing_params_match_torch(solve):
    for seed in SEEDS:
        v = solve("dl/cnn/weight-sharing-params", seed)
        p = v.params
        size, c_in, c_out, k = p["size"], p["in_channels"], p["out_channels"], p["kernel"]
        fc = torch.nn.Linear(size * size * c_in, size * size * c_out, device="meta")
        conv = torch.nn.Conv2d(c_in, c_out, k, padding=(k - 1) // 2)
        out = conv(torch.zeros(1, c_in, size, size))
        assert out.shape[1:] == (c_out, size, size)
        assert parts(v) == [sum(t.numel() for t in fc.parameters()), sum(t.numel() for t in conv.parameters()),
                            out.shape[-1] * out.shape[-2]]


def test_info_nce_loss_matches_torch_cross_entropy(solve):
    for seed in SEEDS:
        v = solve("dl/train/info-nce-loss", seed)
        z = torch.tensor(v.params["embeddings"], dtype=torch.float64)
        sims = F.cosine_similarity(z[0:1], z, dim=1)
        logits = (sims / v.params["temperature"]).masked_fill(torch.arange(len(z)) == 0, float("-inf"))
        loss = F.cross_entropy(logits[None], torch.tensor([1]))
        assert parts(v) == pytest.approx([sims[1].item(), loss.item()], abs=1e-9)


def test_teacher_forcing_loss_matches_torch(solve):
    for seed in SEEDS:
        v = solve("dl/rnn/teacher-forcing-loss", seed)
        log_table = torch.log(torch.tensor(v.params["table"], dtype=torch.float64))
        target = torch.tensor(["abc".index(t) for t in v.params["target"]])
        teacher_inputs = torch.cat([torch.tensor([0]), target[:-1] + 1])
        tf = F.nll_loss(log_table[teacher_inputs], target, reduction="sum")
        outputs, prev = [], 0
        for _ in target:
            prev = int(torch.argmax(log_table[prev])) + 1
            outputs.append(prev - 1)
        outputs = torch.tensor(outputs)
        free_inputs = torch.cat([torch.tensor([0]), outputs[:-1] + 1])
        fr = F.nll_loss(log_table[free_inputs], target, reduction="sum")
        assert parts(v) == pytest.approx([tf.item(), fr.item(), int((outputs != target).sum())], abs=1e-9)


def test_cycle_consistency_loss_matches_torch_l1(solve):
    for seed in SEEDS:
        v = solve("dl/generative/cycle-consistency-loss", seed)
        p = v.params
        x, y = (torch.tensor(p[k], dtype=torch.float64) for k in ("x", "y"))
        g = torch.nn.Linear(1, 1).double()  # the per-pixel generators as 1x1 linear layers
        f = torch.nn.Linear(1, 1).double()
        with torch.no_grad():
            g.weight.fill_(p["a"]), g.bias.fill_(p["b"]), f.weight.fill_(p["c"]), f.bias.fill_(p["d"])
            rec_x, rec_y = f(g(x[:, None]))[:, 0], g(f(y[:, None]))[:, 0]
        l1 = torch.nn.L1Loss()
        cyc = l1(rec_x, x) + l1(rec_y, y)
        rec, got_cyc, total = (part.answer for part in v.answer.parts)
        np.testing.assert_allclose(rec.array, rec_x.numpy(), atol=1e-9)
        assert got_cyc.value == pytest.approx(cyc.item(), abs=1e-9)
        assert total.value == pytest.approx(p["adv_g"] + p["adv_f"] + p["lam"] * cyc.item(), abs=1e-9)


def test_residual_gradient_flow_matches_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/backprop/residual-gradient-flow", seed)
        weights = torch.tensor(v.params["weights"], dtype=torch.float64)
        grads = []
        for residual in (False, True):
            x0 = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
            x = x0
            for w in weights:
                x = x + w * x if residual else w * x
            x.backward()
            grads.append(x0.grad.item())
        assert parts(v) == pytest.approx(grads, abs=1e-12)
        assert grads[0] < 1 < grads[1]


# --------------------------------------------------------------------------- softmax cross-entropy gradient


def test_softmax_ce_weight_gradient_matches_autograd(solve):
    for seed in SEEDS:
        v = solve("dl/backprop/softmax-ce-weight-gradient", seed)
        p = v.params
        w = torch.tensor(p["weights"], dtype=torch.float64, requires_grad=True)
        x = torch.tensor(p["inputs"], dtype=torch.float64)
        # examples as rows for F.cross_entropy; summed over the examples
        F.cross_entropy((w @ x).T, torch.tensor(p["labels"]), reduction="sum").backward()
        assert isinstance(v.answer, Matrix)
        np.testing.assert_allclose(v.answer.array, w.grad.numpy(), atol=1e-12)
        # forgetting to subtract Y (using A X^T) is a different answer
        wrong = torch.softmax(w.detach() @ x, dim=0) @ x.T
        assert v.answer.grade("; ".join(" ".join(f"{e:.3f}" for e in row) for row in wrong.tolist())) == 0


def test_softmax_ce_weight_gradient_hand_case(solve):
    # W = 0: A is uniform (1/3 each); one example x = (1, 2) of class 0:
    # (A - Y) x^T = [(-2/3)(1, 2); (1/3)(1, 2); (1/3)(1, 2)]
    v = solve("dl/backprop/softmax-ce-weight-gradient", weights=[[0, 0], [0, 0], [0, 0]], inputs=[[1], [2]],
              labels=[0])
    np.testing.assert_allclose(v.answer.array, [[-2 / 3, -4 / 3], [1 / 3, 2 / 3], [1 / 3, 2 / 3]], atol=1e-12)
    with pytest.raises(ParamError):
        solve("dl/backprop/softmax-ce-weight-gradient", labels=[0, 3])


def test_all_draws_stay_in_the_valid_range(solve):
    for seed in itertools.islice(SEEDS, 10):
        r, gamma, most = parts(solve("dl/classical/perceptron-mistake-bound", seed))
        assert r > 0 and 0 < gamma <= r and most >= 1
        assert all(0 < x <= 1 for x in parts(solve("dl/classical/precision-recall-f1", seed)))
        lam, _ = parts(solve("dl/classical/l2-gaussian-prior", seed))
        assert lam > 0


# --------------------------------------------------------------------------- short explanations and derivations

ESSAY_IDS = (
    "dl/cnn/conv-symmetry-essay",
    "dl/cnn/saliency-essay",
    "dl/attention/positional-embedding-essay",
    "dl/attention/vit-patching-essay",
    "dl/attention/attention-recurrence-essay",
    "dl/generative/cyclegan-essay",
    "dl/train/normalisation-residual-essay",
    "dl/train/regularisation-essay",
    "dl/train/transfer-learning-essay",
    "dl/generative/elbo-derivation",
    "dl/backprop/softmax-gradient-derivation",
    "dl/classical/likelihood-derivations",
    "dl/classical/perceptron-theory-essay",
)


@pytest.mark.parametrize("qid", ESSAY_IDS)
def test_every_prompt_has_a_guide_that_matches_it(bank, qid):
    q = bank.questions[qid]
    assert q.source and 3 <= len(q.PROMPTS) <= 5
    for i, prompt in enumerate(q.PROMPTS):
        guide = " ".join(text for _, text in prompt.guide).lower()
        assert len(prompt.guide) >= 2 and all(marks > 0 and text.strip() for marks, text in prompt.guide)
        assert prompt.marks == q.points, f"{qid} prompt {i}: guide gives {prompt.marks} marks, not {q.points}"
        assert prompt.terms, f"{qid} prompt {i}: no key terms"
        for term in prompt.terms:
            assert term in prompt.prompt_tex.lower(), f"{qid} prompt {i}: the prompt does not ask about {term!r}"
            assert term in guide, f"{qid} prompt {i}: the guide does not mark {term!r}"
        assert len(prompt.model_tex) > 400


@pytest.mark.parametrize("qid", ESSAY_IDS)
def test_essay_variants_draw_every_prompt_and_print_its_guide(bank, solve, qid):
    q = bank.questions[qid]
    seen = {}
    for seed in range(60):
        v = solve(qid, seed)
        seen.setdefault(v.params["prompt"], v)
    assert sorted(seen) == list(range(len(q.PROMPTS)))
    for i, v in seen.items():
        prompt = q.PROMPTS[i]
        assert isinstance(v.answer, Essay) and v.answer.model_answer_tex == prompt.model_tex
        assert v.stem_tex.strip() == prompt.prompt_tex
        assert f"{prompt.marks:g} marks in all" in v.solution_tex
        for _, criterion in prompt.guide:
            assert criterion in v.solution_tex
    a, b = solve(qid, 3), solve(qid, 3)
    assert a.stem_tex == b.stem_tex and a.solution_tex == b.solution_tex
    with pytest.raises(ParamError):
        solve(qid, prompt=len(q.PROMPTS))


# --------------------------------------------------------------------------- statement pools

STATEMENT_IDS = ("dl/classical/metric-statements", "dl/classical/learning-theory-statements")


@pytest.mark.parametrize("qid", STATEMENT_IDS)
def test_statement_pools_give_the_asked_polarity(bank, solve, qid):
    q = bank.questions[qid]
    assert q.source and len(q.true_statements) >= 5 and len(q.false_statements) >= 5
    assert all(reason.strip() for _, reason in q.false_statements)
    true_set = set(q.true_statements)
    false_set = {s for s, _ in q.false_statements}
    assert not true_set & false_set
    option_sets = set()
    for seed in range(40):
        v = solve(qid, seed)
        wanted = true_set if v.params["polarity"] else false_set
        assert ("TRUE" if v.params["polarity"] else "FALSE") in v.stem_tex
        correct = [o for o in v.answer.options if o.correct]
        assert len(correct) == 1 and correct[0].text_tex in wanted
        assert all(o.text_tex not in wanted for o in v.answer.options if not o.correct)
        # every false statement shown carries its reason into the key
        assert all(bool(o.rationale) == (o.text_tex in false_set) for o in v.answer.options)
        option_sets.add(frozenset(o.text_tex for o in v.answer.options))
    assert len(option_sets) >= 20
