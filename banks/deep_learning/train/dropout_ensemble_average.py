"""Dropout as an ensemble: the ensemble's mean output of a linear unit, and inverted dropout at train and test.

A linear unit ``y = b + sum_i w_i h_i`` whose inputs are dropped independently with probability ``p``: the
probability-weighted mean over all ``2^n`` sub-networks is ``b + (1 - p) sum_i w_i h_i``, which the
weight-scaling rule computes exactly for a linear unit. Inverted dropout (PyTorch's ``nn.Dropout``) divides
the kept activations by ``1 - p`` during training, so at test time the unit is used unchanged.
Sources: Srivastava et al., "Dropout" (JMLR 2014), sections 2 and 10; Goodfellow, Bengio & Courville, "Deep
Learning" (2016), section 7.12 (weight scaling inference rule); the PyTorch docs of ``torch.nn.Dropout``.
"""

import itertools
import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, format_number, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    h, w = np.asarray(p["inputs"], dtype=float), np.asarray(p["weights"], dtype=float)
    mask = np.asarray(p["mask"], dtype=int)
    drop = float(p["drop"])
    if h.ndim != 1 or h.shape != w.shape or mask.shape != h.shape or not 1 <= len(h) <= 10:
        raise ValueError("inputs, weights and mask must be lists of the same length (1 to 10)")
    if not set(mask.tolist()) <= {0, 1}:
        raise ValueError("mask entries must be 0 (dropped) or 1 (kept)")
    if not 0 < drop < 1:
        raise ValueError("drop must be a probability strictly between 0 and 1")
    return h, w, mask, drop, float(p["bias"])


class DropoutEnsembleAverage(Question):
    id = "dl/train/dropout-ensemble-average"
    title = "Dropout as an ensemble: mean output and inverted dropout"
    topic = "train"
    tags = ("dropout", "ensemble", "regularisation", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "5cm"  # room to work the computation
    valid_range: ClassVar[dict] = {"a": (1, math.inf)}
    source = ("seed paper 000 (dropout questions) and issue 10 (dropout as an ensemble); Srivastava et al., "
              "Dropout (JMLR 2014); Goodfellow, Bengio & Courville, Deep Learning (2016), section 7.12")
    stem = r"""
A linear output unit computes \(y = b + \sum_i w_i h_i\) from <<n>> hidden activations
\(h = (<<inputs|join(", ")>>)\) with weights \(w = (<<weights|join(", ")>>)\) and bias \(b = <<bias|num>>\).
During training, dropout removes each hidden activation independently with probability \(p = <<drop|num>>\).
(a) How many different sub-networks (sets of kept activations) can dropout produce?
(b) What is the mean of \(y\) over all these sub-networks, each weighted by its probability (the ensemble's
mean output)?
(c) With \emph{inverted} dropout, as in PyTorch, kept activations are divided by \(1 - p\) during training.
What is \(y\) in the training step whose mask keeps \(<<kept_text>>\) and drops the others?
(d) With inverted dropout, what is \(y\) at test time (no activation dropped)?
Give (b)--(d) to 3 decimal places.
"""
    solution = r"""
(a) Each of the <<n>> activations is kept or dropped: \(2^{<<n>>} = <<2 ** n>>\) sub-networks.

(b) Activation \(i\) is kept with probability \(1 - p = <<keep|num>>\) independently of the others, and \(y\) is
linear in the kept activations, so the probability-weighted mean over the sub-networks is
\(\mathbb{E}[y] = b + (1 - p)\sum_i w_i h_i = <<bias|num>> + <<keep|num>> \cdot <<wh_factor>> = <<mean|num(3)>>\):
for a linear unit the weight-scaling rule (multiply the weights by \(1 - p\) at test time) gives the ensemble
mean exactly.

(c) The kept terms \(w_i h_i\) sum to \(<<kept_sum|num>>\); divided by \(1 - p\):
\(y = <<bias|num>> + <<kept_term>>/<<keep|num>> = <<train_y|num(3)>>\).

(d) Inverted dropout already scaled during training, so the test-time unit is used unchanged:
\(y = b + \sum_i w_i h_i = <<bias|num>> + <<wh_term>> = <<test_y|num(3)>>\), which equals the expected training
output, as the scaling intends.
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(3, 5))
            p = {"inputs": [float(v) for v in rng.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0], size=n)],
                 "weights": [float(v) for v in rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0], size=n)],
                 "bias": float(rng.choice([-0.5, 0.0, 0.2, 0.5])),
                 "drop": float(rng.choice([0.2, 0.25, 0.4, 0.5])),
                 "mask": [int(v) for v in rng.integers(0, 2, size=n)]}
            if 0 < sum(p["mask"]) < n and abs(self.working(p)["wh"]) >= 0.5 and not any(
                    part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        h, w, mask, drop, bias = _check(p)
        keep = 1 - drop
        wh = float(w @ h)
        kept_sum = float(np.sum(mask * w * h))
        kept = [str(i + 1) for i in np.flatnonzero(mask)]
        kept_text = (r"h_{" + kept[0] + "}" if len(kept) == 1
                     else ", ".join(r"h_{" + k + "}" for k in kept[:-1]) + r" \text{ and } h_{" + kept[-1] + "}")
        def signed(x):  # a term of a sum: negative numbers in parentheses
            return f"({format_number(x)})" if x < 0 else format_number(x)

        return {"n": len(h), "keep": round(keep, 10), "wh": wh, "wh_factor": signed(wh), "wh_term": signed(wh),
                "kept_term": signed(kept_sum), "mean": bias + keep * wh, "kept_sum": kept_sum,
                "train_y": bias + kept_sum / keep, "test_y": bias + wh, "kept_text": kept_text}

    def solve(self, p):
        w = self.working(p)
        _, _, _, drop, bias = _check(p)
        keep = 1 - drop
        return MultiPart((
            Part("a", "Number of sub-networks", Numerical(2 ** w["n"], mistakes=(
                numeric_option(w["n"], rationale="counted one sub-network per dropped unit"),
                numeric_option(2 ** w["n"] - 1, rationale="left out the sub-network that drops every unit"),
            ))),
            Part("b", "Ensemble mean output", Numerical(w["mean"], tolerance=TOL, places=3, mistakes=(
                numeric_option(bias + drop * w["wh"], rationale=r"scaled by \(p\) instead of \(1 - p\)"),
                numeric_option(w["test_y"], rationale="ignored dropout (no scaling)"),
            ))),
            Part("c", "Training output with inverted dropout", Numerical(w["train_y"], tolerance=TOL, places=3,
                                                                          mistakes=(
                numeric_option(bias + w["kept_sum"], rationale=r"forgot to divide by \(1 - p\)"),
                numeric_option(bias + w["kept_sum"] * keep, rationale=r"multiplied by \(1 - p\) instead of dividing"),
            ))),
            Part("d", "Test output with inverted dropout", Numerical(w["test_y"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["mean"], rationale=r"scaled the weights by \(1 - p\) again at test time"),
            ))),
        ))

    def verify(self, p):
        # Independent route: enumerate every mask with its probability; apply the inverted-dropout scaling to
        # the given mask and to the all-kept mask.
        h, w, mask, drop, bias = _check(p)
        masks = list(itertools.product((0, 1), repeat=len(h)))
        mean = 0.0
        for m in masks:
            m = np.array(m)
            prob = np.prod(np.where(m == 1, 1 - drop, drop))
            mean += prob * (bias + np.sum(m * w * h))
        return [len(masks), mean, bias + np.sum(mask * h / (1 - drop) * w), bias + np.sum(np.ones_like(h) * w * h)]
