"""CycleGAN's cycle-consistency loss and generator objective for two toy per-pixel generators.

``G(x) = a x + b`` maps domain X to Y and ``F(y) = c y + d`` maps Y to X, pixel by pixel. The cycle loss is
``L_cyc = mean|F(G(x)) - x| + mean|G(F(y)) - y|`` (an L1 distance per image, averaged over pixels as
``nn.L1Loss`` does) and the generators minimise ``L_GAN(G) + L_GAN(F) + lambda L_cyc``.
Source: Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
Networks" (ICCV 2017), equations (2) and (3). The short-explanation counterpart is ``dl/generative/cyclegan-essay``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Matrix, MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    x, y = np.asarray(p["x"], dtype=float), np.asarray(p["y"], dtype=float)
    if x.ndim != 1 or x.shape != y.shape or not 2 <= len(x) <= 8:
        raise ValueError("x and y must be images of 2 to 8 pixels each, of the same size")
    if p["lam"] <= 0:
        raise ValueError("lam must be positive")
    return x, y


def losses(p):
    """(F(G(x)), G(F(y)), forward cycle loss, backward cycle loss)."""
    x, y = _check(p)
    a, b, c, d = (float(p[k]) for k in ("a", "b", "c", "d"))
    fgx = c * (a * x + b) + d
    gfy = a * (c * y + d) + b
    return fgx, gfy, float(np.mean(np.abs(fgx - x))), float(np.mean(np.abs(gfy - y)))


class CycleConsistencyLoss(Question):
    id = "dl/generative/cycle-consistency-loss"
    title = "CycleGAN: cycle-consistency loss of two toy generators"
    topic = "generative"
    tags = ("gan", "cyclegan", "loss", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "3cm"  # room to work each part
    valid_range: ClassVar[dict] = {"b": (0, math.inf), "c": (0, math.inf)}
    source = ("seed paper 000 (Major, GAN question 7: cycle-consistency loss in CycleGAN); Zhu et al. (ICCV 2017), "
              "equations (2)-(3)")
    stem = r"""
A CycleGAN translates between two domains of tiny <<n>>-pixel images with two generators that act pixel by pixel:
\(G(x) = <<a|num>>\,x <<b_signed>>\) (from \(X\) to \(Y\)) and \(F(y) = <<c|num>>\,y <<d_signed>>\) (from \(Y\)
to \(X\)). The unpaired training images are
\[ x = (<<x|join(", ")>>) \text{ from } X, \qquad y = (<<y|join(", ")>>) \text{ from } Y. \]
(a) Compute the reconstruction \(F(G(x))\).
(b) Compute the cycle-consistency loss
\[ \mathcal{L}_{\text{cyc}} = \tfrac{1}{<<n>>}\lVert F(G(x)) - x\rVert_1 + \tfrac{1}{<<n>>}\lVert G(F(y)) - y\rVert_1. \]
(c) With adversarial losses \(\mathcal{L}_{\text{GAN}}(G, D_Y) = <<adv_g|num>>\) and
\(\mathcal{L}_{\text{GAN}}(F, D_X) = <<adv_f|num>>\) and \(\lambda = <<lam|num>>\), compute the generators' objective
\(\mathcal{L}_{\text{GAN}}(G, D_Y) + \mathcal{L}_{\text{GAN}}(F, D_X) + \lambda\,\mathcal{L}_{\text{cyc}}\).
Give the numbers to 3 decimal places.
"""
    solution = r"""
(a) Applying \(G\), then \(F\), pixel by pixel:
\[ G(x) = <<gx|bmatrix(3)>>, \qquad F(G(x)) = <<fgx|bmatrix(3)>>. \]

