"""Typesetting: batches of papers into one LaTeX document, pdflatex, splitting and joining.

One pdflatex process typesets a whole batch of papers (hundreds of pages in
about the time of a few separate runs) in a single pass. The document
records each paper's page count in its ``.aux`` file
(``\\vxpages{paper}{pages}``; each paper is padded to an even number of
pages); :func:`typeset_batch` checks that every paper of the batch is
recorded there. The batch PDF is then cut per student with pikepdf (qpdf)
by :func:`split_pdf`, and the batch PDFs are joined for printing by
:func:`concatenate`, which streams their pages (read with pikepdf) straight
to the output file, one batch at a time.

pdflatex runs without shell escape, with paranoid file access
(``openin_any=p``, ``openout_any=p``), in batch mode, and with a fixed date
(``SOURCE_DATE_EPOCH``) and no trailer id; the files written here have fixed
metadata and an id that is a hash of their content, so the same source gives
the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pikepdf

from .build import Paper
from .errors import LatexError
from .parallel import child_preexec
from .render_tex import TexAnswerRenderer
from .resources import TEMPLATES
from .spec import Header
from .texenv import make_environment

PDFLATEX_TIMEOUT_S = 600

_ENV = make_environment(TEMPLATES)
_RENDERER = TexAnswerRenderer()


def render_batch(papers: Sequence[Paper], header: Header, key: bool, first_index: int = 1) -> str:
    """The LaTeX source of a batch of papers (``key=True``: answer keys with solutions).

    Paper ``k`` of ``papers`` (0-based) gets the index ``first_index + k`` in
    the ``.aux`` page records and is preceded by a ``%% vx-paper: ID`` line;
    each question by ``%% vx-question: QUESTION_ID seed=N``.
    """
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
    """Run pdflatex once on ``tex`` (in its folder) and return the PDF's path.

    One pass suffices: the template numbers pages "x of y" itself (see
    ``templates/exam.tex.j2``). Raises :class:`LatexError` naming the paper,
    question and source line of the first error, or saying that pdflatex is
    missing or took longer than :data:`PDFLATEX_TIMEOUT_S` seconds.
    """
    cmd = [pdflatex_path(), "-interaction=batchmode", "-halt-on-error", "-no-shell-escape", tex.name]
    try:
        proc = subprocess.run(cmd, check=False, cwd=tex.parent, env=_environment(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=PDFLATEX_TIMEOUT_S,
                              preexec_fn=child_preexec())
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

    @property
    def pages(self) -> range:
        """The page indices, as a ``range``."""
        return range(self.start, self.end + 1)


def page_ranges(aux: Path) -> dict[int, PageRange]:
    """The papers' page ranges in a batch PDF, from the page counts its ``.aux`` file records.

    ``\\vxpages{i}{n}``: paper i has n pages, followed by a blank page when n
    is odd, so that the next paper starts on an odd page. A missing ``.aux``
    gives no ranges.
    """
    ranges: dict[int, PageRange] = {}
    start = 0
    text = aux.read_text(errors="replace") if aux.exists() else ""
    for index, pages in re.findall(r"\\vxpages\{(\d+)\}\{(\d+)\}", text):
        n = int(pages)
        ranges[int(index)] = PageRange(start, start + n - 1)
        start += n + n % 2
    return ranges


def unit_pages(aux: Path) -> dict[tuple[int, str], tuple[int, int]]:
    """Where each question (unit ``"n"``) or later part of a multi-part question (unit ``"n.i"``)
    starts and ends: ``{(paper index, unit): (first page, last page)}``, pages numbered from 1 within
    the paper, read from the ``\\vxat{paper}{unit}{s|e}{page}`` records the template writes to the
    ``.aux`` file at shipout. A unit whose two pages differ was split across pages.
    """
    marks: dict[tuple[int, str], dict[str, int]] = {}
    text = aux.read_text(errors="replace") if aux.exists() else ""
    for paper, unit, end, page in re.findall(r"\\vxat\{(\d+)\}\{([^{}]*)\}\{([se])\}\{(\d+)\}", text):
        marks.setdefault((int(paper), unit), {})[end] = int(page)
    return {k: (v.get("s", 0), v.get("e", 0)) for k, v in marks.items()}


_ENDS_DOCUMENT = re.compile(r"\\(?:end\s*\{document\}|stop|endinput|@@end|end)(?![A-Za-z@])")


def _missing_pages_error(tex: Path, index: int, first_index: int) -> LatexError:
    """The error for a batch whose ``.aux`` has no page record for paper ``index``.

    Names the paper and the question that most likely ended the document
    early: the first one, from that paper on, whose source uses
    ``\\end{document}`` (or ``\\stop``, ``\\end``, ``\\endinput``); else the
    paper's first question.
    """
    lines = tex.read_text(encoding="utf-8").splitlines()
    papers = [k for k, line in enumerate(lines) if line.startswith("%% vx-paper: ")]
    k = index - first_index
    start = papers[k] if 0 <= k < len(papers) else 0
    culprit = first_question = None
    question = None
    for n, line in enumerate(lines[start:], start + 1):
        if line.startswith("%% vx-question: "):
            question = line.removeprefix("%% vx-question: ").strip()
            first_question = first_question or question
        elif question and _ENDS_DOCUMENT.search(line.split("%", 1)[0] if not line.startswith("\\%") else line):
            culprit = (question, n)
            break
    paper = lines[start].removeprefix("%% vx-paper: ").strip() if papers else f"#{index}"
    if culprit:
        return LatexError(
            f"LaTeX: the pages of the paper of {paper} are missing from {tex.name}: question {culprit[0]} "
            f"ends the document early (line {culprit[1]} of {tex}: {lines[culprit[1] - 1].strip()[:120]}); "
            "a question's text must not contain \\end{document}, \\end, \\stop or \\endinput")
    where = f", from question {first_question} on" if first_question else ""
    return LatexError(
        f"LaTeX: the pages of the paper of {paper} are missing from {tex.name}{where}: the document ended "
        f"before that paper was finished (see {tex.with_suffix('.log')}); most likely a question's text "
        "ends the document early (\\end{document}, \\stop, \\endinput) or redefines \\vxendpaper")


@dataclass(frozen=True)
class TypesetBatch:
    """A compiled batch: its PDF, each paper's page range by paper index, and phase times in seconds."""

    pdf: Path
    ranges: dict[int, PageRange]
    seconds: dict[str, float] = field(default_factory=dict)


