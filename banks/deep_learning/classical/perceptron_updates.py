"""One pass of the perceptron learning rule over a few labelled 2-D points.

Rule (Rosenblatt 1958; Bishop, "Pattern Recognition and Machine Learning" (2006), section 4.1.7):
predict with ``w . x + b``; when ``y (w . x + b) <= 0`` (a mistake, a point on the boundary included)
update ``w <- w + lr * y * x`` and ``b <- b + lr * y``; otherwise leave both unchanged.
"""

from fractions import Fraction

import numpy as np

from generator.answers import Matrix, format_number
from generator.question import Question

from ._scatter import scatter_alt, scatter_tikz


def _check(p):
    points, labels = np.asarray(p["points"], dtype=float), list(p["labels"])
    if points.ndim != 2 or points.shape[1] != 2 or not 1 <= len(points) <= 12:
        raise ValueError("points must be a list of 1 to 12 pairs [x1, x2]")
    if len(labels) != len(points) or any(y not in (-1, 1) for y in labels):
        raise ValueError("labels must hold one label, -1 or 1, per point")
    if len(p["start"]) != 3:
        raise ValueError("start must be [w1, w2, b]")
    if not p["lr"] > 0:
        raise ValueError("lr must be positive")
    return points, labels


def run_pass(points, labels, start, lr):
    """Steps of one pass: a list of (activation, mistake, weights after) with weights as [w1, w2, b]."""
    w = np.asarray(start[:2], dtype=float)
    b = float(start[2])
    steps = []
    for x, y in zip(np.asarray(points, dtype=float), labels):
        a = round(float(w @ x + b), 9)  # exact multiples of lr: no float dust decides a mistake
        mistake = y * a <= 0
        if mistake:
            w = w + lr * y * x
            b = b + lr * y
        steps.append((a, bool(mistake), [float(w[0]), float(w[1]), b]))
    return steps


class PerceptronUpdates(Question):
    id = "dl/classical/perceptron-updates"
    title = "Perceptron learning rule: one pass over the data"
    topic = "classical"
    tags = ("perceptron", "learning-rule", "computation")
    difficulty = "beginner"
    points = 2.0
    space = "6cm"  # room to work the computation
    source = ("seed paper 001 (Q5, the perceptron update); Rosenblatt (1958); Bishop, Pattern Recognition and "
              "Machine Learning (2006), section 4.1.7")
    stem = r"""
A perceptron classifies a point \(x = (x_1, x_2)\) by the sign of \(w_1 x_1 + w_2 x_2 + b\), with labels
\(y \in \{-1, +1\}\). It starts from \(w_1 = <<start[0]|num>>\), \(w_2 = <<start[1]|num>>\), \(b = <<start[2]|num>>\)
and visits the points of the table (drawn in the figure) once, in the order listed. Whenever \(y\,(w_1 x_1 + w_2 x_2 + b) \le 0\)
(a point exactly on the boundary counts as a mistake) it updates
\(w_i \leftarrow w_i + \eta\, y\, x_i\) and \(b \leftarrow b + \eta\, y\) with \(\eta = <<lr|num>>\);
otherwise it changes nothing.
\begin{center}
\begin{tabular}{cccc}
point & \(x_1\) & \(x_2\) & \(y\) \\ \hline
<% for pt in points %>
<<loop.index>> & \(<<pt[0]|num>>\) & \(<<pt[1]|num>>\) & \(<<labels[loop.index0]|num>>\) \\
<% endfor %>
\end{tabular}
\end{center}
Give the weights and bias after the pass, as the vector \((w_1, w_2, b)\).
"""
    figure = r"<<figure_body>>"
    figure_alt = "<<figure_text>>"
    solution = r"""
For each point in turn, compute \(a = w_1 x_1 + w_2 x_2 + b\) with the current weights; update when \(y\,a \le 0\).
\begin{center}
\begin{tabular}{ccccc}
point & \(a\) & \(y\,a\) & update? & \((w_1, w_2, b)\) after \\ \hline
<% for s in steps %>
<<loop.index>> & \(<<s.a>>\) & \(<<s.ya>>\) & <% if s.mistake %>yes<% else %>no<% endif %> & \((<<s.after>>)\) \\
<% endfor %>
\end{tabular}
\end{center}
<<n_updates>> of the <<n_points>> points cause an update, so after the pass
\((w_1, w_2, b) = (<<final>>)\).
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(4, 6))
            points = rng.integers(-3, 4, size=(n, 2))
            if np.any(np.all(points == 0, axis=1)) or len({tuple(r) for r in points.tolist()}) < n:
                continue
            p = {"points": points.tolist(), "labels": [int(y) for y in rng.choice([-1, 1], size=n)],
                 "start": [int(v) for v in rng.integers(-1, 2, size=3)],
                 "lr": float(rng.choice([1.0, 0.5, 0.5, 0.2]))}
            mistakes = sum(m for _, m, _ in run_pass(p["points"], p["labels"], p["start"], p["lr"]))
            if 2 <= mistakes <= n - 1:  # some points update, some do not
                return p

    def working(self, p):
        points, labels = _check(p)
        steps = run_pass(points, labels, p["start"], p["lr"])
        rows = [{"a": format_number(a), "ya": format_number(y * a), "mistake": m,
                 "after": ", ".join(format_number(round(v, 10)) for v in after)}
                for (a, m, after), y in zip(steps, labels)]
        return {"figure_body": scatter_tikz(p["points"], p["labels"]),
                "figure_text": scatter_alt(p["points"], p["labels"]), "steps": rows, "n_updates": sum(m for _, m, _ in steps), "n_points": len(steps),
                "final": rows[-1]["after"]}

    def solve(self, p):
        points, labels = _check(p)
        final = run_pass(points, labels, p["start"], p["lr"])[-1][2]
        # entries are exact multiples of lr: one decimal for lr 0.5 or 0.2, none for lr 1
        places = 0 if float(p["lr"]).is_integer() else 1
        return Matrix.of(np.round(final, 10), tolerance=0.01, places=places)

    def verify(self, p):
        # Independent route: exact rational arithmetic on augmented vectors (x1, x2, 1), weights (w1, w2, b).
        lr = Fraction(str(p["lr"]))
        w = [Fraction(str(v)) for v in p["start"]]
        for (x1, x2), y in zip(p["points"], p["labels"]):
            xa = (Fraction(str(x1)), Fraction(str(x2)), Fraction(1))
            if y * sum(wi * xi for wi, xi in zip(w, xa)) <= 0:
                w = [wi + lr * y * xi for wi, xi in zip(w, xa)]
        return [float(v) for v in w]
