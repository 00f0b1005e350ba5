"""Projection parameters of grouped-query attention (GQA) compared with multi-head attention.

Model width ``d``, ``H`` query heads of width ``d_h = d / H`` and ``G`` key/value heads: the query and
output projections are ``d x d``; the key and value projections only ``d x G d_h`` each. With biases on
all four: ``2(d^2 + d) + 2(d G d_h + G d_h)``. ``G = H`` is multi-head attention, ``G = 1`` multi-query
attention.

Sources: Ainslie et al. 2023, "GQA: Training Generalized Multi-Query Transformer Models from Multi-Head
Checkpoints", section 2; Shazeer 2019, "Fast Transformer Decoding: One Write-Head is All You Need"
(multi-query attention); the PyTorch docs of ``torch.nn.Linear`` and
``torch.nn.functional.scaled_dot_product_attention`` (``enable_gqa``).
"""

import math
from typing import ClassVar

from generator.answers import numeric_option, single_choice
from generator.question import Question


def _check(p):
    for name in ("dim", "heads", "kv_heads"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["dim"] % p["heads"] or p["heads"] % p["kv_heads"]:
        raise ValueError("heads must divide dim and kv_heads must divide heads")
    if not isinstance(p["bias"], bool):
        raise TypeError("bias must be true or false")
    return p["dim"], p["heads"], p["kv_heads"], p["bias"]


def params(d, h, g, bias, *, kv_full=False, no_out=False, kv_per_query=False):
    """Parameters of the four projections (switches model the common mistakes)."""
    dh = d // h
    kv_width = d if kv_full else (h if kv_per_query else g) * dh
    q_o = (1 if no_out else 2) * (d * d + (d if bias else 0))
    return q_o + 2 * (d * kv_width + (kv_width if bias else 0))


class GqaParams(Question):
    id = "dl/attention/gqa-params"
    title = "Parameters of grouped-query attention"
    topic = "attention"
    tags = ("attention", "transformer", "parameters")
    difficulty = "intermediate"
    source = "seed paper 001 (attention cost) and 000 (Minor-I, attention); Ainslie et al. 2023 (GQA)"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    stem = r"""
An attention layer of model width \(d = <<dim>>\) has <<heads>> query heads of width \(d/<<heads>> = <<dim // heads>>\) but
uses grouped-query attention with <<kv_heads>> key/value <<"head" if kv_heads == 1 else "heads">>, each shared by
<<heads // kv_heads>> query heads. It has a query projection and an output projection (\(d\times d\) each)
and key and value projections that produce only the shared heads<% if bias %>; every projection has a bias<% else %>,
without biases<% endif %>. How many parameters do the four projections hold together?
"""
    solution = r"""
The key and value projections map \(d = <<dim>>\) to \(<<kv_heads>>\cdot<<dim // heads>> = <<kv_width>>\) features.
\[ \underbrace{2\,(<<dim>>^2<% if bias %> + <<dim>><% endif %>)}_{\text{query, output}} +
\underbrace{2\,(<<dim>>\cdot<<kv_width>><% if bias %> + <<kv_width>><% endif %>)}_{\text{key, value}} = <<answer.value|num>>. \]
Multi-head attention (one key/value head per query head) would need \(<<mha>>\).
"""

    def draw(self, rng):
        heads = int(rng.choice([8, 12, 16, 32]))
        kv = int(rng.choice([g for g in (1, 2, 4, 8) if heads % g == 0 and g < heads]))
        return {"dim": heads * int(rng.choice([32, 64, 128])), "heads": heads, "kv_heads": kv,
                "bias": bool(rng.integers(0, 2))}

    def working(self, p):
        d, h, g, bias = _check(p)
        return {"kv_width": g * d // h, "mha": params(d, h, h, bias)}

    def solve(self, p):
        d, h, g, bias = _check(p)
        right = params(d, h, g, bias)
        mistakes = [
            numeric_option(params(d, h, g, bias, kv_full=True), rationale="gave the key and value projections d outputs (multi-head attention)"),
            numeric_option(params(d, h, g, bias, no_out=True), rationale="forgot the output projection"),
            numeric_option(params(d, h, g, not bias), rationale="forgot the biases" if bias else "added biases"),
            numeric_option(params(d, h, 1, bias), rationale="took a single key/value head (multi-query attention)")
            if g > 1 else numeric_option(params(d, h, 2, bias), rationale="took two key/value heads"),
            numeric_option(right + 2 * (h - g) * (d // h), rationale="counted a key and value bias per query head"),
            numeric_option(right - 2 * g * (d // h) * d + 2 * g * (d // h) * (d // h),
                           rationale="made the key/value projections read one head's width instead of d"),
            numeric_option(right * (h // g), rationale="multiplied by the number of query heads per group"),
            numeric_option(2 * (d * d) + 2 * d * g + (2 * d + 2 * g if bias else 0),
                           rationale="gave each key/value head a single output feature"),
        ]
        return single_choice(numeric_option(right, correct=True), mistakes, valid=self.valid_range)

    def verify(self, p):
        # Independent route: the four weight matrices (and bias vectors) as shapes, key/value width from
        # the number of shared heads times the head width.
        d, h, g, bias = _check(p)
        head = d // h
        shapes = [(d, d), (g * head, d), (g * head, d), (d, d)]
        total = sum(math.prod(s) for s in shapes)
        if bias:
            total += sum(s[0] for s in shapes)
        return total
