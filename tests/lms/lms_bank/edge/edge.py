"""Questions that exercise what LMS exports must escape or convert (not exam material)."""

import numpy as np

from generator.answers import (
    Matrix,
    MultiPart,
    Numerical,
    Option,
    Part,
    ShortText,
    TrueFalse,
    multiple_choice,
    numeric_option,
    single_choice,
)
from generator.question import Question


class ClozeText(Question):
    id = "lms/edge/cloze-text"
    title = "Cloze fields with } # ~ / \" \\ in answers"
    topic = "edge"
    points = 4
    stem = r"""
    A question whose parts need every kind of text cloze field; 50\% of the
    marks are for part (a) \& (b) together, with \(x = <<x>>\).
    """
    solution = r"The code is typed as shown; \(\alpha\), \(\beta\) and \(\gamma\) come first."

    def draw(self, rng):
        return {"x": int(rng.integers(2, 9))}

    def solve(self, p):
        choice = single_choice(
            Option(r"\(\frac{1}{2}\) of \(\{x\}\)"),
            [Option(r"\(\sqrt{2}\)", rationale=r"took \(\{a\}\) as 1 \# wrong"),
             Option("a ~ guess", rationale="a ~ guess"),
             Option(r"50\% or \(x^{2}\)", rationale=r"path a/b \textbackslash{} c")])
        select = multiple_choice(
            [Option("alpha"), Option("beta"), Option(r"\(\gamma\)")],
            [Option("delta"), Option("epsilon"), Option(r"\(\zeta_{1}\)", rationale=r"z \} is last")],
            n_options=6, n_correct=(3, 3))
        return MultiPart((
            Part("a", "Type the code exactly.", ShortText(('a}b#c~d/e"f', "x*y"))),
            Part("b", r"Which is half of \(\{x\}\)?", choice),
            Part("c", "Is a square matrix with zeros below the diagonal upper triangular?", TrueFalse(True)),
            Part("d", "Select the first three Greek letters.", select),
        ))


class ClozeNumbers(Question):
    id = "lms/edge/cloze-numbers"
    title = "Cloze fields with numbers: a choice, a matrix and a relative tolerance"
    topic = "edge"
    points = 6
    stem = r"""
    The matrix is \(A = \begin{pmatrix} <<a>> & 1 \\ 0 & 2 \end{pmatrix}\).
    """
    solution = r"Part (b) is \(2A\); part (c) is \(<<a>>/3\)."

    def draw(self, rng):
        return {"a": int(rng.integers(2, 9))}

    def solve(self, p):
        a = p["a"]
        choice = single_choice(numeric_option(a / 2, correct=True),
                               [numeric_option(a, rationale="forgot to halve"), numeric_option(a * 2),
                                numeric_option(a / 4, rationale="halved twice")])
        return MultiPart((
            Part("a", r"What is \(a/2\)?", choice),
            Part("b", r"Compute \(2A\).", Matrix.of([[2 * a, 2], [0, 4]]), weight=2),
            Part("c", r"Compute \(a/3\) to 1 %.", Numerical(a / 3, tolerance=0.01, relative=True)),
        ))

    def verify(self, p):
        a = p["a"]
        return [a / 2, 2 * np.array([[a, 1], [0, 2]]), a / 3]


class RelativeNumber(Question):
    id = "lms/edge/relative-number"
    title = "A number with a relative tolerance"
    topic = "edge"
    stem = r"What is \(<<x>> \times 1.0001\) (within 0.1 \%)? See \includegraphics{dot.png}."
    solution = r"\(<<x>> \times 1.0001\)."

    def draw(self, rng):
        return {"x": float(rng.integers(1000, 9000)) + 0.123}

    def solve(self, p):
        return Numerical(p["x"] * 1.0001, tolerance=0.001, relative=True)

    def verify(self, p):
        return p["x"] + p["x"] / 10000
