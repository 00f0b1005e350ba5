"""Feedback PDFs of ``variantex grade``: each student's own results, opened with pypdf.

A small class is built from the sample spec; its responses are made from
``answer_key.csv`` (one student right everywhere, one wrong everywhere, one
with hostile text in every cell, one absent). Each feedback PDF is read back
and checked, question by question, against ``answer_key.csv``,
``responses_graded.csv`` and the manifest's worked solutions.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator import fonts
from generator.cli import main
from generator.grading import grade
from generator.grading.feedback import (
    MAX_SHOWN_CHARS,
    FeedbackPdfWriter,
    render_feedback,
    safe_text,
)
from generator.grading.gradebook import CellMark, QuestionMark, StudentGrades
from generator.grading.manifest import AnswerRecord, QuestionText
from generator.latex import compile_batch

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "dl-midsem.yaml"
STUDENTS = [("F001", "Hostile Hannah"), ("F002", "Right Rosa"), ("F003", "Wrong Wanda"), ("F004", "Absent Abel")]
#: Every cell of F001: LaTeX's special characters, commands that would end or read files, a word
#: of 300 letters, characters no font draws (emoji, Ħ, Arabic, control characters, bidi), Cyrillic.
HOSTILE = ("\\end{document} \\input{/etc/passwd} \\def\\x{INJ}\\x\\x $x^2$ 100% #1 ^^41 ~ {unclosed "
           "\\\\ " + "w" * 300 + " 😀 Ħ \x07\x1b \u202e عربي Привет\nsecond line")


def invoke(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def fmt(x: float) -> str:
    t = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if t in ("-0", "") else t


def flat(text: str) -> str:
    """PDF text with line-end hyphenation undone and white space folded."""
    return " ".join(re.sub(r"-\n", "", text).split())


def pdf_text(path: Path) -> str:
    return flat("\n".join(p.extract_text() for p in PdfReader(path).pages))


def _right(answer_type: str, key: str) -> str:
    if answer_type == "single_choice":
        return key[1]
    if answer_type == "multiple_choice":
        return "".join(re.findall(r"\((\w)\)", key))
    return key.lower() if answer_type == "true_false" else key


def _wrong(answer_type: str, key: str) -> str:
    if answer_type == "single_choice":
        return "b" if key.startswith("(a)") else "a"
    if answer_type == "true_false":
        return "false" if key == "True" else "true"
    if answer_type in ("vector", "matrix"):
        return "[" + "; ".join(" ".join(str(float(x) + 1000) for x in row.split())
                               for row in key[1:-1].split("; ")) + "]"
    return str(float(key) + 1000)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """A class of four built and graded (feedback on, the default); returns the grade output folder."""
    tmp = tmp_path_factory.mktemp("feedback")
    roster = tmp / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"{s},{n}\n" for s, n in STUDENTS), encoding="utf-8")
    built = tmp / "exam"
    r = invoke("build", SPEC, "--roster", roster, "--no-pdf", "--out", built)
    assert r.exit_code == 0, r.output
    header = next(csv.reader((built / "responses_template.csv").open(encoding="utf-8")))
    columns = [c for c in header if c not in ("name", "paper_id")]
    rows = {s: {"student_id": s} for s, _ in STUDENTS[:3]}
    for k in csv.DictReader((built / "answer_key.csv").open(encoding="utf-8")):
        sid, n, t, key = k["student_id"], k["question_number"], k["answer_type"], k["correct_answer"]
        if sid not in rows:
            continue
        make = {"F002": _right, "F003": _wrong}.get(sid)
        if t == "essay":
            rows[sid][f"Q{n}"] = HOSTILE if make is None else f"My essay for {sid} on question {n}."
            rows[sid][f"Q{n}_mark"] = "" if make is None else "1"
        elif t == "multi_part":
            for label, part in re.findall(r"\((\w)\) ([^;]+?)(?:; |$)", key):
                rows[sid][f"Q{n}{label}"] = HOSTILE if make is None else make("numerical", part)
        else:
            rows[sid][f"Q{n}"] = HOSTILE if make is None else make(t, key)
    responses = tmp / "responses.csv"
    with responses.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows.values())
    out = tmp / "results"
    r = invoke("grade", built / "manifest.json", responses, "--out", out)
    assert r.exit_code == 0, r.output
    return out


def _questions(text: str, numbers: list[int]) -> dict[int, str]:
    """The text of each question's part of a feedback PDF, from its heading to the next one."""
    starts = []
    at = 0
    for n in numbers:
        at = text.index(f"Question {n} ", at)
        starts.append(at)
    ends = starts[1:] + [text.index("End of feedback")]
    return {n: text[a:b] for n, a, b in zip(numbers, starts, ends)}


