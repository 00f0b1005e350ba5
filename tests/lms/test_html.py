"""HTML preview pages open in a real headless browser: no raw LaTeX left, every formula MathML, no console errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from generator.writers.html import preview_page

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make browser)")
def test_preview_page_in_chromium(bank, solve, tmp_path):
    ids = ["dl/cnn/conv-output-size", "dl/backprop/product-graph", "dl/cnn/transposed-conv-values",
           "dl/generative/gan-training-essay"]
    variants = [solve(q, s) for q in ids for s in range(2)]
    html = preview_page("Preview", variants, {q: f.parent for q, f in bank.files.items()})
    assert "<math" in html and "\\(" not in re.sub(r"<annotation[^>]*>.*?</annotation>", "", html, flags=re.DOTALL)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                              "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    text = re.sub(r"<annotation[^>]*>.*?</annotation>", "", dom, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not re.search(r"\\\(|\\\[|\\frac|\\times|\\begin", text)
    assert dom.count("<math") >= 8
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr


def test_build_html_writes_a_page_per_student_and_an_index(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name\nS1,Ada Lovelace\nS2,陳大文\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", "examples/dl-midsem.yaml", "--roster", str(roster), "--out", str(out),
                                  "--no-pdf", "--html"])
    assert r.exit_code == 0, r.output
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "html").glob("*.html")}
    assert set(pages) == {"S1.html", "S2.html", "index.html"}
    assert 'href="S1.html"' in pages["index.html"] and "陳大文" in pages["index.html"]
    for sid, name in (("S1", "Ada Lovelace"), ("S2", "陳大文")):
        page = pages[f"{sid}.html"]
        assert name in page and page.count("<math") >= 10
        visible = re.sub(r"<annotation[^>]*>.*?</annotation>", "", page, flags=re.DOTALL)
        assert not re.search(r"\\\(|\\\[|\\frac|\\begin", re.sub(r"<[^>]+>", " ", visible))
    listed = set(__import__("json").loads((out / ".variantex-build.json").read_text())["files"])
    assert {"html/S1.html", "html/S2.html", "html/index.html"} <= listed
