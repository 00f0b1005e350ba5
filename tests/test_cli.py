"""The command line, driven with click's CliRunner: outputs, and clear errors without tracebacks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return _run


def test_solve_json_with_set(run):
    r = run("solve", "dl/cnn/conv-output-size", "--set", "size=7", "--set", "kernel=3", "--set", "stride=1",
            "--set", "padding=0", "--set", "dilation=2", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data) == {"id", "seed", "params", "answer"}
    assert data["answer"]["value"] == 3  # 7 - 2*(3-1) = 3, as in seed paper 001 Q7
    assert data["params"]["dilation"] == 2


def test_solve_is_reproducible_by_seed(run):
    a = run("solve", "dl/cnn/conv-output-size", "--seed", "41", "--json").output
    assert a == run("solve", "dl/cnn/conv-output-size", "--seed", "41", "--json").output
    assert a != run("solve", "dl/cnn/conv-output-size", "--seed", "42", "--json").output


@pytest.mark.parametrize("args, message", [
    (["--set", "sise=3"], "unknown param(s) sise; this question takes: size, kernel"),
    (["--set", "size=[1"], "the value must be JSON"),
    (["--set", "size"], "expected name=value"),
    (["--set", "size=2", "--set", "kernel=7"], "invalid params"),
])
def test_solve_errors_are_clear(run, args, message):
    r = run("solve", "dl/cnn/conv-output-size", *args)
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output


def test_solve_unknown_id_suggests(run):
    r = run("solve", "dl/cnn/conv-output")
    assert r.exit_code == 1 and "did you mean dl/cnn/conv-output-size" in r.output


def test_list_shows_ids_topics_types(run):
    r = run("list", "--json")
    rows = json.loads(r.output)
    ids = {row["id"] for row in rows}
    assert "dl/cnn/conv-output-size" in ids
    assert all({"id", "topic", "difficulty", "type", "title"} <= set(row) for row in rows)


def test_preview_terminal_and_pdf(run, tmp_path):
    r = run("preview", "dl/cnn/conv-output-size", "--seeds", "2")
    assert r.exit_code == 0 and r.output.count("=== dl/cnn/conv-output-size") == 2 and "--- answer:" in r.output
    pdf = tmp_path / "p.pdf"
    r = run("preview", "dl/cnn/conv-output-size", "--seeds", "2", "--pdf", pdf)
    assert r.exit_code == 0, r.output
    assert "Solution" in "".join(p.extract_text() for p in PdfReader(pdf).pages)


def _bank(tmp_path: Path, body: str) -> Path:
    bank = tmp_path / "bank" / "t"
    bank.mkdir(parents=True)
    (bank / "q.py").write_text(textwrap.dedent(body))
    return tmp_path / "bank"


WRONG = '''
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
        return Numerical(2 * p["n"] + (1 if p["n"] == 13 else 0))   # a bug for n = 13

    def verify(self, p):
        return sum([p["n"], p["n"]])
'''


def test_check_reports_failing_seed(run, tmp_path):
    r = run("check", _bank(tmp_path, WRONG), "--seeds", "200")
    assert r.exit_code == 1
    assert "FAIL t/arith/double" in r.output
    failing = [line for line in r.output.splitlines() if "disagrees with the independent check" in line]
    assert failing and '"n": 13' in failing[0]
    seed = int(failing[0].split("(seed ")[1].split(")")[0])
    again = run("solve", "t/arith/double", "--seed", seed, "--bank", tmp_path / "bank")
    assert again.exit_code == 1 and "disagrees" in again.output


def test_check_builtin_bank_passes(run):
    r = run("check", "--seeds", "20")
    assert r.exit_code == 0, r.output
    assert "templates passed over 20 seeds each" in r.output


def test_broken_bank_file_names_file_and_line(run, tmp_path):
    bank = _bank(tmp_path, WRONG.replace("def draw(self, rng):", "def draw(self, rng) oops:"))
    r = run("list", "--bank", bank)
    assert r.exit_code == 1 and "q.py, line" in r.output and "SyntaxError" in r.output


def test_build_anonymous_papers(run, tmp_path):
    out = tmp_path / "anon"
    r = run("build", "examples/dl-midsem.yaml", "--n", "4", "--out", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (out / "papers").glob("*.pdf")) == ["001.pdf", "002.pdf", "003.pdf", "004.pdf"]
    text = PdfReader(out / "papers" / "002.pdf").pages[0].extract_text()
    assert "002" in text and "Name:" in text


def test_build_needs_roster_or_n(run):
    r = CliRunner().invoke(main, ["build", "examples/dl-midsem.yaml"])
    assert r.exit_code == 2 and "either --roster FILE or --n NUMBER" in r.output


LATEX_BUG = WRONG.replace("What is \\(2\\times<<n>>\\)?", "What is \\undefinedmacro{<<n>>}?").replace(
    ' + (1 if p["n"] == 13 else 0)', "")


def test_failed_build_keeps_previous_output_and_names_question(run, tmp_path):
    assert "undefinedmacro" in LATEX_BUG
    bank = _bank(tmp_path, LATEX_BUG)
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 1\nheader: {exam_title: T}\nsections:\n  - title: A\n    questions:\n"
                    "      - id: t/arith/double\n")
    out = tmp_path / "out"
    assert run("build", spec, "--n", "2", "--out", out, "--bank", bank, "--no-pdf").exit_code == 0
    previous = {p: p.read_bytes() for p in out.rglob("*")}
    r = run("build", spec, "--n", "2", "--out", out, "--bank", bank)
    assert r.exit_code == 1
    assert "LaTeX error in paper of 001, question t/arith/double" in r.output
    assert "Undefined control sequence" in r.output and "Traceback" not in r.output
    assert {p: p.read_bytes() for p in out.rglob("*")} == previous
    assert not list(tmp_path.glob(".out.staging*"))
    assert list((tmp_path / "out.latex-error").glob("*.log"))


def test_bad_spec_is_a_clear_error(run, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: x\nheader: {}\nsections: []\n")
    r = run("build", spec, "--n", "2", "--out", tmp_path / "o")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "field 'seed'" in r.output and "field 'header.exam_title'" in r.output and "field 'sections'" in r.output


def test_build_with_a_failing_verification_writes_nothing(run, tmp_path):
    bank = _bank(tmp_path, WRONG.replace('p["n"] == 13', 'p["n"] % 2 == 1'))  # wrong for every odd n
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 5\nheader: {exam_title: T}\nsections:\n  - title: A\n    questions:\n"
                    "      - id: t/arith/double\n")
    out = tmp_path / "out"
    r = run("build", spec, "--n", "6", "--out", out, "--bank", bank)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "variants failed; nothing was written" in r.output
    assert "paper of 00" in r.output and "t/arith/double (seed " in r.output and "disagrees" in r.output
    assert not out.exists() and not list(tmp_path.glob(".out.staging*"))


def test_the_console_script_flushes_its_output_and_keeps_exit_codes(tmp_path):
    """``cli.run`` ends the process with os._exit: output is still complete and exit codes are click's."""
    import subprocess
    import sys

    def script(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "from generator.cli import run; run()", *args],
                              check=False, capture_output=True, text=True, cwd=tmp_path, timeout=300)

    ok = script("list", "--json")
    assert ok.returncode == 0 and len(json.loads(ok.stdout)) > 100  # the whole JSON, flushed
    usage = script("solve")
    assert usage.returncode == 2 and "Missing argument" in usage.stderr
    error = script("grade", "missing.json", "missing.csv", "--out", "res", "--no-feedback")
    assert error.returncode == 1 and "cannot read manifest missing.json" in error.stderr
    assert "Traceback" not in error.stderr and not (tmp_path / "res").exists()