def compile_batch(tex: Path, first_index: int, count: int) -> TypesetBatch:
    """Compile the batch source ``tex`` and read the page ranges of its ``count`` papers.

    The source is any document that, like ``templates/exam.tex.j2``, precedes
    each paper with a ``%% vx-paper: ID`` line (questions with ``%% vx-question:
    ID``) and records each paper's pages in the ``.aux`` as
    ``\\vxpages{index}{pages}`` (indices ``first_index …``), padding a paper of
    odd length with one blank page (see :func:`page_ranges`). ``seconds`` holds
    ``pdflatex``. Raises :class:`LatexError` for a pdflatex error (naming
    paper, question and line) and when a paper's pages are not recorded.
    """
    started = time.perf_counter()
    pdf = compile_tex(tex)
    seconds = time.perf_counter() - started
    ranges = page_ranges(tex.with_suffix(".aux"))
    for index in range(first_index, first_index + count):
        if index not in ranges:
            raise _missing_pages_error(tex, index, first_index)
    return TypesetBatch(pdf, ranges, {"pdflatex": seconds})


def typeset_batch(papers: Sequence[Paper], header: Header, key: bool, tex: Path,
                  first_index: int = 1) -> TypesetBatch:
    """Render ``papers`` to ``tex``, compile it, and read every paper's page range.

    The one typesetting path of variantex: builds, ``check --latex`` and
    ``preview --pdf`` all go through it (and through :func:`compile_batch`,
    which grade's feedback PDFs share). ``seconds`` holds ``render`` and
    ``pdflatex`` (wall seconds of this process). Raises :class:`LatexError`
    for a pdflatex error (naming paper, question and line) and when the
    ``.aux`` does not record the pages of every paper ``first_index …
    first_index + len(papers) - 1`` (naming the first paper missing and the
    question that most likely ended the document early).
    """
    t0 = time.perf_counter()
    tex.write_text(render_batch(papers, header, key, first_index), encoding="utf-8")
    t1 = time.perf_counter()
    batch = compile_batch(tex, first_index, len(papers))
    return TypesetBatch(batch.pdf, batch.ranges, {"render": t1 - t0, **batch.seconds})


