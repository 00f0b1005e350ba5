"""The ``variantex`` command: a thin layer that parses options, calls the library, prints.

Commands: ``build`` (papers, keys, CSV key, manifest, HTML pages), ``list``
(the bank's questions), ``preview`` (one question over a few seeds, as text,
PDF or HTML), ``check`` (stress test of templates), ``solve`` (one variant,
optionally with params set), ``export moodle|qti`` (a question pool for an
LMS: N variants of every question of a spec), ``grade`` (a responses CSV against
a build's manifest.json), ``scan`` (scanned answer sheets to a responses CSV).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import Interrupted, ParamError, VariantexError

if TYPE_CHECKING:
    from .bank import Bank

# Each command imports what it uses when it runs: `variantex grade` must not pay for sympy, scipy.stats
# and the build's templates (1.4 s of imports, bench/bench_grade.py).

#: The last grading run of this process (see the end of grade_command).
_LAST_GRADING: object = None
#: How many of grade's input problems are printed (all are in problems.csv and report.html).
SHOWN_WARNINGS = 20
#: How many seeds per template ``check --latex`` typesets (the keys that ran into the margin did so at seeds 13 and 20).
LATEX_SEEDS = 30

bank_option = click.option("--bank", "bank_path", type=click.Path(file_okay=False, path_type=Path),
                           default=None, help="Question bank folder (default: the built-in Deep Learning bank).")


def _bank(path: Path | None) -> Bank:
    from .bank import BUILTIN_BANK, load_bank

    return load_bank(path or BUILTIN_BANK)


def _spec_bank(path: Path | None, loaded) -> Bank:
    """The bank ``--bank`` names, else the spec's ``bank:``, else the built-in one."""
    return _bank(path or (Path(loaded.bank_path) if loaded.bank_path else None))


def _question(bank: Bank, qid: str):
    if qid not in bank.questions:
        raise VariantexError(f"no question '{qid}' in bank {bank.root}{bank.did_you_mean(qid)}")
    return bank.questions[qid]


class _Commands(click.Group):
    """The command group; turns faults of the machine into clear errors instead of tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None
        except OSError as e:  # a disk that is full, read-only or gone; a file that vanished mid-run
            where = f": {e.filename}" if e.filename else ""
            raise VariantexError(f"{e.strerror or e}{where}") from None
        except MemoryError:
            raise VariantexError("out of memory; build fewer students at a time (--n or a shorter roster)") from None


@click.group(cls=_Commands)
@click.version_option(package_name="variantex")
def main() -> None:
    """Build a different exam paper for every student from seeded question templates."""


@main.command("build")
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV with columns student_id,name: one paper per student.")
@click.option("--n", "count", type=int, help="Build N anonymous papers instead of a roster.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: output/<spec name>). Replaced only when the build succeeds.")
@bank_option
@click.option("--no-pdf", is_flag=True, help="Write the CSV key and manifest only (no LaTeX needed).")
@click.option("--html", "html", is_flag=True,
              help="Also write html/<student_id>.html (questions and keys, MathML) and html/index.html.")
@click.option("--sheets", "sheets", is_flag=True,
              help="Also write scannable answer sheets: sheets/<student_id>.pdf, print/sheets.pdf, "
                   "sheets/layout.json.")
def build_command(spec_path: Path, roster: Path | None, count: int | None, out: Path | None,
                  bank_path: Path | None, no_pdf: bool, html: bool, sheets: bool = False) -> None:
    """Build every student's paper and key from the exam SPEC (YAML)."""
    from .build import build
    from .output import check_output, write_build
    from .roster import anonymous_roster, load_roster
    from .spec import load_spec
    from .writers import default_writers

    if (roster is None) == (count is None):
        raise click.UsageError("give either --roster FILE or --n NUMBER")
    started = time.perf_counter()
    loaded = load_spec(spec_path)
    students = load_roster(roster) if roster else anonymous_roster(count)
    bank = _spec_bank(bank_path, loaded)
    out = out or Path("output") / spec_path.stem
    check_output(out)  # refuse a folder that is not ours before drawing anything
    with click.progressbar(length=len(students.students), label="Drawing and verifying variants",
                           file=sys.stderr) as bar:
        result = build(loaded, students, bank, lambda done: _advance(bar, done))
    extra = []
    if sheets:
        from .writers.sheets import SheetsWriter

        extra.append(SheetsWriter())
    if no_pdf:
        write_build(result, out, default_writers(pdf=False, html=html) + extra)
    else:
        with click.progressbar(length=1, label="Typesetting papers and keys   ", file=sys.stderr) as bar:
            write_build(result, out, default_writers(html=html,
                                                     progress=lambda done, total: _advance(bar, done, total))
                        + extra)
    click.echo(f"Built {len(result.papers)} papers in {time.perf_counter() - started:.1f} s -> {out}")


