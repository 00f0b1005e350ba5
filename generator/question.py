"""The authoring surface: a question template is a subclass of :class:`Question`.

One small Python file per question in a bank folder, for example::

    class ConvOutputSize(Question):
        id = "dl/cnn/conv-output-size"
        title = "Output size of a 2-D convolution"
        topic = "cnn"
        tags = ("convolution", "shapes")
        difficulty = "beginner"
        stem = r"A \\(<<kernel>>\\times<<kernel>>\\) convolution ..."
        solution = r"\\(\\lfloor (<<size>> + 2\\cdot<<padding>> ...\\)"

        def draw(self, rng):            # params from the rng it is given
            return {"size": int(rng.integers(16, 65)), ...}

        def solve(self, p):             # the answer, with numpy/sympy
            return Numerical((p["size"] + 2 * p["padding"] - ...) // p["stride"] + 1)

        def verify(self, p):            # a second, independent route
            return np.lib.stride_tricks.sliding_window_view(...).shape[0]

``stem`` (the question part) and ``solution`` (the worked solution for the
key) are Jinja2 LaTeX with ``<< >>`` / ``<% %>`` delimiters (see
``texenv``); they see the params, the values of ``working(p)``, and
``answer``. Choice options, multi-part prompts and answer room are drawn by
the paper template from the answer, not written in the stem.

Per-variant figures (optional): ``figure`` is Jinja2 TikZ, the *body* of
a ``tikzpicture`` (no ``\\begin{tikzpicture}``), with the same delimiters and
context as ``stem`` (params, ``working(p)``, ``answer``), for example::

        figure = r'''
        \\node[draw] (x) at (0,0) {\\(x=<<x>>\\)};
        \\node[draw] (y) at (3,0) {\\(y=<<y>>\\)};
        \\draw[->] (x) -- node[above] {\\(w=<<w>>\\)} (y);
        '''
        figure_alt = "A graph: x = <<x>> feeds y = <<y>> through weight w = <<w>>."

``figure_alt`` (plain text, Jinja2 likewise) describes the figure for
screen readers and LMS alt text; it is required whenever ``figure`` is set.
The variant renders both (``Variant.figure_tex``, ``Variant.figure_alt``;
"" when the template has none); the figure is a separate object, never part
of ``stem_tex``. Papers and keys print it centred under the stem, scaled
down to the text width and to 45% of the text height if it is larger (preamble: ``tikz`` with the
``arrows.meta``, ``positioning``, ``calc`` and ``shapes.geometric``
libraries). HTML, Moodle XML and QTI show it as a PNG rendered once per
distinct figure by ``generator.figures``. Keep a figure within about
16 cm x 9 cm and its labels in math or plain text (it may not use the
document-level commands refused in stems, such as ``\\def``).

Contract (checked by ``variant.make_variant`` and ``variantex check``):
``draw`` returns JSON-ready values only; ``solve`` returns an
:class:`answers.Answer` and raises ``ValueError`` (or ``TypeError``) for params
it cannot take;
``verify`` returns a value the answer ``agrees_with`` (required whenever the
answer is computed; statement pools, short text and essays may omit it).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from .answers import Answer

DIFFICULTIES = ("beginner", "intermediate", "advanced")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")

Params = dict[str, Any]


class Question:
    """A parametrised question template (see the module docstring).

    Class attributes: ``id`` (stable, ``bank/topic/name`` in lower-case
    kebab-case), ``title``, ``topic``, ``tags``, ``difficulty`` (one of
    :data:`DIFFICULTIES`), ``points`` (suggested marks), ``source`` (where the
    question comes from), ``limits`` (``{param: (low, high)}``: the values
    ``solve --set`` accepts, where the default ±10⁶ is too wide for the
    template's computation), ``stem`` and ``solution`` (Jinja2 LaTeX),
    ``figure`` (Jinja2 TikZ, a tikzpicture's body; "" for none) and
    ``figure_alt`` (Jinja2 plain text describing the figure), and
    ``valid_range`` (``(low, high)``, inclusive: the values the answer can
    take at all, such as ``(1, inf)`` for a size; ``variantex check`` fails
    a template that shows a numeric option or answer outside it; a dict
    ``{part label: (low, high)}`` for a multi-part answer), ``space`` (room
    to work on the paper, written as in the spec: ``"4cm"``, ``"2 lines"``,
    ``"none"``; None: the default for the answer type, see ``generator.space``).
    """

    id: ClassVar[str]
    title: ClassVar[str]
    topic: ClassVar[str]
    tags: ClassVar[tuple[str, ...]] = ()
    difficulty: ClassVar[str] = "intermediate"
    points: ClassVar[float] = 1.0
    source: ClassVar[str] = ""
    limits: ClassVar[dict[str, tuple[float, float]]] = {}
    valid_range: ClassVar[tuple[float, float] | dict[str, tuple[float, float]] | None] = None
    stem: ClassVar[str]
    solution: ClassVar[str]
    figure: ClassVar[str] = ""
    figure_alt: ClassVar[str] = ""
    space: ClassVar[str | None] = None

    def draw(self, rng: np.random.Generator) -> Params:
        """Draw the params of one variant from ``rng`` (the only source of randomness)."""
        raise NotImplementedError

    def solve(self, p: Params) -> Answer:
        """The answer for params ``p``; raise ``ValueError`` with a reason if ``p`` is invalid."""
        raise NotImplementedError

    def verify(self, p: Params) -> Any:
        """The answer computed by a second, independent route (simulation, autograd, enumeration)."""
        raise NotImplementedError

    def working(self, p: Params) -> dict[str, Any]:
        """Intermediate values shown in the stem or solution (default: none)."""
        return {}

    @classmethod
    def has_verify(cls) -> bool:
        """Does the template define its own independent verification?"""
        return cls.verify is not Question.verify
