"""From a question template and a seed to a verified, rendered variant."""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
import numpy as np

from .answers import Answer, NotEnoughOptions
from .errors import ParamError, TemplateError, VariantexError, VerificationError
from .question import Question
from .seeding import variant_rng
from .space import parse_space
from .texenv import make_environment

#: How many draws a variant may take before its template is declared broken.
MAX_ATTEMPTS = 50
#: ``solve --set``: numbers beyond this (where a template declares no ``limits``) are refused.
MAX_OVERRIDE = 1_000_000
MAX_OVERRIDE_ITEMS = 256


@dataclass(frozen=True)
class Variant:
    """One question template instantiated with one seed.

    ``seed`` reproduces it (``variantex solve ID --seed SEED``); ``attempt``
    is the draw that produced it (0 unless choice options collided and the
    params were redrawn). ``params`` are JSON-ready. ``stem_tex`` and
    ``solution_tex`` are rendered LaTeX; ``figure_tex`` is the rendered body
    of the template's tikzpicture and ``figure_alt`` its plain-text
    description ("" for both when the template draws no figure).
    """

    question_id: str
    seed: int
    attempt: int
    params: Mapping[str, Any]
    answer: Answer
    stem_tex: str
    solution_tex: str
    figure_tex: str = ""
    figure_alt: str = ""

    def __reduce__(self) -> tuple:
        """Pickle with ``params`` as a plain dict (a ``MappingProxyType`` does not pickle);
        unpickling wraps it read-only again. Lets worker processes return variants."""
        return (_unpickle_variant, (self.question_id, self.seed, self.attempt, dict(self.params), self.answer,
                                    self.stem_tex, self.solution_tex, self.figure_tex, self.figure_alt))


def _unpickle_variant(question_id: str, seed: int, attempt: int, params: dict[str, Any], answer: Answer,
                      stem_tex: str, solution_tex: str, figure_tex: str = "", figure_alt: str = "") -> Variant:
    return Variant(question_id, seed, attempt, MappingProxyType(params), answer, stem_tex, solution_tex,
                   figure_tex, figure_alt)


def to_plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays turned into Python numbers and lists (JSON-ready)."""
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"not JSON-ready: {value!r} ({type(value).__name__})")


@cache
def _compiled(qid: str, which: str, source: str) -> jinja2.Template:
    try:
        return _ENV.from_string(source)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"{qid}: {which} text, line {e.lineno}: {e.message}") from None


_ENV = make_environment()


def render_text(question: Question, which: str, context: Mapping[str, Any], seed: int) -> str:
    """Render the ``stem``, ``solution``, ``figure`` or ``figure_alt`` of ``question``; errors name
    the id, seed and line.

    Raises :class:`TemplateError` for anything the text's expressions raise
    (an undefined name, a failing filter, a division by zero ...), naming the
    line of the text.
    """
    template = _compiled(question.id, which, getattr(question, which))
    try:
        return template.render(**context).strip()
    except Exception as e:  # noqa: BLE001 - any failure of an author's expression is the author's to fix
        line = next((f.lineno for f in reversed(traceback.extract_tb(e.__traceback__))
                     if f.filename == "<template>"), None)
        message = e.message if isinstance(e, jinja2.TemplateError) and e.message else f"{type(e).__name__}: {e}"
        raise TemplateError(f"{question.id} (seed {seed}): {which} text{f', line {line}' if line else ''}: "
                            f"{message}{_location(question, e)}") from None


#: Commands that act on the whole document, the file system or the PDF: a question's text may not use them
#: (``\end{document}`` in one stem would end every later paper of its batch).
_DOCUMENT_LEVEL = re.compile(r"\\(?:(?:begin|end)\s*\{document\}|documentclass|usepackage|input|include"
                             r"|openout|openin|write|immediate|special|shipout|pdfobj|pdfliteral|catcode"
                             r"|def|let|newcommand|renewcommand|makeatletter|csname)(?![A-Za-z])")


def _checked_text(question: Question, which: str, text: str, seed: int) -> str:
    """``text``, or :class:`TemplateError` if it uses a command from :data:`_DOCUMENT_LEVEL`."""
    found = _DOCUMENT_LEVEL.search(text)
    if found:
        file = template_file(question)
        raise TemplateError(f"{question.id} (seed {seed}): the {which} text uses {found.group(0)}, which acts on "
                            "the whole document; question texts hold only text, math and local formatting"
                            f"{f' (in {_shown(file)})' if file else ''}")
    return text


def template_file(question: Question) -> Path | None:
    """The file that defines ``question``'s class, or None (a class made at run time)."""
    try:
        return Path(inspect.getsourcefile(type(question)) or "")
    except TypeError:
        return None