def _phrase(solution_tex: str) -> str:
    """The longest run of plain words in a worked solution (no LaTeX among them)."""
    plain = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]|\$.*?\$|\\[a-zA-Z]+(\{[^}]*\})?", "|", solution_tex, flags=re.DOTALL)
    runs = re.findall(r"(?<![\w|.-])[A-Za-z]+(?: [A-Za-z]+)*(?![\w|.-])", " ".join(plain.split()))
    phrase = max(runs, key=len, default="")
    assert len(phrase) >= 8, solution_tex
    return phrase


def test_each_student_gets_their_own_results_question_by_question(graded):
    manifest = json.loads((graded.parent / "exam" / "manifest.json").read_text(encoding="utf-8"))
    papers = {p["student_id"]: p for p in manifest["papers"]}
    texts = {p["student_id"]: t for p, t in zip(manifest["papers"], manifest["texts"])}
    cells = {}
    for g in csv.DictReader((graded / "responses_graded.csv").open(encoding="utf-8")):
        cells.setdefault((g["student_id"], int(g["question"])), []).append(g)
    scores = {s["student_id"]: s for s in csv.DictReader((graded / "scores.csv").open(encoding="utf-8"))}
    for sid, name in STUDENTS[1:3]:
        text = pdf_text(graded / "feedback" / f"{sid}.pdf")
        paper = papers[sid]
        assert name in text and sid in text and paper["paper_id"] in text
        assert not any(other in text for _, other in STUDENTS if other != name)
        s = scores[sid]
        assert f"Score: {s['total']} of {s['max']} ({s['percent']}%)" in text
        numbers = [q["number"] for q in paper["questions"]]
        by_number = _questions(text, numbers)
        for q, t in zip(paper["questions"], texts[sid]):
            part = by_number[q["number"]]
            assert "Solution. " in part and _phrase(t["solution_tex"]) in part, (sid, q["number"])
            for c in cells[(sid, q["number"])]:
                assert f"Your answer: {flat(c['response'])}" in part, (sid, c)
                assert f"Correct answer: {c['correct_answer']}" in part, (sid, c)
                assert f"Points: {c['points']} of {c['max_points']}" in part, (sid, c)
    right = pdf_text(graded / "feedback" / "F002.pdf")
    assert "(wrong)" not in right and "(correct)" in right
    wrong = pdf_text(graded / "feedback" / "F003.pdf")
    assert "Points: 1 of" in wrong and "(hand-marked): marked by hand: 1" in wrong  # the essay's mark, read back
    assert "(wrong)" in wrong and "your choice:" in wrong  # a distractor's rationale for the option ticked


def test_a_student_with_no_row_gets_no_feedback(graded):
    assert sorted(p.name for p in (graded / "feedback").iterdir()) == ["F001.pdf", "F002.pdf", "F003.pdf"]
    marker = json.loads((graded / ".variantex-build.json").read_text(encoding="utf-8"))
    assert "feedback/F002.pdf" in json.dumps(marker)


def test_hostile_responses_are_printed_never_run(graded):
    text = pdf_text(graded / "feedback" / "F001.pdf")
    assert "Hostile Hannah" in text
    # shown as typed, so never run: a command that would end the document or read a file, a macro
    # that would print INJINJ, a comment sign, math, parameter and superscript signs, an open brace
    for shown in ("\\end{document}", "\\input{/etc/passwd}", "\\def\\x{INJ}\\x\\x", "100% #1", "{unclosed",
                  "Привет", "second line"):
        assert shown in text, shown
    assert "INJINJ" not in text
    assert "[U+1F600]" in text and "[U+0126]" in text and "[U+0007][U+001B]" in text and "[U+0639]" in text
    assert "w" * 300 in text.replace(" ", "")  # the long word, broken across lines
    assert text.count("End of feedback") == 1
    # the same batch went on to the next students
    assert "Right Rosa" in pdf_text(graded / "feedback" / "F002.pdf")


