"""Bad rosters and bad exam specs: one test per case, each a clear error that leaves the previous build intact."""

from __future__ import annotations

import os

import pytest
from faultkit import SPEC, fails, invoke, write

# ----------------------------------------------------------------------------- roster

ROSTER_CASES = {
    "missing column": ("student_id,full_name\nS1,Ada\n", ["line 1", "needs the column(s) name"]),
    "duplicated column": ("student_id,name,name\nS1,Ada,Bob\n", ["line 1", "name appear more than once"]),
    "quote never closed": ('student_id,name\nS1,"Ada\nS2,Alan\nS3,Grace\n',
                           ["line 2", "never closed", "merge"]),
    "quote closed lines later": ('student_id,name\nS1,"Ada\nS2",Alan\nS3,Grace\n',
                                 ["line 2", "runs over 2 lines", "merge"]),
    "unquoted comma": ("student_id,name\nS1,Lovelace, Ada\n", ["line 2", "3 fields", "quote a name"]),
    "stray quote": ('student_id,name\nS1,Ada\nS2,"Alan" Turing\n', ["line 3", "not valid CSV"]),
    "duplicate id ignoring case": ("student_id,name\nS1,Ada\ns1,Alan\n", ["line 3", "repeats line 2"]),
    "unsafe id": ("student_id,name\n../etc,Ada\n", ["line 2", "student_id '../etc'"]),
    "id too long": ("student_id,name\n" + "A" * 33 + ",Ada\n", ["line 2", "1-32 letters"]),
    "emoji in name": ("student_id,name\nS1,Ada 😀\n", ["line 2", "U+1F600", "cannot typeset"]),
    "arabic name": ("student_id,name\nS1,Ada\nS2,\u0639\u0644\u064a\n", ["line 3", "U+0639"]),
    "name too long": ("student_id,name\nS1," + "Ada " * 30 + "\n", ["line 2", "the limit is 100"]),
    "word too long": ("student_id,name\nS1,Ada " + "x" * 31 + "\n", ["line 2", "a word of 31 characters"]),
    "only a header": ("student_id,name\n", ["no students"]),
    "not utf-8": ("student_id,name\nS1,Ad\xe9\n".encode("latin-1"), ["line 2", "not UTF-8"]),
    "utf-16": ("student_id,name\nS1,Ada\n".encode("utf-16"), ["not UTF-8"]),
    "nul byte": (b"student_id,name\nS1,A\x00da\n", ["line 2", "NUL"]),
}


@pytest.mark.parametrize("case", list(ROSTER_CASES))
def test_bad_roster(case, spec, out, previous_build, tmp_path):
    text, fragments = ROSTER_CASES[case]
    roster = write(tmp_path / "bad.csv", text)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "bad.csv", *fragments,
          out=out, previous=previous_build)


def test_roster_missing(spec, out, previous_build, tmp_path):
    fails(invoke("build", spec, "--roster", tmp_path / "nope.csv", "--out", out),
          "cannot read roster", "nope.csv", "No such file", out=out, previous=previous_build)


def test_roster_is_a_device(spec, out, previous_build):
    fails(invoke("build", spec, "--roster", "/dev/zero", "--out", out),
          "/dev/zero", "not a regular file", out=out, previous=previous_build)


def test_roster_too_large(spec, out, previous_build, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: 21 MiB that take no disk
        fh.write(b"student_id,name\n")
        fh.truncate(21 * 1024 * 1024)
    fails(invoke("build", spec, "--roster", big, "--out", out), "big.csv", "the limit is 20 MiB",
          out=out, previous=previous_build)


def test_decomposed_name_is_normalised(spec, tmp_path):
    roster = write(tmp_path / "r.csv", "student_id,name\nS1,Zoe\u0308 Mu\u0308ller\n")
    r = invoke("build", spec, "--roster", roster, "--out", tmp_path / "o", "--no-pdf")
    assert r.exit_code == 0, r.output
    assert "Zo\u00eb M\u00fcller" in (tmp_path / "o" / "answer_key.csv").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- spec

def _spec(replace: str, by: str) -> str:
    assert replace in SPEC
    return SPEC.replace(replace, by)


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))

