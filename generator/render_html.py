"""Self-contained HTML for variants: question, answer key and solution; one method per answer type.

Maths is MathML made by pandoc (:class:`html.HtmlConverter` in ``mathml``
mode), which browsers draw without scripts or network; images are inlined
as ``data:`` URIs, and so are the PNGs of per-variant figures (:mod:`figures`),
under the stem. The key of an answer of kind ``K`` is ``_key_K``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .answers import (
    LETTERS,
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from .figures import figure_img
from .html import data_uri, image_sources, load_image, replace_image_sources
from .render_moodle import TextConverter
from .variant import Variant

STYLE = ("body{font-family:serif;max-width:48em;margin:2em auto;line-height:1.45}"
         "section{border-top:1px solid #999;margin-top:1.5em}.key{background:#eef6ee;padding:.5em}"
         ".right{font-weight:bold}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .5em}")


class HtmlRenderer:
    """HTML fragments for variants; ``folders`` maps question id to its template folder (images)."""

    def __init__(self, text: TextConverter, folders: dict[str, Path] | None = None) -> None:
        self.text = text
        self.folders = folders or {}
        self._folder: Path | None = None
        self._where = ""

    def _h(self, tex: str, inline: bool = False) -> str:
        html = self.text.inline(tex) if inline else self.text.html(tex)
        srcs = image_sources(html)
        if srcs:
            html = replace_image_sources(html, {s: data_uri(load_image(s, self._folder, self._where)) for s in srcs})
        return html

    def variant(self, v: Variant, heading: str) -> str:
        """One ``<section>``: heading, stem, options, key and solution."""
        self._folder = self.folders.get(v.question_id)
        self._where = f"{v.question_id} (seed {v.seed})"
        if hasattr(self.text, "where"):
            self.text.where = self._where
        key = getattr(self, f"_key_{v.answer.kind}")(v.answer)
        figure = figure_img(v.figure_tex, v.figure_alt, self._where, self.text, data_uri)
        return (f"<section><h2>{escape(heading)}</h2>{self._h(v.stem_tex)}{figure}"
                f"<div class=\"key\"><p><strong>Answer:</strong> {escape(v.answer.key_text())}</p>{key}</div>"
                f"<h3>Solution</h3>{self._h(v.solution_tex)}</section>")

    def _options(self, options) -> str:
        items = []
        for i, o in enumerate(options):
            note = f" <em>({self._h(o.rationale, inline=True)})</em>" if o.rationale and not o.correct else ""
            cls = ' class="right"' if o.correct else ""
            items.append(f"<li{cls}>({LETTERS[i]}) {self._h(o.text_tex, inline=True)}{note}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _key_single_choice(self, a: SingleChoice) -> str:
        return self._options(a.options)

    def _key_multiple_choice(self, a: MultipleChoice) -> str:
        return "<p><em>Select all that apply.</em></p>" + self._options(a.options)

    def _key_numerical(self, a: Numerical) -> str:
        return f"<p>Accepted within ± {a.abs_tolerance:g}.</p>" if a.abs_tolerance else ""

    def _key_true_false(self, a: TrueFalse) -> str:
        return ""

    def _key_short_text(self, a: ShortText) -> str:
        return ""

    def _key_essay(self, a: Essay) -> str:
        return "<p><strong>Model answer.</strong></p>" + self._h(a.model_answer_tex)

    def _key_matrix(self, a: Matrix) -> str:
        rows = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in r) + "</tr>" for r in a.shown_entries())
        return f"<table>{rows}</table>"

    def _key_multi_part(self, a: MultiPart) -> str:
        return "".join(f"<p>({escape(p.label)}) {self._h(p.prompt_tex, inline=True)}</p>"
                       f"<p><strong>Answer:</strong> {escape(p.answer.key_text())}</p>"
                       + getattr(self, f"_key_{p.answer.kind}")(p.answer) for p in a.parts)


def page(title: str, sections: list[str]) -> str:
    """A complete, self-contained HTML5 page."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>\n" + "\n".join(sections)
            + "\n</body></html>\n")