def typeset(papers: Sequence[Paper], header: Header, key: bool, dest: Path | None = None) -> None:
    """Typeset ``papers`` as one batch in a temporary folder; copy the PDF to ``dest`` when given.

    Goes through :func:`typeset_batch`, exactly as a build does, so it raises
    the same :class:`LatexError` (naming the paper, question and seed of the
    first error, or the paper whose pages are missing).
    """
    with tempfile.TemporaryDirectory() as tmp:
        batch = typeset_batch(papers, header, key, Path(tmp) / ("keys.tex" if key else "papers.tex"))
        if dest is not None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(batch.pdf, dest)


# ---- Joining PDFs, streamed -------------------------------------------------------------------

#: Page attributes that a page may inherit from its page tree nodes.
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_HEADER = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"


class _StreamedPdf:
    """A PDF written object by object: only object offsets stay in memory."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.offsets: dict[int, int] = {}
        self.count = 0
        self.digest = hashlib.sha256()
        self._write(_HEADER)

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.digest.update(data)

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def put(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[num] = self.fh.tell()
        self._write(b"%d 0 obj\n" % num + body)
        if stream is not None:
            self._write(b"\nstream\n" + stream + b"\nendstream")
        self._write(b"\nendobj\n")

    def finish(self, root: int, info: int) -> None:
        xref = self.fh.tell()
        size = self.count + 1
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        rows += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        file_id = self.digest.hexdigest()[:32].encode()
        rows.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                    % (size, root, info, file_id, file_id, xref))
        self.fh.write(b"".join(rows))


#: A reference in qpdf's unparsed PDF syntax; strings and hex strings are matched only to be skipped.
_TOKENS = re.compile(rb"\((?:\\.|[^\\()])*\)|<<|>>|<[0-9A-Fa-f\s]*>|(?<![\w/.#+-])(\d+) (\d+) R(?![\w/#])", re.DOTALL)


class _PageCopier:
    """Copies pages of one source PDF, with everything they refer to, into a :class:`_StreamedPdf`.

    Each object is unparsed by qpdf and its references renumbered. Objects
    that several pages share (fonts) are written once per copier. A reference
    to one of ``pages`` gets that page's new number (the page is written by
    :meth:`copy_page`); a reference to any other page, or to the source's
    page tree, becomes ``null``.
    """

    def __init__(self, out: _StreamedPdf, src: pikepdf.Pdf, pages: Iterable[pikepdf.Object]) -> None:
        self.out = out
        self.src = src
        self.numbers: dict[tuple[int, int], bytes] = {}
        self.queue: list[pikepdf.Object] = []
        self.pages = {p.objgen for p in pages}
        self.inherited: dict[tuple[int, int], dict[str, pikepdf.Object]] = {}

    def _ref(self, match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        return self._ref_to((int(match.group(1)), int(match.group(2))))

    def _ref_to(self, key: tuple[int, int]) -> bytes:
        """The new reference for source object ``key`` (queued to be written when first seen)."""
        ref = self.numbers.get(key)
        if ref is None:
            obj = self.src.get_object(key)
            if key in self.pages:
                ref = b"%d 0 R" % self.out.reserve()
            elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") in (pikepdf.Name.Page,
                                                                               pikepdf.Name.Pages):
                ref = b"null"
            else:
                ref = b"%d 0 R" % self.out.reserve()
                self.queue.append(obj)
            self.numbers[key] = ref
        return ref

    def _renumbered(self, text: bytes) -> bytes:
        return _TOKENS.sub(self._ref, text)

    def _inherited(self, node: pikepdf.Object | None) -> dict[str, pikepdf.Object]:
        """The inheritable attributes that page tree ``node`` and its ancestors give their pages."""
        if node is None:
            return {}
        cached = self.inherited.get(node.objgen)
        if cached is None:
            cached = dict(self._inherited(node.get("/Parent")))
            cached.update((name, node[name]) for name in _INHERITED if name in node)
            self.inherited[node.objgen] = cached
        return cached

    def copy_page(self, page: pikepdf.Object, parent: int) -> int:
        """Write ``page`` (with the attributes it inherits) as a kid of ``parent``, and what it
        refers to; return the page's new object number."""
        own = pikepdf.Dictionary({k: v for k, v in page.items() if k != "/Parent"})
        for name, value in self._inherited(page.get("/Parent")).items():
            if name not in own:
                own[name] = value
        number = int(self._ref_to(page.objgen).split()[0])
        body = self._renumbered(own.unparse())
        self.out.put(number, body[:-2] + b"/Parent %d 0 R >>" % parent)
        while self.queue:
            obj = self.queue.pop()
            number_of = self.numbers[obj.objgen]
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()
                head = pikepdf.Dictionary({k: v for k, v in obj.stream_dict.items() if k != "/Length"})
                body = self._renumbered(head.unparse())
                self.out.put(int(number_of.split()[0]), body[:-2] + b"/Length %d >>" % len(raw), raw)
            else:
                self.out.put(int(number_of.split()[0]), self._renumbered(obj.unparse(resolved=True)))
        return number