SPEC_CASES = {
    "yaml syntax": ("seed: 7\nheader: {exam_title: [unclosed\n", ["line 3", "invalid YAML"]),
    "billion laughs": (LAUGHS, ["expands to more than", "aliases"]),
    "recursive alias": ("a: &a [*a]\n", ["line 1", "refers to itself"]),
    "nested too deep": ("[" * 3000 + "]" * 3000 + "\n", ["nested too deeply"]),
    "not a mapping": ("- seed: 7\n", ["a YAML mapping"]),
    "seed true": (_spec("seed: 7", "seed: true"), ["line 1", "field 'seed'", "valid integer"]),
    "seed float": (_spec("seed: 7", "seed: 7.5"), ["line 1", "field 'seed'"]),
    "seed negative": (_spec("seed: 7", "seed: -1"), ["line 1", "field 'seed'"]),
    "seed of 5000 digits": (_spec("seed: 7", "seed: 1" + "0" * 5000), ["invalid YAML value", "digits"]),
    "max marks infinite": (_spec("  exam_title: Fault drill", "  exam_title: Fault drill\n  max_marks: .inf"),
                           ["line 4", "field 'header.max_marks'", "finite"]),
    "points not a number": (_spec("      - id: dl/train/xavier-init",
                                  "      - id: dl/train/xavier-init\n        points: .nan"),
                            ["line 10", "points", "finite"]),
    "points true": (_spec("    negative_marking: 0.25", "    negative_marking: 0.25\n    points: true"),
                    ["line 7", "field 'sections[0].points'"]),
    "negative marking above 1": (_spec("negative_marking: 0.25", "negative_marking: 1.5"),
                                 ["line 6", "sections[0].negative_marking", "less than or equal to 1"]),
    "unknown field": (_spec("seed: 7", "seed: 7\nsead: 8"), ["line 2", "field 'sead'", "unknown field"]),
    "missing title": (_spec("  exam_title: Fault drill", "  course_code: X"),
                      ["field 'header.exam_title'", "required"]),
    "title too long": (_spec("Fault drill", "T" * 151), ["line 3", "header.exam_title", "at most 150"]),
    "instruction too long": (_spec("  exam_title: Fault drill", "  exam_title: Fault drill\n  instructions: ["
                                   + "I" * 601 + "]"), ["line 4", "header.instructions[0]", "at most 600"]),
    "title with emoji": (_spec("Fault drill", "Fault drill 😀"), ["line 3", "header.exam_title", "U+1F600"]),
    "per_student as text": (_spec("      - id: dl/train/xavier-init",
                                  "      - pick: 1\n        topic: rnn\n        per_student: maybe"),
                            ["per_student", "valid boolean"]),
    "no sections": ("seed: 7\nheader: {exam_title: T}\nsections: []\n", ["line 3", "field 'sections'"]),
    "unknown question id": (_spec("dl/train/xavier-init", "dl/train/xavier-int"),
                            ["sections[0].questions[1]", "did you mean dl/train/xavier-init"]),
    "pick more than the bank has": (_spec("      - id: dl/train/xavier-init", "      - pick: 900\n        topic: cnn"),
                                    ["sections[0].questions[1]", "pick 900"]),
    "max marks disagree": (_spec("  exam_title: Fault drill", "  exam_title: Fault drill\n  max_marks: 5"),
                           ["header.max_marks", "add up to 2"]),
    "bank folder missing": (_spec("seed: 7", "seed: 7\nbank: no/such/bank"), ["line 2", "field 'bank'", "not found"]),
    "not utf-8": (SPEC.replace("Fault drill", "Fault dr\xeell").encode("latin-1"), ["line 3", "not UTF-8"]),
}


@pytest.mark.parametrize("case", list(SPEC_CASES))
def test_bad_spec(case, roster, out, previous_build, tmp_path):
    text, fragments = SPEC_CASES[case]
    spec = write(tmp_path / "bad.yaml", text)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "bad.yaml", *fragments,
          out=out, previous=previous_build)


def test_spec_missing(roster, out, previous_build, tmp_path):
    fails(invoke("build", tmp_path / "nope.yaml", "--roster", roster, "--out", out),
          "cannot read exam spec", "nope.yaml", out=out, previous=previous_build)


def test_spec_is_a_device(roster, out, previous_build):
    fails(invoke("build", "/dev/zero", "--roster", roster, "--out", out), "/dev/zero", "not a regular file",
          out=out, previous=previous_build)


def test_spec_too_large(roster, out, previous_build, tmp_path):
    big = write(tmp_path / "big.yaml", SPEC + "#" + "x" * (1024 * 1024) + "\n")
    fails(invoke("build", big, "--roster", roster, "--out", out), "big.yaml", "the limit is 1 MiB",
          out=out, previous=previous_build)


def test_spec_fifo_does_not_hang(roster, out, previous_build, tmp_path):
    fifo = tmp_path / "spec.fifo"
    os.mkfifo(fifo)
    fails(invoke("build", fifo, "--roster", roster, "--out", out), "spec.fifo", "not a regular file",
          out=out, previous=previous_build)



def test_spec_word_too_long_to_wrap(roster, out, previous_build, tmp_path):
    spec = write(tmp_path / "bad.yaml", _spec("Fault drill", "Fault " + "x" * 31))
    fails(invoke("build", spec, "--roster", roster, "--out", out), "bad.yaml", "line 3", "header.exam_title",
          "a word of 31 characters", out=out, previous=previous_build)


def test_the_longest_names_ids_and_titles_allowed_never_overprint(tmp_path):
    """The limits are typeset as they stand: no line of a paper or key runs into the next or the margin."""
    import re

    from generator.bank import BUILTIN_BANK, load_bank
    from generator.build import build
    from generator.latex import compile_tex, render_batch
    from generator.roster import MAX_ID, MAX_NAME, MAX_WORD, Roster, Student
    from generator.spec import MAX_TITLE, load_spec
    from generator.spec import MAX_WORD as SPEC_WORD

    words = " ".join(["W" * MAX_WORD] * (MAX_NAME // (MAX_WORD + 1)))
    name = (words + " " + "W" * MAX_NAME)[:MAX_NAME].rstrip()
    title = " ".join(["M" * SPEC_WORD] * 5)[:MAX_TITLE]
    spec = load_spec(write(tmp_path / "s.yaml", _spec("Fault drill", title).replace(
        "  exam_title", "  course_code: " + "W" * SPEC_WORD + "\n  institution: " + title + "\n  exam_title").replace(
        "title: A", "title: " + title)))
    roster = Roster((Student("W" * MAX_ID, name), Student("M" * MAX_ID, "张伟" * 50)))
    result = build(spec, roster, load_bank(BUILTIN_BANK))
    for key in (False, True):
        tex = tmp_path / f"batch-{key}.tex"
        tex.write_text(render_batch(result.papers, spec.spec.header, key), encoding="utf-8")
        compile_tex(tex)
        log = tex.with_suffix(".log").read_text(errors="replace")
        assert not re.findall(r"Overfull \\hbox \((.*?)pt too wide\) (.*)", log)