(b) Forward cycle: \(\frac{1}{<<n>>}\lVert F(G(x)) - x\rVert_1 = <<fwd|num(4)>>\). Backward cycle:
\[ F(y) = <<fy|bmatrix(3)>>, \qquad G(F(y)) = <<gfy|bmatrix(3)>>, \]
so \(\frac{1}{<<n>>}\lVert G(F(y)) - y\rVert_1 = <<bwd|num(4)>>\) and
\(\mathcal{L}_{\text{cyc}} = <<fwd|num(4)>> + <<bwd|num(4)>> = <<cyc|num(3)>>\); it would be 0 only if \(F\) undid
\(G\) on these images.

(c) \(<<adv_g|num>> + <<adv_f|num>> + <<lam|num>> \cdot <<cyc|num(4)>> = <<total|num(3)>>\).
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(3, 5))
            p = {"a": float(rng.choice([0.5, 0.8, 1.5, 2.0])), "b": float(rng.choice([-0.4, -0.2, 0.1, 0.3])),
                 "c": float(rng.choice([0.5, 0.6, 1.2, 2.0])), "d": float(rng.choice([-0.3, -0.1, 0.2, 0.4])),
                 "x": [round(float(v), 1) for v in rng.uniform(0, 1, size=n)],
                 "y": [round(float(v), 1) for v in rng.uniform(0, 1, size=n)],
                 "adv_g": float(rng.choice([0.4, 0.6, 0.8, 1.1])), "adv_f": float(rng.choice([0.3, 0.5, 0.7, 0.9])),
                 "lam": float(rng.choice([5.0, 10.0]))}
            _, _, fwd, bwd = losses(p)
            if fwd > 0.02 and bwd > 0.02 and not any(part.answer.accepted_mistakes()
                                                     for part in self.solve(p).parts[1:]):
                return p

    def working(self, p):
        x, y = _check(p)
        fgx, gfy, fwd, bwd = losses(p)
        a, b, c, d = (float(p[k]) for k in ("a", "b", "c", "d"))

        def signed(v):
            return f"- {abs(v):g}" if v < 0 else f"+ {v:g}"

        cyc = fwd + bwd
        return {"n": len(x), "gx": a * x + b, "fgx": fgx, "fy": c * y + d, "gfy": gfy, "fwd": fwd, "bwd": bwd,
                "cyc": cyc, "total": p["adv_g"] + p["adv_f"] + p["lam"] * cyc, "b_signed": signed(b),
                "d_signed": signed(d)}

    def solve(self, p):
        x, y = _check(p)
        w = self.working(p)
        cyc, adv = w["cyc"], p["adv_g"] + p["adv_f"]
        squared = float(np.mean((w["fgx"] - x) ** 2) + np.mean((w["gfy"] - y) ** 2))
        return MultiPart((
            Part("a", r"\(F(G(x))\)", Matrix.of(np.round(w["fgx"], 10), tolerance=TOL, places=3)),
            Part("b", r"\(\mathcal{L}_{\text{cyc}}\)", Numerical(cyc, tolerance=TOL, places=3, mistakes=(
                numeric_option(w["fwd"], rationale=r"left out the backward cycle \(G(F(y))\)"),
                numeric_option(squared, rationale="used squared errors instead of the L1 distance"),
            ))),
            Part("c", "Generators' objective", Numerical(w["total"], tolerance=TOL, places=3, mistakes=(
                numeric_option(adv + cyc, rationale=r"forgot the weight \(\lambda\)"),
                numeric_option(adv + p["lam"] * w["fwd"], rationale="used only the forward cycle"),
            ))),
        ))

    def verify(self, p):
        # Independent route: pixel-by-pixel loops composing the two maps in the other order of evaluation.
        a, b, c, d = (float(p[k]) for k in ("a", "b", "c", "d"))

        def g(v):
            return a * v + b

        def f(v):
            return c * v + d

        rec_x = [f(g(v)) for v in p["x"]]
        fwd = sum(abs(r - v) for r, v in zip(rec_x, p["x"])) / len(p["x"])
        bwd = sum(abs(g(f(v)) - v) for v in p["y"]) / len(p["y"])
        return [rec_x, fwd + bwd, p["adv_g"] + p["adv_f"] + p["lam"] * (fwd + bwd)]