def _write_pdf(out: Path, groups: Iterable[tuple[pikepdf.Pdf, Sequence[pikepdf.Object]]]) -> int:
    """Write the pages of each group (a source PDF and some of its page objects) into ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        pdf = _StreamedPdf(fh)
        root, tree, info = pdf.reserve(), pdf.reserve(), pdf.reserve()
        nodes: list[tuple[int, int]] = []
        for src, pages in groups:
            node = pdf.reserve()
            copier = _PageCopier(pdf, src, pages)
            kids = [copier.copy_page(page, node) for page in pages]
            pdf.put(node, b"<< /Type /Pages /Parent %d 0 R /Count %d /Kids [%s] >>"
                    % (tree, len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
            nodes.append((node, len(kids)))
        total = sum(n for _, n in nodes)
        pdf.put(tree, b"<< /Type /Pages /Count %d /Kids [%s] >>"
                % (total, b" ".join(b"%d 0 R" % n for n, _ in nodes)))
        pdf.put(root, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
        pdf.put(info, b"<< /Producer (variantex) >>")
        pdf.finish(root, info)
    return total


def split_pdf(pdf: Path, ranges: dict[int, PageRange], names: dict[int, Path]) -> None:
    """Write each paper's pages of the batch ``pdf`` to its own file ``names[i]`` (paper index i).

    Each file is small, so qpdf (pikepdf) builds it in memory and saves it
    with fixed metadata and a content-derived id. Raises
    :class:`LatexError` when ``ranges`` has no pages for one of ``names``.
    """
    with pikepdf.open(pdf) as src:
        pages = list(src.pages)
        for i, path in names.items():
            r = ranges.get(i)
            if r is None:
                raise LatexError(f"{pdf}: no page range recorded for paper {i} ({path.stem})")
            with pikepdf.new() as paper:
                paper.pages.extend(pages[r.start:r.end + 1])
                paper.docinfo["/Producer"] = "variantex"
                paper.save(path, deterministic_id=True)


def concatenate(pdfs: Sequence[Path], out: Path) -> int:
    """Join batch PDFs (each paper already starts on an odd page) into one print file; return its pages.

    Streamed (see :class:`_StreamedPdf`): one batch PDF is open at a time and
    the output is never held in memory, so memory does not grow with the
    number of batches. Same pages, same bytes.
    """
    def groups() -> Iterator[tuple[pikepdf.Pdf, list[pikepdf.Object]]]:
        for pdf in pdfs:
            with pikepdf.open(pdf) as src:
                yield src, [p.obj for p in src.pages]

    return _write_pdf(out, groups())
