"""Typesetting: batches of papers into one LaTeX document, pdflatex, and splitting.

One pdflatex process typesets a whole batch of papers (hundreds of pages in
about the time of a few separate runs) in a single pass; the batch PDF is
then split per student with pypdf, using the page count of each paper that
the document itself records in its ``.aux`` file (``\\vxpages{paper}{pages}``;
each paper is padded to an even number of pages).

pdflatex runs without shell escape, with paranoid file access
(``openin_any=p``, ``openout_any=p``), in batch mode, and with a fixed date
(``SOURCE_DATE_EPOCH``) and no trailer id, so the same source gives the same
bytes.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .build import Paper
from .errors import LatexError
from .render_tex import TexAnswerRenderer
from .resources import TEMPLATES
from .spec import Header
from .texenv import make_environment

PDFLATEX_TIMEOUT_S = 600

# CJKutf8's fonts carry a /ToUnicode entry twice; pypdf warns on every read. Harmless.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_ENV = make_environment(TEMPLATES)
_RENDERER = TexAnswerRenderer()


def render_batch(papers: Sequence[Paper], header: Header, key: bool, first_index: int = 1) -> str:
    """The LaTeX source of a batch of papers (``key=True``: answer keys with solutions)."""
    return _ENV.get_template("exam.tex.j2").render(
        papers=papers, header=header, key=key, first_index=first_index,
        space=_RENDERER.space, answer_key=_RENDERER.key)


def pdflatex_path() -> str:
    """The pdflatex executable; raises :class:`LatexError` with the install command if missing."""
    exe = shutil.which("pdflatex")
    if not exe:
        raise LatexError("pdflatex not found. Install TeX Live: `make setup` does it, or run "
                         "apt-get install texlive-latex-base texlive-latex-recommended texlive-fonts-recommended "
                         "lmodern latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp")
    return exe


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(openin_any="p", openout_any="p", shell_escape="f", SOURCE_DATE_EPOCH="0",
               FORCE_SOURCE_DATE="1", max_print_line="1000")
    return env


def _locate(source_lines: list[str], line: int) -> str:
    """Which paper and question a line of a batch source belongs to."""
    paper = question = None
    for text in reversed(source_lines[:line]):
        if question is None and text.startswith("%% vx-question: "):
            question = text.removeprefix("%% vx-question: ").strip()
        if text.startswith("%% vx-paper: "):
            paper = text.removeprefix("%% vx-paper: ").strip()
            break
    where = f"paper of {paper}" if paper else "the preamble"
    return where + (f", question {question}" if question else "")


def _error_from_log(tex: Path) -> LatexError:
    log = tex.with_suffix(".log")
    text = log.read_text(errors="replace") if log.exists() else ""
    match = re.search(r"^! (.*?)$(.*?)^l\.(\d+) (.*?)$", text, re.MULTILINE | re.DOTALL)
    if not match:
        tail = "\n".join(text.splitlines()[-15:])
        return LatexError(f"pdflatex failed on {tex}; end of {log.name}:\n{tail}")
    message, _, line, context = match.groups()
    where = _locate(tex.read_text().splitlines(), int(line))
    return LatexError(f"LaTeX error in {where}: {message.strip()}\n  at {tex}, line {line}: {context.strip()}")


def compile_tex(tex: Path) -> Path:
    """Run pdflatex once on ``tex`` and return the PDF.

    One pass suffices: the template numbers pages "x of y" itself (see
    ``templates/exam.tex.j2``). Raises :class:`LatexError` naming the paper,
    question and source line of the first error.
    """
    cmd = [pdflatex_path(), "-interaction=batchmode", "-halt-on-error", "-no-shell-escape", tex.name]
    try:
        proc = subprocess.run(cmd, check=False, cwd=tex.parent, env=_environment(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=PDFLATEX_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise LatexError(f"pdflatex took longer than {PDFLATEX_TIMEOUT_S} s on {tex}") from None
    if proc.returncode != 0:
        raise _error_from_log(tex)
    return tex.with_suffix(".pdf")


@dataclass(frozen=True)
class PageRange:
    """0-based, inclusive page indices of one paper in a batch PDF (padding page excluded)."""

    start: int
    end: int


def page_ranges(aux: Path) -> dict[int, PageRange]:
    """The papers' page ranges in a batch PDF, from the page counts its ``.aux`` file records.

    ``\\vxpages{i}{n}``: paper i has n pages, followed by a blank page when n
    is odd, so that the next paper starts on an odd page.
    """
    ranges: dict[int, PageRange] = {}
    start = 0
    for index, pages in re.findall(r"\\vxpages\{(\d+)\}\{(\d+)\}", aux.read_text()):
        n = int(pages)
        ranges[int(index)] = PageRange(start, start + n - 1)
        start += n + n % 2
    return ranges


def typeset(papers: Sequence[Paper], header: Header, key: bool, dest: Path | None = None) -> None:
    """Render and compile ``papers`` in a temporary folder; copy the PDF to ``dest`` when given.

    Raises :class:`LatexError` naming the paper, question and seed of the first error.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tex = Path(tmp) / ("keys.tex" if key else "papers.tex")
        tex.write_text(render_batch(papers, header, key), encoding="utf-8")
        pdf = compile_tex(tex)
        if dest is not None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, dest)


def write_pdf(writer: PdfWriter, path: Path) -> None:
    """Write ``writer`` to ``path`` with fixed metadata (no dates, no random ids)."""
    writer.add_metadata({"/Producer": "variantex"})
    with open(path, "wb") as fh:
        writer.write(fh)


def split_pdf(pdf: Path, ranges: dict[int, PageRange], names: dict[int, Path]) -> None:
    """Write each paper's pages of the batch ``pdf`` to its own file ``names[i]``."""
    reader = PdfReader(pdf)
    for i, path in names.items():
        r = ranges.get(i)
        if r is None:
            raise LatexError(f"{pdf}: no page range recorded for paper {i} ({path.stem})")
        writer = PdfWriter()
        for page in range(r.start, r.end + 1):
            writer.add_page(reader.pages[page])
        write_pdf(writer, path)


def concatenate(pdfs: Sequence[Path], out: Path) -> None:
    """Concatenate batch PDFs (each paper already starts on an odd page) into one print file."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(pdf))
    write_pdf(writer, out)