def _advance(bar, done: int, total: int | None = None) -> None:
    """Move a click progress bar to ``done`` steps (of ``total``, when the total is known only now)."""
    if total is not None:
        bar.length = total
    bar.update(done - bar.pos)


@main.command("grade")
@click.argument("manifest_path", metavar="MANIFEST", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("responses_path", metavar="RESPONSES", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: results/<build folder name>). Replaced only when grading succeeds.")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Regrade rules (YAML): drop, full_marks, accept, override; each listed in overrides.csv.")
@click.option("--feedback/--no-feedback", default=True, show_default=True,
              help="Typeset feedback/<student_id>.pdf for every student with a row (pdflatex).")
def grade_command(manifest_path: Path, responses_path: Path, out: Path | None, rules_path: Path | None,
                  feedback: bool) -> None:
    """Grade the RESPONSES CSV against a build's MANIFEST (manifest.json); the bank is not needed.

    Writes scores.csv, responses_graded.csv, moodle_grades.csv, problems.csv, overrides.csv,
    the class analysis (items.csv, distractors.csv, summary.json, variants.csv), report.html,
    and (unless --no-feedback) feedback/<student_id>.pdf for every student with a row.
    Problems in the responses (unknown ids, duplicate rows, missing students,
    unreadable cells, missing or extra columns) are listed with their line and
    column; every row that can be graded is graded.
    """
    from .grading.run import GradingRun, GradingSources
    from .grading.scoring import paused_gc
    from .output import check_output, write_build

    out = out or Path("results") / Path(manifest_path).resolve().parent.name
    check_output(out)
    sources = GradingSources(manifest_path, responses_path, rules_path)
    with paused_gc():  # millions of objects, no cycles: see paused_gc
        if feedback:
            with click.progressbar(length=1, label="Typesetting feedback", file=sys.stderr) as bar:
                run = GradingRun(feedback=True, progress=lambda done, total: _advance(bar, done, total))
                write_build(sources, out, [run])
        else:
            run = GradingRun(feedback=False)
            write_build(sources, out, [run])
        grades = run.grades
        for p in grades.problems[:SHOWN_WARNINGS]:
            click.echo(f"warning: {p.text()}", err=True)
        if len(grades.problems) > SHOWN_WARNINGS:
            click.echo(f"warning: ... and {len(grades.problems) - SHOWN_WARNINGS} more problems, every one in "
                       f"{out / 'problems.csv'} and the report", err=True)
        click.echo(f"Graded {len(grades.table.totals)} of {grades.n_papers} students"
                   f"{f' ({len(grades.problems)} problems, see problems.csv)' if grades.problems else ''} -> {out}")
        # Kept past the return, so that the class's millions of objects are not freed one by one (0.45 s for
        # 3,000 students): the console script (run) ends the process without the teardown.
        global _LAST_GRADING
        _LAST_GRADING = run


@main.command("scan")
@click.argument("build_dir", metavar="BUILD", type=click.Path(file_okay=False, path_type=Path))
@click.argument("scans", metavar="SCANS...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: results/<build folder name>-scan). Replaced only when scanning "
                   "succeeds.")
@click.option("--corrections", "corrections_path", type=click.Path(dir_okay=False, path_type=Path),
              help="corrections.csv (student_id,column,value): the instructor's readings of unreadable items.")
@click.option("--progress", is_flag=True, help="Show a progress bar.")
def scan_command(build_dir: Path, scans: tuple[Path, ...], out: Path | None, corrections_path: Path | None,
                 progress: bool) -> None:
    """Read scanned answer SCANS (PDFs, images) of the build in BUILD (built with --sheets).

    Writes responses.csv (for variantex grade), scan_report.csv, review.html,
    corrections_template.csv and, when there are any, hand_marks.yaml and
    student_numbers.csv.
    """
    from .output import check_output, write_build
    from .scan import scan
    from .scan.writers import scan_writers

    out = out or Path("results") / f"{Path(build_dir).resolve().name}-scan"
    check_output(out)
    if progress:
        with click.progressbar(length=1, label="Reading scanned pages", file=sys.stderr) as bar:
            result = scan(build_dir, list(scans), corrections_path,
                          progress=lambda done, total: _advance(bar, done, total))
    else:
        result = scan(build_dir, list(scans), corrections_path)
    write_build(result, out, scan_writers())
    click.echo(result.summary() + f" -> {out}")


