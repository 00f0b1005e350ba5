"""Moodle XML for one pool variant: one method per answer type, as in ``render_tex``.

:class:`MoodleRenderer` turns a :class:`pool.PoolVariant` into one
``<question>`` element (lxml). The method for an answer of kind ``K`` is
``_moodle_K``; it returns the Moodle question type, HTML to add after the
stem (the blanks of a cloze question) and the type's own elements.

Format rules and where they come from:

- Moodle docs, "Moodle XML format": ``<quiz>`` of ``<question type=…>``;
  text in ``<text>`` of an element with ``format="html"``, the HTML in
  CDATA; ``<name>``, ``<questiontext>``, ``<generalfeedback>``,
  ``<defaultgrade>``, ``<penalty>``, ``<hidden>``, ``<idnumber>``; answers as
  ``<answer fraction="…">`` with ``<feedback>``; a numerical answer's
  ``<tolerance>`` is an absolute ±; true/false answers are ``true`` and
  ``false``; an essay's ``<graderinfo>``; images as ``@@PLUGINFILE@@/name``
  plus ``<file name path encoding="base64">`` inside the same element (a
  variant's figure is such an image, a PNG under the stem: :mod:`figures`).
- Moodle's ``question_bank::fraction_options_full()`` (checked by the
  importer with matchgrades=error): a fraction must be one of
  :data:`GRADES` or its negative, within 0.00001 of the fraction (0.001 in
  percent), or the whole file is refused.
- Moodle docs, "Embedded Answers (Cloze) question type", and
  ``question/type/multianswer/questiontype.php``: a field is
  ``{weight:TYPE:alternatives}``, alternatives split by ``~``, ``=`` or
  ``%n%`` before one, ``#`` before its feedback; the integer weights of the
  fields add up to the question's default mark. An answer ends at the first
  ``}``, ``#`` or ``~`` not preceded by ``\\`` or ``&``, and is then
  HTML-entity-decoded (only ``\\}`` and ``\\#`` lose their backslash, so
  ``\\~`` keeps it): :func:`cloze_escape` writes ``}``, ``#``, ``~``, ``/``,
  ``"``, ``\\`` and ``&`` as character references, which survive the parse
  and decode to the character itself.
- Moodle's MathJax filter reads ``\\( \\)`` and ``\\[ \\]``: question text
  comes from :class:`html.HtmlConverter` in ``mathjax`` mode.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from html import escape as html_escape
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from .answers import (
    Answer,
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    Option,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from .errors import VariantexError
from .figures import figure_img
from .html import ImageFile, image_sources, load_image, replace_image_sources
from .pool import PoolVariant, Slot

#: Moodle's allowed fractions in percent (``question_bank::fraction_options_full()``); negatives are allowed too.
GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
          12.5, 11.11111, 10, 5, 0)
#: Moodle matches a fraction to a grade option within this much (as a fraction; 0.001 in percent).
GRADE_MATCH = 0.00001
#: ``<idnumber>`` holds at most this many characters (``question.idnumber`` is varchar(100)).
MAX_IDNUMBER = 100
#: Lines of the essay editor.
ESSAY_LINES = 15


class ExportError(VariantexError):
    """A variant cannot be expressed in the export format; names the question, seed and what is wrong."""


class TextConverter(Protocol):
    """What the renderers need of :class:`html.HtmlConverter` (or :class:`html.TextCollector`)."""

    def html(self, text: str) -> str: ...

    def inline(self, text: str) -> str: ...


# ---------------------------------------------------------------------- numbers and fractions


def moodle_number(x: float) -> str:
    """A number with ``.`` as decimal point and no exponent, exact to the float's shortest repr.

    ``3`` → ``"3"``, ``2.5e-05`` → ``"0.000025"``; Moodle reads commas as thousands
    separators and is not trusted with exponents (Moodle XML format docs).
    """
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    d = Decimal(repr(float(x)))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tolerance_number(x: float) -> str:
    """An absolute tolerance, to 12 significant digits (float noise of a relative tolerance dropped)."""
    if x <= 0:
        return "0"
    return moodle_number(float(f"{x:.12g}"))


def _percent_text(p: Decimal) -> str:
    text = format(p.quantize(Decimal("0.00001"), ROUND_HALF_EVEN), "f").rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def on_grade_list(percent: float) -> bool:
    """Is ``percent`` one of Moodle's fractions (or a negative one), within Moodle's matching tolerance?"""
    return any(abs(abs(percent) - g) <= GRADE_MATCH * 100 for g in GRADES)


def nearest_grade(percent: float) -> str:
    """The allowed fraction nearest to ``percent`` (sign kept), written as Moodle lists it."""
    g = min(GRADES, key=lambda g: (abs(abs(percent) - g), -g))
    return _percent_text(Decimal(str(g)) * (-1 if percent < 0 and g else 1))


def split_hundred(k: int) -> list[str]:
    """``k`` positive fractions that add up to exactly 100 and each match the grade ``100/k``.

    ``split_hundred(3)`` → ``["33.33333", "33.33333", "33.33334"]``: the last takes the
    rounding rest, which stays within Moodle's matching tolerance. Raises ``ValueError``
    when ``100/k`` is not on the grade list (k > 10).
    """
    share = 100 / k
    if not on_grade_list(share):
        raise ValueError(f"100/{k} is not one of Moodle's fractions")
    each = Decimal(100) / Decimal(k)
    each = each.quantize(Decimal("0.00001"), ROUND_HALF_EVEN)
    parts = [each] * (k - 1) + [Decimal(100) - each * (k - 1)]
    return [_percent_text(p) for p in parts]


# ---------------------------------------------------------------------- cloze

_CLOZE_ESCAPES = {"&": "&amp;", "\\": "&#92;", "}": "&#125;", "#": "&#35;", "~": "&#126;", "/": "&#47;",
                  '"': "&quot;"}


def cloze_escape(text: str) -> str:
    """Text (or HTML) made safe inside a cloze answer or feedback; see the module docstring.

    Moodle decodes entities first and then replaces ``\\}`` by ``}`` and ``\\#`` by ``#``, so a
    backslash that stands before ``}`` or ``#`` in the text (``\\{x\\}`` in a formula) is
    doubled first, and survives as one.
    """
    text = re.sub(r"\\(?=[}#])", r"\\\\", text)
    return "".join(_CLOZE_ESCAPES.get(c, c) for c in text)


def cloze_weights(shares: list[Fraction], points: float) -> list[int]:
    """Integer cloze weights proportional to ``shares``: adding up to ``points`` when that is exact.

    Moodle's cloze weights are integers and their sum becomes the question's
    default mark. When ``points × share`` is an integer for every field those are the
    weights; otherwise the smallest integers in the same proportions.
    """
    total = sum(shares)
    shares = [s / total for s in shares]
    p = Fraction(points).limit_denominator(1000)
    scaled = [s * p for s in shares]
    if all(x.denominator == 1 and x > 0 for x in scaled):
        return [int(x) for x in scaled]
    lcm = math.lcm(*(s.denominator for s in shares))
    ints = [int(s * lcm) for s in shares]
    g = math.gcd(*ints)
    return [i // g for i in ints]


def _insert_before_last_close(html: str, extra: str) -> str:
    """Put ``extra`` at the end of the last paragraph of ``html`` (or after it)."""
    if html.endswith("</p>"):
        return html[:-4] + extra + "</p>"
    return html + f"<p>{extra}</p>"


# ---------------------------------------------------------------------- the renderer


class MoodleRenderer:
    """Moodle XML ``<question>`` elements for pool variants.

    ``text`` converts LaTeX to HTML (mathjax mode); ``folders`` maps question
    id to the template's folder (images are read from there). After
    rendering, ``warnings`` holds what Moodle cannot express exactly (a
    negative mark not on the grade list, a key shown with fewer digits than
    Moodle's tolerance accepts), each once.
    """

    def __init__(self, text: TextConverter, folders: dict[str, Path] | None = None) -> None:
        self.text = text
        self.folders = folders or {}
        self.warnings: list[str] = []
        self._files: dict[str, ImageFile] = {}
        self._where = ""
        self._folder: Path | None = None

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # ------------------------------------------------------------------ whole file

    @staticmethod
    def category(path: list[str]) -> etree._Element:
        """The pseudo-question that switches category: ``$course$/top/<a>/<b>`` (``/`` in a name doubled)."""
        q = etree.Element("question", type="category")
        cat = etree.SubElement(q, "category")
        etree.SubElement(cat, "text").text = "$course$/top/" + "/".join(p.replace("/", "//") for p in path)
        info = etree.SubElement(q, "info", format="html")
        etree.SubElement(info, "text").text = ""
        return q

    @staticmethod
    def question_name(slot: Slot, pv: PoolVariant, total: int) -> str:
        """``Q3 Xavier (Glorot) initialisation, variant 7/30``."""
        return f"Q{slot.number} {slot.title}, variant {pv.k}/{total}"

    def question(self, slot: Slot, pv: PoolVariant, total: int) -> etree._Element:
        """The ``<question>`` of one pool variant. Raises :class:`ExportError` naming question and seed."""
        v = pv.item.variant
        self._where = f"{v.question_id} (seed {v.seed})"
        self._folder = self.folders.get(v.question_id)
        self._files = {}
        if hasattr(self.text, "where"):
            self.text.where = self._where
        if len(pv.idnumber) > MAX_IDNUMBER:
            raise ExportError(f"{self._where}: the variant id {pv.idnumber!r} is longer than Moodle's "
                              f"{MAX_IDNUMBER} characters; shorten the question id")
        qtype, after_stem, body = getattr(self, f"_moodle_{v.answer.kind}")(v.answer, pv)
        q = etree.Element("question", type=qtype)
        name = etree.SubElement(q, "name")
        etree.SubElement(name, "text").text = self.question_name(slot, pv, total)
        figure = figure_img(v.figure_tex, v.figure_alt, self._where, self.text, self._plugin_file)
        q.append(self._text_el("questiontext", self._h(v.stem_tex) + figure + after_stem))
        q.append(self._text_el("generalfeedback", self._h(v.solution_tex)))
        etree.SubElement(q, "defaultgrade").text = f"{pv.item.points:g}"
        etree.SubElement(q, "penalty").text = "0"
        etree.SubElement(q, "hidden").text = "0"
        etree.SubElement(q, "idnumber").text = pv.idnumber
        for el in body:
            q.append(el)
        return q

    # ------------------------------------------------------------------ text helpers

    def _h(self, tex: str, inline: bool = False) -> str:
        """HTML of a LaTeX text, with its images turned into ``@@PLUGINFILE@@/name`` (files remembered)."""
        html = self.text.inline(tex) if inline else self.text.html(tex)
        sources = image_sources(html)
        if not sources:
            return html
        new = {}
        for src in sources:
            image = load_image(src, self._folder, self._where)
            self._files[image.name] = image
            new[src] = "@@PLUGINFILE@@/" + image.name
        return replace_image_sources(html, new)

    def _plugin_file(self, image: ImageFile) -> str:
        """``@@PLUGINFILE@@/name`` for an image the question's text shows (its file remembered)."""
        self._files[image.name] = image
        return "@@PLUGINFILE@@/" + image.name

    def _text_el(self, tag: str, html: str, **attrs: str) -> etree._Element:
        """``<tag format="html"><text><![CDATA[html]]></text><file …/></tag>`` with the files ``html`` uses."""
        el = etree.Element(tag, format="html", **attrs)
        etree.SubElement(el, "text").text = etree.CDATA(html)
        for name in sorted(set(re.findall(r"@@PLUGINFILE@@/([^\"'<>\s&]+)", html))):
            f = etree.SubElement(el, "file", name=name, path="/", encoding="base64")
            f.text = self._files[name].base64
        return el

    def _answer(self, fraction: str, html: str, feedback_html: str = "", fmt: str = "html") -> etree._Element:
        a = self._text_el("answer", html, fraction=fraction) if fmt == "html" else etree.Element(
            "answer", fraction=fraction, format=fmt)
        if fmt != "html":
            etree.SubElement(a, "text").text = html
        a.append(self._text_el("feedback", feedback_html))
        return a

    def _rationale(self, o: Option) -> str:
        return self._h(o.rationale, inline=True) if o.rationale and not o.correct else ""

    # ------------------------------------------------------------------ per answer type

    def _moodle_numerical(self, a: Numerical, pv: PoolVariant) -> tuple[str, str, list]:
        self._check_key_inside(a)
        answer = self._answer("100", moodle_number(a.value), fmt="moodle_auto_format")
        etree.SubElement(answer, "tolerance").text = tolerance_number(a.abs_tolerance)
        after = f"<p>Unit: {self._h(a.unit, inline=True)}</p>" if a.unit else ""
        return "numerical", after, [answer, _el("unitgradingtype", "0"), _el("unitpenalty", "0"),
                                    _el("showunits", "3"), _el("unitsleft", "0")]

    def _check_key_inside(self, a: Numerical) -> None:
        shown = float(a.shown())
        if abs(shown - float(a.value)) > a.abs_tolerance:
            self.warn(f"{self._where}: the key shows {a.shown()}, but Moodle accepts only "
                      f"{moodle_number(a.value)} ± {tolerance_number(a.abs_tolerance)}; give the template a "
                      "tolerance or `places`")

    def _single_fractions(self, pv: PoolVariant) -> str:
        nm = pv.item.negative_marking
        if not nm:
            return "0"
        wanted = -100 * nm
        if not on_grade_list(wanted):
            got = nearest_grade(wanted)
            self.warn(f"Q{pv.item.number}: negative marking {nm:g} is {wanted:g} %, not one of Moodle's "
                      f"fractions; written as {got} %")
            return got
        return nearest_grade(wanted)

    def _choices_header(self, single: bool) -> list:
        return [_el("single", "true" if single else "false"), _el("shuffleanswers", "false"),
                _el("answernumbering", "abc"), _el("showstandardinstruction", "0")]

    def _moodle_single_choice(self, a: SingleChoice, pv: PoolVariant) -> tuple[str, str, list]:
        if len(a.options) < 2:
            raise ExportError(f"{self._where}: a single-choice question needs at least 2 options in Moodle")
        wrong = self._single_fractions(pv)
        answers = [self._answer("100" if o.correct else wrong, self._h(o.text_tex, inline=True), self._rationale(o))
                   for o in a.options]
        return "multichoice", "", self._choices_header(True) + answers

    def _moodle_multiple_choice(self, a: MultipleChoice, pv: PoolVariant) -> tuple[str, str, list]:
        right = [o for o in a.options if o.correct]
        wrong = [o for o in a.options if not o.correct]
        if not right or len(a.options) < 2:
            raise ExportError(f"{self._where}: a multiple-choice question needs a correct option and at least "
                              "2 options in Moodle")
        try:
            positive = iter(split_hundred(len(right)))
        except ValueError:
            raise ExportError(f"{self._where}: {len(right)} correct options; Moodle's fractions allow at most 10"
                              ) from None
        negative = nearest_grade(-100 / len(wrong)) if wrong else "0"
        answers = [self._answer(next(positive) if o.correct else negative, self._h(o.text_tex, inline=True),
                                self._rationale(o)) for o in a.options]
        return "multichoice", "", self._choices_header(False) + answers

    def _moodle_true_false(self, a: TrueFalse, pv: PoolVariant) -> tuple[str, str, list]:
        if pv.item.negative_marking:
            self.warn(f"Q{pv.item.number}: Moodle's true/false questions cannot take negative marks; a wrong "
                      "answer scores 0")
        return "truefalse", "", [self._answer("100" if a.value else "0", "true", fmt="moodle_auto_format"),
                                 self._answer("0" if a.value else "100", "false", fmt="moodle_auto_format")]

    def _moodle_short_text(self, a: ShortText, pv: PoolVariant) -> tuple[str, str, list]:
        answers = [self._answer("100", _shortanswer_text(s), fmt="moodle_auto_format") for s in a.accepted]
        return "shortanswer", "", [_el("usecase", "1" if a.case_sensitive else "0"), *answers]

    def _moodle_essay(self, a: Essay, pv: PoolVariant) -> tuple[str, str, list]:
        return "essay", "", [_el("responseformat", "editor"), _el("responserequired", "1"),
                             _el("responsefieldlines", str(max(ESSAY_LINES, a.lines))), _el("attachments", "0"),
                             _el("attachmentsrequired", "0"),
                             self._text_el("graderinfo", self._h(a.model_answer_tex)),
                             self._text_el("responsetemplate", "")]

    def _moodle_matrix(self, a: Matrix, pv: PoolVariant) -> tuple[str, str, list]:
        n = a.array.size
        weights = cloze_weights([Fraction(1, n)] * n, pv.item.points)
        return "multianswer", self._cloze_matrix(a, iter(weights)), []

    def _moodle_multi_part(self, a: MultiPart, pv: PoolVariant) -> tuple[str, str, list]:
        shares: list[Fraction] = []
        for part, w in zip(a.parts, a.weights):
            fields = _field_count(part.answer, self._where)
            shares += [Fraction(float(w)).limit_denominator(10_000) / fields] * fields
        weights = iter(cloze_weights(shares, pv.item.points))
        html = []
        for part in a.parts:
            blanks = getattr(self, f"_cloze_{part.answer.kind}")(part.answer, weights)
            prompt = self._h(part.prompt_tex) or "<p></p>"
            label = f"({part.label}) "
            prompt = prompt.replace("<p>", "<p>" + label, 1) if prompt.startswith("<p>") else f"<p>{label}</p>" + prompt
            if blanks.startswith("<table"):
                html.append(prompt + blanks)
            else:
                html.append(_insert_before_last_close(prompt, " " + blanks))
        return "multianswer", "".join(html), []

    # ------------------------------------------------------------------ cloze fields, one per answer type

    def _cloze_numerical(self, a: Numerical, weights) -> str:
        self._check_key_inside(a)
        unit = " " + self._h(a.unit, inline=True) if a.unit else ""
        return (f"{{{next(weights)}:NUMERICAL:={moodle_number(a.value)}:{tolerance_number(a.abs_tolerance)}}}"
                + unit)

    def _cloze_matrix(self, a: Matrix, weights) -> str:
        rows = []
        for row in a.array.reshape(a.shape[0] if a.array.ndim == 2 else 1, -1):
            cells = "".join(f"<td>{{{next(weights)}:NUMERICAL:={moodle_number(float(x))}:"
                            f"{tolerance_number(a.tolerance)}}}</td>" for x in row)
            rows.append(f"<tr>{cells}</tr>")
        return '<table class="variantex-matrix">' + "".join(rows) + "</table>"

    def _cloze_choice(self, options, kind: str, weights, fractions: list[str]) -> str:
        """A choice field. Numeric options are written as their plain number (``text_plain``) in a
        drop-down; options with formulas or markup as HTML with radio buttons (``_V``), where
        Moodle's MathJax filter typesets them (a drop-down shows text only)."""
        plain = all(o.text_plain for o in options)
        alts = []
        for o, f in zip(options, fractions):
            fb = self._rationale(o)
            text = cloze_escape(html_escape(o.text_plain) if plain else self._h(o.text_tex, inline=True))
            alts.append(("=" if f == "100" else f"%{f}%") + text + (f"#{cloze_escape(fb)}" if fb else ""))
        if not plain:
            kind = {"MULTICHOICE": "MULTICHOICE_V", "MULTIRESPONSE": "MULTIRESPONSE"}[kind]
        return f"{{{next(weights)}:{kind}:" + "~".join(alts) + "}"

    def _cloze_single_choice(self, a: SingleChoice, weights) -> str:
        return self._cloze_choice(a.options, "MULTICHOICE", weights,
                                  ["100" if o.correct else "0" for o in a.options])

    def _cloze_multiple_choice(self, a: MultipleChoice, weights) -> str:
        right = iter(split_hundred(sum(o.correct for o in a.options)))
        n_wrong = sum(not o.correct for o in a.options)
        neg = nearest_grade(-100 / n_wrong) if n_wrong else "0"
        return self._cloze_choice(a.options, "MULTIRESPONSE", weights,
                                  [next(right) if o.correct else neg for o in a.options])

    def _cloze_true_false(self, a: TrueFalse, weights) -> str:
        return f"{{{next(weights)}:MULTICHOICE:" + ("=True~False" if a.value else "True~=False") + "}"

    def _cloze_short_text(self, a: ShortText, weights) -> str:
        kind = "SHORTANSWER_C" if a.case_sensitive else "SHORTANSWER"
        return f"{{{next(weights)}:{kind}:" + "~".join("=" + cloze_escape(_shortanswer_text(s))
                                                        for s in a.accepted) + "}"

    def _cloze_essay(self, a: Essay, weights) -> str:
        raise ExportError(f"{self._where}: an essay part cannot be a field of a Moodle cloze question; "
                          "make the essay a question of its own")

    def _cloze_multi_part(self, a: MultiPart, weights) -> str:
        raise ExportError(f"{self._where}: a multi-part answer inside a multi-part answer")


def _field_count(answer: Answer, where: str) -> int:
    """How many cloze fields an answer takes (a matrix: one per entry)."""
    if isinstance(answer, Matrix):
        return int(answer.array.size)
    return 1


def _shortanswer_text(s: str) -> str:
    """A short answer with Moodle's ``*`` wildcard escaped (``\\*`` is a literal star)."""
    return s.replace("*", "\\*")


def _el(tag: str, text: str, **attrs: Any) -> etree._Element:
    el = etree.Element(tag, **attrs)
    el.text = text
    return el
