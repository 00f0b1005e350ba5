"""Templates that raise, disagree or break LaTeX: clear errors with question, seed, file and line in every command."""

from __future__ import annotations

import pytest
from faultkit import FAULT_BANK, fails, invoke, write

SPEC_ONE = "seed: 3\nheader: {{exam_title: Drill}}\nsections:\n  - title: A\n    questions:\n      - id: {qid}\n"

# question id -> what the message must say besides the id and seed
PYTHON_STAGES = {
    "t/fault/draw-raises": ["draw() raised RuntimeError: the draw broke", "faults.py, line 22"],
    "t/fault/solve-key-error": ["solve() raised KeyError", "faults.py, line 30"],
    "t/fault/solve-index-error": ["solve() raised IndexError", "faults.py, line 38"],
    "t/fault/solve-zero-division": ["solve() raised ZeroDivisionError", "faults.py, line 46"],
    "t/fault/solve-overflow": ["solve() raised OverflowError", "faults.py, line 54"],
    "t/fault/working-raises": ["working() raised RuntimeError: working broke", "faults.py, line 63"],
    "t/fault/jinja-zero-division": ["stem text, line 2", "ZeroDivisionError", "faults.py"],
    "t/fault/jinja-undefined": ["stem text", "'missing_value' is undefined", "faults.py"],
    "t/fault/verify-disagrees": ["disagrees with the independent check"],
    "t/fault/verify-raises": ["verify() raised IndexError", "faults.py, line 92"],
    "t/fault/end-document": ["uses \\end{document}", "faults.py"],
    "t/fault/not-json": ["not JSON-ready", "faults.py"],
}


@pytest.mark.parametrize("qid", list(PYTHON_STAGES))
def test_build_names_question_seed_file_and_line(qid, out, previous_build, tmp_path):
    spec = write(tmp_path / "s.yaml", SPEC_ONE.format(qid=qid))
    fails(invoke("build", spec, "--n", "2", "--bank", FAULT_BANK, "--out", out),
          "nothing was written", f"{qid} (seed ", *PYTHON_STAGES[qid], out=out, previous=previous_build)


@pytest.mark.parametrize("command", ["solve", "preview", "check"])
@pytest.mark.parametrize("qid", ["t/fault/draw-raises", "t/fault/solve-overflow", "t/fault/jinja-zero-division"])
def test_other_commands_name_question_seed_and_line(command, qid):
    args = {"solve": ["solve", qid, "--seed", "5"], "preview": ["preview", qid, "--first-seed", "5"],
            "check": ["check", FAULT_BANK, "--only", qid, "--seeds", "6"]}[command]
    if command != "check":
        args += ["--bank", FAULT_BANK]
    first_listed = 0 if command == "check" else 5  # check lists the first failing seeds of 0..5
    fails(invoke(*args), f"{qid} (seed {first_listed})", *PYTHON_STAGES[qid][:2])


def test_latex_error_names_paper_question_and_seed_and_keeps_sources(out, previous_build, tmp_path):
    spec = write(tmp_path / "s.yaml", SPEC_ONE.format(qid="t/fault/undefined-macro"))
    fails(invoke("build", spec, "--n", "2", "--bank", FAULT_BANK, "--out", out),
          "LaTeX error in paper of 001, question t/fault/undefined-macro seed=", "Undefined control sequence",
          "out.latex-error", out=out, previous=previous_build)
    assert list((tmp_path / "out.latex-error").glob("*.tex"))


def test_tex_capacity_exceeded_is_a_clear_error(out, previous_build, tmp_path):
    spec = write(tmp_path / "s.yaml", SPEC_ONE.format(qid="t/fault/deep-groups"))
    fails(invoke("build", spec, "--n", "1", "--bank", FAULT_BANK, "--out", out),
          "question t/fault/deep-groups", "TeX capacity exceeded", out=out, previous=previous_build)


def test_check_latex_fails_what_build_would_fail():
    fails(invoke("check", FAULT_BANK, "--only", "t/fault/undefined-macro", "--seeds", "2", "--latex"),
          "question t/fault/undefined-macro seed=", "Undefined control sequence")


def test_check_finds_a_template_that_uses_global_random(tmp_path):
    bank = write(tmp_path / "bank" / "t" / "q.py", '''
        import random

        from generator.answers import Numerical
        from generator.question import Question


        class GlobalRandom(Question):
            id = "t/x/global-random"
            title = "Draws from Python's global random"
            topic = "t"
            stem = "What is <<n>>?"
            solution = "It is <<n>>."

            def draw(self, rng):
                return {"n": random.randint(1, 10**9)}

            def solve(self, p):
                return Numerical(p["n"])

            def verify(self, p):
                return p["n"]
        ''').parents[1]
    fails(invoke("check", bank, "--seeds", "5"), "t/x/global-random (seed 0)",
          "differs when built in another process", "Python's random")


def test_bank_with_a_syntax_error_names_file_and_line(tmp_path, out, previous_build):
    bank = write(tmp_path / "bank" / "t" / "broken.py", "class Q(:\n    pass\n").parents[1]
    spec = write(tmp_path / "s.yaml", SPEC_ONE.format(qid="t/x/y"))
    fails(invoke("build", spec, "--n", "1", "--bank", bank, "--out", out), "broken.py, line 1", "SyntaxError",
          out=out, previous=previous_build)


@pytest.mark.parametrize("value, message", [
    ("1e300", "between -1e+06 and 1e+06"),
    ("NaN", "finite"),
    ("[" + ",".join(["1"] * 300) + "]", "at most 256"),
    ("[[[[[1]]]]]", "nested more than 3 deep"),
])
def test_solve_set_out_of_range_fails_fast(value, message):
    fails(invoke("solve", "dl/cnn/conv-output-size", "--set", f"size={value}"), "dl/cnn/conv-output-size",
          "--set size", message)


def test_solve_set_that_overflows_the_template_is_a_param_error():
    assert invoke("solve", "t/fault/fine", "--bank", FAULT_BANK, "--set", "n=999999").exit_code == 0
    fails(invoke("solve", "t/fault/solve-overflow", "--bank", FAULT_BANK, "--set", "n=3"),
          "t/fault/solve-overflow", "OverflowError", "faults.py, line 54")


def test_solve_set_huge_sizes_give_a_clear_error_not_a_memory_blowup():
    fails(invoke("solve", "dl/cnn/conv-params", "--set", "in_channels=1000000", "--set", "out_channels=1000000",
                 "--set", "kernel=1000"), "dl/cnn/conv-params", "MemoryError")
