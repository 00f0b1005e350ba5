"""Per-variant figures: TikZ drawn from the params, typeset in papers and keys, PNG in HTML, Moodle and QTI."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from generator import figures
from generator.answers import Numerical
from generator.build import sample_paper
from generator.errors import LatexError, TemplateError
from generator.html import HtmlConverter
from generator.latex import typeset, typeset_batch, unit_pages
from generator.pool import pool
from generator.question import Question
from generator.render_html import HtmlRenderer
from generator.spec import load_spec
from generator.variant import make_variant
from generator.writers.moodle import MoodleXmlWriter
from generator.writers.qti import QtiPackageWriter

QID = "dl/backprop/relu-neuron-graph"
SPEC = Path("examples/dl-midsem.yaml")
TEMPLATE = Path("templates/exam.tex.j2")


def _flat(text: str) -> str:
    """Text with spaces removed and the typographic minus read as '-'."""
    return re.sub(r"\s+", "", text).replace("\u2212", "-")


@pytest.fixture(scope="module")
def figure_pool(bank, tmp_path_factory):
    """A pool of four variants of the figure template (as Moodle and QTI exports take them)."""
    spec = tmp_path_factory.mktemp("spec") / "figure.yaml"
    spec.write_text(f"seed: 11\nheader: {{exam_title: Figures}}\nsections:\n"
                    f"  - title: Graphs\n    questions:\n      - id: {QID}\n")
    return pool(load_spec(spec), bank, 4)


def test_the_figure_is_rendered_apart_from_the_stem(solve):
    v = solve(QID, 3)
    p = v.params
    assert rf"x_1 = {p['x1']}" in v.figure_tex and rf"w_2 = {p['w2']}" in v.figure_tex
    assert f"x1 = {p['x1']}" in v.figure_alt and f"y = {p['y']}" in v.figure_alt
    assert r"\node" not in v.stem_tex and "tikz" not in v.stem_tex
    # The stem still converts to HTML on its own (pandoc never sees TikZ).
    html = HtmlConverter("mathml", disk_cache=False).convert([v.stem_tex])[v.stem_tex]
    assert "ReLU" in html and "node" not in html


@pytest.mark.parametrize("key", [False, True])
def test_the_figure_appears_in_the_paper_and_key_with_the_variants_values(solve, tmp_path, key):
    variants = [solve(QID, seed) for seed in (3, 8)]
    pdf = tmp_path / "paper.pdf"
    typeset([sample_paper("Figures", variants)], load_spec(SPEC).spec.header, key, pdf)
    text = _flat("".join(page.extract_text() for page in PdfReader(pdf).pages))
    for v in variants:
        p = v.params
        labels = [f"x1={p['x1']}", f"x2={p['x2']}", f"w1={p['w1']}", f"w2={p['w2']}", f"b={p['b']}",
                  f"y={p['y']}", "ReLU"]
        assert all(label in text for label in labels), (labels, text)


def test_the_png_is_sized_to_the_picture_and_the_same_bytes_every_time(solve):
    v = solve(QID, 3)
    first = figures.render_pngs({v.figure_tex: f"{QID} seed=3"})[v.figure_tex]
    again = figures.render_pngs({v.figure_tex: f"{QID} seed=3"})[v.figure_tex]
    assert first == again and first.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(first))
    assert image.size == figures.png_size(first)
    # About 11 cm by 4.5 cm of drawing at 150 dpi (a page-sized image would be 1240 x 1754).
    assert 500 < image.width < 800 and 200 < image.height < 350
    # Something is drawn, and the margins are white: the page is the picture.
    gray = image.convert("L")
    assert gray.getextrema()[0] < 100
    edge = [gray.getpixel((x, 0)) for x in range(image.width)] + [gray.getpixel((0, y)) for y in range(image.height)]
    assert min(edge) == 255


def test_each_distinct_figure_is_typeset_once_for_a_batch(solve, monkeypatch):
    variants = [solve(QID, seed) for seed in range(20, 26)]
    runs = []
    real = figures.render_pngs

    def counting(batch, dpi=figures.DPI):
        runs.append(len(batch))
        return real(batch, dpi)

    monkeypatch.setattr(figures, "render_pngs", counting)
    wanted = [(v.figure_tex, f"{QID} seed={v.seed}") for v in variants] * 2
    found = figures.images(wanted)
    assert runs == [len({v.figure_tex for v in variants})]
    assert {f.name for f in found.values()} == {figures.figure_name(v.figure_tex) for v in variants}
    figures.images(wanted)
    assert len(runs) == 1


def test_moodle_xml_embeds_the_png_under_the_stem(figure_pool):
    data = MoodleXmlWriter(HtmlConverter("mathjax", disk_cache=False)).render(figure_pool)
    root = etree.fromstring(data, etree.XMLParser(strip_cdata=False))
    questions = [q for q in root.iter("question") if q.get("type") != "category"]
    assert len(questions) == 4
    for q, pv in zip(questions, figure_pool.slots[0].variants):
        v = pv.item.variant
        text = q.find("questiontext")
        html = text.findtext("text")
        name = figures.figure_name(v.figure_tex)
        assert f'src="@@PLUGINFILE@@/{name}"' in html and f'alt="{v.figure_alt}"' in html
        assert html.index("ReLU activation") < html.index("@@PLUGINFILE@@")  # the stem, then its figure
        files = text.findall("file")
        assert [(f.get("name"), f.get("path"), f.get("encoding")) for f in files] == [(name, "/", "base64")]
        png = base64.b64decode(files[0].text)
        assert png == figures.image(v.figure_tex, "test").data
        assert Image.open(io.BytesIO(png)).format == "PNG"


def test_qti_package_holds_the_pngs_and_its_items_show_them(figure_pool):
    data = QtiPackageWriter(HtmlConverter("mathjax", disk_cache=False)).render(figure_pool)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    variants = [pv.item.variant for pv in figure_pool.slots[0].variants]
    names = {f"figures/{figures.figure_name(v.figure_tex)}" for v in variants}
    assert names <= set(files) and all(files[n].startswith(b"\x89PNG") for n in names)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    hrefs = {r.get("href") for r in manifest.iter("{*}resource") if r.get("type") == "webcontent"}
    assert hrefs == names
    xml = next(v for k, v in files.items() if k.endswith(".xml") and k != "imsmanifest.xml")
    texts = [m.text for m in etree.fromstring(xml).iter("mattext")]
    for n in names:
        assert any(f'src="$IMS-CC-FILEBASE$/{n}"' in (t or "") for t in texts)


def test_html_inlines_the_png(solve):
    v = solve(QID, 3)
    converter = HtmlConverter("mathml", disk_cache=False)
    converter.convert([v.stem_tex, v.solution_tex])
    html = HtmlRenderer(converter).variant(v, "Q1")
    src = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)"', html)
    assert src and base64.b64decode(src.group(1)) == figures.image(v.figure_tex, "test").data
    assert src.group(2) == v.figure_alt.replace('"', "&quot;")


class _Drawn(Question):
    id = "test/figures/drawn"
    title = "Drawn"
    topic = "test"
    stem = r"Read \(x\) from the figure."
    solution = r"\(x = <<x>>\)."
    figure = r"\node[draw] at (0,0) {\(x = <<x>>\)};"
    figure_alt = "A box holding x = <<x>>."

    def draw(self, rng):
        return {"x": int(rng.integers(1, 9))}

    def solve(self, p):
        return Numerical(p["x"])

    def verify(self, p):
        return p["x"]


def test_a_figure_needs_its_alt_text():
    class NoAlt(_Drawn):
        id = "test/figures/no-alt"
        figure_alt = ""

    with pytest.raises(TemplateError, match="test/figures/no-alt .*figure_alt is empty"):
        make_variant(NoAlt(), 1)
    assert make_variant(_Drawn(), 1).figure_alt.startswith("A box holding x = ")


def test_a_figure_pdflatex_cannot_typeset_is_named(tmp_path):
    class Broken(_Drawn):
        id = "test/figures/broken"
        figure = r"\node at (0,0) {\undefinedmacro};"

    v = make_variant(Broken(), 2)
    with pytest.raises(LatexError, match=r"question test/figures/broken seed=2"):
        typeset([sample_paper("Broken", [v])], load_spec(SPEC).spec.header, False, tmp_path / "b.pdf")
    with pytest.raises(LatexError, match=r"question test/figures/broken seed=2.*Undefined control sequence"):
        figures.render_pngs({v.figure_tex: "test/figures/broken seed=2"})


def test_papers_and_images_load_the_same_tikz_libraries():
    assert rf"\usetikzlibrary{{{figures.TIKZ_LIBRARIES}}}" in TEMPLATE.read_text()


def test_the_example_template_agrees_with_pytorch_autograd(solve):
    import torch

    for seed in range(40):
        v = solve(QID, seed)
        p = v.params
        w = torch.tensor([float(p["w1"]), float(p["w2"])], requires_grad=True)
        b = torch.tensor(float(p["b"]), requires_grad=True)
        a = torch.relu(w @ torch.tensor([float(p["x1"]), float(p["x2"])]) + b)
        (0.5 * (a - p["y"]) ** 2).backward()
        expected = [float(w.grad[0]), float(w.grad[1]), float(b.grad)]
        assert [part.answer.value for part in v.answer.parts] == pytest.approx(expected, abs=1e-9)


def test_a_figure_larger_than_the_page_is_shrunk_to_fit(tmp_path):
    class Huge(_Drawn):
        id = "test/figures/huge"
        figure = r"\draw (0,0) rectangle (40,60); \node at (20,30) {\(x = <<x>>\)};"

    v = make_variant(Huge(), 1)
    batch = typeset_batch([sample_paper("Huge", [v])], load_spec(SPEC).spec.header, False, tmp_path / "h.tex")
    text = _flat("".join(page.extract_text() for page in PdfReader(batch.pdf).pages))
    assert f"x={v.params['x']}" in text
    assert "Overfull" not in (tmp_path / "h.log").read_text()
    start, end = unit_pages(tmp_path / "h.aux")[(1, "1")]
    assert start == end  # the shrunk figure keeps its question on one page