def test_hostile_response_in_one_batch_with_others(graded, tmp_path):
    """All three students in one pdflatex batch, on one worker: the hostile one first, the others typeset."""
    built = graded.parent / "exam"
    result = grade(built / "manifest.json", graded.parent / "responses.csv", texts=True)
    calls = []
    writer = FeedbackPdfWriter(workers=1, progress=lambda done, total: calls.append((done, total)))
    paths = writer.write(result, tmp_path)
    assert [p.name for p in paths] == ["F001.pdf", "F002.pdf", "F003.pdf"]
    assert calls == [(1, 1)] and writer.timings["pdflatex"] > 0
    assert not (tmp_path / "_latex").exists()
    for (sid, name), path in zip(STUDENTS, paths):
        text = pdf_text(path)
        assert name in text and text.count("Feedback on your paper") == 1, sid
        # the same batch as grade's own on any number of CPUs, so the same bytes
        assert path.read_bytes() == (graded / "feedback" / path.name).read_bytes()


def test_safe_text_cuts_very_long_responses_and_keeps_lines():
    long = "word " * 4000
    shown = safe_text(long)
    assert shown.count("word") == MAX_SHOWN_CHARS // 5
    assert shown.endswith(rf"\emph{{[{len(long) - MAX_SHOWN_CHARS} more characters not shown]}}")
    assert safe_text("one\n\n two \nthree", newlines=True) == r"one\newline two\newline three"
    assert safe_text("a^b_c") == r"a\textasciicircum{}b\_c"
    assert safe_text("x" * 30 + "李") == r"xxxxxxxxxxxx\allowbreak{}xxxxxxxxxxxx\allowbreak{}xxxxxx" + \
        safe_text("李")  # one wide character does not make a long Latin word breakable
    assert r"\allowbreak" not in safe_text("李" * 30)


def test_no_feedback_writes_no_pdfs(graded, tmp_path):
    out = tmp_path / "quick"
    r = invoke("grade", graded.parent / "exam" / "manifest.json", graded.parent / "responses.csv", "--out", out,
               "--no-feedback")
    assert r.exit_code == 0, r.output
    assert (out / "scores.csv").read_bytes() == (graded / "scores.csv").read_bytes()
    assert not (out / "feedback").exists() and not (out / "_latex").exists()


def test_a_manifest_without_question_texts_still_gives_feedback(graded, tmp_path):
    """A version-1 manifest has no stem, solution, figure or prompts: feedback lists responses, keys, points."""
    manifest = json.loads((graded.parent / "exam" / "manifest.json").read_text(encoding="utf-8"))
    del manifest["texts"]
    manifest["manifest_version"] = 1
    old = tmp_path / "old" / "manifest.json"
    old.parent.mkdir()
    old.write_text(json.dumps(manifest), encoding="utf-8")
    result = grade(old, graded.parent / "responses.csv", texts=True)
    paths = FeedbackPdfWriter().write(result, tmp_path / "out")
    text = pdf_text(paths[1])
    assert "Right Rosa" in text and "Solution." not in text
    graded_rows = [g for g in csv.DictReader((graded / "responses_graded.csv").open(encoding="utf-8"))
                   if g["student_id"] == "F002"]
    for g in graded_rows:
        assert f"Correct answer: {g['correct_answer']}" in text and f"Points: {g['points']} of" in text


def test_every_character_the_fonts_draw_typesets_in_a_response(tmp_path):
    """Each non-CJK character that ``fonts.drawable`` accepts (accents, symbols, combining marks,
    Cyrillic, Greek), alone, after a letter and run together, plus ones it refuses: one batch, two students."""
    chars = [chr(o) for o in range(0x80, 0x3000) if fonts.drawable(chr(o))]
    assert len(chars) > 300
    odd = "\ufeff\u200b\u2060\ue000\ufffd\U0001f600\u0301"
    text = odd + " " + " ".join(chars) + " " + " ".join("a" + c for c in chars) + " " + "".join(chars)

    def student(k: int, response: str) -> StudentGrades:
        cell = CellMark(1, "", "Q1", "t/q1", "short_text", response, "key", 0.0, 1.0, "wrong")
        record = QuestionText(1, "t/q1", 1.0, "short_text", AnswerRecord("short_text", accepted=["key"]), "key")
        return StudentGrades(f"S{k}", f"Student {k}", f"P{k}", True,
                             (QuestionMark(1, "t/q1", "short_text", 0.0, 1.0, "wrong", (cell,), {}, record),))

    tex = tmp_path / "feedback.tex"
    tex.write_text(render_feedback("Characters", [student(1, text), student(2, "after")]),
                   encoding="utf-8")
    batch = compile_batch(tex, 1, 2)
    pages = PdfReader(batch.pdf).pages
    assert "Your answer: after" in flat(pages[batch.ranges[2].start].extract_text())
