"""Canvas-flavoured QTI 1.2 items for pool variants: one method per answer type, as in ``render_tex``.

:class:`QtiRenderer` turns a :class:`pool.PoolVariant` into one ``<item>``
element (lxml). The method for an answer of kind ``K`` is ``_qti_K``; it
returns Canvas's question type, the item's response elements, its response
conditions and the ids of its answers.

Format rules and where they come from:

- IMS QTI 1.2.1 ASI (``ims_qtiasiv1p2p1.dtd``): ``questestinterop`` >
  ``assessment`` > ``section`` > ``item``; an item's ``presentation`` holds
  ``material``/``mattext`` and one ``response_lid`` (choices),
  ``response_str`` or ``response_num`` (typed answers) per response;
  ``resprocessing`` sets ``SCORE`` in ``respcondition``s over
  ``conditionvar`` (``varequal``, ``vargte``, ``varlte``, ``and``, ``or``,
  ``not``, ``other``); ``itemfeedback`` holds feedback shown after answering.
- Canvas's QTI import (Canvas docs, "How do I import quizzes from QTI
  packages?", and the packages Canvas itself exports): ``itemmetadata`` fields
  ``question_type`` (``multiple_choice_question``, ``multiple_answers_question``,
  ``true_false_question``, ``numerical_question``, ``short_answer_question``,
  ``essay_question``, ``fill_in_multiple_blanks_question``),
  ``points_possible``, ``original_answer_ids`` and
  ``assessment_question_identifierref``; HTML in ``mattext
  texttype="text/html"``; a numerical answer "exact with margin" is
  ``or(varequal v, and(vargte v-m, varlte v+m))``; blanks of
  ``fill_in_multiple_blanks`` are ``[name]`` in the text, one
  ``response_lid`` per blank whose ``mattext`` is the name; a question group
  is a ``section`` with ``selection_number`` and Canvas's
  ``selection_extension/points_per_item``.
- QTIMigrationTool (which Canvas runs on every QTI 1.2 package) types a
  ``vargte``/``varlte`` by its response: over a ``response_str`` it warns
  "not supported on String" and Canvas may not grade the range; numerical
  answers are therefore a ``response_num numtype="Decimal"`` with
  ``render_fib fibtype="Decimal"``.

What Canvas cannot express is said in ``warnings``: a fill-in-the-blank
compares text, so a numeric part's tolerance is lost (the key's text and the
exact value are accepted); Canvas's question types have no negative marks;
an essay's model answer goes to the general feedback (Canvas has no
grader-only text).
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from .answers import (
    Answer,
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    ShortText,
    SingleChoice,
    TrueFalse,
    format_number,
)
from .figures import figure_img
from .html import ImageFile
from .pool import PoolVariant, Slot
from .render_moodle import ExportError, TextConverter, moodle_number, tolerance_number

RESPONSE = "response1"
#: Folder of the package holding figures' PNGs, and how item HTML refers to the package's files
#: (Canvas's own QTI exports write ``$IMS-CC-FILEBASE$/<path>``; the files are ``webcontent`` resources).
FIGURES = "figures"
FILE_BASE = "$IMS-CC-FILEBASE$"


def ident(*parts: object) -> str:
    """A stable QTI ident: ``g`` and 24 hex digits of SHA-256 over ``parts`` (content-hash ids, as text2qti)."""
    return "g" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: Any) -> etree._Element:
    el = etree.SubElement(parent, tag, **{k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _material(parent: etree._Element, html: str) -> etree._Element:
    m = _sub(parent, "material")
    _sub(m, "mattext", html, texttype="text/html")
    return m


def _points(x: float) -> str:
    return f"{float(x):.1f}" if float(x).is_integer() else f"{float(x):g}"


class QtiRenderer:
    """QTI 1.2 ``<item>`` elements, Canvas flavour, for pool variants; see the module docstring.

    ``text`` converts LaTeX to HTML (mathjax mode). After rendering,
    ``warnings`` lists what Canvas cannot express, each message once.
    """

    def __init__(self, text: TextConverter) -> None:
        self.text = text
        self.warnings: list[str] = []
        #: Files the items show (figures), by their path in the package: the writer adds them.
        self.files: dict[str, bytes] = {}
        self._where = ""

    def _package_file(self, image: ImageFile) -> str:
        """The ``src`` of an image stored in the package at ``figures/<name>`` (Canvas's file base)."""
        path = f"{FIGURES}/{image.name}"
        self.files[path] = image.data
        return f"{FILE_BASE}/{path}"

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def item(self, slot: Slot, pv: PoolVariant, total: int) -> etree._Element:
        """The ``<item>`` of one pool variant. Raises :class:`render_moodle.ExportError` naming question and seed."""
        v = pv.item.variant
        self._where = f"{v.question_id} (seed {v.seed})"
        if hasattr(self.text, "where"):
            self.text.where = self._where
        item_id = ident("item", pv.idnumber)
        item = etree.Element("item", ident=item_id, title=f"Q{slot.number} {slot.title}, variant {pv.k}/{total}")
        meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
        presentation = etree.Element("presentation")
        qtype, stem_extra, responses, conditions, answer_ids = getattr(self, f"_qti_{v.answer.kind}")(
            v.answer, pv, item_id)
        if pv.item.negative_marking and qtype in ("multiple_choice_question", "true_false_question",
                                                   "multiple_answers_question"):
            self.warn(f"Q{pv.item.number}: Canvas quizzes have no negative marks; a wrong answer scores 0")
        for label, value in (("question_type", qtype), ("points_possible", _points(pv.item.points)),
                             ("original_answer_ids", ",".join(answer_ids)),
                             ("assessment_question_identifierref", ident("aq", pv.idnumber))):
            f = _sub(meta, "qtimetadatafield")
            _sub(f, "fieldlabel", label)
            _sub(f, "fieldentry", value)
        figure = figure_img(v.figure_tex, v.figure_alt, self._where, self.text, self._package_file)
        _material(presentation, self.text.html(v.stem_tex) + figure + stem_extra)
        for r in responses:
            presentation.append(r)
        item.append(presentation)
        proc = _sub(item, "resprocessing")
        _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        for c in conditions:
            proc.append(c)
        solution = self.text.html(v.solution_tex)
        if isinstance(v.answer, Essay):
            solution += "<p><strong>Model answer.</strong></p>" + self.text.html(v.answer.model_answer_tex)
        fb = _sub(item, "itemfeedback", ident="general_fb")
        _material(_sub(fb, "flow_mat"), solution)
        return item

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _score(condition: etree._Element, score: str = "100", feedback: str | None = None,
               cont: str = "No") -> etree._Element:
        rc = etree.Element("respcondition", {"continue": cont})
        rc.append(condition)
        _sub(rc, "setvar", score, action="Set", varname="SCORE")
        return rc

    def _choices(self, options, item_id: str, cardinality: str) -> tuple[etree._Element, list[str]]:
        lid = etree.Element("response_lid", ident=RESPONSE, rcardinality=cardinality)
        rc = _sub(lid, "render_choice")
        ids = [ident(item_id, "option", i) for i in range(len(options))]
        for oid, o in zip(ids, options):
            _material(_sub(rc, "response_label", ident=oid), self.text.inline(o.text_tex))
        return lid, ids

    # ------------------------------------------------------------------ per answer type

    def _qti_single_choice(self, a: SingleChoice, pv: PoolVariant, item_id: str):
        lid, ids = self._choices(a.options, item_id, "Single")
        cond = etree.Element("conditionvar")
        _sub(cond, "varequal", ids[a.correct_index], respident=RESPONSE)
        return "multiple_choice_question", "", [lid], [self._score(cond)], ids

    def _qti_multiple_choice(self, a: MultipleChoice, pv: PoolVariant, item_id: str):
        lid, ids = self._choices(a.options, item_id, "Multiple")
        cond = etree.Element("conditionvar")
        both = _sub(cond, "and")
        for oid, o in zip(ids, a.options):
            if o.correct:
                _sub(both, "varequal", oid, respident=RESPONSE)
            else:
                _sub(_sub(both, "not"), "varequal", oid, respident=RESPONSE)
        return "multiple_answers_question", "", [lid], [self._score(cond)], ids

    def _qti_true_false(self, a: TrueFalse, pv: PoolVariant, item_id: str):
        lid = etree.Element("response_lid", ident=RESPONSE, rcardinality="Single")
        rc = _sub(lid, "render_choice")
        ids = [ident(item_id, "true"), ident(item_id, "false")]
        for oid, label in zip(ids, ("True", "False")):
            _material(_sub(rc, "response_label", ident=oid), label)
        cond = etree.Element("conditionvar")
        _sub(cond, "varequal", ids[0] if a.value else ids[1], respident=RESPONSE)
        return "true_false_question", "", [lid], [self._score(cond)], ids

    def _qti_numerical(self, a: Numerical, pv: PoolVariant, item_id: str):
        num = etree.Element("response_num", ident=RESPONSE, rcardinality="Single", numtype="Decimal")
        _sub(_sub(num, "render_fib", fibtype="Decimal"), "response_label", ident=ident(item_id, "answer"))
        cond = etree.Element("conditionvar")
        either = _sub(cond, "or")
        value = float(a.value)
        _sub(either, "varequal", moodle_number(a.value), respident=RESPONSE)
        margin = float(tolerance_number(a.abs_tolerance))
        between = _sub(either, "and")
        _sub(between, "vargte", moodle_number(value - margin), respident=RESPONSE)
        _sub(between, "varlte", moodle_number(value + margin), respident=RESPONSE)
        unit = f"<p>Unit: {self.text.inline(a.unit)}</p>" if a.unit else ""
        return "numerical_question", unit, [num], [self._score(cond)], [ident(item_id, "answer")]

    def _qti_short_text(self, a: ShortText, pv: PoolVariant, item_id: str):
        resp = etree.Element("response_str", ident=RESPONSE, rcardinality="Single")
        _sub(_sub(resp, "render_fib"), "response_label", ident=ident(item_id, "answer"))
        if a.case_sensitive:
            self.warn(f"{self._where}: Canvas compares short answers ignoring case")
        conditions = []
        for s in a.accepted:
            cond = etree.Element("conditionvar")
            _sub(cond, "varequal", s, respident=RESPONSE)
            conditions.append(self._score(cond))
        ids = [ident(item_id, "accepted", i) for i in range(len(a.accepted))]
        return "short_answer_question", "", [resp], conditions, ids

    def _qti_essay(self, a: Essay, pv: PoolVariant, item_id: str):
        resp = etree.Element("response_str", ident=RESPONSE, rcardinality="Single")
        _sub(_sub(resp, "render_fib"), "response_label", ident=ident(item_id, "answer"), rshuffle="No")
        cond = etree.Element("conditionvar")
        _sub(cond, "other")
        rc = etree.Element("respcondition", {"continue": "No"})
        rc.append(cond)
        self.warn(f"Q{pv.item.number}: Canvas has no grader-only text; the essay's model answer is in the "
                  "general feedback, shown to students when the quiz shows feedback")
        return "essay_question", "", [resp], [rc], []

    # --- fill in multiple blanks: matrix, vector, multi-part

    def _qti_matrix(self, a: Matrix, pv: PoolVariant, item_id: str):
        blanks: list[tuple[str, list[str]]] = []
        html = self._blank_table(a, blanks, "m", pv)
        return self._blanks(html, blanks, item_id)

    def _qti_multi_part(self, a: MultiPart, pv: PoolVariant, item_id: str):
        blanks: list[tuple[str, list[str]]] = []
        html = []
        for part in a.parts:
            prompt = self.text.inline(part.prompt_tex)
            field = getattr(self, f"_blank_{part.answer.kind}")(part.answer, blanks, part.label, pv)
            if field.startswith("<table"):
                html.append(f"<p>({part.label}) {prompt}</p>{field}")
            else:
                html.append(f"<p>({part.label}) {prompt} {field}</p>")
        return self._blanks("".join(html), blanks, item_id)

    def _blanks(self, html: str, blanks: list[tuple[str, list[str]]], item_id: str):
        responses, conditions, ids = [], [], []
        share = 100 / len(blanks)
        for name, accepted in blanks:
            lid = etree.Element("response_lid", ident=f"response_{name}")
            _material(lid, name).find("mattext").set("texttype", "text/plain")
            rc = _sub(lid, "render_choice")
            for i, text in enumerate(accepted):
                aid = ident(item_id, name, i)
                ids.append(aid)
                _material(_sub(rc, "response_label", ident=aid), text).find("mattext").set("texttype",
                                                                                            "text/plain")
                cond = etree.Element("conditionvar")
                _sub(cond, "varequal", aid, respident=f"response_{name}")
                conditions.append(self._score(cond, f"{share:.2f}", cont="No"))
                conditions[-1].find("setvar").set("action", "Add")
            responses.append(lid)
        return "fill_in_multiple_blanks_question", html, responses, conditions, ids

    def _number_forms(self, a: Numerical | float, tolerance: float, places: int | None, pv: PoolVariant) -> list[str]:
        value = float(a.value) if isinstance(a, Numerical) else float(a)
        shown = a.shown() if isinstance(a, Numerical) else format_number(value, places)
        forms = list(dict.fromkeys([shown, moodle_number(value)]))
        if tolerance > 0:
            self.warn(f"Q{pv.item.number}: Canvas fill-in-the-blank compares text, so a part's tolerance "
                      f"(±{tolerance:g}) cannot be given; the key's text and the exact value are accepted")
        return forms

    def _blank_numerical(self, a: Numerical, blanks, label: str, pv: PoolVariant) -> str:
        name = f"part_{label}"
        blanks.append((name, self._number_forms(a, a.abs_tolerance, None, pv)))
        return f"[{name}]"

    def _blank_table(self, a: Matrix, blanks, label: str, pv: PoolVariant) -> str:
        rows = []
        grid = a.array.reshape(a.shape[0] if a.array.ndim == 2 else 1, -1)
        for r, row in enumerate(grid, start=1):
            cells = []
            for c, x in enumerate(row, start=1):
                name = f"{label}_r{r}c{c}"
                blanks.append((name, self._number_forms(float(x), a.tolerance, a.places, pv)))
                cells.append(f"<td>[{name}]</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<table>" + "".join(rows) + "</table>"

    _blank_matrix = _blank_table

    def _blank_short_text(self, a: ShortText, blanks, label: str, pv: PoolVariant) -> str:
        name = f"part_{label}"
        blanks.append((name, list(a.accepted)))
        return f"[{name}]"

    def _blank_true_false(self, a: TrueFalse, blanks, label: str, pv: PoolVariant) -> str:
        name = f"part_{label}"
        blanks.append((name, ["true" if a.value else "false"]))
        return f"[{name}] (true or false)"

    def _blank_single_choice(self, a: SingleChoice, blanks, label: str, pv: PoolVariant) -> str:
        from .answers import LETTERS

        name = f"part_{label}"
        listed = " ".join(f"({LETTERS[i]}) {self.text.inline(o.text_tex)}" for i, o in enumerate(a.options))
        blanks.append((name, [a.letter]))
        self.warn(f"Q{pv.item.number}: a choice part is a blank for the option's letter in Canvas")
        return f"{listed}; letter: [{name}]"

    def _blank_multiple_choice(self, a: MultipleChoice, blanks, label: str, pv: PoolVariant) -> str:
        raise ExportError(f"{self._where}: a select-all part cannot be a Canvas blank; make it a question of its own")

    def _blank_essay(self, a: Essay, blanks, label: str, pv: PoolVariant) -> str:
        raise ExportError(f"{self._where}: an essay part cannot be a Canvas blank; make it a question of its own")

    def _blank_multi_part(self, a: Answer, blanks, label: str, pv: PoolVariant) -> str:
        raise ExportError(f"{self._where}: a multi-part answer inside a multi-part answer")