@main.command("list")
@bank_option
@click.option("--topic", help="Only this topic.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(bank_path: Path | None, topic: str | None, as_json: bool) -> None:
    """List the bank's questions with topic, difficulty and answer type."""
    from .answers import answer_type_name
    from .variant import make_variant

    bank = _bank(bank_path)
    rows = []
    for q in bank.select(topic):
        rows.append({"id": q.id, "topic": q.topic, "difficulty": q.difficulty,
                     "type": answer_type_name(make_variant(q, 0).answer), "title": q.title})
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['topic']:<12} {r['difficulty']:<12} {r['type']:<15} {r['title']}")
    click.echo(f"{len(rows)} questions in {bank.root}")


def _parse_sets(sets: tuple[str, ...]) -> dict:
    overrides = {}
    for s in sets:
        name, sep, value = s.partition("=")
        if not sep or not name.strip():
            raise ParamError(f"--set {s!r}: expected name=value, e.g. --set stride=2")
        try:
            overrides[name.strip()] = json.loads(value)
        except json.JSONDecodeError as e:
            raise ParamError(f"--set {s!r}: the value must be JSON (a number, true/false, \"text\" or "
                             f"[[1,2],[3,4]]): {e.msg}") from None
    return overrides


@main.command("solve")
@click.argument("qid", metavar="ID")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Variant seed.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Set a param (value as JSON).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "seed", "params", "answer"} as JSON.')
@bank_option
def solve_command(qid: str, seed: int, sets: tuple[str, ...], as_json: bool, bank_path: Path | None) -> None:
    """Solve question ID for one seed, optionally with params set by --set."""
    from .variant import make_variant

    variant = make_variant(_question(_bank(bank_path), qid), seed, _parse_sets(sets) or None)
    if as_json:
        click.echo(json.dumps({"id": variant.question_id, "seed": variant.seed, "params": dict(variant.params),
                               "answer": variant.answer.to_json()}, indent=1))
        return
    click.echo(f"{variant.question_id} (seed {variant.seed})")
    click.echo(f"params: {json.dumps(dict(variant.params))}")
    click.echo(f"answer: {variant.answer.key_text()}")


@main.command("preview")
@click.argument("qid", metavar="ID")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True, help="How many seeds.")
@click.option("--first-seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Typeset the variants, with answers and solutions, into this PDF.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the variants, with answers and solutions, as one self-contained HTML page.")
@bank_option
def preview_command(qid: str, seeds: int, first_seed: int, pdf_path: Path | None, bank_path: Path | None,
                    html_path: Path | None = None) -> None:
    """Show question ID over a few seeds: text, answer and solution."""
    from .variant import make_variant

    bank = _bank(bank_path)
    question = _question(bank, qid)
    variants = [make_variant(question, s) for s in range(first_seed, first_seed + seeds)]
    if html_path is not None:
        from .writers.files import write_file_atomically
        from .writers.html import preview_page

        folders = {q: f.parent for q, f in bank.files.items()}
        write_file_atomically(html_path, preview_page(f"Preview: {question.id}", variants, folders).encode())
        click.echo(f"Wrote {html_path}")
        if pdf_path is None:
            return
    if pdf_path is None:
        for v in variants:
            click.echo(f"=== {v.question_id}, seed {v.seed}, params {json.dumps(dict(v.params))}")
            click.echo(v.stem_tex)
            click.echo(f"--- answer: {v.answer.key_text()}")
            click.echo(v.solution_tex + "\n")
        return
    from .build import sample_paper
    from .latex import typeset
    from .spec import Header

    header = Header(exam_title=f"Preview: {question.id}", instructions=(
        f"Seeds {first_seed} to {first_seed + seeds - 1}.",))
    typeset([sample_paper(question.title, variants, question.points)], header, key=True, dest=pdf_path)
    click.echo(f"Wrote {pdf_path}")


