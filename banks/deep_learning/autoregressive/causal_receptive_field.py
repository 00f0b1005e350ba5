"""Receptive field of a stack of causal dilated 1-D convolutions (WaveNet), and the depth a target needs.

A causal convolution with kernel ``k`` and dilation ``d`` makes ``y[t]`` depend on
``x[t], x[t - d], ..., x[t - (k - 1) d]`` (left padding ``(k - 1) d``, no future inputs). Stacked, the
receptive field is ``1 + sum_l (k - 1) d_l``; with dilations ``1, 2, 4, ..., 2^(L-1)`` it is
``1 + (k - 1)(2^L - 1)``.

Sources: van den Oord et al. 2016, "WaveNet: A Generative Model for Raw Audio", section 2.1 and figure 3;
Bai, Kolter & Koltun 2018, "An Empirical Evaluation of Generic Convolutional and Recurrent Networks for
Sequence Modeling" (TCN), section 3.2; the PyTorch docs of ``torch.nn.Conv1d`` (``dilation``).
"""

import math
from typing import ClassVar

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    k, dil, target = p["kernel"], p["dilations"], p["target"]
    if not isinstance(k, int) or isinstance(k, bool) or not 2 <= k <= 16:
        raise ValueError("kernel must be an integer from 2 to 16")
    if not isinstance(dil, list) or not 1 <= len(dil) <= 16 or not all(
            isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 4096 for d in dil):
        raise ValueError("dilations must list 1 to 16 integers from 1 to 4096")
    if not isinstance(target, int) or not 2 <= target <= 10**6:
        raise ValueError("target must be an integer from 2 to 10^6")
    return k, dil, target


class CausalReceptiveField(Question):
    id = "dl/autoregressive/causal-receptive-field"
    title = "Receptive field of causal dilated convolutions"
    topic = "autoregressive"
    tags = ("autoregressive", "causal-convolution", "dilation", "receptive-field")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (causal convolutions in autoregressive models); van den Oord et al. 2016 (WaveNet)"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (1, math.inf), "b": (1, math.inf)}
    stem = r"""
An autoregressive model of a sequence stacks <<dilations|length>> causal 1-D convolution layers, each with
kernel size \(k = <<kernel>>\), stride 1 and left zero padding, so that the output at time \(t\) never
depends on inputs after \(t\). The layers have the dilations <<dilations|join(", ")>> (first layer first).
"""
    solution = r"""
\textbf{(a)} A layer with kernel \(k\) and dilation \(d\) looks \((k-1)d\) steps further into the past; the
steps add up over the layers, and the current input counts once:
\[ 1 + (k-1)\sum_l d_l = 1 + <<kernel - 1>>\cdot(<<dilations|join(" + ")>>) = <<answer.parts[0].answer.value|num>>. \]

\textbf{(b)} With dilations \(1, 2, \ldots, 2^{L-1}\) the receptive field is \(1 + (k-1)(2^L - 1)\):
\[ <% for row in table %>L = <<row.L>>: <<row.rf>><% if not loop.last %>,\quad <% endif %><% endfor %>. \]
The first depth that reaches \(<<target>>\) is \(L = <<answer.parts[1].answer.value|num>>\).
"""

    def draw(self, rng):
        k = int(rng.choice([2, 2, 3, 3, 4]))
        layers = int(rng.integers(3, 7))
        if rng.random() < 0.5:
            dil = [2**i for i in range(layers)]
        else:  # two dilation cycles, as WaveNet repeats 1, 2, ..., 512
            half = int(rng.integers(2, 4))
            dil = [2**i for i in range(half)] * 2
        target = int(rng.choice([100, 250, 500, 1000, 2000, 4000, 16000]))
        return {"kernel": k, "dilations": dil, "target": target}

    def working(self, p):
        k, _, _ = _check(p)
        depth = self.solve(p).parts[1].answer.value
        rows = [{"L": n, "rf": 1 + (k - 1) * (2**n - 1)} for n in range(max(1, depth - 2), depth + 1)]
        return {"table": rows}

    def solve(self, p):
        k, dil, target = _check(p)
        depth = 1
        while 1 + (k - 1) * (2**depth - 1) < target:
            depth += 1
        return MultiPart((
            Part("a", "How many consecutive input steps does one output of the last layer depend on "
                      "(its receptive field)?", Numerical(1 + (k - 1) * sum(dil))),
            Part("b", rf"With the dilations doubling in every layer (1, 2, 4, \ldots) and the same kernel size, "
                      rf"how many layers are needed at least for a receptive field of {target} steps?",
                 Numerical(depth)),
        ))

    def verify(self, p):
        # Independent route: propagate the set of input times the last output depends on, layer by layer
        # from the top (each layer maps time t to t, t - d, ..., t - (k-1) d), and count it; (b) by
        # growing a doubling stack until the propagated set reaches the target.
        k, dil, target = _check(p)

        def field(dilations):
            times = {0}
            for d in reversed(dilations):
                times = {t - j * d for t in times for j in range(k)}
            return len(times), max(times) - min(times) + 1

        _, span = field(dil)
        depth = 1
        while field([2**i for i in range(depth)])[0] < target:
            depth += 1
        return [span, depth]

