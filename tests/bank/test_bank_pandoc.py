"""Question text stays convertible: pandoc reads every template's LaTeX without skipping anything.

The Moodle and Canvas writers to come turn question text into HTML with pandoc; a
command pandoc does not know is silently dropped ("Skipped '\\foo'"), so a template
that uses one would lose text in the LMS. Checked over a few seeds of every template:
the stem, the solution, choice options and multi-part prompts.
"""

from __future__ import annotations

import subprocess

import pypandoc

from generator.variant import make_variant

SEEDS = range(3)


def _texts(variant) -> list[str]:
    answer = variant.answer
    texts = [variant.stem_tex, variant.solution_tex]
    texts += [o.text_tex for o in getattr(answer, "options", ())]
    texts += [o.rationale for o in getattr(answer, "options", ()) if o.rationale]
    texts += [p.prompt_tex for p in getattr(answer, "parts", ())]
    return texts


def test_pandoc_converts_every_template_without_skipping(bank):
    pandoc = pypandoc.get_pandoc_path()
    problems = []
    for qid, question in bank.questions.items():
        source = "\n\n".join(t for s in SEEDS for t in _texts(make_variant(question, s)))
        run = subprocess.run([pandoc, "-f", "latex", "-t", "html", "--mathjax", "--verbose"], input=source,
                             capture_output=True, text=True, check=False)
        skipped = [line for line in run.stderr.splitlines() if "Skipped" in line or "WARNING" in line]
        if run.returncode or skipped:
            problems.append(f"{qid}: exit {run.returncode}; {skipped[:3]}")
    assert not problems, "\n".join(problems)


def test_pandoc_check_catches_an_unknown_command():
    run = subprocess.run([pypandoc.get_pandoc_path(), "-f", "latex", "-t", "html", "--verbose"],
                         input=r"Text \vxunknown{x}", capture_output=True, text=True, check=False)
    assert "Skipped" in run.stderr