def _location(question: Question, error: BaseException) -> str:
    """`` (at FILE, line N)``: the deepest frame of ``error`` in the question's bank folder.

    `` (in FILE)`` when no frame is there (the error came from a Jinja text
    or from variantex checking what the template returned), '' when the
    question has no file.
    """
    file = template_file(question)
    if file is None:
        return ""
    package = sys.modules.get(type(question).__module__.split(".")[0])
    roots = [Path(r) for r in getattr(package, "__path__", [])] or [file.parent]
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if path == file or any(path.is_relative_to(r) for r in roots):
            return f" (at {_shown(path)}, line {frame.lineno})"
    return f" (in {_shown(file)})"


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when inside it, else as it is."""
    return os.path.relpath(path) if path.is_absolute() and path.is_relative_to(Path.cwd()) else str(path)


def _failure(question: Question, seed: int, stage: str, error: Exception, params: Any,
             overrides: Mapping[str, Any] | None) -> VariantexError:
    """The user-facing error for ``stage`` of a template raising ``error``."""
    where = _location(question, error)
    shown = _params_text(params)
    if overrides:
        if isinstance(error, (ValueError, TypeError, ArithmeticError)):
            return ParamError(f"{question.id}: invalid params {shown}: {type(error).__name__}: {error}{where}")
        return ParamError(f"{question.id}: {stage} cannot handle params {shown}: {type(error).__name__}: "
                          f"{error}{where}; use values in the ranges the template draws")
    return TemplateError(f"{question.id} (seed {seed}): {stage} raised {type(error).__name__}: {error}{where}; "
                         f"params {shown}")


def _params_text(params: Any) -> str:
    try:
        text = json.dumps(params)
    except (TypeError, ValueError):
        text = repr(params)
    return text if len(text) <= 300 else text[:300] + " ..."


def make_variant(question: Question, seed: int, overrides: Mapping[str, Any] | None = None) -> Variant:
    """Draw, solve, verify and render one variant of ``question``.

    Draws params with ``variant_rng(seed, attempt)``; ``overrides`` replace
    drawn params by name (``solve --set``) and are bounded by
    :func:`check_override`. A draw whose choice options are not distinct is
    redrawn, up to :data:`MAX_ATTEMPTS` times.

    Raises :class:`ParamError` for unknown, out-of-range or invalid
    overrides, :class:`VerificationError` when the answer disagrees with the
    template's independent verification, and :class:`TemplateError` for a
    template that raises or breaks its contract (see ``question``); each
    message names the question id, the seed, and the template's file and line.
    """
    if question.space is not None:
        try:
            parse_space(question.space)
        except ValueError as e:
            file = template_file(question)
            raise TemplateError(f"{question.id}: {e}{f' (in {_shown(file)})' if file else ''}") from None
    last_reason = ""
    for attempt in range(MAX_ATTEMPTS):
        rng = variant_rng(seed, attempt)
        params = _draw(question, rng, seed, overrides)
        try:
            answer = question.solve(params)
        except Exception as e:  # noqa: BLE001 - reported with the question, seed, params and line
            raise _failure(question, seed, "solve()", e, params, overrides) from None
        if not isinstance(answer, Answer):
            raise TemplateError(f"{question.id} (seed {seed}): solve returned {type(answer).__name__}, "
                                "expected an Answer")
        try:
            answer = answer.arranged(rng)
        except NotEnoughOptions as e:
            last_reason = str(e)
            if overrides:
                raise ParamError(f"{question.id}: with params {json.dumps(params)}: {e}") from None
            continue
        except Exception as e:  # noqa: BLE001
            raise _failure(question, seed, "arranging the options", e, params, overrides) from None
        _verify(question, params, answer, seed, overrides)
        try:
            context = {**params, **question.working(params), "answer": answer, "params": params}
        except Exception as e:  # noqa: BLE001
            raise _failure(question, seed, "working()", e, params, overrides) from None
        texts = {which: _checked_text(question, which, render_text(question, which, context, seed), seed)
                 for which in ("stem", "solution", "figure", "figure_alt")}
        if texts["figure"] and not texts["figure_alt"]:
            file = template_file(question)
            raise TemplateError(f"{question.id} (seed {seed}): the template draws a figure but its figure_alt "
                                "is empty; describe the figure in plain text for screen readers and LMS exports"
                                f"{f' (in {_shown(file)})' if file else ''}")
        return Variant(question.id, seed, attempt, MappingProxyType(params), answer, texts["stem"],
                       texts["solution"], texts["figure"], texts["figure_alt"])
    raise TemplateError(f"{question.id} (seed {seed}): no valid variant in {MAX_ATTEMPTS} draws "
                        f"(last: {last_reason})")


def check_override(question: Question, name: str, value: Any) -> None:
    """Refuse an override that no template should be asked to compute.

    Numbers must be finite and within the template's ``limits[name]`` (a
    ``(low, high)`` pair) or, where it declares none, within
    ±:data:`MAX_OVERRIDE`; lists hold at most :data:`MAX_OVERRIDE_ITEMS`
    numbers; text at most 200 characters. Raises :class:`ParamError`.
    """
    low, high = question.limits.get(name, (-MAX_OVERRIDE, MAX_OVERRIDE))
    items: list[Any] = []

    def walk(v: Any, depth: int) -> None:
        if depth > 3:
            raise ParamError(f"{question.id}: --set {name}: nested more than 3 deep")
        if isinstance(v, list):
            for x in v:
                walk(x, depth + 1)
        else:
            items.append(v)

    walk(value, 0)
    if len(items) > MAX_OVERRIDE_ITEMS:
        raise ParamError(f"{question.id}: --set {name}: {len(items)} values; at most {MAX_OVERRIDE_ITEMS}")
    for v in items:
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, str):
            if len(v) > 200:
                raise ParamError(f"{question.id}: --set {name}: text longer than 200 characters")
            continue
        if not isinstance(v, (int, float)) or not math.isfinite(v) or not low <= v <= high:
            raise ParamError(f"{question.id}: --set {name}={_params_text(value)}: each number must be "
                             f"finite and between {low:g} and {high:g}")


def _draw(question: Question, rng: np.random.Generator, seed: int,
          overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        drawn = question.draw(rng)
    except Exception as e:  # noqa: BLE001
        raise _failure(question, seed, "draw()", e, None, None) from None
    try:
        params = to_plain(drawn)
    except TypeError as e:
        raise TemplateError(f"{question.id} (seed {seed}): draw returned a value that is not JSON-ready: {e}"
                            f"{_location(question, e)}") from None
    if not isinstance(params, dict):
        raise TemplateError(f"{question.id} (seed {seed}): draw must return a dict of params")
    if overrides:
        unknown = sorted(set(overrides) - set(params))
        if unknown:
            raise ParamError(f"{question.id}: unknown param(s) {', '.join(unknown)}; "
                             f"this question takes: {', '.join(params)}")
        plain = to_plain(dict(overrides))
        for name, value in plain.items():
            check_override(question, name, value)
        params = {**params, **plain}
    return params


def _verify(question: Question, params: dict[str, Any], answer: Answer, seed: int,
            overrides: Mapping[str, Any] | None = None) -> None:
    if not question.has_verify():
        if answer.computed:
            raise TemplateError(f"{question.id}: its answer is computed ({answer.kind}) "
                                "but the template has no verify()")
        return
    try:
        independent = question.verify(params)
        agrees = answer.agrees_with(independent)
    except Exception as e:  # noqa: BLE001 - a crashing check is a failed check, reported with its seed
        if overrides and isinstance(e, (MemoryError, OverflowError, RecursionError)):
            raise _failure(question, seed, "verify()", e, params, overrides) from None
        raise VerificationError(f"{question.id} (seed {seed}): verify() raised {type(e).__name__}: {e}"
                                f"{_location(question, e)}; params {_params_text(params)}") from None
    if not agrees:
        raise VerificationError(
            f"{question.id} (seed {seed}): answer {answer.key_text()} disagrees with the independent "
            f"check {to_plain_repr(independent)}; params {_params_text(params)}")


def to_plain_repr(value: Any) -> str:
    """A short text form of a verification value for error messages."""
    try:
        return json.dumps(to_plain(value))
    except TypeError:
        return repr(value)
