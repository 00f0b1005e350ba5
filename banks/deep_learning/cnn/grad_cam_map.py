"""Grad-CAM by hand: channel weights from averaged gradients, then the ReLU of the weighted feature maps.

``alpha_k = (1/Z) sum_ij dy/dA^k_ij`` (Z = number of positions) and ``L = ReLU(sum_k alpha_k A^k)``.
Source: Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization"
(ICCV 2017), equations (1) and (2). The short-explanation counterpart is ``dl/cnn/saliency-essay``.
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

ALPHA_TOL = 0.002
#: the map is built from alphas rounded to 3 decimals: up to K * 4 * 0.0005 off
MAP_TOL = 0.01


def _check(p):
    a, g = np.asarray(p["activations"], dtype=float), np.asarray(p["gradients"], dtype=float)
    if a.ndim != 3 or a.shape != g.shape or not 1 <= a.shape[0] <= 4 or a.shape[1] * a.shape[2] > 25:
        raise ValueError("activations and gradients must be K x H x W lists (1 to 4 maps of at most 25 positions)")
    return a, g


def grad_cam(a: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(alpha, map): channel weights (K,) and the Grad-CAM map (H, W) from maps ``a`` and gradients ``g`` (K, H, W)."""
    alpha = g.mean(axis=(1, 2))
    return alpha, np.maximum(np.tensordot(alpha, a, axes=1), 0.0)


class GradCamMap(Question):
    id = "dl/cnn/grad-cam-map"
    title = "Grad-CAM: channel weights and class activation map"
    topic = "cnn"
    tags = ("visualisation", "grad-cam", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "3cm"  # room to work each part
    source = ("seed paper 003 (Advanced Q1, Grad-CAM and Grad-CAM++ maps); Selvaraju et al., Grad-CAM "
              "(ICCV 2017), equations (1)-(2)")
    stem = r"""
The last convolutional layer of a CNN outputs <<k>> feature maps \(A^{k}\) of size \(<<h>>\times<<w>>\).
Backpropagating the score \(y^{c}\) of class \(c\) (before the softmax) gives the gradients
\(G^{k} = \partial y^{c}/\partial A^{k}\):
<% for i in range(k) %>
\[ A^{<<i + 1>>} = <<activations[i]|bmatrix>>, \qquad G^{<<i + 1>>} = <<gradients[i]|bmatrix>><% if loop.last %>.<% else %>;<% endif %> \]
<% endfor %>
Grad-CAM weights each map by its averaged gradient and keeps the positive part of the weighted sum:
\[ \alpha_k^{c} = \frac{1}{<<z>>}\sum_{i,j} G^{k}_{ij}, \qquad
 L^{c} = \operatorname{ReLU}\Bigl(\sum_k \alpha_k^{c} A^{k}\Bigr). \]
(a) Give the weights \((<% for i in range(k) %>\alpha_<<i + 1>><% if not loop.last %>, <% endif %><% endfor %>)\)
and (b) the map \(L^{c}\), to 3 decimal places.
"""
    solution = r"""
(a) Averaging each gradient map over its <<z>> positions:
<% for i in range(k) %>\(\alpha_<<i + 1>> = <<sums[i]|num>>/<<z>> = <<alpha[i]|num(4)>>\)<% if not loop.last %>, <% endif %><% endfor %>.

(b) The weighted sum of the maps, before the ReLU, is
\[ \sum_k \alpha_k A^{k} = <<raw|bmatrix(3)>>; \]
the ReLU sets its negative entries (regions that speak against class \(c\)) to 0:
\[ L^{c} = <<answer.parts[1].answer.array|bmatrix(3)>>. \]
"""

    def draw(self, rng):
        while True:
            k = int(rng.integers(2, 4))
            a = rng.integers(0, 5, size=(k, 3, 3))  # ReLU outputs: non-negative
            g = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=(k, 3, 3))
            alpha, _ = grad_cam(a.astype(float), g)
            raw = np.tensordot(alpha, a, axes=1)
            # both signs of alpha, and the ReLU both keeps and removes entries (each clearly)
            if alpha.min() < -0.05 and alpha.max() > 0.05 and raw.min() < -0.1 and raw.max() > 0.1:
                return {"activations": a.tolist(), "gradients": g.tolist()}

    def working(self, p):
        a, g = _check(p)
        alpha, _ = grad_cam(a, g)
        return {"k": a.shape[0], "h": a.shape[1], "w": a.shape[2], "z": a.shape[1] * a.shape[2], "alpha": alpha,
                "sums": g.sum(axis=(1, 2)), "raw": np.tensordot(alpha, a, axes=1)}

    def solve(self, p):
        a, g = _check(p)
        alpha, cam = grad_cam(a, g)
        return MultiPart((
            Part("a", r"Weights \(\alpha_k\)", Matrix.of(alpha, tolerance=ALPHA_TOL, places=3)),
            Part("b", r"Map \(L^{c}\)", Matrix.of(cam, tolerance=MAP_TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: a linear class score y = sum(G * A) has exactly these gradients; differentiate it
        # numerically with respect to every activation, average per channel, and combine position by position.
        a, g = _check(p)

        def score(act):
            return float(np.sum(g * act))

        grads = np.zeros_like(a)
        h = 1e-3
        for idx in np.ndindex(*a.shape):
            up, down = a.copy(), a.copy()
            up[idx] += h
            down[idx] -= h
            grads[idx] = (score(up) - score(down)) / (2 * h)
        alpha = [float(np.mean(grads[c])) for c in range(a.shape[0])]
        cam = [[max(0.0, sum(alpha[c] * a[c, i, j] for c in range(a.shape[0]))) for j in range(a.shape[2])]
               for i in range(a.shape[1])]
        return [alpha, cam]
