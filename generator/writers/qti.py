"""Canvas-flavoured QTI 1.2 package: the question pool as one assessment with a question group per slot.

The zip holds ``imsmanifest.xml`` (IMS Content Packaging 1.1: one resource of
type ``imsqti_xmlv1p2``) and ``<id>/<id>.xml``, a ``questestinterop`` with
one ``assessment`` whose root section holds, per slot ``n``, a section
"Q<n> <title>" that picks 1 of the slot's N items at ``points_per_item``
marks (a Canvas question group), and ``figures/<name>.png`` for each figure the
items show (``webcontent`` resources). Item rules are in :mod:`render_qti`.
The bytes depend only on the pool: entries in a fixed order, with a fixed
date (1980-01-01) and permissions.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from ..build import BuildResult
from ..html import HtmlConverter, TextCollector
from ..pool import Pool, pool_of
from ..render_qti import QtiRenderer, _points, _sub, ident

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"


class QtiPackageWriter:
    """Render a :class:`pool.Pool` as a Canvas QTI 1.2 zip (bytes, deterministic).

    After ``render``, ``warnings`` lists what Canvas cannot express. Raises
    :class:`render_moodle.ExportError` and :class:`html.ConversionError`
    naming the question and seed.
    """

    filename = "canvas-qti.zip"

    def __init__(self, converter: HtmlConverter | None = None) -> None:
        self.converter = converter
        self.warnings: list[str] = []

    def render(self, pool: Pool) -> bytes:
        converter = self.converter or HtmlConverter("mathjax")
        collector = TextCollector()
        self._assessment(pool, QtiRenderer(collector))
        collector.convert_with(converter)
        renderer = QtiRenderer(converter)
        assessment_id = ident("assessment", pool.result.spec.sha256, pool.size)
        tree = self._assessment(pool, renderer, assessment_id)
        self.warnings = renderer.warnings
        files = {
            "imsmanifest.xml": self._manifest(pool, assessment_id, sorted(renderer.files)),
            f"{assessment_id}/{assessment_id}.xml": etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                                                                   pretty_print=True),
            **{path: renderer.files[path] for path in sorted(renderer.files)},
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)
        return buffer.getvalue()

    @staticmethod
    def _assessment(pool: Pool, renderer: QtiRenderer, assessment_id: str = "a") -> etree._Element:
        root = etree.Element("questestinterop")
        assessment = _sub(root, "assessment", ident=assessment_id, title=pool.exam_title)
        meta = _sub(assessment, "qtimetadata")
        f = _sub(meta, "qtimetadatafield")
        _sub(f, "fieldlabel", "cc_maxattempts")
        _sub(f, "fieldentry", "1")
        top = _sub(assessment, "section", ident="root_section")
        for slot in pool.slots:
            group = _sub(top, "section", ident=ident("group", assessment_id, slot.number),
                         title=f"Q{slot.number} {slot.title}")
            selection = _sub(_sub(group, "selection_ordering"), "selection")
            _sub(selection, "selection_number", "1")
            points = slot.variants[0].item.points
            _sub(_sub(selection, "selection_extension"), "points_per_item", _points(points))
            for pv in slot.variants:
                group.append(renderer.item(slot, pv, pool.size))
        return root

    @staticmethod
    def _manifest(pool: Pool, assessment_id: str, extra: Sequence[str] = ()) -> bytes:
        """``imsmanifest.xml``: the assessment, and each of the ``extra`` files (figures) as ``webcontent``."""
        m = etree.Element(f"{{{IMSCP}}}manifest", nsmap={None: IMSCP}, identifier=ident("manifest", assessment_id))
        md = etree.SubElement(m, f"{{{IMSCP}}}metadata")
        etree.SubElement(md, f"{{{IMSCP}}}schema").text = "IMS Content"
        etree.SubElement(md, f"{{{IMSCP}}}schemaversion").text = "1.1.3"
        etree.SubElement(m, f"{{{IMSCP}}}organizations")
        resources = etree.SubElement(m, f"{{{IMSCP}}}resources")
        href = f"{assessment_id}/{assessment_id}.xml"
        r = etree.SubElement(resources, f"{{{IMSCP}}}resource", identifier=assessment_id, type="imsqti_xmlv1p2",
                             href=href)
        etree.SubElement(r, f"{{{IMSCP}}}file", href=href)
        for path in extra:
            f = etree.SubElement(resources, f"{{{IMSCP}}}resource", identifier=ident("file", path), type="webcontent",
                                 href=path)
            etree.SubElement(f, f"{{{IMSCP}}}file", href=path)
        return etree.tostring(m, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        """Writer protocol: ``out/canvas-qti.zip`` with every paper of ``result`` taken as one variant."""
        path = out / self.filename
        path.write_bytes(self.render(pool_of(result)))
        return [path]
