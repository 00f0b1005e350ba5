"""Parameters of a region proposal network (RPN) head on a C-channel feature map.

The ``w x w`` sliding window is a ``w x w`` convolution from ``C`` to ``D``
channels; two sibling ``1 x 1`` convolutions follow: classification with
``c*k`` outputs (``c = 2``: object / not object softmax; ``c = 1``: logistic)
and regression with ``4k`` outputs, for ``k`` anchors per position. Parameters:
``w*w*C*D + D*(c*k) + D*4k`` weights, plus ``D + c*k + 4k`` biases if the
convolutions have biases. The count does not depend on the map's height/width.

Sources: Ren, He, Girshick & Sun, "Faster R-CNN: Towards Real-Time Object
Detection with Region Proposal Networks" (2015), section 3.1 (3x3 window to a
256-d (ZF) / 512-d (VGG) feature, 2k scores and 4k coordinates, the
sliding window implemented as a 3x3 conv and two sibling 1x1 convs); the
PyTorch docs of ``torch.nn.Conv2d`` (parameter shapes).
"""

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question


def rpn_param_count(c, d, k, w, per_anchor, bias):
    """w*w*C*D + D*(per_anchor*k) + D*4k weights, plus one bias per output channel if ``bias``."""
    outs = (d, per_anchor * k, 4 * k)
    weights = w * w * c * d + d * per_anchor * k + d * 4 * k
    return weights + (sum(outs) if bias else 0)


class RpnParams(Question):
    id = "dl/cnn/rpn-params"
    title = "Parameters of a region proposal network"
    topic = "cnn"
    tags = ("object-detection", "faster-rcnn", "rpn", "parameters")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 004 (Q9)"
    stem = r"""
A region proposal network (as in Faster R-CNN) is built on top of a
\(<<size>>\times<<size>>\times<<channels>>\) feature map. A \(<<window>>\times<<window>>\) window slides over the
map and is mapped to a \(<<hidden>>\)-dimensional feature; this is implemented as a
\(<<window>>\times<<window>>\) convolution from \(<<channels>>\) to \(<<hidden>>\) channels (``same'' zero padding, followed by
a ReLU). Two sibling \(1\times1\) convolutions then read this feature at every position, with
\(<<anchors>>\) anchor boxes per position: a classification layer with
<% if per_anchor == 2 %>2 scores per anchor (object / not object, softmax)<% else %>1 score per anchor (objectness,
logistic)<% endif %> and a regression layer with 4 box offsets per anchor.
<% if bias %>Every convolution has one bias per output channel.<% else %>The convolutions have no biases.<% endif %>

How many trainable parameters does the region proposal network add on top of the feature map?
"""
    solution = r"""
The parameters do not depend on the \(<<size>>\times<<size>>\) map size: the same filters are applied at
every position.
\begin{itemize}
\item \(<<window>>\times<<window>>\) convolution: \(<<window>>^2\cdot<<channels>>\cdot<<hidden>> = <<w_inter>>\)
weights<% if bias %> and \(<<hidden>>\) biases<% endif %>;
\item classification: \(<<per_anchor>>\cdot<<anchors>> = <<n_cls>>\) outputs, \(<<hidden>>\cdot<<n_cls>> = <<w_cls>>\)
weights<% if bias %> and \(<<n_cls>>\) biases<% endif %>;
\item regression: \(4\cdot<<anchors>> = <<n_reg>>\) outputs, \(<<hidden>>\cdot<<n_reg>> = <<w_reg>>\)
weights<% if bias %> and \(<<n_reg>>\) biases<% endif %>.
\end{itemize}
Total: \(<<w_inter>> + <<w_cls>> + <<w_reg>><% if bias %> + <<hidden>> + <<n_cls>> + <<n_reg>><% endif %> = <<answer.value|num>>\).
"""

    valid_range = (1, float("inf"))

    def draw(self, rng):
        return {
            "channels": int(rng.choice([256, 256, 384, 512, 512])),
            "hidden": int(rng.choice([128, 256, 256, 512])),
            "anchors": int(rng.choice([3, 5, 9, 9, 12, 15])),
            "window": 3,
            "per_anchor": int(rng.choice([1, 2, 2])),
            "bias": bool(rng.random() < 0.6),
            "size": int(rng.choice([13, 14, 38, 40, 50, 60])),
        }

    def working(self, p):
        c, d, k, w, a = p["channels"], p["hidden"], p["anchors"], p["window"], p["per_anchor"]
        return {
            "w_inter": w * w * c * d,
            "n_cls": a * k,
            "w_cls": d * a * k,
            "n_reg": 4 * k,
            "w_reg": d * 4 * k,
        }

    def solve(self, p):
        for name in ("channels", "hidden", "anchors", "window", "size"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        if p["per_anchor"] not in (1, 2):
            raise ValueError("per_anchor must be 1 (logistic objectness) or 2 (two-class softmax)")
        if not isinstance(p["bias"], bool):
            raise ValueError("bias must be true or false")  # noqa: TRY004 (solve reports bad params as ValueError)
        c, d, k, w, a, b = (
            p["channels"],
            p["hidden"],
            p["anchors"],
            p["window"],
            p["per_anchor"],
            p["bias"],
        )
        right = rpn_param_count(c, d, k, w, a, b)
        other = 3 - a
        candidates = [
            (
                rpn_param_count(c, d, k, w, a, not b),
                "forgot the biases" if b else "added biases the question excludes",
            ),
            (
                rpn_param_count(c, d, k, w, other, b),
                f"used {other} classification score(s) per anchor",
            ),
            (rpn_param_count(c, d, k, 1, a, b), "treated the sliding window as a 1x1 convolution"),
            (
                rpn_param_count(c, d, k, w, a, b) - d * 4 * k + d * 4 - (4 * k - 4 if b else 0),
                "one box regression per position instead of per anchor",
            ),
            (
                rpn_param_count(c, d, k, w, a, b) - w * w * c * d - (d if b else 0),
                "forgot the intermediate convolution",
            ),
            (
                rpn_param_count(c, d, k, w, a, b) - d * a * k - (a * k if b else 0),
                "forgot the classification layer",
            ),
            (
                w * c * d + d * a * k + d * 4 * k + ((d + a * k + 4 * k) if b else 0),
                "counted a w x w window as w weights per channel pair",
            ),
            (right * p["size"] ** 2, "multiplied by the number of window positions"),
            (
                right + (w * w - 1) * d * (a * k + 4 * k),
                r"made the two sibling layers \(w\times w\) convolutions instead of \(1\times1\)",
            ),
            (
                right + (k - 1) * d * 4 * k,
                "gave each anchor its own regression layer with all the anchors' outputs",
            ),
            (right + w * w * c * c, "counted an extra convolution from the backbone's channels to themselves"),
        ]
        return single_choice(
            numeric_option(right, correct=True),
            [numeric_option(v, rationale=why) for v, why in candidates],
            sample_wrong=True, valid=self.valid_range,
        )

    def verify(self, p):
        # Independent route: build the three convolutions' weight and bias tensors and count entries.
        c, d, k, w, a = p["channels"], p["hidden"], p["anchors"], p["window"], p["per_anchor"]
        shapes = [((d, c, w, w), d), ((a * k, d, 1, 1), a * k), ((4 * k, d, 1, 1), 4 * k)]
        total = 0
        for weight_shape, n_out in shapes:
            total += np.broadcast_to(0.0, weight_shape).size
            if p["bias"]:
                total += np.zeros(n_out).size
        return total