@main.command("check")
@click.argument("bank_dir", metavar="BANK", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seeds", type=click.IntRange(min=1), default=100, show_default=True, help="Seeds per template.")
@click.option("--only", multiple=True, metavar="ID", help="Check only these question ids.")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--latex", is_flag=True, help="Also typeset papers and keys of the first seeds with pdflatex.")
def check_command(bank_dir: Path | None, seeds: int, only: tuple[str, ...], as_json: bool, latex: bool) -> None:
    """Stress-test every template of BANK over many seeds (default: the built-in bank).

    Every variant's answer is verified; failures are listed with the seed that
    reproduces them (variantex solve ID --seed SEED). Exits 1 if any fails.
    """
    from .check import check_bank, typeset_check

    bank = _bank(bank_dir)
    reports = check_bank(bank, seeds, only)
    if latex:
        margins = typeset_check(bank, min(seeds, LATEX_SEEDS), only)
        for r in reports:
            for problem in margins.get(r.question_id, []):
                r.add_failure(problem)
        click.echo(f"LaTeX: papers and keys of {min(seeds, LATEX_SEEDS)} seeds per template typeset", err=True)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], indent=1))
    else:
        for r in reports:
            status = "ok  " if r.ok else "FAIL"
            spread = ""
            if r.numeric_range:
                lo, med, hi = r.numeric_range
                spread = f" range {lo:g}..{hi:g} (median {med:g})"
            pos = ""
            if r.positions:
                pos = " positions " + " ".join(f"{k}:{v}" for k, v in r.positions.items())
            for label, counts in r.ranks.items():
                pos += f" ranks{f'({label})' if label else ''} " + " ".join(f"{k + 1}:{v}" for k, v in counts.items())
            click.echo(f"{status} {r.question_id}: {r.distinct_answers} distinct answers{spread}{pos}"
                       f"{f', {r.redraws} redraws' if r.redraws else ''} [{r.seconds:.2f} s]")
            for f in r.failures:
                click.echo(f"     {f}")
            if r.failure_count > len(r.failures):
                click.echo(f"     ... {r.failure_count - len(r.failures)} more failing seeds")
        bad = sum(not r.ok for r in reports)
        click.echo(f"{len(reports) - bad} of {len(reports)} templates passed over {seeds} seeds each")
    if any(not r.ok for r in reports):
        raise SystemExit(1)


@main.group("export", cls=_Commands)
def export_group() -> None:
    """Export an exam as a question pool for an LMS: N variants of every question, one category each."""


def _export_options(default_suffix: str):
    def decorate(f):
        f = click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))(f)
        f = click.option("--variants", type=click.IntRange(min=1, max=1000), default=30, show_default=True,
                         help="Variants per question (those of students pool-1 ... pool-N).")(f)
        f = click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                         help=f"Output file (default: output/<spec name>{default_suffix}). Written atomically.")(f)
        return bank_option(f)
    return decorate


def _export(spec_path: Path, variants: int, out: Path | None, bank_path: Path | None, writer, suffix: str) -> None:
    from .pool import pool
    from .spec import load_spec
    from .writers.files import write_file_atomically

    started = time.perf_counter()
    loaded = load_spec(spec_path)
    bank = _spec_bank(bank_path, loaded)
    out = out or Path("output") / f"{spec_path.stem}{suffix}"
    the_pool = pool(loaded, bank, variants)
    data = writer.render(the_pool)
    write_file_atomically(out, data)
    for w in writer.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"Wrote {len(the_pool.slots)} categories x {variants} variants "
               f"({len(the_pool.slots) * variants} questions) in {time.perf_counter() - started:.1f} s -> {out}")


@export_group.command("moodle")
@_export_options("-moodle.xml")
def export_moodle_command(spec_path: Path, variants: int, out: Path | None, bank_path: Path | None) -> None:
    """Moodle XML question pool of SPEC: one category per question, N variants in each.

    In Moodle: Question bank > Import > Moodle XML; then a quiz with one
    "random question" from each category gives every student a different variant.
    """
    from .writers.moodle import MoodleXmlWriter

    _export(spec_path, variants, out, bank_path, MoodleXmlWriter(), "-moodle.xml")


@export_group.command("qti")
@_export_options("-canvas-qti.zip")
def export_qti_command(spec_path: Path, variants: int, out: Path | None, bank_path: Path | None) -> None:
    """Canvas QTI 1.2 package of SPEC: one question group per question, picking 1 of N variants.

    In Canvas: Settings > Import Course Content > QTI .zip file; the quiz it
    makes has one question group per question.
    """
    from .writers.qti import QtiPackageWriter

    _export(spec_path, variants, out, bank_path, QtiPackageWriter(), "-canvas-qti.zip")


def run() -> None:
    """The ``variantex`` console script: :func:`main`, then the process ends without the interpreter's teardown.

    The teardown frees every object one by one and then collects garbage
    once more; after grading 3,000 students that took 0.6 s of the 5 s budget
    (bench/bench_grade.py). When a command returns, its files are closed and
    renamed into place and its worker processes joined, so only the output
    streams are left to flush. An exception other than ``SystemExit`` (a bug)
    propagates as usual, with its traceback.
    """
    try:
        main()
        code = 0
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
