"""Templates that fail on purpose, one per stage of making a variant (for tests/faults)."""

import math

import numpy as np

from generator.answers import Numerical

from .._base import Base


class Fine(Base):
    id = "t/fault/fine"
    title = "A template that works"


class DrawRaises(Base):
    id = "t/fault/draw-raises"
    title = "draw raises RuntimeError"

    def draw(self, rng):
        raise RuntimeError("the draw broke")


class SolveKeyError(Base):
    id = "t/fault/solve-key-error"
    title = "solve raises KeyError"

    def solve(self, p):
        return Numerical(p["no_such_param"])


class SolveIndexError(Base):
    id = "t/fault/solve-index-error"
    title = "solve raises IndexError"

    def solve(self, p):
        return Numerical([1, 2][p["n"] + 5])


class SolveZeroDivision(Base):
    id = "t/fault/solve-zero-division"
    title = "solve divides by zero"

    def solve(self, p):
        return Numerical(p["n"] / (p["n"] - p["n"]))


class SolveOverflow(Base):
    id = "t/fault/solve-overflow"
    title = "solve overflows"

    def solve(self, p):
        return Numerical(math.exp(1000 * p["n"]))


class WorkingRaises(Base):
    id = "t/fault/working-raises"
    title = "working raises"
    stem = r"What is \(<<n>>\) and <<half>>?"

    def working(self, p):
        raise RuntimeError("working broke")


class JinjaZeroDivision(Base):
    id = "t/fault/jinja-zero-division"
    title = "a stem expression divides by zero"
    stem = r"""What is \(<<n>>\)?
Its inverse is << 1 // (n - n) >>."""


class JinjaUndefined(Base):
    id = "t/fault/jinja-undefined"
    title = "a stem names an undefined value"
    stem = r"What is \(<<n>>\) plus <<missing_value>>?"


class VerifyDisagrees(Base):
    id = "t/fault/verify-disagrees"
    title = "verify disagrees"

    def verify(self, p):
        return p["n"] + 1


class VerifyRaises(Base):
    id = "t/fault/verify-raises"
    title = "verify raises"

    def verify(self, p):
        return np.zeros(3)[p["n"] + 10]


class EndDocument(Base):
    id = "t/fault/end-document"
    title = r"a stem ends the document"
    stem = r"What is \(<<n>>\)? \end{document}"


class NotJson(Base):
    id = "t/fault/not-json"
    title = "draw returns an object"

    def draw(self, rng):
        return {"n": object()}


class DeepGroups(Base):
    id = "t/fault/deep-groups"
    title = "a stem nests 400 groups (TeX capacity exceeded)"
    stem = r"What is <% for i in range(400) %>{<% endfor %>x<% for i in range(400) %>}<% endfor %> \(<<n>>\)?"


class UndefinedMacro(Base):
    id = "t/fault/undefined-macro"
    title = "a stem uses an undefined LaTeX command"
    stem = r"What is \undefinedmacro{<<n>>}?"
