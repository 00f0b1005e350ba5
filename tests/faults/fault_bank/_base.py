"""The working template the fault templates start from (a helper: files starting with _ hold no questions)."""

from generator.answers import Numerical
from generator.question import Question


class Base(Question):
    topic = "faults"
    solution = r"It is \(<<n>>\)."
    stem = r"What is \(<<n>>\)?"

    def draw(self, rng):
        return {"n": int(rng.integers(1, 9))}

    def solve(self, p):
        return Numerical(p["n"])

    def verify(self, p):
        return p["n"]
