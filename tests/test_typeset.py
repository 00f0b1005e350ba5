"""Typesetting: splitting and joining with pikepdf, one typesetting path, parallel draws, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import generator.build as build_module
from generator.bank import load_bank
from generator.build import build, sample_paper
from generator.errors import LatexError, TemplateError
from generator.latex import concatenate, typeset, typeset_batch
from generator.roster import Roster, Student, anonymous_roster
from generator.spec import Header, load_spec
from generator.variant import Variant
from generator.writers.pdf import PHASES, PdfPapersWriter

SPEC = Path("examples/dl-midsem.yaml")


def _roster(n: int) -> Roster:
    return Roster(tuple(Student(f"S{i:03d}", f"Student {i}") for i in range(1, n + 1)))


@pytest.fixture(scope="module")
def written(bank, tmp_path_factory):
    """Five papers in batches of two (three batches per kind), written by the PDF writer."""
    result = build(load_spec(SPEC), _roster(5), bank)
    out = tmp_path_factory.mktemp("typeset")
    writer = PdfPapersWriter(batch_size=2)
    paths = writer.write(result, out)
    return result, out, writer, paths


def _texts(pdf: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(pdf).pages]


def test_split_pdfs_hold_each_students_own_pages(written):
    result, out, _writer, paths = written
    for kind in ("papers", "keys"):
        assert sorted(p.name for p in (out / kind).iterdir()) == [f"S00{i}.pdf" for i in range(1, 6)]
        for paper in result.papers:
            texts = _texts(out / kind / f"{paper.student.student_id}.pdf")
            assert texts and all(paper.paper_id in t and paper.student.student_id in t for t in texts)
            assert [f"Page {k} of {len(texts)}" in t for k, t in enumerate(texts, 1)] == [True] * len(texts)
    assert sorted(p.name for p in (out / "tex").iterdir()) == sorted(
        f"{kind}-00{n}.tex" for kind in ("papers", "keys") for n in (1, 2, 3))
    assert not (out / "_latex").exists() and all(p.exists() for p in paths)


def test_print_files_join_every_batch_with_papers_on_odd_pages(written):
    result, out, _writer, _paths = written
    for kind in ("papers", "keys"):
        texts = _texts(out / "print" / f"{kind}.pdf")
        starts = [i for i, t in enumerate(texts) if "Page 1 of" in t]
        assert [texts[i].count(p.paper_id) > 0 for i, p in zip(starts, result.papers)] == [True] * 5
        assert all(i % 2 == 0 for i in starts)  # 0-based even index = odd page number
        with pikepdf.open(out / "print" / f"{kind}.pdf") as pdf:
            assert pdf.check_pdf_syntax() == []
            assert str(pdf.docinfo["/Producer"]) == "variantex" and "/CreationDate" not in pdf.docinfo


def test_writer_reports_its_phases(written):
    _, _, writer, _ = written
    assert set(PHASES) <= set(writer.timings) and writer.timings["pdflatex"] > 0 and writer.timings["wall"] > 0


def test_concatenate_is_deterministic_and_keeps_every_page(written, tmp_path):
    _, out, _, _ = written
    parts = [out / "papers" / "S001.pdf", out / "keys" / "S002.pdf", out / "papers" / "S001.pdf"]
    assert concatenate(parts, tmp_path / "a.pdf") == sum(len(PdfReader(p).pages) for p in parts)
    concatenate(parts, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert _texts(tmp_path / "a.pdf") == [t for p in parts for t in _texts(p)]


def _variant(qid: str, stem: str) -> Variant:
    from types import MappingProxyType

    from generator.answers import Numerical
    return Variant(qid, 7, 0, MappingProxyType({}), Numerical(1), stem, "One.")


def test_typeset_names_the_question_that_ends_the_document(tmp_path):
    papers = [sample_paper("A", [_variant("t/ok", "Fine.")]),
              sample_paper("B", [_variant("t/ok", "Fine."), _variant("t/ender", r"Oops \end{document} gone")])]
    with pytest.raises(LatexError) as e:
        typeset(papers, Header(exam_title="T"), key=False)
    assert "question t/ender seed=7" in e.value.message and "\\end{document}" in e.value.message
    with pytest.raises(LatexError, match="t/ender seed=7"):  # the build path is the same code
        typeset_batch(papers, Header(exam_title="T"), True, tmp_path / "k.tex", first_index=3)


def test_typeset_writes_a_preview(tmp_path):
    typeset([sample_paper("A", [_variant("t/ok", "Fine.")])], Header(exam_title="T"), True, tmp_path / "p.pdf")
    assert "Fine." in "".join(_texts(tmp_path / "p.pdf"))


def test_parallel_draw_gives_exactly_the_serial_result(bank, monkeypatch):
    loaded, roster = load_spec(SPEC), _roster(45)
    assert len(roster.students) >= build_module.PARALLEL_MIN_STUDENTS
    seen: list[int] = []
    parallel = build(loaded, roster, bank, seen.append)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_STUDENTS", 10**9)
    assert build(loaded, roster, bank) == parallel
    assert seen == list(range(1, 46))


FAILING = '''
from generator.answers import Numerical
from generator.question import Question

class Doubling(Question):
    id = "t/arith/double"
    title = "Doubling"
    topic = "arith"
    stem = r"What is \\(2\\times<<n>>\\)?"
    solution = r"\\(2\\times<<n>> = <<answer.value>>\\)"

    def draw(self, rng):
        return {"n": int(rng.integers(0, 20))}

    def solve(self, p):
        return Numerical(2 * p["n"] + p["n"] % 2)   # wrong for every odd n

    def verify(self, p):
        return 2 * p["n"]
'''


def test_parallel_failures_are_reported_as_serial_ones(tmp_path, monkeypatch):
    (tmp_path / "bank" / "t").mkdir(parents=True)
    (tmp_path / "bank" / "t" / "q.py").write_text(textwrap.dedent(FAILING))
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 5\nheader: {exam_title: T}\nsections:\n  - title: A\n    questions:\n"
                    "      - id: t/arith/double\n")
    loaded, bank, roster = load_spec(spec), load_bank(tmp_path / "bank"), anonymous_roster(90)
    with pytest.raises(TemplateError) as parallel:
        build(loaded, roster, bank)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_STUDENTS", 10**9)
    with pytest.raises(TemplateError) as serial:
        build(loaded, roster, bank)
    assert parallel.value.message == serial.value.message
    assert parallel.value.message.startswith("variants failed; nothing was written:")
    assert parallel.value.message.count("disagrees") == build_module.MAX_REPORTED_FAILURES


INTERRUPTED = '''
import sys
from pathlib import Path
from generator.bank import BUILTIN_BANK, load_bank
from generator.build import build
from generator.output import write_build
from generator.roster import anonymous_roster
from generator.spec import load_spec
from generator.writers.pdf import PdfPapersWriter

result = build(load_spec("examples/dl-midsem.yaml"), anonymous_roster(30), load_bank(BUILTIN_BANK))
print("typesetting", flush=True)
try:
    write_build(result, Path(sys.argv[1]), [PdfPapersWriter(batch_size=30)])
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
'''


def _pdflatex_under(folder: Path) -> list[int]:
    """Running pdflatex processes whose working folder is below ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("pdflatex", "pdftex") and \
                        str(folder) in os.readlink(entry / "cwd"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux /proc")
def test_ctrl_c_stops_workers_and_pdflatex_without_tracebacks(tmp_path):
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=Path.cwd(), env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    deadline = time.monotonic() + 60
    while not _pdflatex_under(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pdflatex_under(tmp_path), "pdflatex never started"
    os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in stdout
    assert "Traceback" not in stderr, stderr
    time.sleep(0.2)
    assert _pdflatex_under(tmp_path) == []
    assert not out.exists() and not list(tmp_path.glob(".out.staging*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_the_parent_alone_leaves_no_worker_or_pdflatex(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(INTERRUPTED)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=Path.cwd(), env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    deadline = time.monotonic() + 60
    while not _pdflatex_under(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pdflatex_under(tmp_path), "pdflatex never started"
    children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while (_pdflatex_under(tmp_path) or any(Path(f"/proc/{c}").exists() for c in children)) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pdflatex_under(tmp_path) == [] and not any(Path(f"/proc/{c}").exists() for c in children)
