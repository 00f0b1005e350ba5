"""Moodle XML: the question pool of an exam, one category per question slot.

The file holds, per slot ``n`` of the spec, a category pseudo-question
``$course$/top/<exam title>/Q<n> <question title>`` followed by the slot's N
variants (see :mod:`pool`). A Moodle quiz with one "random question from
category" per slot then gives every student a different variant. Format
rules are in :mod:`render_moodle`.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..build import BuildResult
from ..html import HtmlConverter, TextCollector
from ..pool import Pool, pool_of
from ..render_moodle import ExportError, MoodleRenderer


class MoodleXmlWriter:
    """Render a :class:`pool.Pool` as Moodle XML bytes (UTF-8, deterministic).

    ``converter`` turns LaTeX into HTML (mathjax mode); one is made when not
    given. After ``render``, ``warnings`` lists what Moodle cannot express
    exactly. Raises :class:`render_moodle.ExportError` (a variant the format
    cannot hold, naming question and seed) and :class:`html.ConversionError`.
    """

    filename = "moodle.xml"

    def __init__(self, converter: HtmlConverter | None = None) -> None:
        self.converter = converter
        self.warnings: list[str] = []

    def render(self, pool: Pool) -> bytes:
        converter = self.converter or HtmlConverter("mathjax")
        folders = {qid: f.parent for qid, f in pool.result.bank.files.items()}
        collector = TextCollector()
        self._tree(pool, MoodleRenderer(collector, folders))
        collector.convert_with(converter)
        renderer = MoodleRenderer(converter, folders)
        root = self._tree(pool, renderer)
        self.warnings = renderer.warnings
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    @staticmethod
    def _tree(pool: Pool, renderer: MoodleRenderer) -> etree._Element:
        root = etree.Element("quiz")
        root.append(etree.Comment(f" variantex: {pool.size} variants of each of {len(pool.slots)} questions "
                                  f"of {pool.exam_title} "))
        for slot in pool.slots:
            root.append(renderer.category([pool.exam_title, f"Q{slot.number} {slot.title}"]))
            for pv in slot.variants:
                root.append(renderer.question(slot, pv, pool.size))
        return root

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        """Writer protocol: ``out/moodle.xml`` with every paper of ``result`` taken as one variant."""
        path = out / self.filename
        path.write_bytes(self.render(pool_of(result)))
        return [path]


__all__ = ["ExportError", "MoodleXmlWriter"]
