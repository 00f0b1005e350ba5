"""``manifest.json``: the record of a build, enough to regrade and to rebuild any paper."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..answers import MultiPart, answer_type_name
from ..bank import BUILTIN_BANK
from ..build import BuildResult, Paper
from ..latex import TEMPLATES

#: 2: questions carry ``stem_tex``, ``solution_tex``, ``figure_tex`` and ``prompts_tex`` (for feedback PDFs).
#: 3: those four are under ``texts`` (one list per paper, one record per question), not in ``papers``.
MANIFEST_VERSION = 3
_PACKAGES = ("numpy", "sympy", "jinja2", "pypdf", "pylatex", "pydantic")


def _templates_sha256() -> str:
    h = hashlib.sha256()
    for f in sorted(TEMPLATES.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(TEMPLATES).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _pdflatex_version() -> str | None:
    """First line of ``pdflatex --version`` (the TeX Live release typesets the PDFs), or None."""
    exe = shutil.which("pdflatex")
    if not exe:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False, timeout=60)
    return out.stdout.splitlines()[0] if out.stdout else None


def _relative_to_spec(path: str | Path | None, result: BuildResult) -> str | None:
    """``path`` relative to the spec's folder, in POSIX form, so two checkouts record the same text."""
    if path is None:
        return None
    spec_dir = Path(result.spec.path).resolve().parent
    return Path(os.path.relpath(Path(path).resolve(), spec_dir)).as_posix()


def _bank_path(result: BuildResult) -> str:
    """``builtin:<name>`` for the bank shipped with variantex, else the bank's path relative to the spec."""
    root = result.bank.root.resolve()
    if root == BUILTIN_BANK.resolve():
        return f"builtin:{root.name}"
    return str(_relative_to_spec(root, result))


def manifest_data(result: BuildResult, with_papers: bool = True) -> dict[str, Any]:
    """The manifest as JSON-ready data (no timestamps: same build, same bytes).

    Holds the versions of variantex, Python, pdflatex and the libraries that
    compute and render; hashes of the spec, bank (and each question file),
    templates and roster, with their paths relative to the spec's folder (so
    two checkouts of the same inputs give the same bytes); the spec itself;
    and (unless ``with_papers`` is false) under ``papers`` every paper's
    :func:`paper_data` and under ``texts`` its :func:`paper_texts`, in the same order.
    """
    spec = result.spec
    data = {
        "manifest_version": MANIFEST_VERSION,
        "variantex_version": __version__,
        "python_version": platform.python_version(),
        "packages": {p: metadata.version(p) for p in _PACKAGES},
        "pdflatex": _pdflatex_version(),
        "seed": spec.spec.seed,
        "spec": {"path": Path(spec.path).name, "sha256": spec.sha256, "content": spec.spec.model_dump(mode="json")},
        "bank": {"path": _bank_path(result), "sha256": result.bank.sha256,
                 "questions": {qid: result.bank.file_sha256(qid) for qid in sorted(
                     {i.variant.question_id for p in result.papers for i in p.items})}},
        "templates_sha256": _templates_sha256(),
        "roster": {"source": _relative_to_spec(result.roster.source, result), "sha256": result.roster.sha256,
                   "students": len(result.roster.students)},
    }
    if with_papers:
        data["papers"] = [paper_data(p) for p in result.papers]
        data["texts"] = [paper_texts(p) for p in result.papers]
    return data


def paper_data(p: Paper) -> dict[str, Any]:
    """One paper in the manifest: student, paper id, sections (with their negative marking and grading
    schemes), and every variant's seed, params, answer (``Answer.to_json``; choice options with their
    LaTeX text), key text, points and negative marking: everything ``variantex grade`` needs but the
    texts of feedback PDFs (:func:`paper_texts`)."""
    return {
        "student_id": p.student.student_id,
        "name": p.student.name,
        "paper_id": p.paper_id,
        "total_points": p.total_points,
        "sections": [{"title": s.title, "negative_marking": s.negative_marking,
                      "multiple_choice_scoring": s.multiple_choice_scoring, "matrix_scoring": s.matrix_scoring,
                      "questions": [i.number for i in s.items]} for s in p.sections],
        "questions": [{
            "number": i.number,
            "question_id": i.variant.question_id,
            "seed": i.variant.seed,
            "attempt": i.variant.attempt,
            "points": i.points,
            "negative_marking": i.negative_marking,
            "answer_type": answer_type_name(i.variant.answer),
            "params": dict(i.variant.params),
            "answer": i.variant.answer.to_json(),
            "key_text": i.variant.answer.key_text(),
        } for i in p.items],
    }


def paper_texts(p: Paper) -> list[dict[str, Any]]:
    """The LaTeX a paper and its key print, per question in paper order: ``stem_tex``, ``solution_tex``,
    ``figure_tex`` (a TikZ body, "" for none) and ``prompts_tex`` (a multi-part question's part prompts by
    label, else empty). Only feedback PDFs read them; grading without feedback skips them unread."""
    return [{
        "stem_tex": i.variant.stem_tex,
        "solution_tex": i.variant.solution_tex,
        "figure_tex": i.variant.figure_tex,
        "prompts_tex": {part.label: part.prompt_tex for part in (
            i.variant.answer.parts if isinstance(i.variant.answer, MultiPart) else ())},
    } for i in p.items]


def _dumps(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(indent=1, sort_keys=True)`` writes it ``level`` levels deep in a document."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + " " * level)


def _paper_line(paper: dict[str, Any] | list[Any]) -> str:
    """One paper (or its texts) as one line of JSON (sorted keys, no spaces)."""
    return json.dumps(paper, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


#: The keys whose value is a list written one item (a paper, a paper's texts) per line.
_LINED = ("papers", "texts")


class ManifestWriter:
    """Write ``manifest.json`` (sorted keys, UTF-8): the build's record with one-space indentation, and
    ``papers`` and ``texts`` with one paper per line.

    The text is ``json.dumps(manifest_data(result), indent=1,
    sort_keys=True, ensure_ascii=False)`` plus a newline, except that each
    paper and each paper's texts are written on one line without spaces
    (:func:`_paper_line`): the indentation of a 3,000-student manifest was 60
    of its 294 MB, and reading it took a fifth of ``variantex grade``'s time
    (bench/bench_grade.py). The texts (two thirds of the file) are one block
    of lines that ``grading.manifest`` cuts out unread when no feedback is
    asked. It is written one paper at a time, so memory does not grow with
    the size of the manifest (3,000 students' manifest took 370 MiB as one string).
    """

    filename = "manifest.json"

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        path = out / self.filename
        head = manifest_data(result, with_papers=False)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("{")
            for k, key in enumerate(sorted([*head, *_LINED])):
                fh.write(("," if k else "") + "\n " + json.dumps(key) + ": ")
                if key not in _LINED:
                    fh.write(_dumps(head[key], 1))
                    continue
                if not result.papers:
                    fh.write("[]")
                    continue
                item = paper_data if key == "papers" else paper_texts
                fh.write("[")
                fh.writelines(("," if j else "") + "\n  " + _paper_line(item(paper))
                              for j, paper in enumerate(result.papers))
                fh.write("\n ]")
            fh.write("\n}\n")
        return [path]
