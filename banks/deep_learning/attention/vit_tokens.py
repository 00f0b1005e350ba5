"""Vision Transformer patching in numbers: tokens, patch-embedding and position-embedding parameters,
attention weights per head.

An ``S x S`` image with ``C`` channels cut into ``P x P`` patches gives ``N = (S/P)^2`` patch tokens, plus one
[class] token. The patch embedding is a linear map from ``P^2 C`` values to ``D`` (a ``Conv2d(C, D, P,
stride=P)``): ``P^2 C D + D`` parameters; learned position embeddings: ``(N + 1) D``; one attention head of
one layer forms ``(N + 1)^2`` attention weights. Source: Dosovitskiy et al., "An Image is Worth 16x16 Words"
(ICLR 2021), section 3.1, equation (1). The short-explanation counterpart is ``dl/attention/vit-patching-essay``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

#: (image size, patch size) pairs as used by ViT and its small-image variants.
SIZES = ((224, 16), (224, 32), (224, 14), (384, 16), (384, 32), (256, 16), (256, 32), (96, 16), (64, 8),
         (32, 4), (32, 8), (128, 16))


def _check(p):
    s, patch, c, d = (p[k] for k in ("image_size", "patch", "channels", "width"))
    for name, v in (("image_size", s), ("patch", patch), ("channels", c), ("width", d)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if s % patch:
        raise ValueError("the patch size must divide the image size")
    return s, patch, c, d


class VitTokens(Question):
    id = "dl/attention/vit-tokens"
    title = "Vision Transformer: tokens and embedding parameters"
    topic = "attention"
    tags = ("transformer", "vision-transformer", "parameters", "computation")
    difficulty = "beginner"
    points = 2.0
    limits: ClassVar[dict] = {"image_size": (1, 4096), "patch": (1, 4096), "channels": (1, 64), "width": (1, 8192)}
    valid_range: ClassVar[dict] = {label: (1, math.inf) for label in "abcd"}
    source = ("seed paper 002 (Q3e, image patching in the Vision Transformer); Dosovitskiy et al., An Image is "
              "Worth 16x16 Words (ICLR 2021), section 3.1")
    stem = r"""
A Vision Transformer takes \(<<image_size>>\times<<image_size>>\) images with <<channels>> channel<% if channels != 1 %>s<% endif %>,
cuts them into non-overlapping \(<<patch>>\times<<patch>>\) patches and maps each flattened patch to a token of
width \(D = <<width>>\) with a linear layer (with bias). A learnable [class] token is prepended, and a learned
position embedding is added to every token, the [class] token included.
(a) How many tokens enter the first encoder layer?
(b) How many parameters does the patch-embedding layer have?
(c) How many parameters do the position embeddings have?
(d) How many attention weights does one attention head of one layer compute for one image?
"""
    solution = r"""
(a) \((<<image_size>>/<<patch>>)^2 = <<grid>>^2 = <<n>>\) patches, plus the [class] token: \(<<n + 1>>\) tokens.

(b) Each flattened patch has \(<<patch>>^2 \cdot <<channels>> = <<patch_len>>\) values; the linear layer has
\(<<patch_len>> \cdot <<width>> + <<width>> = <<embed>>\) parameters (weights plus biases), shared by all patches,
the same as a convolution with <<width>> filters of size \(<<patch>>\times<<patch>>\) and stride <<patch>>.

(c) One \(<<width>>\)-dimensional vector per token position: \(<<n + 1>> \cdot <<width>> = <<pos>>\).

(d) Every token attends to every token: \(<<n + 1>>^2 = <<attn>>\) weights, quadratic in the number of tokens.
"""

    def draw(self, rng):
        s, patch = SIZES[int(rng.integers(0, len(SIZES)))]
        return {"image_size": s, "patch": patch, "channels": int(rng.choice([3, 3, 1])),
                "width": int(rng.choice([192, 384, 512, 768]))}

    def working(self, p):
        s, patch, c, d = _check(p)
        grid = s // patch
        n = grid * grid
        return {"grid": grid, "n": n, "patch_len": patch * patch * c, "embed": patch * patch * c * d + d,
                "pos": (n + 1) * d, "attn": (n + 1) ** 2}

    def solve(self, p):
        s, patch, c, d = _check(p)
        w = self.working(p)
        n = w["n"]
        embed_mistakes = [numeric_option(patch * patch * c * d, rationale="forgot the bias"),
                          numeric_option(n * (patch * patch * c * d + d), rationale="counted one layer per patch "
                                         "(the projection is shared)")]
        if c > 1:
            embed_mistakes.append(numeric_option(patch * patch * d + d, rationale="forgot the channels"))
        return MultiPart((
            Part("a", "Tokens", Numerical(n + 1, mistakes=(
                numeric_option(n, rationale="forgot the [class] token"),
                numeric_option(s // patch + 1, rationale="did not square the number of patches per side"),
            ))),
            Part("b", "Patch-embedding parameters", Numerical(w["embed"], mistakes=tuple(embed_mistakes))),
            Part("c", "Position-embedding parameters", Numerical(w["pos"], mistakes=(
                numeric_option(n * d, rationale="no position embedding for the [class] token"),
            ))),
            Part("d", "Attention weights per head", Numerical(w["attn"], mistakes=(
                numeric_option(n * n, rationale="forgot the [class] token"),
                numeric_option(n + 1, rationale="one weight per token instead of per pair of tokens"),
            ))),
        ))

    def verify(self, p):
        # Independent route: patch an image array with numpy and count, build the arrays of the layers.
        s, patch, c, d = _check(p)
        image = np.zeros((c, s, s))
        patches = image.reshape(c, s // patch, patch, s // patch, patch).transpose(1, 3, 0, 2, 4)
        flat = patches.reshape(-1, c * patch * patch)  # one row per patch
        weight, bias = np.zeros((flat.shape[1], d)), np.zeros(d)
        tokens = len(flat) + 1  # the [class] token
        position = np.zeros((tokens, d))
        scores = np.zeros((tokens, tokens))
        return [tokens, weight.size + bias.size, position.size, scores.size]
