"""HTML pages: ``html/<student_id>.html`` (questions and keys) and ``html/index.html``; and one preview page."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..build import BuildResult, Paper
from ..html import HtmlConverter, TextCollector
from ..render_html import HtmlRenderer, page
from ..variant import Variant


def _paper_sections(renderer: HtmlRenderer, paper: Paper) -> list[str]:
    return [renderer.variant(i.variant, f"Q{i.number} ({i.points:g} marks)") for i in paper.items]


class HtmlPagesWriter:
    """Writer protocol: one self-contained page per paper with its key, and an index."""

    def __init__(self, converter: HtmlConverter | None = None) -> None:
        self.converter = converter

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        folders = {qid: f.parent for qid, f in result.bank.files.items()}
        collector = TextCollector()
        for paper in result.papers:
            _paper_sections(HtmlRenderer(collector, folders), paper)
        converter = self.converter or HtmlConverter("mathml")
        collector.convert_with(converter)
        renderer = HtmlRenderer(converter, folders)
        folder = out / "html"
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        title = result.spec.spec.header.exam_title
        links = []
        for paper in result.papers:
            sid = paper.student.student_id
            path = folder / f"{sid}.html"
            path.write_text(page(f"{title}: {sid} {paper.student.name}".strip(), _paper_sections(renderer, paper)),
                            encoding="utf-8")
            written.append(path)
            links.append(f'<li><a href="{escape(sid)}.html">{escape(sid)}</a> {escape(paper.student.name)}</li>')
        index = folder / "index.html"
        index.write_text(page(title, ["<ul>" + "".join(links) + "</ul>"]), encoding="utf-8")
        return written + [index]


def preview_page(title: str, variants: list[Variant], folders: dict[str, Path]) -> str:
    """One page showing ``variants`` with keys and solutions (``variantex preview --html``)."""
    collector = TextCollector()
    for v in variants:
        HtmlRenderer(collector, folders).variant(v, "")
    converter = HtmlConverter("mathml")
    collector.convert_with(converter)
    renderer = HtmlRenderer(converter, folders)
    return page(title, [renderer.variant(v, f"Seed {v.seed}") for v in variants])
